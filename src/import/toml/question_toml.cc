// The questions of a TOML exam file: id, type, text, points, options, key and feedback, each
// problem reported at its line (exam_parser.h).

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "import/toml/exam_parser.h"

namespace pupitre::importers::toml_exam {

void ExamParser::ParseQuestion(const toml::table& t, size_t index) {
  Question q;
  q.line = LineOf(t);
  Where where{"question", "", index + 1};

  // The id comes first: every later message names the question by it.
  if (std::optional<std::string> id = GetString(t, "id", where, /*required=*/true)) {
    if (!IsQuestionId(*id)) {
      Add(*t.get("id"), where, "bad_question_id", {{"value", *id}},
          "id " + Quote(*id) + " must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'");
    } else {
      where.name = *id;
      const int line = LineOf(*t.get("id"));
      if (auto [it, inserted] = first_line_of_id_.emplace(*id, line); !inserted) {
        const std::string first = std::to_string(it->second);
        Add(line, where, "duplicate_id", {{"first_line", first}},
            "duplicate id (first used on line " + first + ")");
      }
      q.id = std::move(*id);
    }
  }
  CheckKeys(t, kQuestionKeys, where);

  std::optional<QuestionType> type;
  if (std::optional<std::string> name = GetString(t, "type", where, /*required=*/true)) {
    type = ParseQuestionType(*name);
    if (!type) {
      Add(*t.get("type"), where, "unknown_type", {{"value", *name}},
          "unknown type " + Quote(*name) +
              " (expected single, multiple, truefalse, numeric, short, essay, matching, ordering, "
              "gaps or description)");
    }
  }
  if (std::optional<std::string> text = GetText(t, "text", where)) {
    q.text = WithoutImageMarks(std::move(*text));
  }
  if (std::optional<std::string> group = GetString(t, "group", where, /*required=*/false)) {
    if (IsQuestionId(*group)) {
      q.group = std::move(*group);
    } else {
      Add(*t.get("group"), where, "bad_group_id", {{"value", *group}},
          "group id " + Quote(*group) + " must be 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'");
    }
  }

  if (const toml::node* n = t.get("points")) {
    if (std::optional<double> points = GetNumber(*n, "points", where)) {
      // Bounded, so that no sum of points can overflow to Infinity (which JSON cannot say).
      if (*points > 0 && *points <= kMaxPoints) {
        q.points = *points;
      } else {
        const std::string max = std::to_string(static_cast<int>(kMaxPoints));
        Add(*n, where, "points_out_of_range", {{"max", max}},
            "\"points\" must be greater than 0 and at most " + max);
      }
    }
  }

  // Without a known type, the options and the key cannot be judged.
  if (type) {
    q.type = *type;
    if (q.type == QuestionType::kDescription) {
      // A text to read among the questions: no answer, no points.
      q.points = 0;
      if (const toml::node* n = t.get("points")) {
        Add(*n, where, "description_no_points", {},
            "a description is worth no points: it has no answer");
      }
    }
    ParseOptions(t, q, where);
    ParseMatching(t, q, where);
    ParseGaps(t, q, where);
    ParseKey(t, q, where);
    // Items to order are written in their right order: kept in one that tells nothing.
    if (q.type == QuestionType::kOrdering && q.options.size() >= 2) {
      const std::vector<std::string> in_right_order = q.options;
      SetOrderingItems(q, in_right_order);
    }
    ParseFeedback(t, q, where);
    ParseAnswerFeedback(t, q, where);
    ParseUnits(t, q, where);
    ParseOptionDisplay(t, q, where);
  }
  spec_.questions.push_back(std::move(q));
}

void ExamParser::ParseOptionDisplay(const toml::table& t, Question& q, const Where& where) {
  const bool choice = q.type == QuestionType::kSingle || q.type == QuestionType::kMultiple;
  if (const toml::node* n = t.get("shuffle_options")) {
    if (!choice && q.type != QuestionType::kMatching) {
      Add(*n, where, "only_for_choices_matching", {{"key", "shuffle_options"}},
          "\"shuffle_options\" is only for single, multiple and matching questions");
    } else if (!n->is_boolean()) {
      WrongType(*n, "shuffle_options", where, kBool);
    } else if (!n->as_boolean()->get()) {  // every option keeps its place
      for (size_t i = 0; i < q.options.size(); ++i) q.fixed_options.push_back(static_cast<int>(i));
    }
  }
  if (const toml::node* n = t.get("numbering")) {
    const std::optional<std::string> name =
        n->is_string() ? std::optional<std::string>(n->as_string()->get()) : std::nullopt;
    const std::optional<OptionNumbering> numbering =
        name ? ParseOptionNumbering(*name) : std::nullopt;
    if (!choice) {
      Add(*n, where, "only_for_choices", {{"key", "numbering"}},
          "\"numbering\" is only for single and multiple questions");
    } else if (!numbering) {
      Add(*n, where, "bad_numbering", {{"value", name.value_or("")}},
          "\"numbering\" must be \"none\", \"abc\", \"ABCD\", \"123\", \"iii\" or \"IIII\"");
    } else {
      q.numbering = *numbering;
    }
  }
}

// What the student reads with the right answer once results are released (review =
// "solutions"): "feedback" on the question, "option_feedback" one per option (may be "").
void ExamParser::ParseFeedback(const toml::table& t, Question& q, const Where& where) {
  if (auto text = GetString(t, "feedback", where, /*required=*/false)) q.feedback = *text;
  const toml::node* n = Get(t, "option_feedback", where, /*required=*/false);
  if (n == nullptr) return;
  if (q.type != QuestionType::kSingle && q.type != QuestionType::kMultiple) {
    Add(*n, where, "only_for_choices", {{"key", "option_feedback"}},
        "\"option_feedback\" is only for single and multiple questions");
    return;
  }
  const toml::array* array = n->as_array();
  if (array == nullptr || !array->is_homogeneous(toml::node_type::string)) {
    WrongType(*n, "option_feedback", where, kFeedbackList);
    return;
  }
  if (array->size() != q.options.size()) {
    const std::string count = std::to_string(array->size());
    const std::string options = std::to_string(q.options.size());
    Add(*n, where, "feedback_count", {{"count", count}, {"options", options}},
        "\"option_feedback\" has " + count + " entries for " + options + " options");
    return;
  }
  for (const auto& f : *array) q.option_feedback.push_back(f.as_string()->get());
}

// A numeric question's units: [name, multiplier] pairs, the answer in the unit of multiplier 1
// (an answer in another is divided by its multiplier); unit_penalty, the share of the points
// earned lost when an answer has no unit.
void ExamParser::ParseUnits(const toml::table& t, Question& q, const Where& where) {
  const toml::node* n = Get(t, "units", where, /*required=*/false);
  const toml::node* penalty = Get(t, "unit_penalty", where, /*required=*/false);
  if (n == nullptr && penalty == nullptr) return;
  if (q.type != QuestionType::kNumeric) {
    const toml::node& at = n ? *n : *penalty;
    const std::string key = n ? "units" : "unit_penalty";
    Add(at, where, "only_for_numeric", {{"key", key}}, Quote(key) + " is only for numeric questions");
    return;
  }
  if (n == nullptr) {
    Add(*penalty, where, "unit_penalty_without_units", {},
        "\"unit_penalty\" needs \"units\" to say which units there are");
    return;
  }
  const toml::array* array = n->as_array();
  if (array == nullptr || array->empty()) {
    WrongType(*n, "units", where, kUnits);
    return;
  }
  bool base = false;
  for (const toml::node& element : *array) {
    const toml::array* pair = element.as_array();
    const std::optional<std::string> name =
        pair && pair->size() == 2 && (*pair)[0].is_string()
            ? std::optional<std::string>((*pair)[0].as_string()->get())
            : std::nullopt;
    const std::optional<double> multiplier =
        pair && pair->size() == 2 ? (*pair)[1].value<double>() : std::nullopt;
    if (!name || !multiplier) {
      WrongType(element, "units", where, kUnits);
      return;
    }
    if (name->empty() || name->size() > 32 || name->find_first_of(" \t\r\n") != std::string::npos) {
      Add(element, where, "unit_name", {{"value", *name}},
          "unit " + Quote(*name) + " must be 1 to 32 characters without spaces");
      return;
    }
    if (!(*multiplier > 0) || !std::isfinite(*multiplier)) {
      Add(element, where, "unit_multiplier", {{"unit", *name}},
          "unit " + Quote(*name) + " needs a multiplier greater than 0");
      return;
    }
    for (const Question::Unit& u : q.units) {
      if (u.name == *name) {
        Add(element, where, "unit_twice", {{"unit", *name}}, "unit " + Quote(*name) + " is listed twice");
        return;
      }
    }
    base = base || *multiplier == 1;
    q.units.push_back({*name, *multiplier});
  }
  if (!base) {
    Add(*n, where, "unit_base", {}, "one unit has the multiplier 1: the unit \"answer\" is in");
    q.units.clear();
    return;
  }
  if (penalty == nullptr) return;
  if (std::optional<double> p = GetNumber(*penalty, "unit_penalty", where)) {
    if (*p >= 0 && *p <= 1) {
      q.unit_penalty = *p;
    } else {
      Add(*penalty, where, "unit_penalty_range", {}, "\"unit_penalty\" is from 0 to 1");
    }
  }
}

// Feedback for the answer given, shown with the right answer: a true/false question's for the
// answer true and for false; a short question's one per accepted answer; a numeric question's
// for the right answer, then optionally for any other.
void ExamParser::ParseAnswerFeedback(const toml::table& t, Question& q, const Where& where) {
  const toml::node* n = Get(t, "answer_feedback", where, /*required=*/false);
  if (n == nullptr) return;
  size_t least = 0, most = 0;
  switch (q.type) {
    case QuestionType::kTrueFalse: least = most = 2; break;
    case QuestionType::kShortText: least = most = q.accepted.size(); break;
    case QuestionType::kNumeric: least = 1, most = 2; break;
    default:
      Add(*n, where, "only_for_answers", {{"key", "answer_feedback"}},
          "\"answer_feedback\" is only for truefalse, short and numeric questions");
      return;
  }
  const toml::array* array = n->as_array();
  if (array == nullptr || !array->is_homogeneous(toml::node_type::string)) {
    WrongType(*n, "answer_feedback", where, kAnswerFeedbackList);
    return;
  }
  if (array->size() < least || array->size() > most) {
    const std::string count = std::to_string(array->size());
    if (q.type == QuestionType::kTrueFalse) {
      Add(*n, where, "answer_feedback_truefalse", {{"count", count}},
          "\"answer_feedback\" has " + count +
              " entries; a truefalse question has 2 (if answered true, if answered false)");
    } else if (q.type == QuestionType::kShortText) {
      const std::string accepted = std::to_string(most);
      Add(*n, where, "answer_feedback_short", {{"count", count}, {"accepted", accepted}},
          "\"answer_feedback\" has " + count + " entries for " + accepted +
              " accepted answers (one each)");
    } else {
      Add(*n, where, "answer_feedback_numeric", {{"count", count}},
          "\"answer_feedback\" has " + count +
              " entries; a numeric question has 1 or 2 (for the right answer, then for any other)");
    }
    return;
  }
  for (const auto& f : *array) q.answer_feedback.push_back(f.as_string()->get());
  if (q.type == QuestionType::kNumeric) {  // the answer feedback's count follows these answers
    q.numeric_answers = {{q.numeric_answer, q.numeric_tolerance, 1}};
  }
}

void ExamParser::ParseOptions(const toml::table& t, Question& q, const Where& where) {
  const bool has_options = q.type == QuestionType::kSingle || q.type == QuestionType::kMultiple ||
                           q.type == QuestionType::kOrdering;
  const toml::node* n = Get(t, "options", where, /*required=*/has_options);
  if (n == nullptr) return;
  if (!has_options) {
    Add(*n, where, "only_for_options", {{"key", "options"}},
        "\"options\" is only for single, multiple and ordering questions");
    return;
  }
  const toml::array* array = n->as_array();
  if (array == nullptr) {
    WrongType(*n, "options", where, kStringList);
    return;
  }
  // The key is checked against this count even when some options are faulty.
  q.options.resize(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& option = (*array)[i];
    const std::string number = std::to_string(i);
    const std::string label = "option " + number;
    if (!option.is_string()) {
      const Kind kind = KindOf(option);
      Add(option, where, "option_not_string",
          {{"option", number}, {"found", std::string(kind.name)}},
          label + " must be a string in quotes, not " + std::string(kind.english));
      continue;
    }
    q.options[i] = WithoutImageMarks(option.as_string()->get());
    if (IsBlank(q.options[i])) {
      Add(option, where, "option_empty", {{"option", number}}, label + " is empty");
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (q.options[j] == q.options[i]) {
        const std::string other = std::to_string(j);
        Add(option, where, "option_repeated", {{"option", number}, {"other", other}},
            label + " repeats option " + other);
        break;
      }
    }
  }
  if (array->size() < 2) {
    const std::string count = std::to_string(array->size());
    Add(*n, where, "too_few_options", {{"count", count}},
        "\"options\" needs at least 2 options, has " + count);
  }
}

// A 0-based index into q.options; anything else is reported, except a range error when the
// options themselves are missing (already reported).
std::optional<int> ExamParser::GetIndex(const toml::node& n, const Question& q, const Where& where) {
  if (!n.is_integer()) {
    WrongType(n, "answer", where, kOptionIndex);
    return std::nullopt;
  }
  if (q.options.empty()) return std::nullopt;
  const int64_t index = n.as_integer()->get();
  if (index < 0 || index >= static_cast<int64_t>(q.options.size())) {
    const std::string value = std::to_string(index);
    const std::string count = std::to_string(q.options.size());
    Add(n, where, "answer_out_of_range", {{"value", value}, {"count", count}},
        "answer index " + value + " is out of range (" + count + " options)");
    return std::nullopt;
  }
  return static_cast<int>(index);
}

void ExamParser::ParseKey(const toml::table& t, Question& q, const Where& where) {
  if (const toml::node* n = t.get("all_or_nothing")) {
    if (q.type != QuestionType::kMultiple && q.type != QuestionType::kMatching &&
        q.type != QuestionType::kOrdering && q.type != QuestionType::kGaps) {
      Add(*n, where, "only_for_parts", {{"key", "all_or_nothing"}},
          "\"all_or_nothing\" is only for multiple, matching, ordering and gaps questions");
    } else if (!n->is_boolean()) {
      WrongType(*n, "all_or_nothing", where, kBool);
    } else {
      q.all_or_nothing = n->as_boolean()->get();
    }
  }
  if (const toml::node* n = t.get("grading")) {
    if (q.type != QuestionType::kOrdering) {
      Add(*n, where, "only_for_ordering", {{"key", "grading"}},
          "\"grading\" is only for ordering questions");
    } else if (!n->is_string()) {
      WrongType(*n, "grading", where, kString);
    } else if (auto grading = ParseOrderingGrading(n->as_string()->get())) {
      q.ordering_grading = *grading;
      if (q.all_or_nothing) {
        Add(*n, where, "grading_and_all_or_nothing", {},
            "an ordering question is graded all or nothing, or by \"grading\": not both");
      }
    } else {
      Add(*n, where, "bad_grading", {{"value", n->as_string()->get()}},
          "\"grading\" must be absolute_position, relative_next_excluding_last, "
          "relative_next_including_last, relative_one_previous_and_next, "
          "relative_all_previous_and_next, longest_ordered_subset, longest_contiguous_subset or "
          "relative_to_correct, not " + Quote(n->as_string()->get()));
    }
  }
  if (const toml::node* n = t.get("case_sensitive")) {
    if (q.type != QuestionType::kShortText) {
      Add(*n, where, "only_for_short", {{"key", "case_sensitive"}},
          "\"case_sensitive\" is only for short questions");
    } else if (!n->is_boolean()) {
      WrongType(*n, "case_sensitive", where, kBool);
    } else {
      q.case_sensitive = n->as_boolean()->get();  // before the answers are normalised
    }
  }
  if (const toml::node* n = t.get("wildcards")) {
    if (q.type != QuestionType::kShortText) {
      Add(*n, where, "only_for_short", {{"key", "wildcards"}},
          "\"wildcards\" is only for short questions");
    } else if (!n->is_boolean()) {
      WrongType(*n, "wildcards", where, kBool);
    } else {
      q.wildcards = n->as_boolean()->get();
    }
  }
  const bool numeric = q.type == QuestionType::kNumeric;
  if (const toml::node* n = t.get("tolerance")) {
    if (!numeric) {
      Add(*n, where, "tolerance_not_numeric", {},
          "\"tolerance\" is only for numeric questions");
    } else if (std::optional<double> tolerance = GetNumber(*n, "tolerance", where)) {
      if (*tolerance >= 0) {
        q.numeric_tolerance = *tolerance;
      } else {
        Add(*n, where, "tolerance_negative", {}, "\"tolerance\" must not be negative");
      }
    }
  }

  const bool essay = q.type == QuestionType::kEssay;
  const bool description = q.type == QuestionType::kDescription;
  const toml::node* n = Get(t, "answer", where,
                            /*required=*/!essay && !description && q.type != QuestionType::kMatching &&
                                q.type != QuestionType::kOrdering && q.type != QuestionType::kGaps);
  if (n == nullptr) return;
  switch (q.type) {
    case QuestionType::kSingle:
      if (n->is_array()) {
        Add(*n, where, "single_has_one_answer", {},
            "\"answer\" must be one option index; use type = \"multiple\" for several right "
            "options");
      } else if (std::optional<int> index = GetIndex(*n, q, where)) {
        q.correct_options = {*index};
      }
      break;
    case QuestionType::kMultiple: {
      const toml::array* array = n->as_array();
      if (array == nullptr) {
        WrongType(*n, "answer", where, kOptionIndices);
        break;
      }
      if (array->empty()) {
        Add(*n, where, "no_right_option", {}, "\"answer\" must list at least one right option");
        break;
      }
      for (const toml::node& element : *array) {
        std::optional<int> index = GetIndex(element, q, where);
        if (!index) continue;
        if (std::find(q.correct_options.begin(), q.correct_options.end(), *index) !=
            q.correct_options.end()) {
          const std::string value = std::to_string(*index);
          Add(element, where, "answer_twice", {{"value", value}},
              "answer index " + value + " is listed twice");
          continue;
        }
        q.correct_options.push_back(*index);
      }
      std::sort(q.correct_options.begin(), q.correct_options.end());
      break;
    }
    case QuestionType::kTrueFalse:
      if (n->is_boolean()) {
        q.correct_bool = n->as_boolean()->get();
      } else {
        WrongType(*n, "answer", where, kBool);
      }
      break;
    case QuestionType::kNumeric:
      if (std::optional<double> x = GetNumber(*n, "answer", where)) q.numeric_answer = *x;
      break;
    case QuestionType::kShortText:
      ParseAccepted(*n, q, where);
      break;
    case QuestionType::kMatching:
      Add(*n, where, "matching_has_no_answer", {},
          "matching questions have no \"answer\": the key is in \"pairs\"");
      break;
    case QuestionType::kOrdering:
      Add(*n, where, "ordering_has_no_answer", {},
          "ordering questions have no \"answer\": \"options\" lists the items in their right order");
      break;
    case QuestionType::kGaps:
      Add(*n, where, "gaps_has_no_answer", {},
          "gaps questions have no \"answer\": each gap of \"gaps\" has its own");
      break;
    case QuestionType::kEssay:
      Add(*n, where, "essay_has_no_answer", {},
          "essay questions have no \"answer\" (a teacher grades them)");
      break;
    case QuestionType::kDescription:
      Add(*n, where, "description_has_no_answer", {},
          "a description has no \"answer\": it is a text to read");
      break;
  }
}

// A string, or an array of strings, each kept in normalised form.
void ExamParser::ParseAccepted(const toml::node& n, Question& q, const Where& where) {
  auto accept = [&](const toml::node& element) {
    if (!element.is_string()) {
      WrongType(element, "answer", where, kAccepted);
      return;
    }
    std::string normalised =
        NormaliseText(element.as_string()->get(), !q.case_sensitive, !q.wildcards);
    if (NormaliseText(normalised).empty()) {  // a pattern's final punctuation kept, not alone
      Add(element, where, "accepted_empty", {},
          "an accepted answer is empty once normalised");
      return;
    }
    if (std::find(q.accepted.begin(), q.accepted.end(), normalised) == q.accepted.end()) {
      q.accepted.push_back(std::move(normalised));
    }
  };
  if (const toml::array* array = n.as_array()) {
    if (array->empty()) {
      Add(n, where, "no_accepted_answer", {},
          "\"answer\" must list at least one accepted answer");
    }
    for (const toml::node& element : *array) accept(element);
  } else {
    accept(n);
  }
}

// A matching question: "pairs" of [item, choice] (at least 2, items distinct, none blank) and
// "distractors", choices that match no item. Other questions have neither.
void ExamParser::ParseMatching(const toml::table& t, Question& q, const Where& where) {
  const bool matching = q.type == QuestionType::kMatching;
  const toml::node* pairs = Get(t, "pairs", where, /*required=*/matching);
  const toml::node* distractors = Get(t, "distractors", where, /*required=*/false);
  if (!matching) {
    for (const auto& [n, key] : {std::pair{pairs, "pairs"}, std::pair{distractors, "distractors"}}) {
      if (n != nullptr) {
        Add(*n, where, "only_for_matching", {{"key", key}},
            Quote(key) + " is only for matching questions");
      }
    }
    return;
  }
  std::vector<std::pair<std::string, std::string>> key;
  std::vector<std::string> extra;
  auto text = [&](const toml::node& n, std::string_view what) -> std::optional<std::string> {
    if (IsBlank(n.as_string()->get())) {
      Add(n, where, "blank_" + std::string(what), {}, "a matching " + std::string(what) + " is empty");
      return std::nullopt;
    }
    return n.as_string()->get();
  };
  if (pairs != nullptr) {
    const toml::array* array = pairs->as_array();
    const auto is_pair = [](const toml::node& n) {
      const toml::array* pair = n.as_array();
      return pair && pair->size() == 2 && pair->is_homogeneous(toml::node_type::string);
    };
    if (array == nullptr || !std::all_of(array->begin(), array->end(), is_pair)) {
      WrongType(*pairs, "pairs", where, kPairs);
      return;
    }
    for (const toml::node& n : *array) {
      const toml::array& pair = *n.as_array();
      std::optional<std::string> item = text(pair[0], "item");
      std::optional<std::string> choice = text(pair[1], "choice");
      if (!item || !choice) continue;
      const bool repeated = std::any_of(key.begin(), key.end(),
                                        [&](const auto& k) { return k.first == *item; });
      if (repeated) {
        Add(n, where, "item_repeated", {{"value", *item}},
            "the item " + Quote(*item) + " is listed twice");
        continue;
      }
      key.emplace_back(WithoutImageMarks(std::move(*item)), std::move(*choice));
    }
    if (array->size() < 2) {
      const std::string count = std::to_string(array->size());
      Add(*pairs, where, "too_few_pairs", {{"count", count}},
          "\"pairs\" needs at least 2 pairs, has " + count);
    }
  }
  if (distractors != nullptr) {
    const toml::array* array = distractors->as_array();
    if (array == nullptr || (!array->empty() && !array->is_homogeneous(toml::node_type::string))) {
      WrongType(*distractors, "distractors", where, kStringList);
    } else {
      for (const toml::node& n : *array) {
        if (std::optional<std::string> choice = text(n, "choice")) extra.push_back(*choice);
      }
    }
  }
  SetMatchingPairs(q, key, extra);
  if (pairs != nullptr && key.size() >= 2 && q.match_choices.size() < 2) {
    Add(*pairs, where, "too_few_choices", {},
        "a matching question needs two different choices at least (add a distractor)");
  }
}

}  // namespace pupitre::importers::toml_exam
