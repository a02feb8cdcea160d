// An attempt: its student's exam page reads it, saves answers and submits; a teacher grades
// its essays. Saves and submits of an attempt in progress are the critical class.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/json_io.h"
#include "api/seb_gate.h"
#include "api/services.h"
#include "api/views.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

// A student's request of an attempt whose exam requires Safe Exam Browser, without it: answered
// (true). Costs nothing while no exam requires it.
bool AttemptRefusedBySeb(Services& s, const ContextPtr& c, int64_t attempt_id) {
  if (!s.seb.any() || c->caller().is_teacher) return false;
  // Someone else's attempt is not looked at here: its route answers "no such attempt".
  auto exam = s.exams.ExamOfAttempt(attempt_id, c->who->user_id);
  return exam && RefusedBySeb(s, c, *exam);
}

void GetAttempt(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  if (AttemptRefusedBySeb(s, c, *id)) return;
  auto v = s.exams.GetAttempt(c->caller(), *id);
  if (!v.ok()) return c->Fail(v.error());
  json::object o = AttemptJson(*v, c->caller().is_teacher, ToUnixMs(s.clock.Now()));
  // What the page encrypts its answer file to, when it cannot reach the server.
  o["answer_file_key"] = s.answer_files.PublicKeyBase64(v->state.exam_id);
  c->Json(200, {{"attempt", std::move(o)}});
}

// POST /api/attempts/ID/answer-file: the page's encrypted answer file (exam/answer_file.h), by
// its student or a teacher (an invigilator), until exam.answer_file_minutes after the deadline.
void UploadAnswerFile(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  if (AttemptRefusedBySeb(s, c, *id)) return;
  auto file = s.answer_files.Open(c->req.body());
  if (!file.ok()) return c->Fail(file.error());
  boost::asio::post(s.workers, [&s, c, id = *id, file = std::move(*file)] {
    auto r = s.exams.ApplyAnswerFile(c->caller(), id, file,
                                     std::chrono::minutes(s.config.exam.answer_file_minutes));
    c->Later([c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"applied", r->applied}, {"replays", r->replays}, {"late", r->late},
                    {"refused", r->refused}});
    });
  });
}

void SaveAnswer(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  if (AttemptRefusedBySeb(s, c, *id)) return;
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto seq = GetInt(*body, "seq");
  if (!seq.ok()) return c->Fail(seq.error());
  const json::value* value = body->if_contains("value");
  if (!value) return c->Fail(Error::BadRequest("'value' is required (null clears the answer)"));
  // The journal marks what it sends again after being offline (the teacher's timeline counts it).
  const json::value* resent = body->if_contains("resent");
  if (resent && !resent->is_bool()) return c->Fail(Error::BadRequest("'resent' must be true or false"));
  s.exams.Save(
      c->caller(), *id, c->param(1), *seq, *value,
      [c](Result<exam::SaveAck> r) {
        c->Later([c, r = std::move(r)] {
          if (!r.ok()) return c->Fail(r.error());
          c->Json(200, {{"saved_seq", r->seq}, {"applied", r->applied}, {"deadline_ms", r->deadline_ms}});
        });
      },
      resent && resent->as_bool());
}

// GET /api/attempts/ID/events: the exam page's event stream (incidents, time added), attached
// to the notification hub; its coming and going is recorded in the attempt's timeline.
void AttemptEvents(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id || !s.exams.HasAttemptInProgress(c->who->user_id, *id)) {
    return c->Fail(Error::NotFound("no attempt in progress here"));
  }
  if (AttemptRefusedBySeb(s, c, *id)) return;
  s.exams.NotePage(*id, /*connected=*/true);
  s.hub.Attach(c->caller(), c->OpenStream(), [&s, attempt = *id] {
    s.exams.NotePage(attempt, /*connected=*/false);
  });
}

Result<int64_t> TimelineId(const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return Error::NotFound("no such attempt");
  return *id;
}

// GET /api/attempts/ID/timeline: what the server saw of an attempt, for its teachers.
// Reads the timeline on the worker pool (it reads the store), then answers with `answer`.
template <typename F>
void WithTimeline(Services& s, const ContextPtr& c, F answer) {
  auto id = TimelineId(c);
  if (!id.ok()) return c->Fail(id.error());
  boost::asio::post(s.workers, [&s, c, id = *id, answer] {
    auto t = s.exams.Timeline(c->caller(), id);
    c->Later([&s, c, id, t = std::move(t), answer]() mutable {
      if (!t.ok()) return c->Fail(t.error());
      answer(s, c, id, *t);
    });
  });
}

