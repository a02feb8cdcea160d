// Moodle's calculated questions made one question per variant (see calculated.h).
#include "import/moodle/calculated.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/text.h"
#include "import/moodle/html_text.h"

namespace pupitre::importers {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// A computed key kept to 15 significant digits: 0.1 + 0.2 is 0.3 on the page, and no student's
// answer within Moodle's tolerance is graded otherwise.
double Kept(double x) { return std::strtod(fmt::format("{:.15g}", x).c_str(), nullptr); }

// The variant's values, for a teacher reading why it is left out: "a = 0, b = 2".
std::string Describe(const Wildcards& values) {
  std::string out;
  for (const auto& [name, v] : values) {
    if (out.size() > 120) return out + ", ...";
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", PrintableAscii(name, 40),
                       PrintableAscii(v.written, 40));
  }
  return out;
}

// One variant of `c`, the wildcards `values`; or why it does not compute.
Result<MoodleQuestion> Variant(const Calculated& c, const Wildcards& values) {
  MoodleQuestion q = c.base;
  q.answers.clear();
  Result<std::string> text = ReplaceExpressions(c.base.text, values);
  if (!text.ok()) return text.take_error();
  q.text = std::move(*text);
  Result<std::string> general = ReplaceExpressions(c.base.general_feedback, values);
  if (!general.ok()) return general.take_error();
  q.general_feedback = std::move(*general);
  for (const CalculatedAnswer& a : c.answers) {
    const AnswerFormat shown{a.length, a.format};
    MoodleAnswer answer;
    answer.fraction = a.fraction;
    Result<std::string> feedback = ReplaceExpressions(a.feedback, values, shown);
    if (!feedback.ok()) return feedback.take_error();
    answer.feedback = std::move(*feedback);
    if (c.base.kind == MoodleKind::kMultipleChoice) {
      Result<std::string> choice = ReplaceExpressions(a.formula, values, shown);
      if (!choice.ok()) return choice.take_error();
      answer.text = a.html ? HtmlToText(*choice) : std::string(Trim(*choice));
    } else if (Trim(a.formula) == "*" || Trim(a.formula).empty()) {  // Moodle reads "" as *
      answer.text.push_back('*');  // any other answer (answer.text is empty)
    } else {
      Result<double> key = EvaluateFormula(a.formula, values);
      if (!key.ok()) return key.take_error();
      // Moodle's interval for each tolerance type (qtype_numerical_answer), as a centre and
      // the distance either side.
      const double k = *key;
      const double tolerance = std::fabs(a.tolerance);
      switch (a.tolerance_type) {
        case ToleranceType::kRelative:
          answer.number = Kept(k);
          answer.tolerance = Kept(std::fabs(k) * tolerance);
          break;
        case ToleranceType::kNominal:
          answer.number = Kept(k);
          answer.tolerance = tolerance;
          break;
        case ToleranceType::kGeometric: {
          const double quotient = 1 + tolerance;
          const double low = k < 0 ? k * quotient : k / quotient;
          const double high = k < 0 ? k / quotient : k * quotient;
          answer.number = Kept((low + high) / 2);
          answer.tolerance = Kept((high - low) / 2);
          break;
        }
      }
      if (!std::isfinite(answer.number) || !std::isfinite(answer.tolerance)) {
        return Error::Invalid("its key or its tolerance is not a finite number");
      }
    }
    q.answers.push_back(std::move(answer));
  }
  return q;
}

}  // namespace

Result<Variants> MakeVariants(const Calculated& c, size_t& budget) {
  if (c.datasets.empty()) {
    return Error::Invalid("a calculated question without datasets (no values for its wildcards)");
  }
  // Moodle draws among the first MIN(itemcount) items of the datasets.
  int available = std::numeric_limits<int>::max();
  for (const Dataset& d : c.datasets) {
    const int items = d.item_count > 0 ? d.item_count : static_cast<int>(d.items.size());
    available = std::min(available, items);
  }
  const int count = std::min(available, kMaxVariants);
  if (count <= 0) {
    return Error::Invalid("its datasets hold no values: add some in Moodle before the export");
  }
  // Every wildcard an answer's formula uses has values (a text's wildcard without any is shown
  // as written, as Moodle shows it, and so is a choice's outside its {=formulas}).
  for (const CalculatedAnswer& a : c.answers) {
    if (c.base.kind == MoodleKind::kMultipleChoice) break;
    for (const std::string& name : WildcardsIn(a.formula)) {
      if (std::none_of(c.datasets.begin(), c.datasets.end(),
                       [&](const Dataset& d) { return d.name == name; })) {
        return Error::Invalid(fmt::format("the wildcard {{{}}} has no dataset (no values)",
                                          PrintableAscii(name, 40)));
      }
    }
  }
  if (c.answers.empty()) return Error::Invalid("a calculated question without an answer");
  Variants out;
  std::vector<int> missing;  // item numbers a dataset has no value for: said once
  std::string missing_from;
  for (int item = 1; item <= count; ++item) {
    Wildcards values;
    for (const Dataset& d : c.datasets) {
      const auto found = d.items.find(item);
      if (found == d.items.end()) {
        if (missing.empty()) missing_from = d.name;
        missing.push_back(item);
        break;
      }
      values[d.name] = found->second;
    }
    if (values.size() != c.datasets.size()) continue;
    Result<MoodleQuestion> variant = Variant(c, values);
    if (!variant.ok()) {
      out.left_out.push_back(
          fmt::format("variant {} ({}): {}", item, Describe(values), variant.error().message));
      continue;
    }
    // What the variant holds: its texts, and its pictures (each variant carries them).
    size_t bytes = variant->text.size() + variant->general_feedback.size();
    for (const MoodleAnswer& a : variant->answers) bytes += a.text.size() + a.feedback.size();
    for (const auto& [name, base64] : variant->files) bytes += base64.size() / 4 * 3;
    if (bytes > budget) {
      const std::string why =
          fmt::format("the variants of one file hold at most {} MiB of text and pictures together",
                      kMaxVariantBytes / (1024 * 1024));
      if (out.questions.empty())
        return Error::Invalid(fmt::format("its variants are too large: {}", why));
      out.left_out.push_back(fmt::format("variants {} to {}: {}", item, count, why));
      break;
    }
    budget -= std::min(budget, bytes);
    variant->variant = item;
    out.questions.push_back(std::move(*variant));
  }
  if (!missing.empty()) {
    out.left_out.push_back(fmt::format(
        "{} variant(s) from {} to {}: a dataset ({{{}}} first) has no value for them", missing.size(),
        missing.front(), missing.back(), PrintableAscii(missing_from, 40)));
  }
  if (out.questions.empty()) {
    return Error::Invalid(fmt::format("none of its {} variants computes: {}", count,
                                      out.left_out.empty() ? "" : out.left_out.front()));
  }
  if (available > kMaxVariants) {
    out.left_out.push_back(
        fmt::format("variants {} to {}: at most {} variants are made of a question",
                    kMaxVariants + 1, available, kMaxVariants));
  }
  return out;
}

}  // namespace pupitre::importers
