// Moodle's calculated formulas, read as PHP reads them (see formula.h).
#include "import/moodle/formula.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <numbers>
#include <vector>

#include "common/text.h"

namespace pupitre::importers {
namespace {

constexpr int kMaxDepth = 64;

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// A {wildcard}'s name at s[at] == '{' (Moodle's "\{[[:alpha:]][^>} <{\"']*\}"), and where it
// ends (after its '}'); nullopt when none stands there.
std::optional<std::pair<std::string_view, size_t>> WildcardAt(std::string_view s, size_t at) {
  if (at + 2 >= s.size() || s[at] != '{' || !IsAlpha(s[at + 1])) return std::nullopt;
  for (size_t i = at + 2; i < s.size(); ++i) {
    if (s[i] == '}') return std::make_pair(s.substr(at + 1, i - at - 1), i + 1);
    if (std::string_view(">} <{\"'").find(s[i]) != std::string_view::npos) return std::nullopt;
  }
  return std::nullopt;
}

// PHP's round(): half away from zero, the scaled value first made its nearest 15-digit
// decimal (PHP's "pre-rounding": 1.005 * 100 is 100.49999999999999 in binary, and rounds to 101).
double PhpRound(double x, int places) {
  const double scale = std::pow(10.0, std::abs(places));
  double scaled = places >= 0 ? x * scale : x / scale;
  if (!std::isfinite(scaled)) return x;
  scaled = std::strtod(fmt::format("{:.15g}", scaled).c_str(), nullptr);
  const double rounded = std::round(scaled);
  return places >= 0 ? rounded / scale : rounded * scale;
}

// A number as PHP writes it (precision 14): 0.1 + 0.2 is "0.3", 1e20 is "1.0E+20".
std::string PhpNumber(double x) {
  std::string s = fmt::format("{:.14g}", x);
  const size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  const char sign = s[e + 1];
  std::string digits = s.substr(e + 2);
  while (digits.size() > 1 && digits.front() == '0') digits.erase(0, 1);
  return mantissa + "E" + sign + digits;
}

class Parser {
 public:
  Parser(std::string_view s, const Wildcards& values) : s_(s), values_(values) {}

  Result<double> Whole() {
    Result<double> v = Sum(0);
    if (!v.ok()) return v;
    Skip();
    if (at_ < s_.size()) return Unexpected();
    if (!std::isfinite(*v)) return Fail("its value is not a finite number");
    return v;
  }

 private:
  Error Fail(std::string why) const { return Error::Invalid(std::move(why)); }

  Error Unexpected() const {
    if (at_ >= s_.size()) return Fail("it ends too soon");
    const char c = s_[at_];
    static constexpr std::string_view kPhpOnly = "<>=!&|?:~";
    if (c == '^') {
      return Fail("'^' is PHP's exclusive or in Moodle's formulas, not a power: write ** or pow()");
    }
    if (kPhpOnly.find(c) != std::string_view::npos) {
      return Fail(
          fmt::format("'{}' (a comparison, logical or bitwise operator) is not computed: "
                      "a calculated answer is arithmetic",
                      c));
    }
    return Fail(fmt::format("unexpected '{}' at character {}", PrintableAscii(s_.substr(at_, 1), 1),
                            at_ + 1));
  }

  void Skip() {
    while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
  }
  bool Eat(std::string_view token) {
    Skip();
    if (s_.substr(at_, token.size()) != token) return false;
    at_ += token.size();
    return true;
  }
  // The next character is `c` and not the start of `longer` (a '*' that is not "**").
  bool EatAlone(char c, std::string_view longer) {
    Skip();
    if (at_ >= s_.size() || s_[at_] != c || s_.substr(at_, longer.size()) == longer) return false;
    ++at_;
    return true;
  }

  Result<double> Sum(int depth) {
    Result<double> left = Product(depth);
    if (!left.ok()) return left;
    double v = *left;
    for (;;) {
      const bool plus = EatAlone('+', "++");
      if (!plus && !EatAlone('-', "--")) return v;
      Result<double> right = Product(depth);
      if (!right.ok()) return right;
      v = plus ? v + *right : v - *right;
    }
  }

