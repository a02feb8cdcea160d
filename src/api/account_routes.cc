// Accounts: logging in and out, who is logged in, and their courses.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "api/json_io.h"
#include "api/services.h"
#include "api/sso_common.h"
#include "api/views.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

// The session cookie: it lives as long as the session. A remembered one outlives the browser
// (Max-Age); an ordinary one ends with it, or with the session.
std::string SessionCookie(Services& s, const ContextPtr& c, const auth::NewSession& session) {
  const int64_t ttl_ms = session.remembered ? s.accounts.remember_ttl_ms()
                                            : s.config.auth.session_ttl_minutes * 60'000;
  return fmt::format("{}={}{}; Max-Age={}", kSessionCookie, session.token,
                     c->CookieAttributes(s.config.server.secure_cookies), ttl_ms / 1000);
}

namespace {

// A login must be JSON (a form from another site can only send text/plain, urlencoded or
// multipart without a preflight), and a browser's Origin, when sent, must be this server's:
// no other site can log a student into an account of its choosing (login CSRF).
std::optional<Error> RefuseCrossSiteLogin(const ContextPtr& c) {
  const std::string_view type = c->req[bhttp::field::content_type];
  const std::string_view media = type.substr(0, type.find(';'));
  if (!boost::beast::iequals(media, "application/json")) {
    return Error::BadRequest("a login is JSON: Content-Type must be application/json");
  }
  const std::string_view origin = c->req[bhttp::field::origin];
  if (origin.empty()) return std::nullopt;  // not a browser's cross-site request
  const size_t scheme = origin.find("://");
  const std::string_view host = c->req[bhttp::field::host];
  if (origin == "null" || scheme == std::string_view::npos || host.empty() ||
      origin.substr(scheme + 3) != host) {
    return Error::Forbidden("a login must come from this site's own pages");
  }
  return std::nullopt;
}

// The answer to a login the hashing queue could not take, or let wait too long.
void LoginQueueFull(const ContextPtr& c) {
  c->Unavailable(Millis(2'000), "too many logins at once; please retry shortly");
}

// A place in the login line: the page waits `poll_after_ms`, then sends the same login again
// with `queue_ticket`.
void InLine(Services& s, const ContextPtr& c, const guard::LoginLine::Place& p) {
  const int64_t eta = p.eta.count();
  c->Json(202, {{"login_queue",
                 {{"ticket", p.ticket},
                  {"number", p.number},
                  {"position", p.position},
                  {"eta_ms", eta},
                  // Near the front often, far back rarely: thousands may wait.
                  {"poll_after_ms", std::clamp<int64_t>(eta / 3, 500, 5'000)}}},
                {"server_now_ms", ToUnixMs(s.clock.Now())}});
}

// Checks the password (on a worker, from the hashing queue) and answers.
void RunLogin(Services& s, const ContextPtr& c, const std::string& login,
              const std::string& password, int64_t line_number, bool remember) {
  s.accounts.Login(login, password, [&s, c, login, line_number](Result<auth::NewSession> r) {
    if (line_number > 0) s.login_line.Done(line_number);
    if (!r.ok() && r.error().code == ErrorCode::kUnauthenticated) {
      s.login_throttle.Failed(login, c->client_ip, s.clock.Monotonic());
    }
    c->Later([&s, c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->responder.MarkLoggedIn();
      const auto& session = *r;
      auto res = http::MakeJsonResponse(
          c->req, 200,
          json::serialize(json::object{{"token", session.token},
                                       {"csrf_token", session.principal.csrf_token},
                                       {"expires_ms", session.expires_ms},
                                       {"remembered", session.remembered},
                                       {"user", UserJson(session.principal)}}));
      res.set(bhttp::field::set_cookie, SessionCookie(s, c, session));
      c->Send(std::move(res));
    });
  }, remember);
}

void Login(Services& s, const ContextPtr& c) {
  if (auto refused = RefuseCrossSiteLogin(c)) return c->Fail(*refused);
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  auto password = GetString(*body, "password");
  if (!login.ok()) return c->Fail(login.error());
  if (!password.ok()) return c->Fail(password.error());
  if (login->size() > 256 || password->size() > 1024) {
    return c->Fail(Error::BadRequest("login or password too long"));
  }
  // Too many failures for this account from this subnet, or from this address: refused
  // before any hashing is spent on it.
  const MonoPoint now = s.clock.Monotonic();
  if (auto wait = s.login_throttle.Check(*login, c->client_ip, now)) {
    s.metrics.logins_throttled.fetch_add(1, std::memory_order_relaxed);
    return c->RateLimited(*wait, "too many failed logins; wait before trying again");
  }
  // Beyond what hashing can do now: a place in the login line (202), and the page comes back
  // with its ticket when its number is called (guard/login_line.h).
  std::string ticket;
  if (const auto* t = body->if_contains("queue_ticket")) {
    if (!t->is_string() || t->as_string().size() > 200) {
      return c->Fail(Error::BadRequest("'queue_ticket' must be the ticket a 202 gave"));
    }
    ticket = std::string(t->as_string());
  }
  bool remember = false;
  if (const auto* r = body->if_contains("remember")) {
    if (!r->is_bool()) return c->Fail(Error::BadRequest("'remember' must be true or false"));
    remember = r->as_bool();
  }
  using Decision = guard::LoginLine::Decision;
  const Decision d =
      s.login_line.Arrive(*login, ticket, s.hashing.stats().queued, s.hashing.rate(), s.clock.Now());
  if (d.kind == Decision::kFull) {
    return c->Unavailable(d.retry_after, "so many logins are waiting that yours would wait for "
                                         "hours; please come back in a minute");
  }
  if (d.kind == Decision::kWait || d.kind == Decision::kBusy) return InLine(s, c, d.place);
  // Hashing takes tens of milliseconds: on the worker pool, through the bounded hashing queue,
  // never on an event loop. Addresses that failed lately wait behind the others.
  const size_t lane = s.login_throttle.Suspect(c->client_ip, now) ? 1 : 0;
  c->LeaveGuard();
  const int64_t number = d.number;  // 0: no ticket
  const bool queued = s.hashing.Submit(
      lane, c->client_ip, [c] { return c->client_gone(); },
      [&s, c, login = *login, password = *password, number, remember](guard::WorkQueue::Outcome outcome) {
        using Outcome = guard::WorkQueue::Outcome;
        if (outcome != Outcome::kRun) {
          if (number > 0) s.login_line.Done(number);
          // Expired: it waited too long. Gone: nobody reads the answer (it is sent anyway,
          // so that the connection's bookkeeping ends).
          return c->Later([c] { LoginQueueFull(c); });
        }
        RunLogin(s, c, login, password, number, remember);
      });
  if (!queued) {
    if (number > 0) s.login_line.Done(number);
    LoginQueueFull(c);  // still on the connection's loop
  }
}

void Logout(Services& s, const ContextPtr& c) {
  s.accounts.Logout(c->who->token_hash, [c, attributes = c->CookieAttributes(s.config.server.secure_cookies)](Status st) {
    c->Later([c, st, attributes] {
      if (!st.ok()) return c->Fail(st.error());
      auto res = http::MakeJsonResponse(c->req, 200, R"({"status":"logged_out"})");
      res.set(bhttp::field::set_cookie,
              fmt::format("{}={}; Max-Age=0", kSessionCookie, attributes));
      c->Send(std::move(res));
    });
  });
}

// GET /api/me: who the page belongs to. A remembered device's token is rotated here (the page
// asks once when it opens), with a new cookie and CSRF token.
void Me(Services& s, const ContextPtr& c) {
  s.accounts.RotateIfDue(c->who->token_hash, [&s, c](std::optional<auth::NewSession> rotated) {
    c->Here([&s, c, rotated = std::move(rotated)] {
      json::object o{{"user", UserJson(*c->who)},
                     {"csrf_token", rotated ? rotated->principal.csrf_token : c->who->csrf_token},
                     {"time_zone", s.zone.name()},
                     {"server_now_ms", ToUnixMs(s.clock.Now())}};
      if (!rotated) return c->Json(200, o);
      o["rotated"] = true;
      auto res = http::MakeJsonResponse(c->req, 200, json::serialize(o));
      res.set(bhttp::field::set_cookie, SessionCookie(s, c, *rotated));
      c->Send(std::move(res));
    });
  });
}

// POST /api/me/password {"current", "new"}: the user changes their own password. Two argon2id
// hashes: through the hashing queue, on a worker, like a login. Every other session of the
// user ends; this one goes on.
void ChangePassword(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto current = GetString(*body, "current");
  if (!current.ok()) return c->Fail(current.error());
  auto next = GetString(*body, "new");
  if (!next.ok()) return c->Fail(next.error());
  if (current->size() > 1024 || next->size() > 1024) {
    return c->Fail(Error::Invalid("password: at most 1024 characters").Because("password_too_long"));
  }
  c->LeaveGuard();
  const bool queued = s.hashing.Submit(
      0, c->client_ip, [c] { return c->client_gone(); },
      [&s, c, current = std::move(*current), next = std::move(*next)](
          guard::WorkQueue::Outcome outcome) {
        if (outcome != guard::WorkQueue::Outcome::kRun) return c->Later([c] { LoginQueueFull(c); });
        s.accounts.ChangePassword(c->who->user_id, current, next, c->who->token_hash,
                                  [c](Status st) {
                                    c->Later([c, st] {
                                      if (!st.ok()) return c->Fail(st.error());
                                      c->Json(200, {{"changed", true}});
                                    });
                                  });
      });
  if (!queued) LoginQueueFull(c);
}

// GET /api/session: /api/me for a page that may not be logged in: {"user": null} rather than a
// 401 (which every browser logs as an error), for the page to show the login form.
void Session(Services& s, const ContextPtr& c) {
  if (!c->who) {
    // The login page's choices come with it: no second request on the 9:00 path.
    return c->Json(200, {{"user", nullptr},
                         {"time_zone", s.zone.name()},
                         {"sso", sso_common::Offered(s)},
                         {"server_now_ms", ToUnixMs(s.clock.Now())}});
  }
  Me(s, c);
}

void Courses(Services& s, const ContextPtr& c) {
  json::array out;
  for (const auto& course : s.exams.CoursesOf(c->caller())) {
    out.push_back(json::object{{"id", course.id}, {"title", course.title},
                               {"description", course.description}});
  }
  c->Json(200, {{"courses", std::move(out)}});
}

}  // namespace

void RegisterAccountRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::post, "/api/login", "login", Access::kPublic, A::kLogin, Bind(s, Login)});
  router.Add({verb::post, "/api/logout", "logout", Access::kUser, A::kInteractive, Bind(s, Logout)});
  // Every page starts by asking who is logged in: it answers under load (status class).
  router.Add({verb::get, "/api/me", "me", Access::kUser, A::kStatus, Bind(s, Me)});
  router.Add({verb::get, "/api/session", "session", Access::kPublic, A::kStatus, Bind(s, Session)});
  router.Add({verb::post, "/api/me/password", "password", Access::kUser, A::kInteractive,
              Bind(s, ChangePassword)});
  router.Add({verb::get, "/api/courses", "courses", Access::kUser, A::kInteractive, Bind(s, Courses)});
}

}  // namespace pupitre::api
