// Sign-in through the school's identity provider with OpenID Connect (sso/oidc.h): the login
// page's link sends the browser to the provider with a state, a nonce and a PKCE challenge (kept
// in a cookie of this browser for ten minutes); the provider's return is taken only with that
// cookie (no one can slip their own sign-in into someone else's browser); the code is exchanged
// and the id_token checked on the sign-in threads, then a session opens as for a password.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <string>

#include "api/services.h"
#include "api/sso_common.h"
#include "auth/crypto.h"
#include "common/clock.h"
#include "common/text.h"
#include "sso/oidc.h"
#include "sso/oidc_client.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
using bhttp::verb;
using sso_common::BackToLogin;
using sso_common::InFlight;
using sso_common::Redirect;

namespace {

constexpr std::string_view kSignInCookie = "pupitre_oidc";
constexpr std::string_view kCookiePath = "/sso/oidc";

// The key under which the session a provider's session opened is kept for its logout: the
// provider names its session (sid), the browser's cookie names ours.
std::string FrontChannelKey(std::string_view sid) { return fmt::format("oidc\n{}", sid); }

std::string BackChannelKey(std::string_view kind, std::string_view value) {
  return fmt::format("oidc-{}\n{}", kind, value);
}

bool OidcOff(Services& s, const ContextPtr& c) {
  if (s.oidc != nullptr && s.oidc->enabled()) return false;
  c->Fail(Error::NotFound("no OpenID Connect sign-in on this server").Because("sso_off"));
  return true;
}

// GET /sso/oidc: to the provider's authorization endpoint.
void OidcLogin(Services& s, const ContextPtr& c) {
  if (OidcOff(s, c)) return;
  auto counted = InFlight::Try(s.sso_in_flight);
  if (counted == nullptr) return BackToLogin(c, "sso_busy");
  // The first one fetches the provider's discovery document: on the sign-in threads.
  boost::asio::post(s.sso_calls, [&s, c, counted] {
    const sso::SignInStart start = sso::NewSignIn();
    Result<std::string> url = s.oidc->AuthorizationUrl(start);
    c->Later([&s, c, url = std::move(url), start] {
      if (!url.ok()) {
        spdlog::warn("sso: no OpenID Connect sign-in: {}", url.error().message);
        return BackToLogin(c, url.error().reason);
      }
      Redirect(c, *url, {sso_common::SignInCookie(s, c, kSignInCookie, kCookiePath,
                                                  sso::SignInCookieValue(start))});
    });
  });
}

// GET /sso/oidc/callback?code=...&state=...: the provider sends the browser back.
void OidcCallback(Services& s, const ContextPtr& c) {
  if (OidcOff(s, c)) return;
  // Used once, whatever happens.
  std::vector<std::string> cleared{sso_common::SignInCookie(s, c, kSignInCookie, kCookiePath, "", 0)};
  if (const std::string error = c->query("error"); !error.empty()) {
    spdlog::info("sso: the OpenID Connect provider sent {} back: {}", PrintableAscii(error, 64),
                 PrintableAscii(c->query("error_description"), 200));
    return BackToLogin(c, "sso_refused", cleared);
  }
  const std::optional<sso::SignInStart> start =
      sso::ParseSignInCookie(CookieOf(c->req, kSignInCookie));
  if (!start || !auth::ConstantTimeEquals(c->query("state"), start->state)) {
    return BackToLogin(c, "sso_state", cleared);
  }
  const std::string code = c->query("code");
  if (!sso::IsAuthorizationCode(code)) return BackToLogin(c, "sso_bad_ticket", cleared);
  auto counted = InFlight::Try(s.sso_in_flight);
  if (counted == nullptr) return BackToLogin(c, "sso_busy", cleared);
  const int64_t now_s = ToUnixMs(s.clock.Now()) / 1000;
  boost::asio::post(s.sso_calls, [&s, c, code, start = *start, now_s, counted, cleared] {
    Result<sso::OidcRelyingParty::SignedIn> in = s.oidc->Complete(code, start, now_s);
    // An email is a login only once the provider has checked it is theirs.
    if (in.ok() && s.config.sso.login_attribute == "email") {
      const auto verified = in->who.attributes.find("email_verified");
      if (verified == in->who.attributes.end() || verified->second != std::vector<std::string>{"true"}) {
        in = Error::Forbidden("the provider has not verified this email address")
                 .Because("sso_unverified_email");
      }
    }
    const std::string sid = in.ok() ? in->sid : "";
    const std::string sub = in.ok() ? in->who.user : "";
    Result<sso::Identity> who = in.ok() ? Result<sso::Identity>(std::move(in->who))
                                        : Result<sso::Identity>(in.take_error());
    sso_common::SignInSteps steps = sso_common::SsoSteps(s);
    // Front-channel: the provider names its session (or, without one, the subject) and the
    // browser's cookie names ours. Back-channel: the provider names its session or subject.
    steps.logout_names = {FrontChannelKey(sid.empty() ? sub : sid), BackChannelKey("sub", sub)};
    if (!sid.empty()) steps.logout_names.push_back(BackChannelKey("sid", sid));
    steps.cookies = cleared;
    sso_common::SignIn(s, c, std::move(who), "OpenID Connect", counted, std::move(steps));
  });
}

// GET /sso/oidc/logout?iss=...&sid=...: the provider's front-channel logout (a hidden frame of
// its logout page). The session in this browser's cookie ends if the provider's session named
// opened it; nothing else can be ended from here (without the cookie, nothing is).
void OidcFrontChannelLogout(Services& s, const ContextPtr& c) {
  if (OidcOff(s, c)) return;
  auto answer = [c](bool ended) {
    http::Response res{bhttp::status::ok, c->req.version()};
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = ended ? "signed out\n" : "no session of that sign-in here\n";
    res.prepare_payload();
    res.keep_alive(c->req.keep_alive());
    c->Send(std::move(res));
  };
  const std::string iss = c->query("iss");
  const std::string sid = c->query("sid");
  if (!c->who || sid.empty() || (!iss.empty() && iss != s.oidc->options().issuer)) {
    return answer(false);
  }
  auto counted = InFlight::Try(s.sso_logouts_in_flight, sso_common::kMaxLogoutsInFlight);
  if (counted == nullptr) {
    return c->Fail(Error::Unavailable("too many single logouts at once").Because("sso_busy"));
  }
  // Only this browser's session ends here, if that provider session opened it.
  boost::asio::post(s.sso_calls, [&s, c, answer, counted, sid] {
    const std::string& hash = c->who->token_hash;
    Result<std::vector<std::string>> named = s.accounts.NamedSessions(FrontChannelKey(sid));
    if (!named.ok()) return c->Later([c, why = named.error()] { c->Fail(why); });
    if (std::find(named->begin(), named->end(), hash) == named->end()) {
      return c->Later([answer] { answer(false); });
    }
    s.accounts.Logout(hash, [c, answer, counted](Status st) {
      c->Later([c, st, answer] {
        if (!st.ok()) return c->Fail(st.error());
        answer(true);
      });
    });
  });
}

// POST /sso/oidc/backchannel, body logout_token=JWT: the provider's back-channel logout (OpenID
// Connect Back-Channel Logout 1.0). The token checked (signature, issuer, audience, times, the
// logout event, its jti once), the sessions its sid (or, without sid, its sub) opened here end.
void OidcBackChannelLogout(Services& s, const ContextPtr& c) {
  if (OidcOff(s, c)) return;
  std::string token;
  if (auto form = boost::urls::parse_query(c->req.body())) {
    for (const auto& p : *form) {
      if (p.key == "logout_token" && p.has_value) token = p.value.decode();
    }
  }
  auto refuse = [c](const std::string& why) {
    http::Response res{bhttp::status::bad_request, c->req.version()};
    res.set(bhttp::field::content_type, "application/json");
    res.set(bhttp::field::cache_control, "no-store");
    res.body() = boost::json::serialize(
        boost::json::object{{"error", "invalid_request"}, {"error_description", why}});
    res.prepare_payload();
    res.keep_alive(c->req.keep_alive());
    c->Send(std::move(res));
  };
  if (token.empty()) return refuse("no logout_token");
  const int64_t now_s = ToUnixMs(s.clock.Now()) / 1000;
  auto counted = InFlight::Try(s.sso_logouts_in_flight, sso_common::kMaxLogoutsInFlight);
  if (counted == nullptr) {
    return c->Fail(Error::Unavailable("too many single logouts at once").Because("sso_busy"));
  }
  boost::asio::post(s.sso_calls, [&s, c, token, now_s, refuse, counted] {
    Result<sso::LogoutSubject> who = s.oidc->CheckLogoutToken(token, now_s);
    if (!who.ok()) {
      spdlog::warn("sso: a back-channel logout was refused: {}", who.error().message);
      return c->Later([refuse, why = who.error().message] { refuse(why); });
    }
    const std::string name =
        who->sid.empty() ? BackChannelKey("sub", who->sub) : BackChannelKey("sid", who->sid);
    sso_common::EndNamedSessions(s, name, [c, counted](Result<size_t> ended) {
      c->Later([c, ended] {
        if (!ended.ok()) return c->Fail(ended.error());
        c->Json(200, {{"ended", static_cast<int64_t>(*ended)}});
      });
    });
  });
}

}  // namespace

void RegisterOidcRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/sso/oidc", "sso_oidc_login", Access::kPublic, A::kLogin,
              Bind(s, OidcLogin)});
  router.Add({verb::get, "/sso/oidc/callback", "sso_oidc_callback", Access::kPublic, A::kLogin,
              Bind(s, OidcCallback)});
  router.Add({verb::get, "/sso/oidc/logout", "sso_oidc_logout", Access::kPublic, A::kLogin,
              Bind(s, OidcFrontChannelLogout)});
  router.Add({verb::post, "/sso/oidc/backchannel", "sso_oidc_backchannel", Access::kPublic,
              A::kLogin, Bind(s, OidcBackChannelLogout)});
}

}  // namespace pupitre::api