  Result<double> Product(int depth) {
    Result<double> left = Unary(depth);
    if (!left.ok()) return left;
    double v = *left;
    for (;;) {
      char op = 0;
      if (EatAlone('*', "**")) {
        op = '*';
      } else if (EatAlone('/', "//")) {
        op = '/';
      } else if (EatAlone('%', "%=")) {
        op = '%';
      } else {
        return v;
      }
      Result<double> right = Unary(depth);
      if (!right.ok()) return right;
      if (op == '*') {
        v *= *right;
      } else if (op == '/') {
        if (*right == 0) return Fail("it divides by zero");
        v /= *right;
      } else {
        // PHP's %: the integer parts (toward zero), the sign of the left one.
        constexpr double kLimit = 9.2e18;
        if (!(std::fabs(v) < kLimit && std::fabs(*right) < kLimit)) {
          return Fail("'%' takes the integer parts of numbers, and one is too large");
        }
        const auto a = static_cast<int64_t>(v);
        const auto b = static_cast<int64_t>(*right);
        if (b == 0) return Fail("it takes a remainder by zero ('%')");
        v = b == -1 ? 0.0 : static_cast<double>(a % b);
      }
    }
  }

  // A leading sign binds looser than **: -2**2 is -(2**2).
  Result<double> Unary(int depth) {
    if (depth > kMaxDepth) return Fail(fmt::format("it nests deeper than {} levels", kMaxDepth));
    if (EatAlone('-', "--")) {
      Result<double> v = Unary(depth + 1);
      if (!v.ok()) return v;
      return -*v;
    }
    if (EatAlone('+', "++")) return Unary(depth + 1);
    return Power(depth);
  }

  // a ** b, right to left, b may be signed: 2 ** -1 is 0.5, 2 ** 3 ** 2 is 2 ** 9.
  Result<double> Power(int depth) {
    Result<double> base = Primary(depth);
    if (!base.ok()) return base;
    if (!Eat("**")) return base;
    Result<double> exponent = Unary(depth + 1);
    if (!exponent.ok()) return exponent;
    const double v = std::pow(*base, *exponent);
    if (!std::isfinite(v)) return Fail("a power's value is not a finite number");
    return v;
  }

  Result<double> Primary(int depth) {
    Skip();
    if (at_ >= s_.size()) return Unexpected();
    const char c = s_[at_];
    if (c == '(') {
      ++at_;
      Result<double> v = Sum(depth + 1);
      if (!v.ok()) return v;
      if (!Eat(")")) return Unexpected();
      return v;
    }
    if (c == '{') {
      const auto wildcard = WildcardAt(s_, at_);
      if (!wildcard) return Unexpected();
      const auto found = values_.find(wildcard->first);
      if (found == values_.end()) {
        return Fail(fmt::format("{{{}}} has no values in the question's datasets",
                                PrintableAscii(wildcard->first, 40)));
      }
      at_ = wildcard->second;
      return found->second.value;
    }
    if (IsDigit(c) || c == '.') return Number();
    if (IsAlpha(c) || c == '_') return Call(depth);
    return Unexpected();
  }

  Result<double> Number() {
    const size_t start = at_;
    while (at_ < s_.size() && IsDigit(s_[at_])) ++at_;
    if (at_ < s_.size() && s_[at_] == '.') ++at_;
    while (at_ < s_.size() && IsDigit(s_[at_])) ++at_;
    if (at_ < s_.size() && (s_[at_] == 'e' || s_[at_] == 'E')) {
      size_t end = at_ + 1;
      if (end < s_.size() && (s_[end] == '+' || s_[end] == '-')) ++end;
      if (end < s_.size() && IsDigit(s_[end])) {
        at_ = end;
        while (at_ < s_.size() && IsDigit(s_[at_])) ++at_;
      }
    }
    const std::string_view written = s_.substr(start, at_ - start);
    if (written == ".") return Fail(fmt::format("'.' at character {} is no number", start + 1));
    if (written.size() > 1 && written[0] == '0' && IsDigit(written[1]) &&
        written.find_first_of(".eE") == std::string_view::npos) {
      return Fail(
          fmt::format("'{}' starts with 0, which PHP (and so Moodle) reads in octal: write "
                      "it without the 0",
                      PrintableAscii(written, 40)));
    }
    const auto v = ParseFiniteNumber(written);
    if (!v)
      return Fail(fmt::format("'{}' is not a number it can compute", PrintableAscii(written, 40)));
    return *v;
  }

