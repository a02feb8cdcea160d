#include "api/middleware.h"

#include <boost/beast/http/field.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

#include "api/errors.h"
#include "api/json_io.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;

namespace {

// The session token a request carries: a bearer token, or the session cookie.
std::string_view TokenOf(const http::Request& req, bool& by_cookie) {
  auto authorization = req[bhttp::field::authorization];
  if (authorization.size() > 7 && authorization.substr(0, 7) == "Bearer ") {
    by_cookie = false;
    return authorization.substr(7);
  }
  auto token = CookieOf(req, kSessionCookie);
  by_cookie = !token.empty();
  return token;
}

}  // namespace

std::string ForwardedAddress::Of(const http::Request& req, const http::RequestInfo& info) const {
  if (!info.trusted_peer) return info.remote_ip;
  std::string_view header = req["X-Forwarded-For"];
  std::string chosen = info.remote_ip;
  while (!header.empty()) {
    const size_t comma = header.rfind(',');
    std::string_view item = comma == std::string_view::npos ? header : header.substr(comma + 1);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(item, ec);
    if (ec) break;  // garbage: believe what came before it only
    chosen = a.to_string();
    if (!trusted_.Contains(chosen)) break;  // the first address no trusted proxy is
  }
  return chosen;
}

std::optional<Millis> KeyedRateLimiter::Check(const Context& c, const Route& route) {
  switch (route.admission) {
    case Admission::kLogin:
    case Admission::kCritical:
    case Admission::kPaper:
    case Admission::kExempt: return std::nullopt;
    default: break;
  }
  // The page's static files are not counted: served from memory, and a browser asks for each
  // once a version (immutable); a school behind one address opening the page at 9:00 asks for
  // ten of them a student, which would spend the address's budget before its logins.
  if (route.name == "static") return std::nullopt;
  const MonoPoint now = c.clock.Monotonic();
  if (!c.who) return limits_.Anonymous(c.client_ip, now);
  return limits_.Account(c.who->user_id, now);
}

Middleware::Middleware(auth::Accounts& accounts, exam::ExamService& exams,
                       guard::AdmissionController& guard, Metrics& metrics,
                       const ClientAddress& address, RateLimiter& limiter, ProofGate& gate)
    : accounts_(accounts),
      exams_(exams),
      guard_(guard),
      metrics_(metrics),
      address_(address),
      limiter_(limiter),
      gate_(gate),
      critical_in_flight_(new std::atomic<int32_t>[kCriticalStripes]()) {}

void Middleware::Run(const Route& route, const ContextPtr& c) {
  c->client_ip = address_.Of(c->req, c->info);                       // 1
  if (ownership_ && ownership_->clustered() && !c->adopt_tried && Adopt(route, c)) return;
  if (route.access == Access::kPublic) {
    if (route.admission == Admission::kExempt) return route.fn(c);
    Identify(*c);
    gate_.Note(route, *c);
  } else if (!Authenticate(route, *c)) {                                 // 2-4
    return;
  }
  Continue(route, c);
}