void TimelineJson(Services& s, const ContextPtr& c, int64_t id,
                  std::vector<exam::TimelineEntry>& timeline) {
  json::array out;
  for (auto& e : timeline) {
    out.push_back(json::object{{"at_ms", e.at_ms}, {"kind", e.kind}, {"data", std::move(e.data)}});
  }
  json::object o{{"attempt_id", id}, {"timeline", std::move(out)}};
  if (auto v = s.exams.GetAttempt(c->caller(), id); v.ok()) {
    o["exam_id"] = v->state.exam_id;
    if (auto u = s.accounts.FindById(v->state.user_id)) {
      o["login"] = u->login;
      o["name"] = u->display_name;
    }
  }
  c->Json(200, std::move(o));
}

void Timeline(Services& s, const ContextPtr& c) { WithTimeline(s, c, TimelineJson); }

void TimelineCsvOf(Services&, const ContextPtr& c, int64_t id,
                   std::vector<exam::TimelineEntry>& timeline) {
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "text/csv; charset=utf-8");
  res.set(bhttp::field::content_disposition,
          fmt::format("attachment; filename=\"attempt-{}-timeline.csv\"", id));
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(c->req.keep_alive());
  res.body() = exam::TimelineCsv(timeline);
  c->Send(std::move(res));
}

void TimelineCsv(Services& s, const ContextPtr& c) { WithTimeline(s, c, TimelineCsvOf); }

void Submit(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  if (AttemptRefusedBySeb(s, c, *id)) return;
  s.exams.Submit(c->caller(), *id, [&s, c](Result<exam::AttemptView> r) {
    c->Later([&s, c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"attempt", AttemptJson(*r, false, ToUnixMs(s.clock.Now()))}});
    });
  });
}

void Grade(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto* points = body->if_contains("points");
  if (!points || !points->is_number()) {
    return c->Fail(Error::BadRequest("'points' must be a number"));
  }
  s.exams.GradeEssay(c->caller(), *id, c->param(1), points->to_number<double>(), [c](Status st) {
    c->Later([c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"graded", true}});
    });
  });
}

// PUT /api/attempts/ID/comments/QID (a question) or /api/attempts/ID/comment (the whole
// attempt), {"text": "..."}; "" removes it.
void Comment(Services& s, const ContextPtr& c, const std::string& question_id) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto text = GetString(*body, "text");
  if (!text.ok()) return c->Fail(text.error());
  s.exams.SetComment(c->caller(), *id, question_id, std::move(*text),
                     [c](Status st) {
                       c->Later([c, st] {
                         if (!st.ok()) return c->Fail(st.error());
                         c->Json(200, {{"commented", true}});
                       });
                     });
}

}  // namespace

void RegisterAttemptRoutes(Router& router, Services& s) {
  using A = Admission;
  // An admitted student's exam page (attempt, paper) loads even under overload, like saves.
  router.Add({verb::get, "/api/attempts/*", "attempt", Access::kUser, A::kCritical,
              Bind(s, GetAttempt)});
  router.Add({verb::put, "/api/attempts/*/answers/*", "save", Access::kStudent, A::kCritical,
              Bind(s, SaveAnswer)});
  router.Add({verb::post, "/api/attempts/*/submit", "submit", Access::kStudent, A::kCritical,
              Bind(s, Submit)});
  router.Add({verb::put, "/api/attempts/*/grades/*", "grade", Access::kTeacher,
              A::kInteractive, Bind(s, Grade)});
  router.Add({verb::put, "/api/attempts/*/comments/*", "comment", Access::kTeacher,
              A::kInteractive, [&s](const ContextPtr& c) { Comment(s, c, c->param(1)); }});
  router.Add({verb::put, "/api/attempts/*/comment", "comment_overall", Access::kTeacher,
              A::kInteractive, [&s](const ContextPtr& c) { Comment(s, c, ""); }});
  router.Add({verb::post, "/api/attempts/*/answer-file", "attempt_answer_file", Access::kUser,
              A::kInteractive, Bind(s, UploadAnswerFile), Body::kUpload});
  router.Add({verb::get, "/api/attempts/*/events", "attempt_events", Access::kStudent,
              A::kStatus, Bind(s, AttemptEvents)});
  router.Add({verb::get, "/api/attempts/*/timeline", "attempt_timeline", Access::kTeacher,
              A::kInteractive, Bind(s, Timeline)});
  router.Add({verb::get, "/api/attempts/*/timeline.csv", "attempt_timeline_csv",
              Access::kTeacher, A::kInteractive, Bind(s, TimelineCsv)});
}

}  // namespace pupitre::api
