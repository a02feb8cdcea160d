// Starting an exam through its waiting room, the waiting page's place and event stream, and
// the operator's admission controls (pause, rate cap, let-through, window). The rules live in
// room::Admissions; this file only translates.

#include <boost/asio/post.hpp>
#include <algorithm>
#include <map>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/json_io.h"
#include "api/seb_gate.h"
#include "api/services.h"
#include "api/views.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

// A place as the waiting page reads it: with the room's opening, wave, and "restoring".
json::value RoomPlaceJson(Services& s, const guard::RoomEntry& entry, const room::RoomRef& room) {
  const int64_t now_ms = ToUnixMs(s.clock.Now());
  json::value place = json::parse(PlaceJsonText(entry, now_ms));
  place.as_object()["starts_ms"] = ToUnixMs(room.opens);
  // Past the opening time yet not open: the queue is being rebuilt after a restart.
  place.as_object()["restoring"] = entry.place.before_opening && now_ms >= ToUnixMs(room.opens);
  if (room.wave.index >= 0) place.as_object()["wave"] = room.wave.name;
  return place;
}

void StartAttempt(Services& s, const ContextPtr& c) {
  s.exams.Start(c->caller(), c->param(0), [&s, c](Result<exam::AttemptView> r) {
    c->Later([&s, c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"attempt", AttemptJson(*r, false, ToUnixMs(s.clock.Now()))}});
    });
  });
}

void Start(Services& s, const ContextPtr& c) {
  if (RefusedBySeb(s, c, c->param(0))) return;
  auto arrival = s.admissions.Arrive(c->caller(), c->param(0), c->waiting_ticket());
  if (!arrival.ok()) return c->Fail(arrival.error());
  if (arrival->admitted) return StartAttempt(s, c);
  c->Json(202, {{"waiting", RoomPlaceJson(s, arrival->entry, arrival->room)},
                {"server_now_ms", ToUnixMs(s.clock.Now())}});
}

void WaitingRoomStatus(Services& s, const ContextPtr& c) {
  if (RefusedBySeb(s, c, c->param(0))) return;
  auto st = s.admissions.StandingOf(c->caller(), c->param(0), c->waiting_ticket());
  if (!st.ok()) return c->Fail(st.error());
  if (st->attempt_id) {
    json::object o{{"admitted", true}, {"attempt_id", *st->attempt_id}};
    return c->Json(200, {{"waiting", std::move(o)}, {"server_now_ms", ToUnixMs(s.clock.Now())}});
  }
  if (!st->entry) return c->Fail(Error::NotFound("you are not in this exam's waiting room"));
  guard::RoomEntry entry = *st->entry;
  // Admitted, the attempt being created: answered as a place at the front, until it exists.
  if (entry.place.admitted) entry.place = guard::Place{false, entry.place.ticket, 1, Millis(0), false};
  c->Json(200, {{"waiting", RoomPlaceJson(s, entry, st->room)},
                {"server_now_ms", ToUnixMs(s.clock.Now())}});
}

void WaitingRoomEvents(Services& s, const ContextPtr& c) {
  if (RefusedBySeb(s, c, c->param(0))) return;
  auto st = s.admissions.StandingOf(c->caller(), c->param(0), c->waiting_ticket());
  if (!st.ok()) return c->Fail(st.error());
  if (!st->attempt_id && !st->entry) {
    return c->Fail(Error::NotFound("you are not in this exam's waiting room"));
  }
  auto stream = c->OpenStream();
  s.hub.Attach(c->caller(), stream);  // incidents reach the waiting page on the same stream
  s.room_feed.Subscribe(st->room.key, c->who->user_id, std::move(stream));
}

