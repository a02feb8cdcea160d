#pragma once
// This server as an OpenID Connect relying party: the provider's discovery document and keys
// fetched and kept, the code exchanged, the id_token checked, userinfo read (sso/oidc.h for the
// messages). Its calls block: use it from the sign-in threads, never from an event loop.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/mutex.h"
#include "common/result.h"
#include "sso/identity.h"
#include "sso/jwt.h"
#include "sso/oidc.h"
#include "sso/once_book.h"
#include "sso/remote_keys.h"

namespace pupitre::sso {

class OidcRelyingParty {
 public:
  OidcRelyingParty(OidcClientOptions options, int64_t timeout_ms, bool read_userinfo);

  bool enabled() const { return !options_.issuer.empty(); }
  const OidcClientOptions& options() const { return options_; }

  // Where to send the browser for this sign-in (the discovery document fetched the first time).
  Result<std::string> AuthorizationUrl(const SignInStart& start);

  struct SignedIn {
    Identity who;
    std::string sid;  // the provider's session (the sid claim; "" : not said)
  };
  // The code exchanged for tokens, the id_token checked (signature, issuer, audience, times, the
  // nonce of `start`), userinfo's claims added. Errors carry the sign-in reasons (sso_refused,
  // sso_bad_token, sso_unreadable).
  Result<SignedIn> Complete(std::string_view code, const SignInStart& start, int64_t now_s);

  // Whom a back-channel logout token logs out, once its signature (the provider's keys) and
  // claims are checked (CheckLogoutClaims) and its jti is new. Errors: sso_bad_token,
  // sso_replay, sso_unreadable / peer_down.
  Result<LogoutSubject> CheckLogoutToken(std::string_view token, int64_t now_s);

 private:
  Result<OidcProvider> Provider();

  const OidcClientOptions options_;
  const int64_t timeout_ms_;
  const bool read_userinfo_;
  Mutex mu_;
  std::optional<OidcProvider> provider_ GUARDED_BY(mu_);
  RemoteKeySet keys_;
  OnceBook logout_ids_;  // logout tokens' jti, each taken once
};

}  // namespace pupitre::sso
