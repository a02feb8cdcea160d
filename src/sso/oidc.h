#pragma once
// OpenID Connect's authorization code flow with PKCE (OpenID Connect Core 1.0, RFC 7636), as a
// relying party: the provider's discovery document read, the address the browser is sent to,
// the token request, and the claims made an identity. Pure: the calls themselves are
// OidcRelyingParty's (sso/oidc_client.h).
//
//   1. the browser goes to authorization_endpoint?response_type=code&client_id&redirect_uri
//      &scope&state&nonce&code_challenge(S256); this server keeps state, nonce and the PKCE
//      verifier in a short-lived cookie bound to that browser
//   2. the provider sends it back to redirect_uri?code=...&state=...; the state must be the
//      cookie's (no one else's sign-in can be slipped into this browser)
//   3. this server POSTs the code and the verifier to token_endpoint (client_secret_basic) and
//      checks the id_token's signature against jwks_uri's keys, its issuer, audience, times and
//      nonce; userinfo_endpoint adds the claims the id_token does not carry (same sub)

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sso/identity.h"

namespace pupitre::sso {

// What the provider's /.well-known/openid-configuration says.
struct OidcProvider {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string userinfo_endpoint;     // "" : none
  std::string end_session_endpoint;  // "" : none
};

struct OidcClientOptions {
  std::string issuer;         // the provider's issuer; discovery at ISSUER/.well-known/...
  std::string client_id;
  std::string client_secret;  // "" : a public client (PKCE only)
  std::string redirect_url;   // this server's /sso/oidc/callback as browsers reach it
  std::string scopes = "openid profile email";
};

// The discovery document's address for `issuer`.
std::string DiscoveryUrl(std::string_view issuer);

// Fails kUnavailable (sso_unreadable) unless the document is JSON naming this issuer exactly
// (OpenID Connect Discovery 4.3) and http(s) addresses for the endpoints this flow uses.
Result<OidcProvider> ParseDiscovery(std::string_view document, std::string_view expected_issuer);

// One sign-in's secrets, kept by the browser (a cookie) between leaving and coming back.
struct SignInStart {
  std::string state;
  std::string nonce;
  std::string verifier;  // PKCE: the challenge is its SHA-256
};

SignInStart NewSignIn();  // 256 random bits each, base64url
std::string PkceChallenge(std::string_view verifier);  // S256
// "state.nonce.verifier", and back (nullopt on anything else: a cookie is input too).
std::string SignInCookieValue(const SignInStart& s);
std::optional<SignInStart> ParseSignInCookie(std::string_view value);

std::string AuthorizationUrl(const OidcProvider& p, const OidcClientOptions& c,
                             const SignInStart& s);

// The token request: its form body and its Authorization header ("" for a public client).
std::string TokenRequestBody(const OidcClientOptions& c, std::string_view code,
                             std::string_view verifier);
std::string TokenAuthorization(const OidcClientOptions& c);

struct Tokens {
  std::string id_token;
  std::string access_token;  // "" : none
};

// The token endpoint's answer: the tokens, or the provider's error (kUnauthenticated,
// sso_refused, with its error code) or sso_unreadable.
Result<Tokens> ParseTokenReply(long status, std::string_view body);

// The claims as an identity: user is sub; each claim a string (or strings) attribute; objects
// are skipped.
Identity IdentityFromClaims(const boost::json::object& claims);

// userinfo's claims added to `who` (kept from the id_token where both say); fails
// (sso_unreadable) when the answer is not JSON or names another subject.
Status AddUserInfo(Identity& who, std::string_view userinfo_json);

// Who a back-channel logout token (OpenID Connect Back-Channel Logout 1.0, 2.4) logs out.
struct LogoutSubject {
  std::string sid;  // the provider's session ("" : not said)
  std::string sub;  // its subject ("" : not said); one of them at least
  std::string jti;  // the token's id (taken once)
};

// A logout token's claims checked (its signature checked before): iss, aud (the client), iat
// (not in the future, at most ten minutes old), exp, the back-channel logout event, sid or sub,
// jti, and no nonce (an id_token is not a logout token). Fails kUnauthenticated, reason
// sso_bad_token, naming the claim.
Result<LogoutSubject> CheckLogoutClaims(const boost::json::object& claims, std::string_view issuer,
                                        std::string_view client_id, int64_t now_s);

// An authorization code as providers give them: 1 to 512 printable ASCII characters.
bool IsAuthorizationCode(std::string_view code);

}  // namespace pupitre::sso
