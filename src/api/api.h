#pragma once
// The JSON API: the route table (one block per domain, *_routes.cc), the middleware every
// request goes through (middleware.h), and the translation between HTTP and the domain
// services. No SQL and no business rules here. Documented in docs/api.md.
//
// A request's way: http::Server reads its header and calls OnHeader (the route is found once,
// which also gives the body limit); once the body is read, Handle runs the middleware, then the
// route's handler.

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>

#include "api/attack_gate.h"
#include "api/live_feed.h"
#include "api/middleware.h"
#include "api/notify_hub.h"
#include "api/room_feed.h"
#include "api/router.h"
#include "api/services.h"
#include "api/static_files.h"
#include "api/status_page.h"
#include "auth/accounts.h"
#include "bank/question_bank.h"
#include "common/metrics.h"
#include "config/config.h"
#include "exam/exam_service.h"
#include "guard/admission.h"
#include "http/server.h"
#include "room/admissions.h"
#include "lti/lti_tool.h"
#include "sso/oidc_client.h"

namespace pupitre::api {

// The course space's parts, given to the Api together.
struct CourseParts {
  course::CourseSpace& space;
  course::Homeworks& homeworks;
  course::Announcements& announcements;
  course::Uploads& uploads;
  store::BlobStore& blobs;
  live::LiveClasses& live;
  boost::asio::thread_pool& live_calls;
  guard::CourseDoor& door;
};

class Api {
 public:
  // REQUIRES: every argument outlives the Api. `workers` runs slow work (password hashing);
  // `guard` decides which requests run now, wait or are refused.
  Api(const Config& config, auth::Accounts& accounts, exam::ExamService& exams,
      guard::AdmissionController& guard, room::Admissions& admissions, RoomFeed& feed,
      Metrics& metrics, boost::asio::thread_pool& workers, const Clock& clock,
      guard::AttackMode& attack, const guard::ProofOfWork& proof, SettingsStore& settings,
      guard::LoginLine& login_line, notify::IncidentBook& incidents,
      guard::SafeExamBrowser& seb, const exam::AnswerFileKeys& answer_files,
      const CourseParts& course);
  // Waits for the sign-ins being checked (they use the services below).
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // The server's hooks: the route and body limit of a header, then the whole request.
  http::HeaderDecision OnHeader(const http::RequestHeader& header) const;
  void Handle(http::Request&& req, const http::RequestInfo& info, http::Responder responder);

  // Pushes what is due to the teachers' live views. Call every 100 ms or so.
  void PublishLive() { live_.Publish(); }
  // Calls the next logins in line as hashing makes room. Call every 100 ms or so.
  void AdvanceLoginLine();
  // Renders /status again from the current figures, and forgets the event streams that
  // closed. Call about once a second.
  void RefreshStatus() {
    status_.Refresh();
    hub_.Sweep();
  }

  // /readyz answers 503 until set, and again once shutdown begins.
  void SetReady(bool ready) {
    ready_ = ready;
    status_.Refresh();  // /status says it at once
  }

  // Sign-in through an OpenID Connect provider ([sso] oidc_*), the client secret read by the
  // caller. Call before serving.
  void UseOidc(sso::OidcClientOptions options) {
    oidc_ = std::make_unique<sso::OidcRelyingParty>(std::move(options), config_.sso.timeout_ms,
                                                    config_.sso.oidc_userinfo);
    services_.oidc = oidc_.get();
  }

  // Launches from the school's LMS ([lti]), with the tool's key read by the caller. Call before
  // serving.
  void UseLti(std::unique_ptr<lti::LtiTool> tool) {
    lti_ = std::move(tool);
    services_.lti = lti_.get();
  }

  // In a cluster: routes of exams this node does not hold claim them first (middleware 4b).
  void UseOwnership(cluster::Ownership& ownership, boost::asio::thread_pool& workers) {
    middleware_.UseOwnership(ownership, workers);
    services_.ownership = &ownership;
  }

  const Router& router() const { return router_; }
  const guard::WorkQueue& hashing() const { return hashing_; }
  NotifyHub& hub() { return hub_; }

 private:
  const Config& config_;
  StaticFiles files_;
  LiveFeed live_;
  NotifyHub hub_;
  std::atomic<bool> ready_{false};
  guard::WorkQueue hashing_;
  guard::LoginThrottle login_throttle_;
  guard::LoginLine& login_line_;
  std::atomic<int> sso_in_flight_{0};
  std::atomic<int> sso_logouts_in_flight_{0};
  boost::asio::thread_pool sso_calls_{4};  // ticket checks: they wait on the provider
  boost::asio::thread_pool lti_calls_{1};  // scores to the LMS, one exam after another
  bank::QuestionBank bank_;
  std::unique_ptr<sso::OidcRelyingParty> oidc_;
  std::unique_ptr<lti::LtiTool> lti_;
  Services services_;
  ForwardedAddress address_;
  KeyedRateLimiter limiter_;
  AttackGate gate_;
  Middleware middleware_;
  Router router_;
  StatusPage status_;
};

}  // namespace pupitre::api
