// Live classes: a class's page (its time, where the caller stands), joining (a signed way into
// the video engine's meeting, or a place in line when the engine is full), the teacher's end of
// the class, attendance (JSON and CSV), recordings. Calls that reach the engine run on their
// own threads (live_calls), never on the event loops nor the workers.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <string>

#include "api/course_views.h"
#include "api/json_io.h"
#include "api/services.h"
#include "exam/results_csv.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

std::optional<int64_t> Item(const ContextPtr& c) { return ParseId(c->param(1)); }

Error NoLive() { return Error::NotFound("no such live class").Because("no_live"); }

// How often a page in line asks again.
constexpr int64_t kRetryMs = 3'000;

std::string NameOf(Services& s, int64_t user_id) {
  const auto user = s.accounts.FindById(user_id);
  return user ? user->display_name : fmt::format("#{}", user_id);
}

json::value PlaceJson(const guard::Place& p) {
  json::object o{{"position", p.position}, {"full", !p.eta.has_value()}};
  o["eta_ms"] = p.eta ? json::value(p.eta->count()) : json::value(nullptr);
  return o;
}

json::value AttendanceJson(const std::optional<live::Attendance>& a) {
  if (!a) return nullptr;
  return json::object{{"first_ms", a->first_ms}, {"last_ms", a->last_ms}, {"joins", a->joins}};
}

// Runs `call` (it may block on the engine) on the engine's threads, then `answer` on the
// connection's loop.
template <typename F, typename A>
void OnEngine(Services& s, const ContextPtr& c, F call, A answer) {
  boost::asio::post(s.live_calls, [c, call = std::move(call), answer = std::move(answer)]() mutable {
    auto result = call();
    c->Later([result = std::move(result), answer = std::move(answer)]() mutable { answer(result); });
  });
}

// GET /api/courses/C/live/I
void View(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(NoLive());
  const course::Caller who = CourseCaller(c);
  auto v = s.live.ViewOf(who, c->param(0), *item);
  if (!v.ok()) return c->Fail(v.error());
  const live::LiveStats stats = s.live.Stats();
  json::object out{{"item", ItemJson(s, c->param(0), v->item, v->teacher, who)},
                   {"role", v->teacher ? "teacher" : "student"},
                   {"phase", live::PhaseName(v->phase)},
                   {"start_ms", v->rules.start_ms},
                   {"duration_min", v->rules.duration_min},
                   {"record", v->rules.record},
                   {"opens_ms", v->opens_ms},
                   {"ends_ms", v->ends_ms},
                   {"ended_ms", v->ended_ms},
                   {"engine", v->engine},
                   {"engine_up", stats.engine_up},
                   {"mine", AttendanceJson(v->mine)},
                   {"server_now_ms", ToUnixMs(s.clock.Now())}};
  if (v->place) out["waiting"] = PlaceJson(*v->place);
  if (v->teacher) {
    out["present"] = v->present;
    out["queued"] = v->waiting;
  }
  c->Json(200, out);
}

void AnswerJoin(const ContextPtr& c, const live::JoinOutcome& j) {
  if (!j.url.empty()) return c->Json(200, {{"url", j.url}});
  if (j.place) return c->Json(202, {{"waiting", PlaceJson(*j.place)}, {"retry_ms", kRetryMs}});
  c->Fail(Error::Unavailable("the video server does not answer").Because("live_engine_down"));
}

// POST /api/courses/C/live/I/join: 200 {"url"} (the browser goes there), 202 {"waiting"} (a
// place in line: ask again after retry_ms), or why not.
void Join(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(NoLive());
  const course::Caller who = CourseCaller(c);
  std::string name = NameOf(s, who.user_id);
  auto j = s.live.Join(who, c->param(0), *item, name);
  if (!j.ok()) return c->Fail(j.error());
  if (!j->needs_meeting) return AnswerJoin(c, *j);
  // The meeting is opened on the engine first (once for everyone: the others find it open).
  OnEngine(
      s, c,
      [&s, c, who, id = *item, name = std::move(name)]() -> Result<live::JoinOutcome> {
        if (auto st = s.live.OpenMeeting(c->param(0), id); !st.ok()) return st.error();
        return s.live.Join(who, c->param(0), id, name);
      },
      [c](const Result<live::JoinOutcome>& r) {
        if (!r.ok()) return c->Fail(r.error());
        AnswerJoin(c, *r);
      });
}

