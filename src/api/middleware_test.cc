// What every request goes through before its handler, in a fixed order: authentication (401),
// CSRF (403), the access rule (403), rate limits (429), then the guard's priority class.
// Real accounts, exam service and guard on a temporary SQLite store; responses are recorded, and
// work posted back to "the connection's loop" runs when the test polls its io_context.
#include "api/middleware.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/router.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "exam/exam_service.h"
#include "guard/admission.h"
#include "import/toml/exam_toml.h"
#include "store/sqlite/sqlite_store.h"
#include "store/writer.h"
#include "testkit/child_server.h"
#include "testkit/recording_sink.h"
#include "testkit/fake_clock.h"
#include "testkit/domain.h"

namespace pupitre::api {
namespace {

namespace bhttp = boost::beast::http;
using bhttp::verb;
using guard::Priority;

constexpr int64_t kOpensMs = 1'795'420'800'000;   // 2026-11-23T08:00:00Z
constexpr int64_t kNowMs = kOpensMs + 3'600'000;  // the fake clock starts at 09:00
constexpr const char* kPassword = "password-1";
constexpr const char* kExamId = "geo-final";
const std::string kExamToml = testkit::GeoExamToml();  // open from 08:00 to 12:00

// Step 5's seam, under the test's control: counts its calls, remembers whether the caller was
// already authenticated, and refuses with `refuse` when set.
class TestLimiter final : public RateLimiter {
 public:
  std::optional<Millis> Check(const Context& c, const Route&) override {
    calls.fetch_add(1);
    saw_principal = c.who.has_value();
    return refuse;
  }
  std::atomic<int> calls{0};
  std::atomic<bool> saw_principal{false};
  std::optional<Millis> refuse;
};

// A session: its token and its CSRF token.
struct Session {
  std::string token;
  std::string csrf;
};

// One request through the middleware: its context and where its answer went.
struct Call {
  ContextPtr ctx;
  std::shared_ptr<testkit::RecordingSink> sink;

