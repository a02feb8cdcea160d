// A person's calendar: homework due times (with their extra time) and exam windows, as JSON for
// the calendar page and as an iCalendar feed at a private address for phone calendars. The
// address is signed (HMAC of the user and a version, key in the store's settings), so the server
// keeps nothing per feed; resetting the address moves the version and the old one stops working.

#include <sodium.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "api/course_views.h"
#include "api/json_io.h"
#include "api/services.h"
#include "course/ical.h"
#include "guard/signing.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

constexpr const char* kKeySetting = "calendar.feed_key";
std::string VersionSetting(int64_t user) { return fmt::format("calendar.version.{}", user); }

struct Event {
  std::string kind;  // "homework", "live" or "exam"
  std::string uid;
  std::string title;
  std::string course;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string page;  // the page's address, from the site's root ("#/homework/...")
  std::string state;  // homework: missing / handed_in / late (students)
};

// The caller's events, by time.
std::vector<Event> EventsOf(Services& s, const exam::Caller& who, const course::Caller& cc) {
  std::vector<Event> out;
  for (const auto& course : s.exams.CoursesOf(who)) {
    auto outline = s.courses.OutlineOf(cc, course.id);
    if (!outline.ok()) continue;
    const bool teacher = outline->role == course::Role::kTeacher;
    for (const auto& section : outline->sections) {
      for (const auto& item : section.items) {
        if (item.kind == "live") {
          if (auto r = s.live.RulesOf(item.id)) {
            out.push_back({"live", fmt::format("live-{}@pupitre", item.id), item.title, course.title,
                           r->start_ms, r->start_ms + r->duration_min * 60'000,
                           fmt::format("#/live/{}/{}", course.id, item.id), ""});
          }
          continue;
        }
        if (item.kind != "homework") continue;
        auto rules = s.homeworks.RulesOf(item.id);
        if (!rules) continue;
        Event e{"homework", fmt::format("homework-{}@pupitre", item.id), item.title, course.title,
                rules->due_ms, rules->due_ms,
                fmt::format("#/homework/{}/{}", course.id, item.id), ""};
        if (!teacher) {
          if (auto v = s.homeworks.ViewOf(cc, course.id, item.id); v.ok()) {
            e.start_ms = e.end_ms = v->my_due_ms;
            e.state = !v->handin ? "missing" : v->handin->late ? "late" : "handed_in";
          }
        }
        out.push_back(std::move(e));
      }
    }
  }
  for (const auto& x : s.exams.ExamsFor(who)) {
    if (!x->state.published) continue;
    const auto course = s.exams.CourseOf(x->spec->course_id);
    out.push_back({"exam", fmt::format("exam-{}@pupitre", x->spec->id), x->spec->title,
                   course ? course->title : "", x->spec->opens_ms, x->spec->closes_ms,
                   who.is_teacher ? fmt::format("#/teacher/exam/{}", x->spec->id)
                                  : fmt::format("#/exam/{}", x->spec->id),
                   ""});
  }
  std::sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.start_ms < b.start_ms; });
  return out;
}

// GET /api/calendar: the caller's events, by time.
void Calendar(Services& s, const ContextPtr& c) {
  json::array list;
  for (const auto& e : EventsOf(s, c->caller(), CourseCaller(c))) {
    json::object o{{"kind", e.kind},       {"title", e.title},   {"course", e.course},
                   {"start_ms", e.start_ms}, {"end_ms", e.end_ms}, {"page", e.page}};
    if (!e.state.empty()) o["state"] = e.state;
    list.push_back(std::move(o));
  }
  c->Json(200, {{"events", std::move(list)}, {"server_now_ms", ToUnixMs(s.clock.Now())}});
}

// The feed's key, made on first use (blocking: on the worker pool).
Result<std::string> FeedKey(Services& s) {
  if (auto k = s.settings.Get(kKeySetting)) return *k;
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  if (auto st = s.settings.Put(kKeySetting, hex); !st.ok()) return st.error();
  return std::string(hex);
}

std::string Token(const std::string& key, int64_t user, int64_t version) {
  const std::string payload = fmt::format("{}:{}", user, version);
  return fmt::format("{}-{}-{}", user, version, guard::HmacHex(key, payload).substr(0, 40));
}

int64_t VersionOf(Services& s, int64_t user) {
  int64_t v = 0;
  if (auto text = s.settings.Get(VersionSetting(user))) {
    std::from_chars(text->data(), text->data() + text->size(), v);
  }
  return v;
}