  Result<double> Call(int depth) {
    const size_t start = at_;
    while (at_ < s_.size() && (IsAlpha(s_[at_]) || IsDigit(s_[at_]) || s_[at_] == '_')) ++at_;
    std::string name(s_.substr(start, at_ - start));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (!Eat("(")) {
      return Fail(fmt::format("'{}' is neither a number, a {{wildcard}} nor a function called",
                              PrintableAscii(name, 40)));
    }
    std::vector<double> args;
    if (!Eat(")")) {
      for (;;) {
        if (args.size() == 100) return Fail("a function is given more than 100 arguments");
        Result<double> v = Sum(depth + 1);
        if (!v.ok()) return v;
        args.push_back(*v);
        if (Eat(")")) break;
        if (!Eat(",")) return Unexpected();
      }
    }
    return Apply(name, args);
  }

  Result<double> Apply(const std::string& name, const std::vector<double>& a) {
    using F = double (*)(double);
    static const std::pair<std::string_view, F> kOne[] = {
        {"abs", [](double x) { return std::fabs(x); }},
        {"acos", [](double x) { return std::acos(x); }},
        {"acosh", [](double x) { return std::acosh(x); }},
        {"asin", [](double x) { return std::asin(x); }},
        {"asinh", [](double x) { return std::asinh(x); }},
        {"atan", [](double x) { return std::atan(x); }},
        {"atanh", [](double x) { return std::atanh(x); }},
        {"ceil", [](double x) { return std::ceil(x); }},
        {"cos", [](double x) { return std::cos(x); }},
        {"cosh", [](double x) { return std::cosh(x); }},
        {"deg2rad", [](double x) { return x / 180.0 * std::numbers::pi; }},
        {"exp", [](double x) { return std::exp(x); }},
        {"expm1", [](double x) { return std::expm1(x); }},
        {"floor", [](double x) { return std::floor(x); }},
        {"log10", [](double x) { return std::log10(x); }},
        {"log1p", [](double x) { return std::log1p(x); }},
        {"rad2deg", [](double x) { return x / std::numbers::pi * 180.0; }},
        {"sin", [](double x) { return std::sin(x); }},
        {"sinh", [](double x) { return std::sinh(x); }},
        {"sqrt", [](double x) { return std::sqrt(x); }},
        {"tan", [](double x) { return std::tan(x); }},
        {"tanh", [](double x) { return std::tanh(x); }},
    };
    auto takes = [&](size_t least, size_t most) -> Status {
      if (a.size() >= least && a.size() <= most) return OkStatus();
      const std::string count = least == most ? fmt::format("{}", least)
                                : most == 100 ? fmt::format("{} or more", least)
                                              : fmt::format("{} or {}", least, most);
      return Fail(fmt::format("{}() takes {} argument(s), not {}", name, count, a.size()));
    };
    double v = 0;
    if (const auto* one = std::find_if(std::begin(kOne), std::end(kOne),
                                       [&](const auto& f) { return f.first == name; });
        one != std::end(kOne)) {
      if (auto ok = takes(1, 1); !ok.ok()) return ok.error();
      v = one->second(a[0]);
    } else if (name == "pi") {
      if (auto ok = takes(0, 0); !ok.ok()) return ok.error();
      v = std::numbers::pi;
    } else if (name == "log") {
      if (auto ok = takes(1, 2); !ok.ok()) return ok.error();
      v = a.size() == 1 ? std::log(a[0]) : std::log(a[0]) / std::log(a[1]);
    } else if (name == "round") {
      if (auto ok = takes(1, 2); !ok.ok()) return ok.error();
      const double places = a.size() == 2 ? std::trunc(a[1]) : 0;
      if (std::fabs(places) > 300) return Fail("round() to more than 300 places");
      v = PhpRound(a[0], static_cast<int>(places));
    } else if (name == "atan2" || name == "fmod" || name == "pow") {
      if (auto ok = takes(2, 2); !ok.ok()) return ok.error();
      v = name == "atan2"  ? std::atan2(a[0], a[1])
          : name == "fmod" ? std::fmod(a[0], a[1])
                           : std::pow(a[0], a[1]);
    } else if (name == "min" || name == "max") {
      if (auto ok = takes(2, 100); !ok.ok()) return ok.error();
      v = name == "min" ? *std::min_element(a.begin(), a.end())
                        : *std::max_element(a.begin(), a.end());
    } else {
      return Fail(fmt::format("the function '{}' is not one a calculated answer computes",
                              PrintableAscii(name, 40)));
    }
    if (!std::isfinite(v)) {
      return Fail(fmt::format("{}() of these values is not a finite number", name));
    }
    return v;
  }

