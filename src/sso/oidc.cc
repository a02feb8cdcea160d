// OpenID Connect's code flow with PKCE, as a relying party (see oidc.h).
#include "sso/oidc.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

#include "common/net.h"
#include "common/text.h"
#include "sso/jwt.h"

namespace pupitre::sso {
namespace {

namespace json = boost::json;

std::string Encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

Error Unreadable(std::string why) {
  return Error::Unavailable("the OpenID Connect provider's answer is unreadable: " + std::move(why))
      .Because("sso_unreadable");
}

// The provider's endpoints: https (or this machine). Keys, tokens and identities are trusted
// from them: over plain http anyone between could swap them.
bool IsWebAddress(std::string_view url) { return IsHttpsOrLoopback(url); }

std::string RandomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

bool IsToken(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') return false;
  }
  return true;
}

// A claim's value as attribute values: strings, numbers and booleans as written; arrays of
// them, each; objects (and nulls) none.
std::vector<std::string> Values(const json::value& v) {
  std::vector<std::string> out;
  auto one = [&out](const json::value& x) {
    if (x.is_string()) {
      out.emplace_back(x.get_string());
    } else if (x.is_bool()) {
      out.emplace_back(x.get_bool() ? "true" : "false");
    } else if (x.is_int64() || x.is_uint64() || x.is_double()) {
      out.push_back(json::serialize(x));
    }
  };
  if (v.is_array()) {
    for (const json::value& x : v.get_array()) one(x);
  } else {
    one(v);
  }
  return out;
}

}  // namespace

std::string DiscoveryUrl(std::string_view issuer) {
  std::string base(issuer);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/.well-known/openid-configuration";
}

Result<OidcProvider> ParseDiscovery(std::string_view document, std::string_view expected_issuer) {
  boost::system::error_code ec;
  json::value v = json::parse(document, ec);
  if (ec || !v.is_object()) return Unreadable("the discovery document is not a JSON object");
  const json::object& o = v.as_object();
  OidcProvider p{StringClaim(o, "issuer"),   StringClaim(o, "authorization_endpoint"),
                 StringClaim(o, "token_endpoint"), StringClaim(o, "jwks_uri"),
                 StringClaim(o, "userinfo_endpoint"), StringClaim(o, "end_session_endpoint")};
  if (p.issuer != expected_issuer) {
    return Unreadable(fmt::format("the discovery document names the issuer \"{}\", not \"{}\"",
                                  PrintableAscii(p.issuer, 200), expected_issuer));
  }
  for (const auto& [name, url] : {std::pair<const char*, const std::string&>{"authorization_endpoint", p.authorization_endpoint},
                                  {"token_endpoint", p.token_endpoint}, {"jwks_uri", p.jwks_uri}}) {
    if (!IsWebAddress(url)) {
      return Unreadable(fmt::format("its {} is not an https address", name));
    }
  }
  if (!p.userinfo_endpoint.empty() && !IsWebAddress(p.userinfo_endpoint)) p.userinfo_endpoint.clear();
  if (!p.end_session_endpoint.empty() && !IsWebAddress(p.end_session_endpoint)) {
    p.end_session_endpoint.clear();
  }
  return p;
}

SignInStart NewSignIn() { return {RandomToken(), RandomToken(), RandomToken()}; }

std::string PkceChallenge(std::string_view verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size());
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string SignInCookieValue(const SignInStart& s) {
  return s.state + "." + s.nonce + "." + s.verifier;
}

std::optional<SignInStart> ParseSignInCookie(std::string_view value) {
  const size_t a = value.find('.');
  const size_t b = a == std::string_view::npos ? a : value.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  SignInStart s{std::string(value.substr(0, a)), std::string(value.substr(a + 1, b - a - 1)),
                std::string(value.substr(b + 1))};
  if (!IsToken(s.state) || !IsToken(s.nonce) || !IsToken(s.verifier) || s.verifier.size() < 43) {
    return std::nullopt;
  }
  return s;
}

std::string AuthorizationUrl(const OidcProvider& p, const OidcClientOptions& c,
                             const SignInStart& s) {
  const char sep = p.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  return fmt::format("{}{}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}"
                     "&nonce={}&code_challenge={}&code_challenge_method=S256",
                     p.authorization_endpoint, sep, Encode(c.client_id), Encode(c.redirect_url),
                     Encode(c.scopes), s.state, s.nonce, PkceChallenge(s.verifier));
}

std::string TokenRequestBody(const OidcClientOptions& c, std::string_view code,
                             std::string_view verifier) {
  std::string body = fmt::format("grant_type=authorization_code&code={}&redirect_uri={}&code_verifier={}",
                                 Encode(code), Encode(c.redirect_url), Encode(verifier));
  if (c.client_secret.empty()) body += "&client_id=" + Encode(c.client_id);
  return body;
}

