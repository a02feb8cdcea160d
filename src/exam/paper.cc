// The paper students see: questions and options, never the key.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "exam/exam.h"

namespace pupitre::exam {
namespace {

// Whole points are sent as integers: Boost.JSON writes the double 2.0 as "2E0".
boost::json::value PointsJson(double points) {
  constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
  if (std::trunc(points) == points && std::fabs(points) <= kMaxExactInteger) {
    return static_cast<int64_t>(points);
  }
  return points;
}

}  // namespace

std::string RenderPaperJson(const ExamSpec& spec) {
  boost::json::object exam;
  exam["id"] = spec.id;
  exam["title"] = spec.title;
  exam["course"] = spec.course_id;
  exam["opens_ms"] = spec.opens_ms;
  exam["closes_ms"] = spec.closes_ms;
  exam["duration_ms"] = spec.duration_ms;
  exam["one_per_page"] = spec.one_per_page;
  exam["question_count"] = static_cast<int64_t>(spec.QuestionsAsked());
  exam["max_points"] = PointsJson(spec.MaxPoints());

  boost::json::array questions;
  questions.reserve(spec.questions.size());
  for (const Question& q : spec.questions) {
    // Copy field by field: the key (correct_options, correct_bool, numeric_answer,
    // numeric_tolerance, accepted, match_key) must never reach a student.
    boost::json::object out;
    out["id"] = q.id;
    out["type"] = QuestionTypeName(q.type);
    out["text"] = q.text;
    out["points"] = PointsJson(q.points);
    if (q.type == QuestionType::kSingle || q.type == QuestionType::kMultiple ||
        q.type == QuestionType::kMatching) {
      boost::json::array options;
      options.reserve(q.options.size());
      for (const std::string& option : q.options) options.emplace_back(option);
      out["options"] = std::move(options);
    }
    if (q.type == QuestionType::kMatching) {  // sorted: their order tells nothing
      boost::json::array choices;
      for (const std::string& choice : q.match_choices) choices.emplace_back(choice);
      out["choices"] = std::move(choices);
    }
    questions.emplace_back(std::move(out));
  }

  boost::json::object paper;
  paper["exam"] = std::move(exam);
  paper["questions"] = std::move(questions);
  return boost::json::serialize(paper);
}

}  // namespace pupitre::exam
