#pragma once
// What the school's sign-ins (CAS: sso_routes.cc, OpenID Connect: oidc_routes.cc) share: the
// redirects, the way back to the login page with a reason, the bound on sign-ins checked at
// once, and the account a provider's identity becomes (signed in, or refused).

#include <boost/json/object.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/services.h"
#include "sso/identity.h"

namespace pupitre::api::sso_common {

// A 302 to `location`, not cached, setting each of `cookies`.
void Redirect(const ContextPtr& c, const std::string& location,
              const std::vector<std::string>& cookies = {});

// Back to the login page, which says why (web/main.js reads sso_error); `cookies` as above.
void BackToLogin(const ContextPtr& c, const std::string& reason,
                 const std::vector<std::string>& cookies = {});

// A cookie holding one sign-in's secrets for the provider's way back only: `path` (the
// protocol's routes), HttpOnly, ten minutes (max_age 0 clears it), SameSite=Lax (sent when the
// provider's site sends the browser back here), Secure on https.
std::string SignInCookie(const Services& s, const ContextPtr& c, std::string_view name,
                         std::string_view path, std::string_view value, int max_age = 600);

// Sign-ins being checked with the provider at once.
constexpr int kMaxSignInsInFlight = 64;
// Single logouts being looked up at once (apart: a flood of forged ones never takes sign-ins'
// places, nor more than this many of the sign-in threads' turns).
constexpr int kMaxLogoutsInFlight = 8;

// One sign-in (or logout) counted while it is checked; released when its last handler is
// done. Null when `most` are being checked already (the page is told sso_busy:
// a slow provider must not pile up waits without end).
class InFlight {
 public:
  static std::shared_ptr<InFlight> Try(std::atomic<int>& n, int most = kMaxSignInsInFlight);
  explicit InFlight(std::atomic<int>& n) : n_(n) {}
  ~InFlight() { n_.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& n_;
};

// Which sign-ins the login page offers: {"cas": bool, "oidc": bool}.
boost::json::object Offered(const Services& s);

// How a sign-in ends once the provider vouched for someone.
struct SignInSteps {
  sso::MappingOptions mapping;  // the identity to an account
  bool create_accounts = true;  // an account made at first sign-in
  // What the provider's single logout will give for this sign-in (stored with the session).
  std::vector<std::string> logout_names;
  // Told the new session first (on the accounts' thread).
  std::function<void(const auth::NewSession&)> remember;
  // The answer once signed in, on the connection's loop, given the cookies to set (the session's
  // among them); default: 302 home.
  std::function<void(const ContextPtr&, const auth::NewSession&, std::vector<std::string> cookies)>
      answer;
  std::vector<std::string> cookies;  // set with either answer (or with the way back to login)
};

// [sso]'s mapping and create_accounts.
SignInSteps SsoSteps(const Services& s);

// From a sign-in thread: the identity mapped, the account found or made, a session opened and
// the answer given (by default the browser sent home with it); or back to the login page with
// the reason. `counted` is held until the account is found.
void SignIn(Services& s, const ContextPtr& c, Result<sso::Identity> who, const char* protocol,
            std::shared_ptr<InFlight> counted, SignInSteps steps);

// Ends each session of `token_hashes` (a provider's single logout), then calls `done` (on the
// accounts' thread) with the first failure, if any.
void EndSessions(Services& s, std::vector<std::string> token_hashes, std::function<void(Status)> done);

// A provider's single logout: ends the sessions `name` names in the store (opened on any node:
// auth::Accounts::NameSession), then calls `done` with how many there were, or the first
// failure. Reads the store: call it off the event loops (on `sso_calls`).
void EndNamedSessions(Services& s, const std::string& name,
                      std::function<void(Result<size_t>)> done);

}  // namespace pupitre::api::sso_common
