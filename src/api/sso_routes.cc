// Sign-in through the school's identity provider with CAS 3.0 (sso/cas.h): the login page's
// link, the provider's return with a ticket (checked with the provider, then a session as for a
// password, with no password hashed here), and the provider's single logout.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <string>

#include "api/json_io.h"
#include "api/services.h"
#include "outbound/http_call.h"
#include "sso/cas.h"
#include "sso/identity.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

sso::CasOptions Cas(const Services& s) { return {s.config.sso.cas_url, s.config.sso.service_url}; }

sso::MappingOptions Mapping(const Services& s) {
  const auto& o = s.config.sso;
  return {o.login_attribute,  o.name_attribute, o.role_attribute, o.teacher_values,
          o.admin_values,     o.required_attribute, o.allowed_values};
}

void Redirect(const ContextPtr& c, const std::string& location,
              const std::string& cookie = "") {
  http::Response res{bhttp::status::found, c->req.version()};
  res.set(bhttp::field::location, location);
  res.set(bhttp::field::cache_control, "no-store");
  if (!cookie.empty()) res.set(bhttp::field::set_cookie, cookie);
  res.keep_alive(c->req.keep_alive());
  c->Send(std::move(res));
}

// Back to the login page, which says why (web/main.js reads sso_error).
void BackToLogin(const ContextPtr& c, const std::string& reason) {
  Redirect(c, "/?sso_error=" + (reason.empty() ? std::string("sso_failed") : reason) + "#/login");
}

// Sign-ins being checked with the provider at once, at most: beyond, the page is told the
// school's sign-in is busy (a slow provider must not pile up waits without end).
constexpr int kMaxSignInsInFlight = 64;

// One sign-in counted while it is checked; released when its last handler is done.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& n) : n_(n) {}
  ~InFlight() { n_.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& n_;
};

bool CasOff(Services& s, const ContextPtr& c) {
  if (!s.config.sso.cas_url.empty()) return false;
  c->Fail(Error::NotFound("no CAS sign-in on this server").Because("sso_off"));
  return true;
}

// GET /sso/cas: to the provider's login.
void CasLogin(Services& s, const ContextPtr& c) {
  if (CasOff(s, c)) return;
  Redirect(c, sso::CasLoginUrl(Cas(s)));
}

// The provider's identity for `ticket`: asked of the provider (blocking: on a worker).
Result<sso::Identity> Validate(const Services& s, const std::string& ticket) {
  outbound::HttpRequest request;
  request.url = sso::CasValidateUrl(Cas(s), ticket);
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
  const std::string ticket = c->query("ticket");
  if (!sso::IsCasTicket(ticket)) return BackToLogin(c, "sso_bad_ticket");
  if (s.sso_in_flight.fetch_add(1, std::memory_order_relaxed) >= kMaxSignInsInFlight) {
    s.sso_in_flight.fetch_sub(1, std::memory_order_relaxed);
    return BackToLogin(c, "sso_busy");
  }
  auto counted = std::make_shared<InFlight>(s.sso_in_flight);
  // On their own threads: a slow provider holds these, never the workers (hashing, writes).
  boost::asio::post(s.sso_calls, [&s, c, ticket, counted] {
    Result<sso::Identity> who = Validate(s, ticket);
    Result<sso::Account> account =
        who.ok() ? sso::MapIdentity(*who, Mapping(s)) : Result<sso::Account>(who.error());
    if (!account.ok()) {
      spdlog::warn("sso: a CAS sign-in failed: {}", account.error().message);
      return c->Later([c, reason = account.error().reason] { BackToLogin(c, reason); });
    }
    s.accounts.LoginTrusted(
        account->login, account->display_name, account->role, s.config.sso.create_accounts,
        [&s, c, ticket, counted](Result<auth::NewSession> r) {
          if (r.ok()) s.sso_tickets.Remember(ticket, r->principal.token_hash);
          c->Later([&s, c, r = std::move(r)] {
            if (!r.ok()) return BackToLogin(c, r.error().reason);
            c->responder.MarkLoggedIn();
            Redirect(c, "/", SessionCookie(s, c, *r));
          });
        });
  });
}

// POST /sso/cas/callback, body logoutRequest=<samlp:LogoutRequest ...>: the provider's single
// logout ends the session its ticket opened here.
void CasSingleLogout(Services& s, const ContextPtr& c) {
  if (CasOff(s, c)) return;
  const std::optional<std::string> ticket = sso::ParseCasLogoutPost(c->req.body());
  if (!ticket) {
    return c->Fail(Error::BadRequest("a single logout holds logoutRequest, a LogoutRequest "
                                     "naming a service ticket")
                       .Because("sso_bad_logout"));
  }
  const std::optional<std::string> session = s.sso_tickets.Take(*ticket);
  if (!session) return c->Json(200, {{"ended", false}});  // not opened here, or over already
  s.accounts.Logout(*session, [c](Status st) {
    c->Later([c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, {{"ended", true}});
    });
  });
}

// GET /api/sso: which sign-ins the login page offers.
void SsoOffered(Services& s, const ContextPtr& c) {
  c->Json(200, {{"cas", !s.config.sso.cas_url.empty()}});
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
