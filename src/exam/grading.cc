// The shape of an answer and the points it earns, one question at a time.

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "exam/exam.h"
#include "exam/gaps.h"
#include "exam/ordering.h"

namespace pupitre::exam {
namespace {

constexpr size_t kMaxTextAnswerBytes = 20'000;

// An option index when `v` is an integer (of either JSON integer kind), whatever its range.
std::optional<int64_t> AsInteger(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    const uint64_t u = v.get_uint64();
    // Larger than any index; saturate so the range check rejects it.
    return u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(u);
  }
  return std::nullopt;
}

std::optional<double> AsNumber(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

Status CheckIndex(const Question& q, const boost::json::value& v) {
  const std::optional<int64_t> index = AsInteger(v);
  if (!index) return Error::Invalid("an option index must be an integer");
  if (*index < 0 || *index >= static_cast<int64_t>(q.options.size())) {
    return Error::Invalid("option index " + std::to_string(*index) + " is out of range (" +
                          std::to_string(q.options.size()) + " options)");
  }
  return OkStatus();
}

Status CheckText(const boost::json::value& v) {
  if (!v.is_string()) return Error::Invalid("the answer must be a string");
  if (v.get_string().size() > kMaxTextAnswerBytes) {
    return Error::Invalid("the answer is longer than " + std::to_string(kMaxTextAnswerBytes) +
                          " bytes");
  }
  return OkStatus();
}

bool Contains(const std::vector<int>& v, int64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The first accepted answer the answer `written` matches (a pattern, when the question's answers
// are: MatchesAnswer; else a "*" any non-blank answer, where answers carry credit: a plain key
// has no wildcard), or none.
std::optional<size_t> MatchedShortAnswer(const Question& q, std::string_view written) {
  const std::string given = NormaliseText(written, !q.case_sensitive);
  if (q.wildcards) {
    if (given.empty()) return std::nullopt;
    const std::string kept = NormaliseText(written, !q.case_sensitive, false);
    for (size_t i = 0; i < q.accepted.size(); ++i) {
      if (MatchesAnswer(q.accepted[i], kept, given)) return i;
    }
    return std::nullopt;
  }
  const bool wildcard = !q.credit.empty();
  for (size_t i = 0; i < q.accepted.size(); ++i) {
    if (q.accepted[i] == given || (wildcard && q.accepted[i] == "*" && !given.empty())) return i;
  }
  return std::nullopt;
}

// |x - value| <= tolerance. A relative slack of 1e-9 absorbs binary rounding: 2.6 is within 0.1
// of 2.5 even though the doubles differ by 0.10000000000000009.
bool Within(double x, double value, double tolerance) {
  const double slack = 1e-9 * std::max(std::fabs(value), std::fabs(tolerance));
  return std::fabs(x - value) <= tolerance + slack;
}

// A numeric answer as compared: its value in the answers' unit, and whether a unit was given.
struct NumericGiven {
  double value = 0;
  bool with_unit = false;
};

const Question::Unit* FindUnit(const Question& q, std::string_view name) {
  for (const Question::Unit& u : q.units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

// A number, or with units {"value", "unit"}; none when it is not a valid numeric answer.
std::optional<NumericGiven> NumericValue(const Question& q, const boost::json::value& answer) {
  if (const std::optional<double> x = AsNumber(answer)) {
    if (!std::isfinite(*x)) return std::nullopt;
    return NumericGiven{*x, false};
  }
  const boost::json::object* o = answer.if_object();
  if (!o || q.units.empty()) return std::nullopt;
  const boost::json::value* v = o->if_contains("value");
  const std::optional<double> x = v ? AsNumber(*v) : std::nullopt;
  if (!x || !std::isfinite(*x)) return std::nullopt;
  const boost::json::value* unit = o->if_contains("unit");
  if (!unit || unit->is_null()) return NumericGiven{*x, false};
  if (!unit->is_string()) return std::nullopt;
  const Question::Unit* u = FindUnit(q, unit->get_string());
  if (!u) return std::nullopt;
  return NumericGiven{*x / u->multiplier, true};
}

// The first of q.numeric_answers whose tolerance holds x, or none.
std::optional<size_t> MatchedNumericAnswer(const Question& q, double x) {
  for (size_t i = 0; i < q.numeric_answers.size(); ++i) {
    if (Within(x, q.numeric_answers[i].value, q.numeric_answers[i].tolerance)) return i;
  }
  return std::nullopt;
}

}  // namespace

Status ValidateAnswer(const Question& q, const boost::json::value& answer) {
  if (answer.is_null()) return OkStatus();
  switch (q.type) {
    case QuestionType::kSingle:
      return CheckIndex(q, answer);
    case QuestionType::kMultiple: {
      if (!answer.is_array()) {
        return Error::Invalid("the answer must be an array of option indices");
      }
      const boost::json::array& picks = answer.get_array();
      for (size_t i = 0; i < picks.size(); ++i) {
        if (Status s = CheckIndex(q, picks[i]); !s.ok()) return s;
        for (size_t j = 0; j < i; ++j) {
          if (*AsInteger(picks[j]) == *AsInteger(picks[i])) {
            return Error::Invalid("option index " + std::to_string(*AsInteger(picks[i])) +
                                  " is picked twice");
          }
        }
      }
      return OkStatus();
    }
    case QuestionType::kTrueFalse:
      if (!answer.is_bool()) return Error::Invalid("the answer must be true or false");
      return OkStatus();
    case QuestionType::kNumeric: {
      if (NumericValue(q, answer)) return OkStatus();
      if (q.units.empty()) return Error::Invalid("the answer must be a number");
      const boost::json::object* o = answer.if_object();
      const boost::json::value* unit = o ? o->if_contains("unit") : nullptr;
      if (unit && unit->is_string() && !FindUnit(q, unit->get_string())) {
        return Error::Invalid("\"" + std::string(unit->get_string().subview(0, 32)) +
                              "\" is not one of the question's units");
      }
      return Error::Invalid(
          "the answer must be a number, or {\"value\": a number, \"unit\": one of the "
          "question's units or null}");
    }
    case QuestionType::kShortText:
    case QuestionType::kEssay:
      return CheckText(answer);
    case QuestionType::kDescription:
      return Error::Invalid("a description takes no answer");
    case QuestionType::kMatching: {
      if (!answer.is_array() || answer.get_array().size() != q.options.size()) {
        return Error::Invalid("the answer must be an array of " + std::to_string(q.options.size()) +
                              " choice indices or nulls, one per item");
      }
      for (const boost::json::value& pick : answer.get_array()) {
        if (pick.is_null()) continue;
        const std::optional<int64_t> index = AsInteger(pick);
        if (!index) return Error::Invalid("a choice index must be an integer or null");
        if (*index < 0 || *index >= static_cast<int64_t>(q.match_choices.size())) {
          return Error::Invalid("choice index " + std::to_string(*index) + " is out of range (" +
                                std::to_string(q.match_choices.size()) + " choices)");
        }
      }
      return OkStatus();
    }
    case QuestionType::kGaps:
      return ValidateGapsAnswer(q, answer);
    case QuestionType::kOrdering: {
      const size_t n = q.options.size();
      if (!answer.is_array() || answer.get_array().size() != n) {
        return Error::Invalid("the answer must be an array of the " + std::to_string(n) +
                              " item indices, each once, in the order given");
      }
      std::vector<bool> seen(n, false);
      for (const boost::json::value& item : answer.get_array()) {
        const std::optional<int64_t> index = AsInteger(item);
        if (!index || *index < 0 || *index >= static_cast<int64_t>(n) ||
            seen[static_cast<size_t>(*index)]) {
          return Error::Invalid("the answer must give each item index from 0 to " +
                                std::to_string(n - 1) + " once");
        }
        seen[static_cast<size_t>(*index)] = true;
      }
      return OkStatus();
    }
  }
  assert(false && "unknown QuestionType");
  return Error::Internal("unknown question type");
}

std::optional<double> GradeAnswer(const Question& q, const boost::json::value& answer) {
  if (answer.is_null()) return 0.0;
  // Answers are validated before they are stored; anything else earns nothing.
  switch (q.type) {
    case QuestionType::kSingle: {
      const std::optional<int64_t> index = AsInteger(answer);
      if (!q.credit.empty()) {
        if (!index || *index < 0 || static_cast<size_t>(*index) >= q.credit.size()) return 0.0;
        return q.points * std::clamp(q.credit[static_cast<size_t>(*index)], 0.0, 1.0);
      }
      assert(q.correct_options.size() == 1);
      const bool right = index && !q.correct_options.empty() && *index == q.correct_options[0];
      return right ? q.points : 0.0;
    }
    case QuestionType::kMultiple: {
      if (!q.credit.empty()) {
        if (!answer.is_array()) return 0.0;
        double sum = 0;
        for (const boost::json::value& pick : answer.get_array()) {
          const std::optional<int64_t> index = AsInteger(pick);
          if (index && *index >= 0 && static_cast<size_t>(*index) < q.credit.size()) {
            sum += q.credit[static_cast<size_t>(*index)];
          }
        }
        return q.points * std::clamp(sum, 0.0, 1.0);
      }
      assert(!q.correct_options.empty());
      if (!answer.is_array() || q.correct_options.empty()) return 0.0;
      if (q.all_or_nothing) {
        std::vector<int> picked;
        for (const boost::json::value& pick : answer.get_array()) {
          const std::optional<int64_t> index = AsInteger(pick);
          if (!index) return 0.0;
          picked.push_back(static_cast<int>(*index));
        }
        std::sort(picked.begin(), picked.end());
        return picked == q.correct_options ? q.points : 0.0;
      }
      int right = 0;
      int wrong = 0;
      for (const boost::json::value& pick : answer.get_array()) {
        const std::optional<int64_t> index = AsInteger(pick);
        if (index && Contains(q.correct_options, *index)) {
          ++right;
        } else {
          ++wrong;
        }
      }
      const double fraction =
          static_cast<double>(right - wrong) / static_cast<double>(q.correct_options.size());
      return q.points * std::max(0.0, fraction);
    }
    case QuestionType::kTrueFalse:
      return (answer.is_bool() && answer.get_bool() == q.correct_bool) ? q.points : 0.0;
    case QuestionType::kNumeric: {
      const std::optional<NumericGiven> x = NumericValue(q, answer);
      if (!x) return 0.0;
      double fraction = 0;
      if (const auto i = MatchedNumericAnswer(q, x->value)) {
        fraction = std::clamp(q.numeric_answers[*i].credit, 0.0, 1.0);
      } else if (q.numeric_answers.empty()) {
        fraction = Within(x->value, q.numeric_answer, q.numeric_tolerance) ? 1.0 : 0.0;
      }
      // As Moodle: a missing unit costs its penalty, of the earned share or of the whole.
      if (!x->with_unit && !q.units.empty() && fraction > 0) {
        fraction = q.unit_penalty_of_max ? fraction - q.unit_penalty
                                         : fraction * (1 - q.unit_penalty);
      }
      return q.points * std::max(0.0, fraction);
    }
    case QuestionType::kShortText: {
      if (!answer.is_string()) return 0.0;
      const auto i = MatchedShortAnswer(q, answer.get_string());
      if (!i) return 0.0;
      if (q.credit.empty()) return q.points;
      return *i < q.credit.size() ? q.points * std::clamp(q.credit[*i], 0.0, 1.0) : 0.0;
    }
    case QuestionType::kEssay:
      return std::nullopt;
    case QuestionType::kDescription:
      return 0.0;
    case QuestionType::kMatching: {
      if (!answer.is_array() || q.match_key.empty()) return 0.0;
      const boost::json::array& picks = answer.get_array();
      size_t right = 0;
      double share = 0;
      for (size_t i = 0; i < picks.size() && i < q.match_key.size(); ++i) {
        const std::optional<int64_t> index = AsInteger(picks[i]);
        if (!index || *index != q.match_key[i]) continue;
        ++right;
        if (i < q.credit.size()) share += q.credit[i];
      }
      if (q.all_or_nothing) return right == q.match_key.size() ? q.points : 0.0;
      if (!q.credit.empty()) return q.points * std::clamp(share, 0.0, 1.0);
      return q.points * static_cast<double>(right) / static_cast<double>(q.match_key.size());
    }
    case QuestionType::kGaps:
      return GradeGaps(q, answer);
    case QuestionType::kOrdering: {
      if (!answer.is_array() || q.order_key.empty()) return 0.0;
      std::vector<int> given;  // the items' indices in the student's order (-1: not one)
      for (const boost::json::value& item : answer.get_array()) {
        const std::optional<int64_t> index = AsInteger(item);
        given.push_back(index && *index >= 0 && *index < 1'000'000 ? static_cast<int>(*index) : -1);
      }
      if (q.all_or_nothing) return given == q.order_key ? q.points : 0.0;
      return q.points * OrderingShare(q, given);
    }
  }
  assert(false && "unknown QuestionType");
  return 0.0;
}

std::string AnswerFeedback(const Question& q, const boost::json::value& answer) {
  if (q.answer_feedback.empty() || answer.is_null()) return "";
  std::optional<size_t> i;
  switch (q.type) {
    case QuestionType::kTrueFalse:
      if (answer.is_bool()) i = answer.get_bool() ? 0 : 1;
      break;
    case QuestionType::kShortText:
      if (answer.is_string()) {
        i = MatchedShortAnswer(q, answer.get_string());
      }
      break;
    case QuestionType::kNumeric:
      if (const std::optional<NumericGiven> x = NumericValue(q, answer)) {
        i = MatchedNumericAnswer(q, x->value).value_or(q.numeric_answers.size());
      }
      break;
    default:
      break;
  }
  return i && *i < q.answer_feedback.size() ? q.answer_feedback[*i] : "";
}

std::string AnswersUnit(const Question& q) {
  for (const Question::Unit& u : q.units) {
    if (u.multiplier == 1) return u.name;
  }
  return "";
}

std::string UnitsProblem(const Question& q) {
  if (q.units.empty()) {
    return q.unit_penalty == 0 ? "" : "a unit penalty without units";
  }
  if (q.type != QuestionType::kNumeric) return "only numeric questions have units";
  for (size_t i = 0; i < q.units.size(); ++i) {
    const Question::Unit& u = q.units[i];
    if (u.name.empty() || u.name.size() > 32 ||
        u.name.find_first_of(" \t\r\n") != std::string::npos) {
      return "a unit is named by 1 to 32 characters without spaces";
    }
    if (!(u.multiplier > 0) || !std::isfinite(u.multiplier)) {
      return "unit \"" + u.name + "\" needs a multiplier greater than 0";
    }
    for (size_t j = 0; j < i; ++j) {
      if (q.units[j].name == u.name) return "unit \"" + u.name + "\" is listed twice";
    }
  }
  if (!(q.unit_penalty >= 0 && q.unit_penalty <= 1)) return "a unit penalty is from 0 to 1";
  return "";
}

std::string AnswerFeedbackProblem(const Question& q) {
  const size_t n = q.answer_feedback.size();
  if (n == 0) return "";
  switch (q.type) {
    case QuestionType::kTrueFalse:
      return n == 2 ? "" : "a true/false question has two answer feedbacks (true, false)";
    case QuestionType::kShortText:
      return n == q.accepted.size() ? "" : "a short answer has one answer feedback per accepted answer";
    case QuestionType::kNumeric:
      return !q.numeric_answers.empty() && (n == q.numeric_answers.size() ||
                                            n == q.numeric_answers.size() + 1)
                 ? ""
                 : "a numeric question has one answer feedback per answer (and one for any other)";
    default:
      return "only true/false, short and numeric questions have answer feedback";
  }
}

}  // namespace pupitre::exam
