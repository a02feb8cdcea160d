// An attempt: its student's exam page reads it, saves answers and submits; a teacher grades
// its essays. Saves and submits of an attempt in progress are the critical class.

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/json_io.h"
#include "api/services.h"
#include "api/views.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

void GetAttempt(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto v = s.exams.GetAttempt(c->caller(), *id);
  if (!v.ok()) return c->Fail(v.error());
  c->Json(200, {{"attempt", AttemptJson(*v, c->caller().is_teacher, ToUnixMs(s.clock.Now()))}});
}

void SaveAnswer(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto seq = GetInt(*body, "seq");
  if (!seq.ok()) return c->Fail(seq.error());
  const json::value* value = body->if_contains("value");
  if (!value) return c->Fail(Error::BadRequest("'value' is required (null clears the answer)"));
  s.exams.Save(c->caller(), *id, c->param(1), *seq, *value, [c](Result<exam::SaveAck> r) {
    c->Later([c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"saved_seq", r->seq}, {"applied", r->applied}, {"deadline_ms", r->deadline_ms}});
    });
  });
}

void Submit(Services& s, const ContextPtr& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
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
}

}  // namespace pupitre::api
