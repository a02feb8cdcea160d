// Sign-in through the school's identity provider with CAS 3.0 (sso/cas.h): the login page's
// link, the provider's return with a ticket (checked with the provider, then a session as for a
// password, with no password hashed here), and the provider's single logout.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <string>

#include "api/json_io.h"
#include "api/services.h"
#include "api/sso_common.h"
#include "auth/crypto.h"
#include "outbound/http_call.h"
#include "sso/cas.h"
#include "sso/identity.h"
#include "sso/oidc.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

// A sign-in's state, kept in this browser's cookie and written into the service address the
// provider sends it back to (CAS has no state parameter of its own): a ticket is checked for
// that address only, so a return is taken only in the browser whose sign-in it is (no one can
// slip their own sign-in into someone else's browser: login CSRF). The provider matches the
// service by prefix, and its single logout posts to the same address.
constexpr std::string_view kStateCookie = "pupitre_cas";
constexpr std::string_view kCookiePath = "/sso/cas";

sso::CasOptions Cas(const Services& s, std::string_view state) {
  const std::string& base = s.config.sso.service_url;
  return {s.config.sso.cas_url,
          fmt::format("{}{}s={}", base, base.find('?') == std::string::npos ? '?' : '&', state)};
}

using sso_common::BackToLogin;
using sso_common::InFlight;
using sso_common::Redirect;

bool CasOff(Services& s, const ContextPtr& c) {
  if (!s.config.sso.cas_url.empty()) return false;
  c->Fail(Error::NotFound("no CAS sign-in on this server").Because("sso_off"));
  return true;
}

// GET /sso/cas: to the provider's login.
void CasLogin(Services& s, const ContextPtr& c) {
  if (CasOff(s, c)) return;
  const std::string state = sso::NewSignIn().state;
  Redirect(c, sso::CasLoginUrl(Cas(s, state)),
           {sso_common::SignInCookie(s, c, kStateCookie, kCookiePath, state)});
}

// The provider's identity for `ticket`: asked of the provider (blocking: on a worker).
Result<sso::Identity> Validate(const Services& s, const std::string& state,
                               const std::string& ticket) {
  outbound::HttpRequest request;
  request.url = sso::CasValidateUrl(Cas(s, state), ticket);
  request.timeout_ms = s.config.sso.timeout_ms;
  request.max_reply_bytes = size_t{1} << 20;
  auto reply = outbound::Call(request);
  if (!reply.ok()) return reply.take_error();
  if (reply->status != 200) {
    return Error::Unavailable(fmt::format("the CAS server answered {}", reply->status))
        .Because("sso_unreadable");
  }
  return sso::ParseCasValidation(reply->body);
}

// GET /sso/cas/callback?ticket=ST-...: the provider sends the browser back; the ticket is
// checked with the provider, the account found (or made), a session opened, and the browser sent
// home with its cookie.
void CasCallback(Services& s, const ContextPtr& c) {
  if (CasOff(s, c)) return;
  std::vector<std::string> cleared{sso_common::SignInCookie(s, c, kStateCookie, kCookiePath, "", 0)};
  const std::string state(CookieOf(c->req, kStateCookie));
  const bool token = state.size() == 43 && std::all_of(state.begin(), state.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  });
  if (!token || !auth::ConstantTimeEquals(c->query("s"), state)) {
    return BackToLogin(c, "sso_state", cleared);
  }
  const std::string ticket = c->query("ticket");
  if (!sso::IsCasTicket(ticket)) return BackToLogin(c, "sso_bad_ticket", cleared);
  auto counted = InFlight::Try(s.sso_in_flight);
  if (counted == nullptr) return BackToLogin(c, "sso_busy", cleared);
  // On their own threads: a slow provider holds these, never the workers (hashing, writes).
  boost::asio::post(s.sso_calls, [&s, c, state, ticket, counted, cleared] {
    sso_common::SignInSteps steps = sso_common::SsoSteps(s);
    steps.logout_names = {ticket};
    steps.cookies = cleared;
    sso_common::SignIn(s, c, Validate(s, state, ticket), "CAS", counted, std::move(steps));
  });
}

// POST /sso/cas/callback, body logoutRequest=<samlp:LogoutRequest ...>: the provider's single
// logout ends the session its ticket opened, on whichever node it was opened.
void CasSingleLogout(Services& s, const ContextPtr& c) {
  if (CasOff(s, c)) return;
  const std::optional<std::string> ticket = sso::ParseCasLogoutPost(c->req.body());
  if (!ticket) {
    return c->Fail(Error::BadRequest("a single logout holds logoutRequest, a LogoutRequest "
                                     "naming a service ticket")
                       .Because("sso_bad_logout"));
  }
  auto counted = InFlight::Try(s.sso_logouts_in_flight, sso_common::kMaxLogoutsInFlight);
  if (counted == nullptr) {
    return c->Fail(Error::Unavailable("too many single logouts at once").Because("sso_busy"));
  }
  // The store is read off the loop.
  boost::asio::post(s.sso_calls, [&s, c, ticket = *ticket, counted] {
    sso_common::EndNamedSessions(s, ticket, [c, counted](Result<size_t> ended) {
      c->Later([c, ended] {
        if (!ended.ok()) return c->Fail(ended.error());
        c->Json(200, {{"ended", *ended > 0}});  // none: not opened by this ticket, or over
      });
    });
  });
}

// GET /api/sso: which sign-ins the login page offers.
void SsoOffered(Services& s, const ContextPtr& c) {
  c->Json(200, sso_common::Offered(s));
}

}  // namespace

void RegisterSsoRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/sso/cas", "sso_cas_login", Access::kPublic, A::kLogin,
              Bind(s, CasLogin)});
  router.Add({verb::get, "/sso/cas/callback", "sso_cas_callback", Access::kPublic, A::kLogin,
              Bind(s, CasCallback)});
  router.Add({verb::post, "/sso/cas/callback", "sso_cas_logout", Access::kPublic, A::kLogin,
              Bind(s, CasSingleLogout)});
  router.Add({verb::get, "/api/sso", "sso_offered", Access::kPublic, A::kStatus,
              Bind(s, SsoOffered)});
}

}  // namespace pupitre::api
