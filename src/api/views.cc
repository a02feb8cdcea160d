#include "api/views.h"

#include <boost/json.hpp>

#include "api/json_io.h"

namespace pupitre::api {

namespace json = boost::json;

json::object UserJson(const auth::Principal& p) {
  return {{"id", p.user_id},
          {"login", p.login},
          {"name", p.display_name},
          {"role", auth::RoleName(p.role)}};
}

json::object ExamJson(const exam::ExamEntry& e) {
  const auto& s = *e.spec;
  return {{"id", s.id},
          {"title", s.title},
          {"course", s.course_id},
          {"opens_ms", s.opens_ms},
          {"closes_ms", s.closes_ms},
          {"duration_ms", s.duration_ms},
          {"one_per_page", s.one_per_page},
          {"review", exam::ReviewLevelName(s.review)},
          {"question_count", s.QuestionsAsked()},
          {"max_points", Number(s.MaxPoints())},
          {"published", e.state.published},
          {"results_released", e.state.results_released}};
}

namespace {

json::array Texts(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// The right answer of `q`, as the page shows it.
json::value RightAnswer(const exam::Question& q) {
  using T = exam::QuestionType;
  switch (q.type) {
    case T::kSingle:
    case T::kMultiple: {
      json::array a;
      for (int i : q.correct_options) a.push_back(i);
      return a;
    }
    case T::kTrueFalse: return q.correct_bool;
    case T::kNumeric: {
      json::object right{{"value", Number(q.numeric_answer)},
                         {"tolerance", Number(q.numeric_tolerance)}};
      if (const std::string unit = exam::AnswersUnit(q); !unit.empty()) right["unit"] = unit;
      return right;
    }
    case T::kShortText: {
      if (!q.wildcards) return Texts(q.accepted);
      std::vector<std::string> shown;  // "*Paris*" as Moodle shows it: "Paris"
      for (const std::string& pattern : q.accepted) {
        std::string words = exam::PatternShown(pattern);
        if (!words.empty()) shown.push_back(std::move(words));  // "*" alone shows nothing
      }
      return Texts(shown);
    }
    case T::kEssay:
    case T::kDescription: return nullptr;
    case T::kMatching: {
      json::array a;
      for (int i : q.match_key) a.push_back(i);
      return a;
    }
    case T::kGaps: return exam::GapsRightAnswer(q);
    case T::kOrdering: {
      json::array a;
      for (int i : q.order_key) a.push_back(i);
      return a;
    }
  }
  return nullptr;
}

// What a submitted attempt's owner sees once results are released: the score, each question's
// points out of its maximum; from ReviewLevel::kAnswers, each question (in the student's order)
// with their answer; at kSolutions, also the right answer and the teacher's feedback. A teacher
// sees everything.
json::object ResultJson(const exam::AttemptView& v, bool is_teacher) {
  const exam::ExamSpec& spec = *v.spec;
  const exam::Score score = exam::GradeAttempt(v.state, spec);
  const auto points = exam::PointsPerQuestion(v.state, spec);
  json::object per_question, max;
  for (size_t i = 0; i < points.size(); ++i) {
    if (spec.questions[i].type == exam::QuestionType::kDescription) continue;  // nothing to earn
    per_question[spec.questions[i].id] = points[i] ? Number(*points[i]) : json::value(nullptr);
    max[spec.questions[i].id] = Number(spec.questions[i].points);
  }
  json::object o{{"points", Number(score.total())},
                 {"max_points", Number(score.max_points)},
                 {"ungraded_essays", score.ungraded_essays},
                 {"questions", std::move(per_question)},
                 {"max", std::move(max)},
                 {"review", exam::ReviewLevelName(spec.review)}};
  // The teacher's comments are told at every level: they are the teacher's words to the student.
  json::object comments;
  for (const auto& [qid, text] : v.state.comments) {
    if (!qid.empty()) comments[qid] = text;
  }
  o["comments"] = std::move(comments);
  auto overall = v.state.comments.find("");
  o["comment"] = overall == v.state.comments.end() ? "" : overall->second;
  const exam::ReviewLevel level = is_teacher ? exam::ReviewLevel::kSolutions : spec.review;
  if (level == exam::ReviewLevel::kScore) return o;
  json::array items;
  for (int qi : v.order.questions) {
    const size_t index = static_cast<size_t>(qi);
    const exam::Question& q = spec.questions[index];
    json::object item{{"id", q.id},
                      {"type", exam::QuestionTypeName(q.type)},
                      {"text", q.text},
                      {"options", Texts(q.options)},
                      {"choices", Texts(q.match_choices)},
                      {"max", Number(q.points)},
                      {"points", points[index] ? Number(*points[index]) : json::value(nullptr)},
                      {"answer", nullptr}};
    if (!q.images.empty()) item["images"] = exam::ImagesJson(q);  // at /api/exams/ID/images/
    if (q.type == exam::QuestionType::kGaps) item["gaps"] = exam::PaperQuestionJson(q)["gaps"];
    if (auto it = v.state.answers.find(q.id); it != v.state.answers.end()) {
      json::error_code ec;
      json::value answer = json::parse(it->second.value_json, ec);
      if (!ec) item["answer"] = std::move(answer);
    }
    if (level == exam::ReviewLevel::kSolutions) {
      item["right"] = RightAnswer(q);
      item["feedback"] = q.feedback;
      item["option_feedback"] = Texts(q.option_feedback);
      item["answer_feedback"] = exam::AnswerFeedback(q, item["answer"]);
    }
    items.push_back(std::move(item));
  }
  o["items"] = std::move(items);
  return o;
}

}  // namespace

json::object AttemptJson(const exam::AttemptView& v, bool is_teacher, int64_t now_ms) {
  const auto& a = v.state;
  json::object o{{"id", a.id},
                 {"exam_id", a.exam_id},
                 {"user_id", a.user_id},
                 {"status", exam::AttemptStatusName(a.status)},
                 {"started_ms", a.started_ms},
                 {"deadline_ms", a.deadline_ms},
                 {"server_now_ms", now_ms},
                 {"submitted_ms", a.submitted_ms},
                 {"auto_submitted", a.auto_submitted}};
  json::array compensations;
  for (const auto& c : a.compensations) {
    compensations.push_back(
        json::object{{"from_ms", c.from_ms}, {"to_ms", c.to_ms}, {"added_ms", c.added_ms}});
  }
  o["compensations"] = std::move(compensations);
  json::array added;
  for (const auto& t : a.time_added) {
    added.push_back(json::object{{"at_ms", t.at_ms}, {"added_ms", t.added_ms}});
  }
  o["time_added"] = std::move(added);
  if (v.spec) {
    json::array qs;
    json::object opts;
    for (size_t i = 0; i < v.order.questions.size(); ++i) {
      const auto& q = v.spec->questions[v.order.questions[i]];
      qs.push_back(json::value(q.id));
    }
    for (size_t i = 0; i < v.spec->questions.size() && i < v.order.options.size(); ++i) {
      if (v.order.options[i].empty()) continue;
      json::array perm;
      for (int k : v.order.options[i]) perm.push_back(k);
      opts[v.spec->questions[i].id] = std::move(perm);
    }
    o["order"] = json::object{{"questions", std::move(qs)}, {"options", std::move(opts)}};
  }
  json::object answers;
  for (const auto& [qid, s] : a.answers) {
    json::error_code ec;
    json::value value = json::parse(s.value_json, ec);
    answers[qid] = json::object{{"seq", s.seq}, {"value", value}, {"saved_at_ms", s.saved_at_ms}};
  }
  o["answers"] = std::move(answers);
  bool show = v.spec && a.status == exam::AttemptStatus::kSubmitted &&
              (is_teacher || v.results_released);
  o["results_released"] = v.results_released;
  if (show) o["result"] = ResultJson(v, is_teacher);
  return o;
}


boost::json::array ProblemsJson(const std::vector<importers::BankProblem>& problems) {
  boost::json::array out;
  for (const auto& p : problems) {
    out.push_back(boost::json::object{{"line", p.line}, {"message", p.message}});
  }
  return out;
}

std::function<void(Result<std::shared_ptr<const exam::ExamEntry>>)> AnswerExam(
    const ContextPtr& c, unsigned status) {
  return [c, status](Result<std::shared_ptr<const exam::ExamEntry>> r) {
    c->Later([c, r = std::move(r), status] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(status, {{"exam", ExamJson(**r)}});
    });
  };
}

}  // namespace pupitre::api