// POST /api/courses/C/live/I/end (teachers)
void End(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(NoLive());
  const course::Caller who = CourseCaller(c);
  if (auto st = s.courses.CheckTeacher(who, c->param(0)); !st.ok()) return c->Fail(st.error());
  OnEngine(
      s, c, [&s, c, who, id = *item]() { return s.live.End(who, c->param(0), id); },
      [c](const Status& r) {
        if (!r.ok()) return c->Fail(r.error());
        c->Json(200, {{"ended", true}});
      });
}

// GET /api/courses/C/live/I/attendance (teachers): every student, joined or absent.
void Attendance(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(NoLive());
  auto rows = s.live.AttendanceOf(CourseCaller(c), c->param(0), *item);
  if (!rows.ok()) return c->Fail(rows.error());
  json::array out;
  int64_t joined = 0;
  for (const auto& r : *rows) {
    const auto user = s.accounts.FindById(r.user_id);
    if (r.attended) ++joined;
    out.push_back({{"user_id", r.user_id},
                   {"login", user ? user->login : ""},
                   {"name", user ? user->display_name : ""},
                   {"attended", AttendanceJson(r.attended)},
                   {"present", r.present}});
  }
  c->Json(200, {{"students", std::move(out)}, {"joined", joined}});
}

// GET /api/courses/C/live/I/attendance.csv (teachers), times in the school's zone.
void AttendanceCsv(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(NoLive());
  auto rows = s.live.AttendanceOf(CourseCaller(c), c->param(0), *item);
  if (!rows.ok()) return c->Fail(rows.error());
  std::string csv = "login,name,joined,first_joined,last_joined,joins\r\n";
  for (const auto& r : *rows) {
    const auto user = s.accounts.FindById(r.user_id);
    csv += fmt::format("{},{},{},{},{},{}\r\n", exam::CsvField(user ? user->login : ""),
                       exam::CsvField(user ? user->display_name : ""),
                       r.attended ? "yes" : "no",
                       r.attended ? s.zone.Iso8601(r.attended->first_ms) : "",
                       r.attended ? s.zone.Iso8601(r.attended->last_ms) : "",
                       r.attended ? r.attended->joins : 0);
  }
  http::Response res{bhttp::status::ok, c->req.version()};
  res.keep_alive(c->req.keep_alive());
  res.set(bhttp::field::content_type, "text/csv; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.set(bhttp::field::content_disposition,
          fmt::format("attachment; filename=\"attendance-{}-{}.csv\"", c->param(0), *item));
  res.body() = std::move(csv);
  res.prepare_payload();
  c->Send(std::move(res));
}

// GET /api/courses/C/live/I/recordings: the engine's recordings of the class (students: the
// published ones).
void Recordings(Services& s, const ContextPtr& c) {
  auto item = Item(c);
  if (!item) return c->Fail(NoLive());
  const course::Caller who = CourseCaller(c);
  if (auto v = s.live.ViewOf(who, c->param(0), *item); !v.ok()) return c->Fail(v.error());
  OnEngine(
      s, c, [&s, c, who, id = *item]() { return s.live.Recordings(who, c->param(0), id); },
      [c](const Result<std::vector<live::Recording>>& r) {
        if (!r.ok()) return c->Fail(r.error());
        json::array out;
        for (const auto& rec : *r) {
          out.push_back({{"id", rec.record_id},
                         {"start_ms", rec.start_ms},
                         {"end_ms", rec.end_ms},
                         {"published", rec.published},
                         {"url", rec.playback_url}});
        }
        c->Json(200, {{"recordings", std::move(out)}});
      });
}

}  // namespace

void RegisterLiveRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/courses/*/live/*", "live_view", Access::kUser, A::kInteractive,
              Bind(s, View)});
  router.Add({verb::post, "/api/courses/*/live/*/join", "live_join", Access::kUser,
              A::kInteractive, Bind(s, Join)});
  router.Add({verb::post, "/api/courses/*/live/*/end", "live_end", Access::kUser,
              A::kInteractive, Bind(s, End)});
  router.Add({verb::get, "/api/courses/*/live/*/attendance", "live_attendance", Access::kUser,
              A::kInteractive, Bind(s, Attendance)});
  router.Add({verb::get, "/api/courses/*/live/*/attendance.csv", "live_attendance_csv",
              Access::kUser, A::kInteractive, Bind(s, AttendanceCsv)});
  router.Add({verb::get, "/api/courses/*/live/*/recordings", "live_recordings", Access::kUser,
              A::kInteractive, Bind(s, Recordings)});
}

}  // namespace pupitre::api