std::string TokenAuthorization(const OidcClientOptions& c) {
  if (c.client_secret.empty()) return "";
  // RFC 6749 2.3.1: each part form-encoded, then Basic.
  const std::string pair = Encode(c.client_id) + ":" + Encode(c.client_secret);
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string b64(sodium_base64_encoded_len(pair.size(), variant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(pair.data()),
                    pair.size(), variant);
  b64.resize(b64.size() - 1);
  return "Basic " + b64;
}

Result<Tokens> ParseTokenReply(long status, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    return Unreadable(fmt::format("the token endpoint answered {} without JSON", status));
  }
  const json::object& o = v.as_object();
  if (status != 200 || o.contains("error")) {
    const std::string code = StringClaim(o, "error");
    return Error::Unauthenticated(fmt::format("the provider refused the code: {} {}",
                                              PrintableAscii(code, 64),
                                              PrintableAscii(StringClaim(o, "error_description"), 200)))
        .Because("sso_refused");
  }
  Tokens t{StringClaim(o, "id_token"), StringClaim(o, "access_token")};
  if (t.id_token.empty()) return Unreadable("the token endpoint gave no id_token");
  return t;
}

Identity IdentityFromClaims(const json::object& claims) {
  Identity who;
  who.user = StringClaim(claims, "sub");
  for (const auto& [name, value] : claims) {
    std::vector<std::string> values = Values(value);
    if (!values.empty()) who.attributes[std::string(name)] = std::move(values);
  }
  return who;
}

Status AddUserInfo(Identity& who, std::string_view userinfo_json) {
  boost::system::error_code ec;
  json::value v = json::parse(userinfo_json, ec);
  if (ec || !v.is_object()) return Unreadable("userinfo is not a JSON object (a signed one is not read)");
  const json::object& o = v.as_object();
  if (StringClaim(o, "sub") != who.user) return Unreadable("userinfo names another subject (sub)");
  for (const auto& [name, value] : o) {
    std::vector<std::string> values = Values(value);
    if (!values.empty()) who.attributes.emplace(std::string(name), std::move(values));
  }
  return Ok();
}

Result<LogoutSubject> CheckLogoutClaims(const json::object& claims, std::string_view issuer,
                                        std::string_view client_id, int64_t now_s) {
  auto bad = [](std::string why) {
    return Error::Unauthenticated("the logout token is refused: " + std::move(why)).Because("sso_bad_token");
  };
  if (StringClaim(claims, "iss") != issuer) return bad("its issuer (iss) is not this provider");
  const json::value* aud = claims.if_contains("aud");
  bool ours = aud != nullptr && aud->is_string() && aud->get_string() == client_id;
  if (aud != nullptr && aud->is_array()) {
    for (const json::value& a : aud->get_array()) ours = ours || (a.is_string() && a.get_string() == client_id);
  }
  if (!ours) return bad("it is not for this server (aud)");
  constexpr int64_t kLeeway = 120;
  const json::value* iat = claims.if_contains("iat");
  if (iat == nullptr || !iat->is_int64() || iat->get_int64() > now_s + kLeeway ||
      iat->get_int64() < now_s - 600 - kLeeway) {
    return bad("its issue time (iat) is missing, in the future or too old");
  }
  const json::value* exp = claims.if_contains("exp");
  if (exp == nullptr || !exp->is_int64() || exp->get_int64() > (int64_t{1} << 50) ||
      now_s > exp->get_int64() + kLeeway) {
    return bad("its expiry (exp) is missing or past");
  }
  const json::value* events = claims.if_contains("events");
  const json::value* event = events != nullptr && events->is_object()
      ? events->get_object().if_contains("http://schemas.openid.net/event/backchannel-logout")
      : nullptr;
  if (event == nullptr || !event->is_object()) return bad("it holds no back-channel logout event");
  if (claims.contains("nonce")) return bad("it holds a nonce (an id_token is not a logout token)");
  LogoutSubject out{StringClaim(claims, "sid"), StringClaim(claims, "sub"), StringClaim(claims, "jti")};
  if (out.sid.empty() && out.sub.empty()) return bad("it names neither a session (sid) nor a subject (sub)");
  if (out.jti.empty() || out.jti.size() > 256) return bad("it has no id (jti)");
  if (out.sid.size() > 256 || out.sub.size() > 255) return bad("its sid or sub is too long");
  return out;
}

bool IsAuthorizationCode(std::string_view code) {
  if (code.empty() || code.size() > 512) return false;
  for (char ch : code) {
    if (ch <= ' ' || ch > '~') return false;
  }
  return true;
}

}  // namespace pupitre::sso