  bool answered() const { return sink->count() > 0; }
  unsigned status() const { return answered() ? sink->last().result_int() : 0; }
  std::string header(bhttp::field f) const {
    return answered() ? std::string(sink->last()[f]) : "";
  }
  // The error code of a JSON error body ("" when there is none).
  std::string error_code() const {
    if (!answered()) return "";
    std::error_code ec;
    auto v = boost::json::parse(sink->last().body(), ec);
    if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
    return std::string(v.at("error").at("code").as_string());
  }
  std::string body() const { return answered() ? sink->last().body() : ""; }
};

class MiddlewareTest : public ::testing::Test {
 public:  // the request builders chain (Bearer(s).Send(...)): public for that
  void SetUp() override {
    auto sqlite = store::OpenSqlite(dir_.path());
    ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
    backend_ = std::move(*sqlite);
    writer_ = std::make_unique<store::Writer>(*backend_, metrics_, 256, 10'000);
    accounts_ = std::make_unique<auth::Accounts>(*writer_, *backend_, clock_, auth::HashCost{1, 64},
                                                 3'600'000, 16, metrics_);
    auto snapshot = backend_->LoadAll();
    ASSERT_TRUE(snapshot.ok());
    accounts_->Load(*snapshot);
    exams_ = std::make_unique<exam::ExamService>(*writer_, clock_, Millis(10'000), metrics_);
    guard_ = std::make_unique<guard::AdmissionController>(guard::Options{}, clock_);
    middleware_ =
        std::make_unique<Middleware>(*accounts_, *exams_, *guard_, metrics_, address_, limiter_, gate_);

    auto users = accounts_->CreateUsers({{"alice", "Alice Martin", auth::Role::kStudent, kPassword},
                                         {"bob", "Bob Durand", auth::Role::kStudent, kPassword},
                                         {"tess", "Tess Teacher", auth::Role::kTeacher, kPassword},
                                         {"root", "Ops", auth::Role::kAdmin, kPassword}});
    ASSERT_TRUE(users.ok()) << users.error().message;
    alice_id_ = (*users)[0].id;
    bob_id_ = (*users)[1].id;
    teacher_id_ = (*users)[2].id;
    alice_ = LogIn("alice");
    bob_ = LogIn("bob");
    teacher_ = LogIn("tess");
    admin_ = LogIn("root");

    ASSERT_TRUE(exams_->PutCourse({"geo-101", "Geography", ""}).ok());
    ASSERT_TRUE(exams_->Enrol("geo-101", {alice_id_, bob_id_}).ok());
    ASSERT_TRUE(exams_->AddTeachers("geo-101", {teacher_id_}).ok());
    const exam::Caller teacher{teacher_id_, true};
    ASSERT_TRUE(Await<Result<std::shared_ptr<const exam::ExamEntry>>>([&](auto done) {
                  importers::ImportTomlExam(*exams_, teacher, kExamToml, done);
                }).ok());
    ASSERT_TRUE(Await<Result<std::shared_ptr<const exam::ExamEntry>>>([&](auto done) {
                  exams_->Publish(teacher, kExamId, done);
                }).ok());

    public_ = Add(verb::get, "/api/hello", Access::kPublic, Admission::kInteractive);
    user_get_ = Add(verb::get, "/api/me", Access::kUser, Admission::kInteractive);
    user_post_ = Add(verb::post, "/api/me/language", Access::kUser, Admission::kInteractive);
    teacher_route_ = Add(verb::post, "/api/exams", Access::kTeacher, Admission::kBackground);
    student_route_ = Add(verb::post, "/api/exams/*/start", Access::kStudent, Admission::kExamStart);
    admin_route_ = Add(verb::get, "/api/admin/admission", Access::kAdmin, Admission::kStatus);
    exempt_ = Add(verb::get, "/healthz", Access::kPublic, Admission::kExempt);
    save_ = Add(verb::put, "/api/attempts/*/answers/*", Access::kStudent, Admission::kCritical);
    paper_ = Add(verb::get, "/api/exams/*/paper", Access::kUser, Admission::kPaper);
  }

  void TearDown() override {
    AnswerHeld();
    held_.clear();
    if (writer_) writer_->Stop();  // completions still queued call into the services
    middleware_.reset();
    exams_.reset();
    accounts_.reset();
  }

  template <typename T>
  static T Await(const std::function<void(std::function<void(T)>)>& call) {
    return testkit::Await<T>(call);
  }

  Session LogIn(const std::string& login) {
    auto r = Await<Result<auth::NewSession>>(
        [&](auto done) { accounts_->Login(login, kPassword, done); });
    EXPECT_TRUE(r.ok()) << login << ": " << r.error().message;
    if (!r.ok()) return {};
    return {r->token, r->principal.csrf_token};
  }

  // Starts `user`'s attempt at the exam; its id (0 with a test failure).
  int64_t StartAttempt(int64_t user) {
    auto r = Await<Result<exam::AttemptView>>([&](auto done) {
      exams_->Start(exam::Caller{user, false}, kExamId, done);
    });
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->state.id : 0;
  }

  // A route whose handler records that it ran, then answers 200 (or, while hold_ is set,
  // keeps the request in flight in held_).
  int32_t Add(verb method, std::string_view path, Access access, Admission admission) {
    router_.Add({method, path, path, access, admission, [this, path](const ContextPtr& c) {
                   ran_.emplace_back(path);
                   if (hold_) {
                     held_.push_back(c);
                   } else {
                     c->Json(200, {{"ok", true}});
                   }
                 }});
    return static_cast<int32_t>(router_.size()) - 1;
  }

  // A request's context as Api::Handle makes it: captures and the route's stats filled in.
  ContextPtr Make(int32_t route, verb method, const std::string& target,
                  std::shared_ptr<testkit::RecordingSink> sink) {
    http::Request req{method, target, 11};
    for (const auto& [name, value] : headers_) req.set(name, value);
    headers_.clear();
    auto c = std::make_shared<Context>(std::move(req), http::RequestInfo{"203.0.113.7", route},
                                       http::Responder(sink), clock_);
    c->stats = router_.route(route).stats.get();
    router_.Capture(route, c->req.target(), c->params);
    return c;
  }

  // Sends a request through the middleware and lets the loop finish what was posted to it.
  // The headers set with With() go with it.
  Call Send(int32_t route, verb method, const std::string& target) {
    Call call;
    call.sink = std::make_shared<testkit::RecordingSink>(loop_);
    call.ctx = Make(route, method, target, call.sink);
    middleware_->Run(router_.route(route), call.ctx);
    Poll();
    return call;
  }
  Call Send(int32_t route) {
    const Route& r = router_.route(route);
    std::string target;
    for (const auto& s : r.segments) target += "/" + (s == "*" ? std::string("x") : s);
    return Send(route, r.method, target);
  }

  MiddlewareTest& With(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  MiddlewareTest& Bearer(const Session& s) { return With("Authorization", "Bearer " + s.token); }
  MiddlewareTest& Cookie(const Session& s) {
    return With("Cookie", "theme=dark; pupitre_session=" + s.token + "; lang=fr");
  }

  void Poll() {
    loop_.restart();
    loop_.poll();
  }
  // Answers every request held in flight.
  void AnswerHeld() {
    for (auto& c : held_) c->Json(200, {{"ok", true}});
    held_.clear();
    Poll();
  }

  // The guard class a request of `who` on `route` with first capture `param` gets.
  Priority ClassOf(int32_t route, std::optional<Session> who, const std::string& param) {
    auto sink = std::make_shared<testkit::RecordingSink>(loop_);
    auto c = Make(route, router_.route(route).method, "/", sink);
    c->params[0] = param;
    if (who) c->who = accounts_->Authenticate(who->token);
    EXPECT_TRUE(!who || c->who) << "the session is not live";
    return middleware_->Classify(router_.route(route), *c);
  }

  uint64_t Admitted(Priority p) const { return guard_->stats().admitted[static_cast<size_t>(p)]; }

  boost::asio::io_context loop_;
  testkit::TempDir dir_;
  FakeClock clock_{FromUnixMs(kNowMs)};
  Metrics metrics_;
  std::unique_ptr<store::Backend> backend_;
  std::unique_ptr<store::Writer> writer_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<exam::ExamService> exams_;
  std::unique_ptr<guard::AdmissionController> guard_;
  PeerAddress address_;
  TestLimiter limiter_;
  NoProofGate gate_;
  std::unique_ptr<Middleware> middleware_;
  Router router_{metrics_};

  int64_t alice_id_ = 0, bob_id_ = 0, teacher_id_ = 0;
  Session alice_, bob_, teacher_, admin_;
  int32_t public_ = -1, user_get_ = -1, user_post_ = -1, teacher_route_ = -1, student_route_ = -1,
          admin_route_ = -1, exempt_ = -1, save_ = -1, paper_ = -1;

  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<std::string> ran_;  // the paths of the handlers that ran, in order
  bool hold_ = false;
  std::vector<ContextPtr> held_;
};

// ------------------------------------------------------------------ authentication

TEST_F(MiddlewareTest, APublicRouteRunsWithoutAuthentication) {
  Call call = Send(public_);
  EXPECT_EQ(call.status(), 200u) << call.body();
  EXPECT_EQ(ran_, (std::vector<std::string>{"/api/hello"}));
  EXPECT_FALSE(call.ctx->who.has_value()) << "nobody was authenticated";
  EXPECT_EQ(call.ctx->client_ip, "203.0.113.7") << "step 1 names the peer";
  EXPECT_EQ(call.sink->count(), 1u) << "answered exactly once";
}

TEST_F(MiddlewareTest, ANonPublicRouteWithoutATokenIs401AndItsHandlerNeverRuns) {
  Call none = Send(user_get_);
  EXPECT_EQ(none.status(), 401u);
  EXPECT_EQ(none.error_code(), "unauthenticated");

  Call forged = With("Authorization", "Bearer not-a-session").Send(user_get_);
  EXPECT_EQ(forged.status(), 401u);

  Call bad_cookie = With("Cookie", "pupitre_session=not-a-session").Send(user_get_);
  EXPECT_EQ(bad_cookie.status(), 401u);

  EXPECT_TRUE(ran_.empty()) << "a handler ran for an unauthenticated request";
  EXPECT_EQ(Admitted(Priority::kInteractive), 0u) << "an unauthenticated request reached the guard";
}

TEST_F(MiddlewareTest, ABearerOrACookieSessionAuthenticatesTheUser) {
  Call by_bearer = Bearer(alice_).Send(user_get_);
  EXPECT_EQ(by_bearer.status(), 200u) << by_bearer.body();
  ASSERT_TRUE(by_bearer.ctx->who.has_value());
  EXPECT_EQ(by_bearer.ctx->who->user_id, alice_id_);
  EXPECT_FALSE(by_bearer.ctx->by_cookie);

  Call by_cookie = Cookie(bob_).Send(user_get_);
  EXPECT_EQ(by_cookie.status(), 200u) << by_cookie.body();
  ASSERT_TRUE(by_cookie.ctx->who.has_value());
  EXPECT_EQ(by_cookie.ctx->who->user_id, bob_id_) << "the cookie among others was not found";
  EXPECT_TRUE(by_cookie.ctx->by_cookie);
  EXPECT_EQ(ran_.size(), 2u);
}

TEST_F(MiddlewareTest, ACookieAuthenticatedPostWithoutOrWithAWrongCsrfTokenIs403) {
  Call missing = Cookie(alice_).Send(user_post_);
  EXPECT_EQ(missing.status(), 403u);
  EXPECT_EQ(missing.error_code(), "forbidden");
  EXPECT_NE(missing.body().find("X-CSRF-Token"), std::string::npos) << missing.body();

  Call wrong = Cookie(alice_).With("X-CSRF-Token", bob_.csrf).Send(user_post_);
  EXPECT_EQ(wrong.status(), 403u) << "another session's CSRF token was accepted";

  Call truncated = Cookie(alice_)
                       .With("X-CSRF-Token", alice_.csrf.substr(0, alice_.csrf.size() - 1))
                       .Send(user_post_);
  EXPECT_EQ(truncated.status(), 403u);
  EXPECT_TRUE(ran_.empty()) << "a handler ran without the CSRF token";

  Call right = Cookie(alice_).With("X-CSRF-Token", alice_.csrf).Send(user_post_);
  EXPECT_EQ(right.status(), 200u) << right.body();
  EXPECT_EQ(ran_.size(), 1u);
}

TEST_F(MiddlewareTest, ACookieAuthenticatedGetNeedsNoCsrfToken) {
  Call get = Cookie(alice_).Send(user_get_);
  EXPECT_EQ(get.status(), 200u) << get.body();
  Call head = Cookie(alice_).Send(user_get_, verb::head, "/api/me");
  EXPECT_EQ(head.status(), 200u) << head.body();
}

TEST_F(MiddlewareTest, ABearerAuthenticatedPostNeedsNoCsrfToken) {
  Call call = Bearer(alice_).Send(user_post_);
  EXPECT_EQ(call.status(), 200u) << call.body();
  EXPECT_EQ(ran_.size(), 1u);
}

// ------------------------------------------------------------------ access rules

TEST_F(MiddlewareTest, AStudentOnATeacherRouteIs403) {
  Call call = Bearer(alice_).Send(teacher_route_);
  EXPECT_EQ(call.status(), 403u);
  EXPECT_NE(call.body().find("this is for teachers"), std::string::npos) << call.body();
  EXPECT_TRUE(ran_.empty());
}

TEST_F(MiddlewareTest, ATeacherOrAnAdminOnAStudentRouteIs403) {
  Call teacher = Bearer(teacher_).Send(student_route_);
  EXPECT_EQ(teacher.status(), 403u);
  EXPECT_NE(teacher.body().find("this is for students"), std::string::npos) << teacher.body();
  Call admin = Bearer(admin_).Send(student_route_);
  EXPECT_EQ(admin.status(), 403u);
  EXPECT_TRUE(ran_.empty());
}

TEST_F(MiddlewareTest, ANonAdminOnAnAdminRouteIs403) {
  for (const Session* s : {&alice_, &teacher_}) {
    Call call = Bearer(*s).Send(admin_route_);
    EXPECT_EQ(call.status(), 403u);
    EXPECT_NE(call.body().find("this is for operators"), std::string::npos) << call.body();
  }
  EXPECT_TRUE(ran_.empty());
}

TEST_F(MiddlewareTest, EachRoleReachesTheRoutesMeantForIt) {
  EXPECT_EQ(Bearer(alice_).Send(student_route_).status(), 200u);
  EXPECT_EQ(Bearer(teacher_).Send(teacher_route_).status(), 200u);
  EXPECT_EQ(Bearer(admin_).Send(teacher_route_).status(), 200u) << "admins are teachers too";
  EXPECT_EQ(Bearer(admin_).Send(admin_route_).status(), 200u);
  EXPECT_EQ(ran_.size(), 4u);
}

// ------------------------------------------------------------------ rate limits

TEST_F(MiddlewareTest, ARefusingRateLimiterGives429WithRetryAfterInWholeSeconds) {
  limiter_.refuse = Millis(1500);
  Call call = Bearer(alice_).Send(user_get_);
  EXPECT_EQ(call.status(), 429u);
  EXPECT_EQ(call.header(bhttp::field::retry_after), "2") << "1.5 s rounds up";
  EXPECT_EQ(call.error_code(), "rate_limited") << call.body();
  EXPECT_EQ(call.header(bhttp::field::content_type), "application/json");
  EXPECT_TRUE(ran_.empty()) << "the handler ran although the limiter refused";
  EXPECT_EQ(Admitted(Priority::kInteractive), 0u) << "a refused request reached the guard";

  limiter_.refuse = Millis(0);
  EXPECT_EQ(Bearer(alice_).Send(user_get_).header(bhttp::field::retry_after), "1")
      << "never less than a second";
  limiter_.refuse = Millis(3000);
  EXPECT_EQ(Bearer(alice_).Send(user_get_).header(bhttp::field::retry_after), "3");
  EXPECT_TRUE(ran_.empty());
}

TEST_F(MiddlewareTest, RateLimitsComeAfterAuthentication) {
  limiter_.refuse = Millis(5000);
  Call anonymous = Send(user_get_);
  EXPECT_EQ(anonymous.status(), 401u) << "authentication is checked first";
  EXPECT_EQ(limiter_.calls.load(), 0) << "the limiter saw an unauthenticated request";

  Call no_csrf = Cookie(alice_).Send(user_post_);
  EXPECT_EQ(no_csrf.status(), 403u) << "CSRF is checked before the limits";
  Call wrong_role = Bearer(alice_).Send(admin_route_);
  EXPECT_EQ(wrong_role.status(), 403u) << "the access rule is checked before the limits";
  EXPECT_EQ(limiter_.calls.load(), 0);

  Call authenticated = Bearer(alice_).Send(user_get_);
  EXPECT_EQ(authenticated.status(), 429u);
  EXPECT_EQ(limiter_.calls.load(), 1);
  EXPECT_TRUE(limiter_.saw_principal) << "the limiter must see who is calling (per account)";
}

TEST_F(MiddlewareTest, APublicRouteIsRateLimitedToo) {
  limiter_.refuse = Millis(1000);
  Call call = Send(public_);
  EXPECT_EQ(call.status(), 429u);
  EXPECT_EQ(limiter_.calls.load(), 1);
  EXPECT_FALSE(limiter_.saw_principal);
  EXPECT_TRUE(ran_.empty());
}

TEST_F(MiddlewareTest, AnExemptRouteSkipsTheRateLimiterAndTheGuard) {
  limiter_.refuse = Millis(1000);
  Call call = Send(exempt_);
  EXPECT_EQ(call.status(), 200u) << call.body();
  EXPECT_EQ(limiter_.calls.load(), 0) << "an exempt route asked the limiter";
  EXPECT_EQ(guard_->stats().in_flight, 0);
  uint64_t admitted = 0;
  for (uint64_t a : guard_->stats().admitted) admitted += a;
  EXPECT_EQ(admitted, 0u) << "an exempt route went through the guard";
  EXPECT_EQ(ran_.size(), 1u);
}

TEST_F(MiddlewareTest, AnAdmittedRequestHoldsAGuardSlotUntilAnswered) {
  hold_ = true;
  Call call = Bearer(alice_).Send(user_get_);
  EXPECT_EQ(ran_.size(), 1u);
  EXPECT_FALSE(call.answered());
  EXPECT_EQ(guard_->stats().in_flight, 1);
  EXPECT_EQ(call.ctx->guard, guard_.get());
  AnswerHeld();
  EXPECT_EQ(call.status(), 200u);
  EXPECT_EQ(guard_->stats().in_flight, 0) << "answering did not release the guard's slot";
}

TEST_F(MiddlewareTest, ARequestTheGuardRefusesIs503WithRetryAfter) {
  guard::Options tight;
  tight.initial_limit = 1;
  tight.min_limit = 1;
  tight.queue_capacity = 0;
  guard::AdmissionController small(tight, clock_);
  Middleware middleware(*accounts_, *exams_, small, metrics_, address_, limiter_, gate_);
  hold_ = true;
  auto sink1 = std::make_shared<testkit::RecordingSink>(loop_);
  auto first = Bearer(alice_).Make(user_get_, verb::get, "/api/me", sink1);
  middleware.Run(router_.route(user_get_), first);
  Poll();
  auto sink2 = std::make_shared<testkit::RecordingSink>(loop_);
  auto second = Bearer(bob_).Make(user_get_, verb::get, "/api/me", sink2);
  middleware.Run(router_.route(user_get_), second);
  Poll();
  EXPECT_EQ(ran_.size(), 1u) << "the second request ran past a full guard";
  ASSERT_EQ(sink2->count(), 1u);
  EXPECT_EQ(sink2->last().result_int(), 503u);
  EXPECT_FALSE(std::string(sink2->last()[bhttp::field::retry_after]).empty());
  AnswerHeld();  // before `small` goes
  EXPECT_EQ(small.stats().in_flight, 0);
}

// ------------------------------------------------------------------ guard classes

TEST_F(MiddlewareTest, CriticalIsForTheOwnerOfAnAttemptInProgressOnly) {
  const int64_t attempt = StartAttempt(alice_id_);
  ASSERT_GT(attempt, 0);
  const std::string id = std::to_string(attempt);
  EXPECT_EQ(ClassOf(save_, alice_, id), Priority::kCritical);
  EXPECT_EQ(ClassOf(save_, bob_, id), Priority::kInteractive) << "someone else's attempt";
  EXPECT_EQ(ClassOf(save_, alice_, "999999"), Priority::kInteractive) << "a made-up id";
  EXPECT_EQ(ClassOf(save_, alice_, "abc"), Priority::kInteractive) << "not an id";
  EXPECT_EQ(ClassOf(save_, std::nullopt, id), Priority::kInteractive) << "nobody";

  auto submitted = Await<Result<exam::AttemptView>>([&](auto done) {
    exams_->Submit(exam::Caller{alice_id_, false}, attempt, done);
  });
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(ClassOf(save_, alice_, id), Priority::kInteractive)
      << "a submitted attempt is no longer critical";
}

TEST_F(MiddlewareTest, ThePaperIsCriticalForAStudentWithAnAttemptInProgressElseAnExamStart) {
  EXPECT_EQ(ClassOf(paper_, alice_, kExamId), Priority::kExamStart) << "not started yet";
  const int64_t attempt = StartAttempt(alice_id_);
  ASSERT_GT(attempt, 0);
  EXPECT_EQ(ClassOf(paper_, alice_, kExamId), Priority::kCritical);
  EXPECT_EQ(ClassOf(paper_, bob_, kExamId), Priority::kExamStart);
  EXPECT_EQ(ClassOf(paper_, alice_, "no-such-exam"), Priority::kExamStart);
  EXPECT_EQ(ClassOf(paper_, std::nullopt, kExamId), Priority::kExamStart);

  auto submitted = Await<Result<exam::AttemptView>>([&](auto done) {
    exams_->Submit(exam::Caller{alice_id_, false}, attempt, done);
  });
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(ClassOf(paper_, alice_, kExamId), Priority::kExamStart);
}

TEST_F(MiddlewareTest, OtherAdmissionsMapToTheirGuardClass) {
  EXPECT_EQ(ClassOf(student_route_, alice_, kExamId), Priority::kExamStart);
  EXPECT_EQ(ClassOf(admin_route_, admin_, ""), Priority::kStatus);
  EXPECT_EQ(ClassOf(teacher_route_, teacher_, ""), Priority::kBackground);
  EXPECT_EQ(ClassOf(user_get_, alice_, ""), Priority::kInteractive);
  const int32_t login = Add(verb::post, "/api/login", Access::kPublic, Admission::kLogin);
  EXPECT_EQ(ClassOf(login, std::nullopt, ""), Priority::kLogin);
}

TEST_F(MiddlewareTest, TheClassChosenIsTheOneTheGuardAdmits) {
  const int64_t attempt = StartAttempt(alice_id_);
  ASSERT_GT(attempt, 0);
  const std::string save = "/api/attempts/" + std::to_string(attempt) + "/answers/capital";
  EXPECT_EQ(Bearer(alice_).Send(save_, verb::put, save).status(), 200u);
  EXPECT_EQ(Admitted(Priority::kCritical), 1u);
  EXPECT_EQ(Bearer(bob_).Send(paper_, verb::get, "/api/exams/geo-final/paper").status(), 200u);
  EXPECT_EQ(Admitted(Priority::kExamStart), 1u);
  EXPECT_EQ(Bearer(admin_).Send(admin_route_).status(), 200u);
  EXPECT_EQ(Admitted(Priority::kStatus), 1u);
}

TEST_F(MiddlewareTest, TheNinthConcurrentCriticalRequestOfAUserIsDowngraded) {
  const int64_t attempt = StartAttempt(alice_id_);
  const int64_t bobs = StartAttempt(bob_id_);
  ASSERT_GT(attempt, 0);
  ASSERT_GT(bobs, 0);
  const std::string save = "/api/attempts/" + std::to_string(attempt) + "/answers/capital";
  hold_ = true;
  std::vector<Call> calls;
  for (int i = 0; i < 8; ++i) calls.push_back(Bearer(alice_).Send(save_, verb::put, save));
  EXPECT_EQ(metrics_.critical_downgraded.load(), 0u) << "eight in flight are within the cap";
  EXPECT_EQ(Admitted(Priority::kCritical), 8u);

  calls.push_back(Bearer(alice_).Send(save_, verb::put, save));
  EXPECT_EQ(metrics_.critical_downgraded.load(), 1u) << "the ninth kept the critical class";
  EXPECT_EQ(Admitted(Priority::kCritical), 8u);
  EXPECT_EQ(Admitted(Priority::kInteractive), 1u) << "the ninth runs as an interactive request";
  EXPECT_EQ(calls.back().ctx->critical, nullptr);

  // The cap is per user: Bob's save is still critical while Alice has nine in flight.
  const std::string bob_save = "/api/attempts/" + std::to_string(bobs) + "/answers/capital";
  calls.push_back(Bearer(bob_).Send(save_, verb::put, bob_save));
  EXPECT_EQ(Admitted(Priority::kCritical), 9u);
  EXPECT_EQ(metrics_.critical_downgraded.load(), 1u);
  EXPECT_EQ(ran_.size(), 10u) << "every request ran (the guard had room)";

  AnswerHeld();
  for (const Call& c : calls) EXPECT_EQ(c.status(), 200u);
  EXPECT_EQ(guard_->stats().in_flight, 0);

  // Once answered, Alice's requests are critical again.
  hold_ = false;
  EXPECT_EQ(Bearer(alice_).Send(save_, verb::put, save).status(), 200u);
  EXPECT_EQ(Admitted(Priority::kCritical), 10u) << "the per-user count was not given back";
  EXPECT_EQ(metrics_.critical_downgraded.load(), 1u);
}

TEST_F(MiddlewareTest, ACriticalRequestDroppedUnansweredGivesItsPlaceBack) {
  const int64_t attempt = StartAttempt(alice_id_);
  ASSERT_GT(attempt, 0);
  const std::string save = "/api/attempts/" + std::to_string(attempt) + "/answers/capital";
  hold_ = true;
  for (int i = 0; i < 8; ++i) Bearer(alice_).Send(save_, verb::put, save);
  // Contexts destroyed without an answer (e.g. the connection went away) must not leak the
  // per-user count. (The guard's slots are answered here so that its books stay balanced.)
  for (auto& c : held_) {
    c->guard->Release(Millis(1));
    c->guard = nullptr;
  }
  held_.clear();
  hold_ = false;
  EXPECT_EQ(Bearer(alice_).Send(save_, verb::put, save).status(), 200u);
  EXPECT_EQ(metrics_.critical_downgraded.load(), 0u);
  EXPECT_EQ(Admitted(Priority::kCritical), 9u);
}

}  // namespace
}  // namespace pupitre::api
