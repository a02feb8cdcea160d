#pragma once
// This server's own signing key, for the tokens it sends (LTI 1.3: deep linking responses, the
// client assertion that asks a platform for an access token): an RSA private key read from a PEM
// file, RS256 signatures, and its public half as the JWK the tool's key set publishes. The key id
// is the key's RFC 7638 thumbprint, so it changes with the key and never collides.

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

struct evp_pkey_st;

namespace pupitre::sso {

class SigningKey {
 public:
  // Fails kInvalid naming why: not a PEM private key, not RSA, under 2048 bits.
  static Result<SigningKey> FromPem(std::string_view pem);

  const std::string& kid() const { return kid_; }
  // {"kty":"RSA","alg":"RS256","use":"sig","kid","n","e"}
  boost::json::object PublicJwk() const;
  // A compact JWS of `claims`: header {alg: RS256, typ: JWT, kid}; fails (kInternal) if
  // OpenSSL does (never a token without its signature).
  Result<std::string> Sign(const boost::json::object& claims) const;

 private:
  std::shared_ptr<evp_pkey_st> key_;
  std::string kid_;
  std::string n_, e_;  // base64url
};

}  // namespace pupitre::sso
