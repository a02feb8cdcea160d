#pragma once
// Moodle's calculated questions (Moodle XML types calculated, calculatedsimple and
// calculatedmulti): a text and answers with wildcards, "A car drives {d} km in {t} h: its
// speed?", the answer a formula "{d} / {t}", and datasets giving each wildcard its values, item
// 1, 2... Moodle gives each student one item number, a variant. Here each variant becomes a
// question of its own (numeric, or a choice for calculatedmulti), its text and answers computed
// as Moodle computes them (formula.h); ToExamQuestions makes the variants one draw, one drawn
// for each student.

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "import/moodle/formula.h"
#include "import/moodle/question_bank.h"

namespace pupitre::importers {

// At most this many variants are made of one question (Moodle's dataset form offers 100).
inline constexpr int kMaxVariants = 100;

enum class ToleranceType { kRelative = 1, kNominal = 2, kGeometric = 3 };

struct CalculatedAnswer {
  // A formula ("{d} / {t}"), or "*" (any other answer); calculatedmulti: a choice's text with
  // its {=formulas} ("{={d} / {t}} km/h").
  std::string formula;
  bool html = false;    // calculatedmulti: the choice's text is HTML
  double fraction = 0;  // -1 to 1
  double tolerance = 0;
  ToleranceType tolerance_type = ToleranceType::kRelative;
  int length = 2;  // the key written with `length` decimals (format 1) or significant figures (2)
  int format = 1;
  std::string feedback;  // plain text; may show {wildcards} and {=formulas}
};

struct Dataset {
  std::string name;                    // the wildcard, {name}
  int item_count = 0;                  // <itemcount>: how many of its items Moodle draws from
  std::map<int, WildcardValue> items;  // by item number, from 1
};

struct Calculated {
  // What the question shares across its variants: kind kNumerical (or kMultipleChoice for
  // calculatedmulti), text (HTML or not, as read), title, category, points, feedback, units.
  MoodleQuestion base;
  std::vector<CalculatedAnswer> answers;
  std::vector<Dataset> datasets;
};

struct Variants {
  // Each variant that computes, in item order: the base with its text and answers computed and
  // `variant` its item number.
  std::vector<MoodleQuestion> questions;
  // Each variant that does not, and why ("variant 3 (a = 0): it divides by zero").
  std::vector<std::string> left_out;
};

// The variants of `c`, holding at most `budget` bytes together (their texts, feedback, answers
// and pictures), and `budget` less what they hold: an upload's
// few bytes must not become many times that in questions. Fails (kInvalid, in words a teacher
// reads) when its datasets give no variant, an answer's formula does not read or uses a
// wildcard without values, or no variant computes.
Result<Variants> MakeVariants(const Calculated& c, size_t& budget);

// The bytes of text and pictures the variants of one upload may hold together (each variant
// carries its question's pictures: a 100 KiB diagram allows 100 variants, a 2 MiB photograph 8).
inline constexpr size_t kMaxVariantBytes = 16 * 1024 * 1024;

}  // namespace pupitre::importers
