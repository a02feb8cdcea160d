#include "sso/oidc_client.h"

#include <fmt/format.h>

#include <utility>

#include "outbound/http_call.h"

namespace pupitre::sso {

OidcRelyingParty::OidcRelyingParty(OidcClientOptions options, int64_t timeout_ms, bool read_userinfo)
    : options_(std::move(options)),
      timeout_ms_(timeout_ms),
      read_userinfo_(read_userinfo),
      keys_(timeout_ms) {}

Result<OidcProvider> OidcRelyingParty::Provider() {
  {
    MutexLock lock(mu_);
    if (provider_) return *provider_;
  }
  // Fetched outside the lock: a slow provider holds one sign-in thread, not every one.
  auto document = FetchDocument(DiscoveryUrl(options_.issuer), timeout_ms_, "discovery document");
  if (!document.ok()) return document.take_error();
  auto provider = ParseDiscovery(*document, options_.issuer);
  if (!provider.ok()) return provider.take_error();
  MutexLock lock(mu_);
  provider_ = *provider;
  return provider;
}

Result<std::string> OidcRelyingParty::AuthorizationUrl(const SignInStart& start) {
  auto provider = Provider();
  if (!provider.ok()) return provider.take_error();
  return sso::AuthorizationUrl(*provider, options_, start);
}

Result<OidcRelyingParty::SignedIn> OidcRelyingParty::Complete(std::string_view code,
                                                              const SignInStart& start,
                                                              int64_t now_s) {
  auto provider = Provider();
  if (!provider.ok()) return provider.take_error();
  outbound::HttpRequest request;
  request.method = "POST";
  request.url = provider->token_endpoint;
  request.body = TokenRequestBody(options_, code, start.verifier);
  request.authorization = TokenAuthorization(options_);
  request.timeout_ms = timeout_ms_;
  request.max_reply_bytes = size_t{1} << 20;
  auto reply = outbound::Call(request);
  if (!reply.ok()) return Error(reply.error()).Because("sso_unreadable");
  auto tokens = ParseTokenReply(reply->status, reply->body);
  if (!tokens.ok()) return tokens.take_error();

  auto keys = keys_.For(provider->jwks_uri, JwsKeyId(tokens->id_token), now_s);
  if (!keys.ok()) return keys.take_error();
  auto token = VerifyJws(tokens->id_token, **keys);
  if (!token.ok()) return token.take_error();
  ClaimRules rules;
  rules.issuer = options_.issuer;
  rules.audience = options_.client_id;
  rules.nonce = start.nonce;
  rules.now_s = now_s;
  if (Status st = CheckClaims(token->claims, rules); !st.ok()) return st.take_error();

  SignedIn in{IdentityFromClaims(token->claims), ""};
  const boost::json::value* sid = token->claims.if_contains("sid");
  if (sid != nullptr && sid->is_string() && sid->get_string().size() <= 256) in.sid = sid->get_string();
  if (read_userinfo_ && !provider->userinfo_endpoint.empty() && !tokens->access_token.empty()) {
    auto info = FetchDocument(provider->userinfo_endpoint, timeout_ms_, "userinfo",
                              tokens->access_token);
    if (!info.ok()) return info.take_error();
    if (Status st = AddUserInfo(in.who, *info); !st.ok()) return st.take_error();
  }
  return in;
}

Result<LogoutSubject> OidcRelyingParty::CheckLogoutToken(std::string_view token, int64_t now_s) {
  auto provider = Provider();
  if (!provider.ok()) return provider.take_error();
  auto keys = keys_.For(provider->jwks_uri, JwsKeyId(token), now_s);
  if (!keys.ok()) return keys.take_error();
  auto jws = VerifyJws(token, **keys);
  if (!jws.ok()) return jws.take_error();
  auto subject = CheckLogoutClaims(jws->claims, options_.issuer, options_.client_id, now_s);
  if (!subject.ok()) return subject.take_error();
  if (!logout_ids_.FirstUse(subject->jti, now_s + 900, now_s)) {
    return Error::Unauthenticated("this logout token was used already").Because("sso_replay");
  }
  return subject;
}

}  // namespace pupitre::sso
