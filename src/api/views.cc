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
          {"question_count", s.questions.size()},
          {"max_points", Number(s.MaxPoints())},
          {"published", e.state.published},
          {"results_released", e.state.results_released}};
}

namespace {
json::object ScoreJson(const exam::AttemptView& v) {
  exam::Score score = exam::GradeAttempt(v.state, *v.spec);
  json::object per_question;
  const auto points = exam::PointsPerQuestion(v.state, *v.spec);
  for (size_t i = 0; i < points.size(); ++i) {
    per_question[v.spec->questions[i].id] =
        points[i] ? Number(*points[i]) : json::value(nullptr);
  }
  return {{"points", Number(score.total())},
          {"max_points", Number(score.max_points)},
          {"ungraded_essays", score.ungraded_essays},
          {"questions", std::move(per_question)}};
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
  if (show) o["result"] = ScoreJson(v);
  return o;
}


}  // namespace pupitre::api
