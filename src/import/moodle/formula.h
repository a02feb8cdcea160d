#pragma once
// The formulas of Moodle's calculated questions (qtype_calculated): an answer "{a} * {b} / 2",
// a text's "{=sqrt({a}**2 + {b}**2)}". Moodle evaluates them as PHP expressions once it has
// checked their characters, so they are read here as PHP reads them: `**` is a power that binds
// tighter than a leading minus (-2**2 is -4) and takes a signed exponent, `%` works on the
// integer parts, function names have any case, and `^` is PHP's exclusive or, never a power.
// (A general expression library, such as muParser, gives other meanings to `^`, `%`, `pi` and
// `log(x, b)`: a key computed differently from Moodle's grades students wrongly.)
//
// What is computed: numbers (2, .5, 1e-3), {wildcards}, + - * / % **, parentheses, and the
// numeric functions Moodle allows: abs acos acosh asin asinh atan atan2 atanh ceil cos cosh
// deg2rad exp expm1 floor fmod log (one or two arguments) log10 log1p max min pi pow rad2deg
// round (one or two) sin sinh sqrt tan tanh. PHP's comparisons, bitwise and logical operators,
// the conditional and the functions that give text (decbin...) or truth (is_nan...) are
// refused with why: no exam question needs them, and a number's key must not hang on them.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre::importers {

// A wildcard's value in one variant: as computed, and as its dataset writes it (shown in texts).
struct WildcardValue {
  double value = 0;
  std::string written;
};
using Wildcards = std::map<std::string, WildcardValue, std::less<>>;

inline constexpr size_t kMaxFormulaBytes = 2000;
inline constexpr size_t kMaxFormulasPerText = 100;

// The value of `formula`, each {name} its wildcard's value; or why not (kInvalid, in words a
// teacher reads): a syntax error, an unknown wildcard or function, a division by zero, a result
// that is not a finite number. Nesting deeper than 64 and formulas longer than
// kMaxFormulaBytes are refused.
Result<double> EvaluateFormula(std::string_view formula, const Wildcards& values);

// How Moodle writes a calculated answer (qtype_calculated's format_float): `length` decimals
// (format 1), or `length` significant figures (format 2); "." as its decimal point.
// REQUIRES: 0 <= length <= 15, format 1 or 2.
std::string FormatCalculated(double x, int length, int format);

// `text` as Moodle shows it for one variant: each {=formula} computed (written with
// `length`/`format` when given, else as PHP writes a number), then each {name} of a wildcard
// its value as written. Fails as EvaluateFormula does, and past kMaxFormulasPerText formulas.
struct AnswerFormat {
  int length = 2;
  int format = 1;
};
Result<std::string> ReplaceExpressions(std::string_view text, const Wildcards& values,
                                       std::optional<AnswerFormat> answer_format = std::nullopt);

// The names of the wildcards `text` uses ({a}, in formulas too), each once, in order.
std::vector<std::string> WildcardsIn(std::string_view text);

}  // namespace pupitre::importers