// GET /api/calendar/link, POST /api/calendar/link/reset: the private feed's address (path).
void Link(Services& s, const ContextPtr& c, bool reset) {
  const int64_t user = c->who->user_id;
  boost::asio::post(s.workers, [&s, c, user, reset] {
    auto key = FeedKey(s);
    int64_t version = VersionOf(s, user);
    Status st = key.ok() ? OkStatus() : Status(key.error());
    if (st.ok() && reset) {
      ++version;
      st = s.settings.Put(VersionSetting(user), std::to_string(version));
    }
    c->Later([c, st, path = st.ok() ? fmt::format("/calendar/{}.ics", Token(*key, user, version))
                                    : std::string()] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"path", path}});
    });
  });
}
void GetLink(Services& s, const ContextPtr& c) { Link(s, c, false); }
void ResetLink(Services& s, const ContextPtr& c) { Link(s, c, true); }

// GET /calendar/TOKEN.ics: the feed, for whoever holds the address (a calendar app has no
// session). A wrong or old address: 404.
void Feed(Services& s, const ContextPtr& c) {
  std::string_view name = c->param(0);
  auto not_found = [&] { c->Fail(Error::NotFound("no such calendar")); };
  if (name.size() < 5 || name.substr(name.size() - 4) != ".ics") return not_found();
  name.remove_suffix(4);
  const size_t a = name.find('-');
  const size_t b = a == std::string_view::npos ? a : name.find('-', a + 1);
  if (b == std::string_view::npos) return not_found();
  int64_t user = 0, version = 0;
  if (std::from_chars(name.data(), name.data() + a, user).ptr != name.data() + a ||
      std::from_chars(name.data() + a + 1, name.data() + b, version).ptr != name.data() + b) {
    return not_found();
  }
  const auto key = s.settings.Get(kKeySetting);
  if (!key || version != VersionOf(s, user)) return not_found();
  const std::string expected = Token(*key, user, version);
  if (expected.size() != name.size() ||
      sodium_memcmp(expected.data(), name.data(), expected.size()) != 0) {
    return not_found();
  }
  const auto u = s.accounts.FindById(user);
  if (!u || s.accounts.IsDisabled(user)) return not_found();
  const exam::Caller who{u->id, u->role != auth::Role::kStudent, u->role == auth::Role::kAdmin};
  const course::Caller cc{u->id, u->role == auth::Role::kAdmin};
  std::vector<course::CalendarEvent> events;
  for (const auto& e : EventsOf(s, who, cc)) {
    course::CalendarEvent ce;
    ce.uid = e.uid;
    if (e.kind == "homework") {
      // A due time is a moment: shown as the half hour before it.
      ce.start_ms = e.end_ms - 30 * 60'000;
      ce.end_ms = e.end_ms;
      ce.summary = fmt::format("Due: {} ({})", e.title, e.course);
    } else if (e.kind == "live") {
      ce.start_ms = e.start_ms;
      ce.end_ms = e.end_ms;
      ce.summary = fmt::format("Live class: {} ({})", e.title, e.course);
    } else {
      ce.start_ms = e.start_ms;
      ce.end_ms = e.end_ms;
      ce.summary = fmt::format("Exam: {}{}", e.title, e.course.empty() ? "" : " (" + e.course + ")");
    }
    ce.description = e.page;
    events.push_back(std::move(ce));
  }
  http::Response res{bhttp::status::ok, c->req.version()};
  res.keep_alive(c->req.keep_alive());
  res.set(bhttp::field::content_type, "text/calendar; charset=utf-8");
  res.set(bhttp::field::cache_control, "private, max-age=300");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = course::ICalendar("Pupitre – " + u->display_name, events, ToUnixMs(s.clock.Now()));
  res.prepare_payload();
  c->Send(std::move(res));
}

}  // namespace

void RegisterCalendarRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/api/calendar", "calendar", Access::kUser, A::kInteractive,
              Bind(s, Calendar)});
  router.Add({verb::get, "/api/calendar/link", "calendar_link", Access::kUser, A::kInteractive,
              Bind(s, GetLink)});
  router.Add({verb::post, "/api/calendar/link/reset", "calendar_link_reset", Access::kUser,
              A::kInteractive, Bind(s, ResetLink)});
  router.Add({verb::get, "/calendar/*", "calendar_feed", Access::kPublic, A::kBackground,
              Bind(s, Feed)});
}

}  // namespace pupitre::api