bool Middleware::Adopt(const Route& route, const ContextPtr& c) {
  c->adopt_tried = true;
  const std::string_view token = TokenOf(c->req, c->by_cookie);
  if (token.size() != 64 || accounts_.Authenticate(token)) return false;
  if (adopting_.fetch_add(1, std::memory_order_relaxed) >= kMaxAdopting) {
    adopting_.fetch_sub(1, std::memory_order_relaxed);
    c->Unavailable(Millis(1'000), "the server is busy; please retry shortly");
    return true;
  }
  const Route* r = &route;  // routes live as long as the router
  boost::asio::post(*claim_workers_, [this, r, c, token = std::string(token)] {
    (void)accounts_.AdoptSession(token);  // not found: authentication answers 401 as usual
    adopting_.fetch_sub(1, std::memory_order_relaxed);
    c->Here([this, r, c] { Run(*r, c); });
  });
  return true;
}

std::string Middleware::ExamOf(const Route& route, const Context& c) const {
  if (route.exam_key == ExamKey::kExam) return c.param(0);
  if (auto id = ParseId(c.param(0))) {
    if (auto exam = exams_.ExamOfAttempt(*id)) return *exam;
  }
  // An attempt this node does not hold: the page names its exam.
  return c.query("exam");
}

void Middleware::Claim(const Route& route, const ContextPtr& c, std::string exam_id) {
  // Each claim holds a worker while it reads the store: a few at a time.
  if (claiming_.fetch_add(1, std::memory_order_relaxed) >= kMaxClaiming) {
    claiming_.fetch_sub(1, std::memory_order_relaxed);
    metrics_.exam_moving.fetch_add(1, std::memory_order_relaxed);
    return c->Unavailable(Millis(1'000), Error::Unavailable("exams are being taken over here")
                                             .Because("exam_moving"));
  }
  const Route* r = &route;  // routes live as long as the router
  boost::asio::post(*claim_workers_, [this, r, c, exam_id = std::move(exam_id)] {
    Status claimed = ownership_->Claim(exam_id);
    claiming_.fetch_sub(1, std::memory_order_relaxed);
    c->Here([this, r, c, claimed] {
      // Not in the store at all: the route answers (404) as it would for any unknown exam.
      if (claimed.ok() || claimed.error().code == ErrorCode::kNotFound) return Admit(*r, c);
      metrics_.exam_moving.fetch_add(1, std::memory_order_relaxed);
      c->Unavailable(Millis(1'000), Error::Unavailable(claimed.error().message)
                                        .Because("exam_moving"));
    });
  });
}

void Middleware::Continue(const Route& route, const ContextPtr& c) {
  if (route.admission == Admission::kExempt) return route.fn(c);
  if (auto wait = limiter_.Check(*c, route)) {                           // 5
    metrics_.rate_limited.fetch_add(1, std::memory_order_relaxed);
    return c->RateLimited(*wait, "too many requests; slow down");
  }
  if (!gate_.Pass(route, c)) return;                                      // 5b
  if (ownership_ && ownership_->clustered() && route.exam_key != ExamKey::kNone) {  // 5c
    std::string exam = ExamOf(route, *c);
    if (!exam.empty() && !ownership_->Serves(exam)) return Claim(route, c, std::move(exam));
  }
  Admit(route, c);                                                       // 6
}

void Middleware::Identify(Context& c) const {
  const std::string_view token = TokenOf(c.req, c.by_cookie);
  if (!token.empty()) c.who = accounts_.Authenticate(token);
  if (c.who) c.responder.MarkLoggedIn();
}

bool Middleware::Authenticate(const Route& route, Context& c) const {
  const std::string_view token = TokenOf(c.req, c.by_cookie);
  c.who = accounts_.Authenticate(token);
  if (!c.who) {
    c.Fail(Error::Unauthenticated("log in first"));
    return false;
  }
  c.responder.MarkLoggedIn();
  const bool safe = c.req.method() == bhttp::verb::get || c.req.method() == bhttp::verb::head;
  if (c.by_cookie && !safe &&
      !auth::ConstantTimeEquals(c.req["X-CSRF-Token"], c.who->csrf_token)) {
    c.Fail(Error::Forbidden("missing or wrong X-CSRF-Token header").Because("csrf"));
    return false;
  }
  const auth::Role role = c.who->role;
  const char* refusal = nullptr;
  const char* reason = nullptr;
  if (route.access == Access::kTeacher && role == auth::Role::kStudent) {
    refusal = "this is for teachers", reason = "for_teachers";
  } else if (route.access == Access::kStudent && role != auth::Role::kStudent) {
    refusal = "this is for students", reason = "for_students";
  } else if (route.access == Access::kAdmin && role != auth::Role::kAdmin) {
    refusal = "this is for operators", reason = "for_operators";
  }
  if (refusal) {
    c.Fail(Error::Forbidden(refusal).Because(reason));
    return false;
  }
  return true;
}

guard::Priority Middleware::Classify(const Route& route, const Context& c) const {
  switch (route.admission) {
    case Admission::kCritical: {
      // Only the owner of an attempt in progress gets the class that is never refused:
      // made-up attempt ids do not buy priority.
      auto id = ParseId(c.param(0));
      if (c.who && id && exams_.HasAttemptInProgress(c.who->user_id, *id)) {
        return guard::Priority::kCritical;
      }
      return guard::Priority::kInteractive;
    }
    case Admission::kPaper: {
      if (c.who) {
        auto id = exams_.AttemptIdOf(c.param(0), c.who->user_id);
        if (id && exams_.HasAttemptInProgress(c.who->user_id, *id)) {
          return guard::Priority::kCritical;
        }
      }
      return guard::Priority::kExamStart;
    }
    case Admission::kExamStart: return guard::Priority::kExamStart;
    case Admission::kStatus:
      // The pages of someone not logged in: below everything logged-in users ask for.
      return c.who ? guard::Priority::kStatus : guard::Priority::kBackground;
    case Admission::kLogin: return guard::Priority::kLogin;
    case Admission::kBackground: return guard::Priority::kBackground;
    case Admission::kInteractive:
    case Admission::kExempt: break;
  }
  return guard::Priority::kInteractive;
}

void Middleware::Admit(const Route& route, const ContextPtr& c) {
  guard::Priority priority = Classify(route, *c);
  if (priority == guard::Priority::kCritical) {
    std::atomic<int32_t>& mine = CriticalSlot(c->who->user_id);
    if (mine.fetch_add(1, std::memory_order_relaxed) >= kCriticalPerUser) {
      mine.fetch_sub(1, std::memory_order_relaxed);
      metrics_.critical_downgraded.fetch_add(1, std::memory_order_relaxed);
      priority = guard::Priority::kInteractive;
    } else {
      c->critical = &mine;
    }
  }
  const RouteFn* fn = &route.fn;  // routes live as long as the router
  guard_.Submit(
      priority,
      [this, c, fn, priority] {
        // May run on another connection's thread (a slot freed there): go back to ours.
        c->Here([this, c, fn, priority] {
          c->guard = &guard_;
          c->guard_class = priority;
          c->admitted_at = c->clock.Monotonic();
          (*fn)(c);
        });
      },
      [c](Millis retry_after) {
        c->Later([c, retry_after] {
          c->Unavailable(retry_after, "the server is busy; please retry shortly");
        });
      });
}

}  // namespace pupitre::api
