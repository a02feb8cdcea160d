// Operations: liveness, readiness and the Prometheus metrics. Exempt from the guard: they
// answer even when everything else is refused.

#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
using bhttp::verb;

namespace {

// The guard's and the waiting rooms' figures, appended to the process metrics.
std::string GuardMetricsText(const Services& s) {
  const guard::Stats g = s.guard.stats();
  const auto& o = s.config.guard;
  std::string body = fmt::format(
      "# HELP pupitre_guard_limit Requests allowed in flight (adaptive).\n"
      "# TYPE pupitre_guard_limit gauge\npupitre_guard_limit {}\n"
      "# HELP pupitre_guard_in_flight Admitted requests not yet answered.\n"
      "# TYPE pupitre_guard_in_flight gauge\npupitre_guard_in_flight {}\n"
      "# HELP pupitre_guard_latency_ms Latency the limit adapts to: last window and long term.\n"
      "# TYPE pupitre_guard_latency_ms gauge\n"
      "pupitre_guard_latency_ms{{window=\"short\"}} {}\n"
      "pupitre_guard_latency_ms{{window=\"long\"}} {}\n"
      "# HELP pupitre_guard_bounds The guard's configured bounds: limit range, queue sizes, queue "
      "timeout.\n"
      "# TYPE pupitre_guard_bounds gauge\n"
      "pupitre_guard_bounds{{bound=\"min_limit\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"max_limit\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"queue_capacity_per_class\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"queue_capacity_total\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"queue_timeout_ms\"}} {}\n",
      g.limit, g.in_flight, g.short_latency_ms, g.long_latency_ms, o.min_limit, o.max_limit,
      o.queue_capacity, o.total_queue_capacity, o.queue_timeout_ms);
  auto per_class = [&](std::string_view metric, std::string_view labels, const auto& values) {
    for (size_t k = 0; k < guard::kPriorityCount; ++k) {
      body += fmt::format("{}{{class=\"{}\"{}}} {}\n", metric,
                          guard::PriorityName(static_cast<guard::Priority>(k)), labels,
                          values[k]);
    }
  };
  body += "# HELP pupitre_guard_class_latency_ms Each class's latency: its last window's mean "
          "(0: none) and its long-term level. The limit shrinks when any class rises past "
          "guard.tolerance times its own level.\n"
          "# TYPE pupitre_guard_class_latency_ms gauge\n";
  per_class("pupitre_guard_class_latency_ms", ",window=\"short\"", g.class_short_latency_ms);
  per_class("pupitre_guard_class_latency_ms", ",window=\"long\"", g.class_long_latency_ms);
  body += "# HELP pupitre_guard_queued Requests waiting, by priority class.\n"
          "# TYPE pupitre_guard_queued gauge\n";
  per_class("pupitre_guard_queued", "", g.queued);
  body += "# HELP pupitre_guard_admitted_total Requests admitted, by class.\n"
          "# TYPE pupitre_guard_admitted_total counter\n";
  per_class("pupitre_guard_admitted_total", "", g.admitted);
  body += "# HELP pupitre_guard_rejected_total Requests refused (503), by class and reason.\n"
          "# TYPE pupitre_guard_rejected_total counter\n";
  for (size_t k = 0; k < guard::kPriorityCount; ++k) {
    auto name = guard::PriorityName(static_cast<guard::Priority>(k));
    body += fmt::format("pupitre_guard_rejected_total{{class=\"{}\",reason=\"queue_full\"}} {}\n",
                        name, g.rejected_full[k]);
    body += fmt::format("pupitre_guard_rejected_total{{class=\"{}\",reason=\"timeout\"}} {}\n",
                        name, g.rejected_timeout[k]);
    body += fmt::format("pupitre_guard_rejected_total{{class=\"{}\",reason=\"shed\"}} {}\n",
                        name, g.rejected_shed[k]);
  }
  const guard::RoomStatus rooms = s.admissions.rooms().Totals();
  body += fmt::format(
      "# HELP pupitre_waiting_room_waiting Students waiting to start an exam.\n"
      "# TYPE pupitre_waiting_room_waiting gauge\npupitre_waiting_room_waiting {}\n"
      "# HELP pupitre_waiting_room_admitted Students admitted through waiting rooms.\n"
      "# TYPE pupitre_waiting_room_admitted gauge\npupitre_waiting_room_admitted {}\n"
      "# HELP pupitre_waiting_room_rate Admissions per second, summed over open rooms.\n"
      "# TYPE pupitre_waiting_room_rate gauge\npupitre_waiting_room_rate {}\n"
      "# HELP pupitre_sessions Live sessions (bounded per user; expired ones are forgotten).\n"
      "# TYPE pupitre_sessions gauge\npupitre_sessions {}\n",
      rooms.waiting, rooms.admitted, rooms.rate, s.accounts.session_count());
  const guard::WorkQueue::Stats h = s.hashing.stats();
  body += fmt::format(
      "# HELP pupitre_login_queue_queued Logins waiting for a password check.\n"
      "# TYPE pupitre_login_queue_queued gauge\npupitre_login_queue_queued {}\n"
      "# HELP pupitre_login_queue_running Password checks running.\n"
      "# TYPE pupitre_login_queue_running gauge\npupitre_login_queue_running {}\n"
      "# HELP pupitre_login_queue_jobs_total Logins taken from the queue: checked, expired "
      "(waited past auth.login_queue_timeout_ms), gone (the client had left), or refused (the "
      "queue or the address's share was full).\n"
      "# TYPE pupitre_login_queue_jobs_total counter\n"
      "pupitre_login_queue_jobs_total{{outcome=\"checked\"}} {}\n"
      "pupitre_login_queue_jobs_total{{outcome=\"expired\"}} {}\n"
      "pupitre_login_queue_jobs_total{{outcome=\"gone\"}} {}\n"
      "pupitre_login_queue_jobs_total{{outcome=\"refused\"}} {}\n",
      h.queued, h.running, h.run, h.expired, h.gone, h.refused);
  const guard::LoginLine::Stats line = s.login_line.stats();
  body += fmt::format(
      "# HELP pupitre_login_line_waiting Logins given a place in line and not yet called.\n"
      "# TYPE pupitre_login_line_waiting gauge\npupitre_login_line_waiting {}\n"
      "# HELP pupitre_login_line_numbers_total Places given in the login line, and called.\n"
      "# TYPE pupitre_login_line_numbers_total counter\n"
      "pupitre_login_line_numbers_total{{state=\"issued\"}} {}\n"
      "pupitre_login_line_numbers_total{{state=\"called\"}} {}\n"
      "# HELP pupitre_login_hashes_per_second What the hashing queue can do (threads / "
      "smoothed time of one hash): the login line's pace.\n"
      "# TYPE pupitre_login_hashes_per_second gauge\npupitre_login_hashes_per_second {:.1f}\n",
      line.waiting, line.issued, line.called, s.hashing.rate());
  const guard::AttackMode::Status a = s.attack.status();
  body += fmt::format(
      "# HELP pupitre_under_attack 1 while anonymous visitors must solve a proof of work.\n"
      "# TYPE pupitre_under_attack gauge\npupitre_under_attack {}\n"
      "# HELP pupitre_anonymous_requests_per_second Anonymous requests for pages and logins "
      "over the last second (what the automatic under-attack mode watches).\n"
      "# TYPE pupitre_anonymous_requests_per_second gauge\n"
      "pupitre_anonymous_requests_per_second {:.1f}\n",
      a.engaged ? 1 : 0, a.anonymous_rate);
  const guard::DoorStatus d = s.door.Current();
  body += fmt::format(
      "# HELP pupitre_course_line 1 while newcomers to the course space queue (platform full, an "
      "exam starting, or held by the operator).\n"
      "# TYPE pupitre_course_line gauge\npupitre_course_line {}\n"
      "# HELP pupitre_course_line_waiting People in line for the course space.\n"
      "# TYPE pupitre_course_line_waiting gauge\npupitre_course_line_waiting {}\n"
      "# HELP pupitre_course_line_rate People let into the course space per second while in line.\n"
      "# TYPE pupitre_course_line_rate gauge\npupitre_course_line_rate {:.1f}\n"
      "# HELP pupitre_course_passes People holding a pass into the course space.\n"
      "# TYPE pupitre_course_passes gauge\npupitre_course_passes {}\n",
      d.line ? 1 : 0, d.waiting, d.rate, d.passes);
  const live::LiveStats l = s.live.Stats();
  body += fmt::format(
      "# HELP pupitre_live_seats_used People in live classes on the video server, or on their "
      "way in.\n"
      "# TYPE pupitre_live_seats_used gauge\npupitre_live_seats_used {}\n"
      "# HELP pupitre_live_waiting Students in line for a seat in a live class.\n"
      "# TYPE pupitre_live_waiting gauge\npupitre_live_waiting {}\n"
      "# HELP pupitre_live_meetings Live classes with a meeting open on the video server.\n"
      "# TYPE pupitre_live_meetings gauge\npupitre_live_meetings {}\n"
      "# HELP pupitre_live_engine_up 0 while the video server does not answer.\n"
      "# TYPE pupitre_live_engine_up gauge\npupitre_live_engine_up {}\n",
      l.seats_used, l.waiting, l.meetings, l.engine_up ? 1 : 0);
  return body;
}

}  // namespace

void RegisterOpsRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/healthz", "healthz", Access::kPublic, A::kExempt,
              [](const ContextPtr& c) { c->Json(200, {{"status", "ok"}}); }});
  router.Add({verb::get, "/readyz", "readyz", Access::kPublic, A::kExempt,
              [&s](const ContextPtr& c) {
                if (!s.ready.load()) return c->Fail(Error::Unavailable("not ready"));
                c->Json(200, {{"status", "ready"}});
              }});
  router.Add({verb::get, "/metrics", "metrics", Access::kPublic, A::kExempt,
              [&s](const ContextPtr& c) {
                http::Response res{bhttp::status::ok, c->req.version()};
                res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
                res.set(bhttp::field::cache_control, "no-store");
                res.keep_alive(c->req.keep_alive());
                res.body() = s.metrics.Render() + GuardMetricsText(s);
                c->Send(std::move(res));
              }});
}

}  // namespace pupitre::api