// Every exam an operator may want to hold or pace: the published ones not yet closed (so that
// admission can be paused or capped before anyone arrives) and any other that has a room,
// soonest first.
void ListAdmission(Services& s, const ContextPtr& c) {
  const int64_t now_ms = ToUnixMs(s.clock.Now());
  std::vector<std::string> ids = s.admissions.rooms().ExamIds();
  std::map<std::string, std::shared_ptr<const exam::ExamEntry>> exams;
  for (auto& e : s.exams.ExamsFor(c->caller())) exams.emplace(e->spec->id, std::move(e));
  for (const auto& [id, e] : exams) {
    if (e->state.published && e->spec->closes_ms > now_ms) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto opens = [&](const std::string& id) {
    auto it = exams.find(id);
    return it == exams.end() ? INT64_MAX : it->second->spec->opens_ms;
  };
  std::stable_sort(ids.begin(), ids.end(),
                   [&](const auto& a, const auto& b) { return opens(a) < opens(b); });
  json::array rooms;
  for (const std::string& exam_id : ids) {
    const guard::RoomStatus st = s.admissions.rooms().StatusOf(exam_id).value_or(
        guard::RoomStatus{false, s.config.waiting_room.initial_rate,
                          s.config.waiting_room.max_rate, 0, 0});
    json::object o{{"exam_id", exam_id},     {"paused", st.paused},
                   {"rate", st.rate},       {"max_rate", st.max_rate},
                   {"waiting", st.waiting}, {"admitted", st.admitted}};
    if (auto it = exams.find(exam_id); it != exams.end()) {
      o["title"] = it->second->spec->title;
      o["opens_ms"] = it->second->spec->opens_ms;
      o["closes_ms"] = it->second->spec->closes_ms;
    }
    rooms.push_back(std::move(o));
  }
  c->Json(200, {{"rooms", std::move(rooms)}});
}

void GetAdmission(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  // Nobody arrived and nothing set: what the first room will start with.
  const guard::RoomStatus st = s.admissions.rooms().StatusOf(c->param(0)).value_or(
      guard::RoomStatus{false, s.config.waiting_room.initial_rate,
                        s.config.waiting_room.max_rate, 0, 0});
  c->Json(200, {{"paused", st.paused}, {"rate", st.rate}, {"max_rate", st.max_rate},
                {"waiting", st.waiting}, {"admitted", st.admitted}});
}

void SetAdmission(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  if (auto e = s.exams.GetExam(c->caller(), c->param(0)); !e.ok()) return c->Fail(e.error());
  // Everything is checked before anything is applied.
  const auto* p = body->if_contains("paused");
  if (p && !p->is_bool()) return c->Fail(Error::BadRequest("'paused' must be true or false"));
  const auto* m = body->if_contains("max_rate");
  if (m && (!m->is_number() || m->to_number<double>() <= 0)) {
    return c->Fail(Error::BadRequest("'max_rate' must be a positive number"));
  }
  std::optional<bool> paused;
  std::optional<double> max_rate;
  if (p) paused = p->as_bool();
  if (m) max_rate = m->to_number<double>();
  // Each change is durable before it is answered (it waits for a commit): on the worker pool,
  // not on the event loop.
  boost::asio::post(s.workers, [&s, c, paused, max_rate] {
    Status st = OkStatus();
    if (paused) st = s.admissions.rooms().SetPaused(c->param(0), *paused);
    if (st.ok() && max_rate) st = s.admissions.rooms().SetMaxRate(c->param(0), *max_rate);
    c->Later([&s, c, st] {
      if (!st.ok()) return c->Fail(st.error());
      GetAdmission(s, c);
    });
  });
}

void ExtendWindow(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto closes = GetInt(*body, "closes_ms");
  if (!closes.ok()) return c->Fail(closes.error());
  if (!IsValidInstantMs(*closes)) {
    return c->Fail(Error::Invalid("'closes_ms' must be an instant from year 1970 to 9999"));
  }
  // Writes the new close and deadlines and waits for them: not on the event loop.
  boost::asio::post(s.workers, [&s, c, closes = *closes] {
    s.exams.ExtendWindow(c->param(0), closes, [&s, c](Result<int> r) {
      c->Later([&s, c, r = std::move(r)] {
        if (!r.ok()) return c->Fail(r.error());
        auto e = s.exams.GetExam(c->caller(), c->param(0));
        if (!e.ok()) return c->Fail(e.error());
        c->Json(200, {{"exam", ExamJson(**e)}, {"attempts_extended", *r}});
      });
    });
  });
}

void LetThrough(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  if (!login.ok()) return c->Fail(login.error());
  auto user = s.accounts.FindByLogin(*login);
  if (!user) return c->Fail(auth::NoSuchUser(*login));
  s.admissions.LetThrough(c->caller(), c->param(0), user->id, [c](Result<exam::AttemptView> r) {
    c->Later([c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"admitted", true}, {"attempt_id", r->state.id}});
    });
  });
}

// GET /api/admin/exams/ID/sessions: how many of the exam's students already hold a session
// that is still valid when it opens (they will not log in at 9:00), and how many of those are
// on a remembered device.
void ExamSessions(Services& s, const ContextPtr& c) {
  auto e = s.exams.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  auto students = s.exams.StudentsOf(c->caller(), c->param(0));
  if (!students.ok()) return c->Fail(students.error());
  const int64_t at_ms = std::max(ToUnixMs(s.clock.Now()), (*e)->spec->opens_ms);
  const auth::SessionCounts n = s.accounts.CountSessions(*students, at_ms);
  c->Json(200, {{"exam_id", c->param(0)},
                {"students", static_cast<int64_t>(students->size())},
                {"with_session", n.with_session},
                {"remembered", n.remembered},
                {"valid_at_ms", at_ms}});
}

}  // namespace

void RegisterRoomRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::post, "/api/exams/*/start", "start", Access::kStudent, A::kExamStart,
              Bind(s, Start)});
  router.Add({verb::get, "/api/exams/*/waiting-room", "waiting_room", Access::kStudent,
              A::kStatus, Bind(s, WaitingRoomStatus)});
  router.Add({verb::get, "/api/exams/*/waiting-room/events", "waiting_room_events",
              Access::kStudent, A::kStatus, Bind(s, WaitingRoomEvents)});
  // The operator's controls of admission answer even under overload (status class).
  router.Add({verb::get, "/api/admin/admission", "admission_all", Access::kAdmin, A::kStatus,
              Bind(s, ListAdmission)});
  router.Add({verb::get, "/api/admin/exams/*/admission", "admission", Access::kAdmin,
              A::kStatus, Bind(s, GetAdmission)});
  router.Add({verb::put, "/api/admin/exams/*/admission", "admission_set", Access::kAdmin,
              A::kStatus, Bind(s, SetAdmission)});
  router.Add({verb::get, "/api/admin/exams/*/sessions", "exam_sessions", Access::kAdmin,
              A::kStatus, Bind(s, ExamSessions)});
  router.Add({verb::put, "/api/admin/exams/*/window", "window", Access::kAdmin,
              A::kInteractive, Bind(s, ExtendWindow)});
  router.Add({verb::post, "/api/admin/exams/*/let-through", "let_through", Access::kAdmin,
              A::kStatus, Bind(s, LetThrough)});
}

}  // namespace pupitre::api
