// The paper students see: questions and options, never the key.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

boost::json::array ImagesJson(const Question& q) {
  boost::json::array images;  // each served by its blob's name
  for (const QuestionImage& i : q.images) {
    images.push_back(boost::json::object{{"blob", i.blob}, {"alt", i.alt}});
  }
  return images;
}

boost::json::object PaperQuestionJson(const Question& q) {
  // Copy field by field: the key (correct_options, correct_bool, numeric_answer,
  // numeric_tolerance, accepted, match_key) must never reach a student.
  boost::json::object out;
  out["id"] = q.id;
  out["type"] = QuestionTypeName(q.type);
  out["text"] = q.text;
  out["points"] = PointsJson(q.points);
  if (q.type == QuestionType::kSingle || q.type == QuestionType::kMultiple ||
      q.type == QuestionType::kMatching || q.type == QuestionType::kOrdering) {
    boost::json::array options;
    options.reserve(q.options.size());
    for (const std::string& option : q.options) options.emplace_back(option);
    out["options"] = std::move(options);
  }
  if (q.numbering != OptionNumbering::kNone) out["numbering"] = OptionNumberingName(q.numbering);
  if (q.type == QuestionType::kMatching) {  // sorted: their order tells nothing
    boost::json::array choices;
    for (const std::string& choice : q.match_choices) choices.emplace_back(choice);
    out["choices"] = std::move(choices);
  }
  if (q.type == QuestionType::kGaps) {  // a menu's choices (sorted), or a gap typed in (a number?)
    boost::json::array gaps;
    for (const Gap& g : q.gaps) {
      boost::json::array choices;
      for (const std::string& choice : g.choices) choices.emplace_back(choice);
      boost::json::object gap;
      if (g.choices.empty()) {
        gap["typed"] = true;
        if (!g.numbers.empty()) gap["number"] = true;  // a number (its key stays here)
      } else {
        gap["choices"] = std::move(choices);
      }
      gaps.push_back(std::move(gap));
    }
    out["gaps"] = std::move(gaps);
  }
  if (!q.images.empty()) out["images"] = ImagesJson(q);
  if (!q.units.empty()) {  // what the answer may be given in (their multipliers stay here)
    boost::json::array units;
    for (const Question::Unit& u : q.units) units.emplace_back(u.name);
    out["units"] = std::move(units);
  }
  return out;
}

PaperPieces RenderPaperPieces(const ExamSpec& spec) {
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

  PaperPieces pieces;
  // Serialised piece by piece so that a paper of some questions is a join, not a new render.
  pieces.head = "{\"exam\":" + boost::json::serialize(exam) + ",\"questions\":[";
  pieces.questions.reserve(spec.questions.size());
  for (const Question& q : spec.questions) {
    pieces.questions.push_back(boost::json::serialize(PaperQuestionJson(q)));
  }
  return pieces;
}

std::string JoinPaper(const PaperPieces& pieces, const std::vector<bool>* asked) {
  size_t size = pieces.head.size() + 2;
  for (const std::string& q : pieces.questions) size += q.size() + 1;
  std::string out;
  out.reserve(size);
  out += pieces.head;
  bool first = true;
  for (size_t i = 0; i < pieces.questions.size(); ++i) {
    if (asked && (i >= asked->size() || !(*asked)[i])) continue;
    if (!first) out += ',';
    first = false;
    out += pieces.questions[i];
  }
  out += "]}";
  return out;
}

std::string RenderPaperJson(const ExamSpec& spec) {
  return JoinPaper(RenderPaperPieces(spec), nullptr);
}

}  // namespace pupitre::exam
