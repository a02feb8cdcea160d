#include "api/api.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "api/errors.h"

namespace pupitre::api {

namespace {

guard::WorkQueueOptions HashingOptions(const Config& config) {
  const auto& a = config.auth;
  int threads = static_cast<int>(a.hashing_threads);
  if (threads <= 0) {
    threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  return {.concurrency = threads,
          .capacity = static_cast<size_t>(a.login_queue_capacity),
          .per_key = static_cast<size_t>(a.login_queue_per_address),
          .timeout = Millis(a.login_queue_timeout_ms)};
}

// The school's zone. ParseConfig has checked its name; a Config made in code that names none
// the system knows falls back to UTC.
TimeZone SchoolZone(const Config& config) {
  auto zone = TimeZone::Named(config.school.time_zone);
  return zone.ok() ? std::move(*zone) : std::move(*TimeZone::Named("UTC"));
}

}  // namespace

Api::Api(const Config& config, auth::Accounts& accounts, exam::ExamService& exams,
         guard::AdmissionController& guard, room::Admissions& admissions, RoomFeed& feed,
         Metrics& metrics, boost::asio::thread_pool& workers, const Clock& clock,
         guard::AttackMode& attack, const guard::ProofOfWork& proof, SettingsStore& settings,
         guard::LoginLine& login_line, notify::IncidentBook& incidents,
         guard::SafeExamBrowser& seb, const exam::AnswerFileKeys& answer_files,
         const CourseParts& course)
    : config_(config),
      live_(exams, accounts, clock),
      hub_(incidents, exams, metrics),
      hashing_(HashingOptions(config), workers.get_executor(), clock),
      login_throttle_(config.limits),
      login_line_(login_line),
      bank_(settings),
      services_{config, accounts, exams, guard, admissions, feed, live_, files_,
                metrics, workers, hashing_, login_throttle_, login_line_, clock, ready_,
                attack, proof, settings, incidents, hub_, seb, answer_files, SchoolZone(config),
                course.space, course.homeworks, course.announcements, course.uploads,
                course.blobs, course.live, course.live_calls, course.door, nullptr,
                sso_calls_, sso_in_flight_, sso_logouts_in_flight_, nullptr, nullptr, lti_calls_,
                bank_},
      address_(config.server.trusted_proxies),
      limiter_(config.limits),
      gate_(proof, attack, metrics, files_),
      middleware_(accounts, exams, guard, metrics, address_, limiter_, gate_),
      router_(metrics),
      status_(services_) {
  RegisterOpsRoutes(router_, services_);
  RegisterPageRoutes(router_, services_);
  RegisterAccountRoutes(router_, services_);
  RegisterExamRoutes(router_, services_);
  RegisterRoomRoutes(router_, services_);
  RegisterAttemptRoutes(router_, services_);
  RegisterAttackRoutes(router_, services_);
  RegisterIncidentRoutes(router_, services_);
  RegisterSebRoutes(router_, services_);
  RegisterOutageRoutes(router_, services_);
  RegisterAdminRoutes(router_, services_);
  RegisterCourseRoutes(router_, services_);
  RegisterUploadRoutes(router_, services_);
  RegisterHomeworkRoutes(router_, services_);
  RegisterAnnouncementRoutes(router_, services_);
  RegisterCalendarRoutes(router_, services_);
  RegisterLiveRoutes(router_, services_);
  RegisterSsoRoutes(router_, services_);
  RegisterOidcRoutes(router_, services_);
  RegisterLtiRoutes(router_, services_);
  RegisterLtiScoreRoutes(router_, services_);
  RegisterBankRoutes(router_, services_);
  RegisterStatusRoutes(router_, status_);
}

Api::~Api() {
  sso_calls_.stop();
  sso_calls_.join();
  lti_calls_.stop();
  lti_calls_.join();
}

void Api::AdvanceLoginLine() {
  login_line_.Advance(services_.clock.Monotonic(), hashing_.stats().queued, hashing_.rate());
}

http::HeaderDecision Api::OnHeader(const http::RequestHeader& header) const {
  const Router::Match m = router_.Find(header.method(), header.target());
  const Body body = m.route >= 0 ? router_.route(m.route).body : Body::kSmall;
  const int64_t limit = body == Body::kUpload  ? config_.server.max_import_bytes
                        : body == Body::kChunk ? config_.course.upload_chunk_kib * 1024
                                               : config_.server.max_body_bytes;
  return {static_cast<uint64_t>(limit), m.route};
}

void Api::Handle(http::Request&& req, const http::RequestInfo& info, http::Responder responder) {
  auto c = std::make_shared<Context>(std::move(req), info, std::move(responder),
                                     services_.clock);
  int32_t index = info.route;
  Router::Match m{index, index >= 0};
  if (index < 0) m = router_.Find(c->req.method(), c->req.target());  // 404 or 405: say which
  if (m.route < 0) {
    c->stats = &router_.unmatched();
    if (m.path_matched) {
      return c->Send(http::MakeJsonResponse(
          c->req, 405,
          ErrorBody(Error::BadRequest("this method is not allowed on this path"))));
    }
    return c->Fail(Error::NotFound(fmt::format("no route for {}", PathOf(c->req.target()))));
  }
  const Route& route = router_.route(m.route);
  if (info.ops && route.admission != Admission::kExempt) {
    // The operator's listener has room of its own: it serves the probes and metrics only.
    c->stats = &router_.unmatched();
    return c->Fail(Error::NotFound("the operator's listener serves /healthz, /readyz and /metrics only"));
  }
  c->stats = route.stats.get();
  router_.Capture(m.route, c->req.target(), c->params);
  middleware_.Run(route, c);
}

}  // namespace pupitre::api
