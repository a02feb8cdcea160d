// Accounts: logging in and out, who is logged in, and their courses.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/json_io.h"
#include "api/services.h"
#include "api/views.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

void Login(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  auto password = GetString(*body, "password");
  if (!login.ok()) return c->Fail(login.error());
  if (!password.ok()) return c->Fail(password.error());
  if (login->size() > 256 || password->size() > 1024) {
    return c->Fail(Error::BadRequest("login or password too long"));
  }
  const int64_t ttl_seconds = s.config.auth.session_ttl_minutes * 60;
  // Hashing takes tens of milliseconds: on the worker pool, never on an event loop.
  boost::asio::post(s.workers, [&s, c, login = *login, password = *password, ttl_seconds] {
    s.accounts.Login(login, password, [c, ttl_seconds](Result<auth::NewSession> r) {
      c->Later([c, r = std::move(r), ttl_seconds] {
        if (!r.ok()) return c->Fail(r.error());
        const auto& session = *r;
        auto res = http::MakeJsonResponse(
            c->req, 200,
            json::serialize(json::object{{"token", session.token},
                                         {"csrf_token", session.principal.csrf_token},
                                         {"expires_ms", session.expires_ms},
                                         {"user", UserJson(session.principal)}}));
        res.set(bhttp::field::set_cookie,
                fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
                            kSessionCookie, session.token, ttl_seconds));
        c->Send(std::move(res));
      });
    });
  });
}

void Logout(Services& s, const ContextPtr& c) {
  s.accounts.Logout(c->who->token_hash, [c](Status st) {
    c->Later([c, st] {
      if (!st.ok()) return c->Fail(st.error());
      auto res = http::MakeJsonResponse(c->req, 200, R"({"status":"logged_out"})");
      res.set(bhttp::field::set_cookie,
              fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", kSessionCookie));
      c->Send(std::move(res));
    });
  });
}

void Me(Services& s, const ContextPtr& c) {
  c->Json(200, {{"user", UserJson(*c->who)},
                {"csrf_token", c->who->csrf_token},
                {"server_now_ms", ToUnixMs(s.clock.Now())}});
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
  router.Add({verb::get, "/api/courses", "courses", Access::kUser, A::kInteractive, Bind(s, Courses)});
}

}  // namespace pupitre::api