  std::string_view s_;
  const Wildcards& values_;
  size_t at_ = 0;
};

}  // namespace

Result<double> EvaluateFormula(std::string_view formula, const Wildcards& values) {
  if (formula.size() > kMaxFormulaBytes) {
    return Error::Invalid(fmt::format("a formula is longer than {} bytes", kMaxFormulaBytes));
  }
  if (formula.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Error::Invalid("a formula is empty");
  }
  return Parser(formula, values).Whole();
}

std::string FormatCalculated(double x, int length, int format) {
  if (!std::isfinite(x)) return PhpNumber(x);
  if (format == 1) return fmt::format("{:.{}f}", x, length);
  if (x == 0) return "0";
  // Moodle's own steps (qtype_calculated_variable_substituter::format_float), kept as they are
  // so that a key reads as Moodle shows it.
  const std::string sign = x < 0 ? "-" : "";
  double answer = std::fabs(x);
  int p10 = 0;
  while (answer < 1) {
    --p10;
    answer *= 10;
  }
  while (answer >= 1) {
    ++p10;
    answer /= 10;
  }
  answer = PhpRound(answer, length);
  if (answer >= 1) {
    ++p10;
    answer /= 10;
  }
  const std::string zeros(41, '0');
  if (p10 < -2 || p10 > 4) {
    const std::string exponent = fmt::format("e{}", --p10);
    answer *= 10;
    std::string written = PhpNumber(answer);
    if (length == 1) return sign + written + exponent;
    if (written.size() == 1) written += '.';
    written += zeros;
    return sign + written.substr(0, static_cast<size_t>(length) + 1) + exponent;
  }
  answer *= std::strtod(fmt::format("1e{}", p10).c_str(), nullptr);
  if (0.1 <= answer / std::strtod(fmt::format("1e{}", length).c_str(), nullptr)) {
    return sign + PhpNumber(answer);
  }
  std::string written = PhpNumber(answer);
  if (std::all_of(written.begin(), written.end(), IsDigit)) written += '.';
  written += zeros;
  const int kept = length + (p10 < 1 ? 2 - p10 : 1);
  return sign + written.substr(0, static_cast<size_t>(kept));
}

Result<std::string> ReplaceExpressions(std::string_view text, const Wildcards& values,
                                       std::optional<AnswerFormat> answer_format) {
  // Moodle's "\{=([^{}]*(?:\{[^{}]+}[^{}]*)*)}": a formula holds no braces but its wildcards'.
  std::string out;
  size_t done = 0;
  size_t formulas = 0;
  for (size_t at = text.find("{="); at != std::string_view::npos; at = text.find("{=", at + 1)) {
    if (at < done) continue;
    size_t end = std::string_view::npos;
    for (size_t i = at + 2; i < text.size(); ++i) {
      if (text[i] == '}') {
        end = i;
        break;
      }
      if (text[i] != '{') continue;
      const size_t close = text.find_first_of("{}", i + 1);
      if (close == std::string_view::npos || text[close] != '}' || close == i + 1) break;
      i = close;
    }
    if (end == std::string_view::npos) continue;  // no formula: as written
    if (++formulas > kMaxFormulasPerText) {
      return Error::Invalid(
          fmt::format("a text holds more than {} {{=formulas}}", kMaxFormulasPerText));
    }
    Result<double> v = EvaluateFormula(text.substr(at + 2, end - at - 2), values);
    if (!v.ok()) {
      return Error::Invalid(fmt::format(
          "{{={}}}: {}", PrintableAscii(text.substr(at + 2, end - at - 2), 60), v.error().message));
    }
    out += text.substr(done, at - done);
    out += answer_format ? FormatCalculated(*v, answer_format->length, answer_format->format)
                         : PhpNumber(*v);
    done = end + 1;
  }
  out += text.substr(done);
  // Then each wildcard written as its dataset writes it.
  std::string shown;
  for (size_t at = 0; at < out.size();) {
    const auto wildcard = out[at] == '{' ? WildcardAt(out, at) : std::nullopt;
    const auto found = wildcard ? values.find(wildcard->first) : values.end();
    if (found == values.end()) {
      shown += out[at++];
      continue;
    }
    shown += found->second.written;
    at = wildcard->second;
  }
  return shown;
}

std::vector<std::string> WildcardsIn(std::string_view text) {
  std::vector<std::string> names;
  for (size_t at = text.find('{'); at != std::string_view::npos; at = text.find('{', at + 1)) {
    const auto wildcard = WildcardAt(text, at);
    if (!wildcard) continue;
    const std::string name(wildcard->first);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

}  // namespace pupitre::importers
