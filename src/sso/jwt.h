#pragma once
// Signed JSON Web Tokens as identity providers and LMS platforms send them (OpenID Connect's
// id_token, LTI 1.3's launch): the compact JWS form (RFC 7515) checked against the sender's
// published key set (JWKS, RFC 7517), then its claims checked (OpenID Connect Core 3.1.3.7).
//
// Only asymmetric signatures are taken (RS256/384/512, PS256/384/512, ES256/384): "none" and the
// HMAC family are refused whatever the header says, so a token can never choose to be checked
// with a public key used as a shared secret. RSA keys below 2048 bits are refused.

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace pupitre::sso {

// A provider's signing keys, as its jwks_uri publishes them. Keys of other types or uses
// (encryption, symmetric) are skipped; a set with no usable key fails to parse.
class KeySet {
 public:
  // Fails kUnavailable (reason sso_unreadable) on anything but a JWKS with a usable key; at
  // most 64 keys are read.
  static Result<KeySet> Parse(std::string_view jwks_json);

  size_t size() const { return keys_.size(); }
  bool Has(std::string_view kid) const;

  struct Key {
    std::string kid;    // "" : none given
    std::string kty;    // "RSA" or "EC"
    std::string alg;    // "" : any its type allows
    std::string curve;  // EC: "P-256" or "P-384"
    std::shared_ptr<evp_pkey_st> pkey;
  };
  const std::vector<Key>& keys() const { return keys_; }

 private:
  std::vector<Key> keys_;
};

struct Jws {
  boost::json::object header;
  boost::json::object claims;
};

// The key id a compact JWS's header names ("" when none or unreadable): read before checking,
// only to know whether the key set must be fetched again (a provider rotated its keys).
std::string JwsKeyId(std::string_view compact);

// The header and claims of `compact` once its signature is checked with the key its header
// names (by kid; without kid, the one key of the set that fits the algorithm). Fails
// kUnauthenticated, reason sso_bad_token, saying why (at most 16 KiB are read).
Result<Jws> VerifyJws(std::string_view compact, const KeySet& keys);

// What an id_token (or a launch) must say to be taken.
struct ClaimRules {
  std::string issuer;       // iss, exactly
  std::string audience;     // one of aud; azp, when there, is this
  std::string nonce;        // "" : not checked; else the nonce claim, exactly
  int64_t now_s = 0;        // Unix seconds
  int64_t leeway_s = 120;   // clocks disagree this much at most
  int64_t max_age_s = 600;  // iat no older than this (a token is used once, at once)
};

// Fails kUnauthenticated, reason sso_bad_token, naming the claim: iss, aud/azp, exp, iat, nbf,
// nonce, and sub (a non-empty string of at most 255 characters).
Status CheckClaims(const boost::json::object& claims, const ClaimRules& rules);

// The string member `key` of a token's JSON (claims, a header, a JWK, a provider's document);
// "" when absent or not a string.
std::string StringClaim(const boost::json::object& o, std::string_view key);

// Base64url without padding (RFC 7515 section 2), both ways; Decode is strict (no padding, no
// other alphabet) and fails on anything else.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace pupitre::sso
