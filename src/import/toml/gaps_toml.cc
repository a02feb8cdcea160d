// A gaps question's gaps in a TOML exam file: each a menu ("choices" and the right one as
// "answer") or typed in ("answer": one accepted answer or several, with their "credit"), marked
// in the text as [[1]], [[2]]... (exam_parser.h).

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "import/toml/exam_parser.h"

namespace pupitre::importers::toml_exam {

void ExamParser::ParseGaps(const toml::table& t, Question& q, const Where& where) {
  const bool gaps = q.type == QuestionType::kGaps;
  const toml::node* n = Get(t, "gaps", where, /*required=*/gaps);
  if (n == nullptr) return;
  if (!gaps) {
    Add(*n, where, "only_for_gaps", {{"key", "gaps"}}, "\"gaps\" is only for gaps questions");
    return;
  }
  const toml::array* array = n->as_array();
  if (array == nullptr || !std::all_of(array->begin(), array->end(),
                                       [](const toml::node& e) { return e.is_table(); })) {
    WrongType(*n, "gaps", where, kGaps);
    return;
  }
  if (array->empty() || array->size() > kMaxGaps) {
    const std::string max = std::to_string(kMaxGaps);
    Add(*n, where, "gaps_count", {{"max", max}}, "\"gaps\" must list 1 to " + max + " gaps");
    return;
  }
  const size_t problems_before = problems_.size();
  for (size_t i = 0; i < array->size(); ++i) {
    std::optional<Gap> gap = ParseGap(*(*array)[i].as_table(), i + 1, where);
    if (gap) q.gaps.push_back(std::move(*gap));
  }
  // Every gap read: what is left to check is where the text marks them.
  if (problems_.size() == problems_before) {
    if (const std::string why = GapsProblem(q); !why.empty()) {
      const toml::node* text = t.get("text");
      const std::string count = std::to_string(q.gaps.size());
      Add(text ? *text : *n, where, "gaps_marks", {{"count", count}}, why);
    }
  }
}

std::optional<Gap> ExamParser::ParseGap(const toml::table& t, size_t number, const Where& where) {
  const std::string gap_number = std::to_string(number);
  const std::string which = "gap " + gap_number + ": ";
  CheckKeys(t, kGapKeys, where);
  const size_t problems_before = problems_.size();
  Gap gap;
  if (std::optional<bool> sensitive = GetBool(t, "case_sensitive", where)) {
    gap.case_sensitive = *sensitive;
  }
  if (std::optional<bool> wildcards = GetBool(t, "wildcards", where)) {
    gap.wildcards = *wildcards;
    if (*wildcards &&
        (t.get("choices") != nullptr || (t.get("answer") && t.get("answer")->is_number()))) {
      Add(*t.get("wildcards"), where, "gap_wildcards_typed", {{"gap", gap_number}},
          which + "\"wildcards\" is only for a gap of words typed in");
    }
  }
  if (const toml::node* n = t.get("weight")) {
    if (std::optional<double> w = GetNumber(*n, "weight", where)) {
      if (*w > 0 && *w <= 1e6) {
        gap.weight = *w;
      } else {
        Add(*n, where, "gap_weight", {{"gap", gap_number}},
            which + "\"weight\" must be above 0 and at most 1000000");
      }
    }
  }
  std::vector<std::string> choices;
  const toml::node* menu = t.get("choices");
  if (menu != nullptr) {
    const toml::array* array = menu->as_array();
    if (array == nullptr || !array->is_homogeneous(toml::node_type::string)) {
      WrongType(*menu, "choices", where, kStringList);
      return std::nullopt;
    }
    for (const toml::node& c : *array) {
      const std::string& text = c.as_string()->get();
      if (IsBlank(text) || std::find(choices.begin(), choices.end(), text) != choices.end()) {
        choices.clear();
        break;
      }
      choices.push_back(text);
    }
    if (choices.size() < 2) {
      Add(*menu, where, "gap_choices", {{"gap", gap_number}},
          which + "\"choices\" must list 2 or more different choices, none empty");
      return std::nullopt;
    }
  }
  const toml::node* answer = Get(t, "answer", where, /*required=*/true);
  if (answer == nullptr) return std::nullopt;
  const toml::node* credit = t.get("credit");
  if (menu != nullptr) {
    if (credit != nullptr) {
      Add(*credit, where, "gap_credit_typed", {{"gap", gap_number}},
          which +
              "\"credit\" is only for a gap of words typed in (a menu's \"answer\" is its right "
              "choice, a number's right within its \"tolerance\")");
    }
    if (!answer->is_string()) {
      WrongType(*answer, "answer", where, kString);
      return std::nullopt;
    }
    const std::string& right = answer->as_string()->get();
    const auto at = std::find(choices.begin(), choices.end(), right);
    if (at == choices.end()) {
      Add(*answer, where, "gap_answer_not_choice", {{"gap", gap_number}, {"value", right}},
          which + "the answer " + Quote(right) + " is not one of its choices");
      return std::nullopt;
    }
    std::vector<double> earns(choices.size(), 0.0);
    earns[static_cast<size_t>(at - choices.begin())] = 1.0;
    SetGapMenu(gap, std::move(choices), std::move(earns));
    return problems_.size() == problems_before ? std::optional<Gap>(std::move(gap)) : std::nullopt;
  }
  // A number typed in: right within its tolerance.
  const toml::node* tolerance = t.get("tolerance");
  if (answer->is_number()) {
    NumericAnswer number;
    if (std::optional<double> x = GetNumber(*answer, "answer", where)) number.value = *x;
    if (tolerance != nullptr) {
      std::optional<double> x = GetNumber(*tolerance, "tolerance", where);
      if (x && *x >= 0) {
        number.tolerance = *x;
      } else if (x) {
        Add(*tolerance, where, "tolerance_negative", {},
            which + "\"tolerance\" must not be negative");
      }
    }
    if (credit != nullptr) {
      Add(*credit, where, "gap_credit_typed", {{"gap", gap_number}},
          which +
              "\"credit\" is only for a gap of words typed in (a menu's \"answer\" is its right "
              "choice, a number's right within its \"tolerance\")");
    }
    gap.numbers.push_back(number);
    return problems_.size() == problems_before ? std::optional<Gap>(std::move(gap)) : std::nullopt;
  }
  if (tolerance != nullptr) {
    Add(*tolerance, where, "tolerance_not_numeric", {},
        which + "\"tolerance\" is only for a gap whose answer is a number");
  }
  // Typed in: the accepted answers, normalised as a short answer's.
  const auto accept = [&](const toml::node& e) {
    if (!e.is_string()) {
      WrongType(e, "answer", where, kAccepted);
      return;
    }
    std::string normalised = NormaliseText(e.as_string()->get(), !gap.case_sensitive, !gap.wildcards);
    if (NormaliseText(normalised).empty()) {  // a pattern's final punctuation kept, not alone
      Add(e, where, "accepted_empty", {}, which + "an accepted answer is empty once normalised");
    } else {
      gap.accepted.push_back(std::move(normalised));  // kept when repeated: one credit each
    }
  };
  if (const toml::array* array = answer->as_array()) {
    if (array->empty()) {
      Add(*answer, where, "no_accepted_answer", {},
          which + "\"answer\" must list at least one accepted answer");
    }
    for (const toml::node& e : *array) accept(e);
  } else {
    accept(*answer);
  }
  if (credit != nullptr) {
    const toml::array* array = credit->as_array();
    bool fits = array != nullptr && array->size() == gap.accepted.size();
    double best = 0;
    for (size_t i = 0; fits && i < array->size(); ++i) {
      const toml::node& c = (*array)[i];
      const double x = c.is_integer()          ? static_cast<double>(c.as_integer()->get())
                       : c.is_floating_point() ? c.as_floating_point()->get()
                                               : -1.0;
      fits = x >= 0 && x <= 1;
      best = std::max(best, x);
      gap.credit.push_back(x);
    }
    if (!fits || best != 1) {
      Add(*credit, where, "gap_credit", {{"gap", gap_number}},
          which + "\"credit\" must give one number from 0 to 1 per accepted answer, the best 1");
      gap.credit.clear();
    }
  }
  return problems_.size() == problems_before ? std::optional<Gap>(std::move(gap)) : std::nullopt;
}

}  // namespace pupitre::importers::toml_exam
