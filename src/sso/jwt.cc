#include "sso/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "common/text.h"

namespace pupitre::sso {
namespace {

namespace json = boost::json;

constexpr size_t kMaxToken = 16 * 1024;
constexpr size_t kMaxKeys = 64;

Error Bad(std::string why) {
  return Error::Unauthenticated("the token is refused: " + std::move(why)).Because("sso_bad_token");
}

Error Unreadable(std::string why) {
  return Error::Unavailable("the provider's key set is unreadable: " + std::move(why))
      .Because("sso_unreadable");
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

// A public key from its parameters (OpenSSL 3's fromdata): `type` "RSA" or "EC".
std::shared_ptr<EVP_PKEY> FromParams(const char* type, OSSL_PARAM_BLD* build) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  if (params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return std::shared_ptr<EVP_PKEY>(key, PkeyFree());
}

std::shared_ptr<EVP_PKEY> RsaKey(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (bn_n != nullptr && bn_e != nullptr && build != nullptr &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    key = FromParams("RSA", build);
  }
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  return key;
}

// The curve's OpenSSL name and its coordinates' length, for a JWK's crv.
bool Curve(std::string_view crv, const char** name, size_t* bytes) {
  if (crv == "P-256") {
    *name = "prime256v1";
    *bytes = 32;
  } else if (crv == "P-384") {
    *name = "secp384r1";
    *bytes = 48;
  } else {
    return false;
  }
  return true;
}

std::shared_ptr<EVP_PKEY> EcKey(std::string_view crv, const std::string& x, const std::string& y) {
  const char* name = nullptr;
  size_t bytes = 0;
  if (!Curve(crv, &name, &bytes) || x.size() != bytes || y.size() != bytes) return nullptr;
  std::string point = "\x04" + x + y;  // uncompressed
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (build != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1) {
    key = FromParams("EC", build);
  }
  OSSL_PARAM_BLD_free(build);
  return key;
}

// One JWK, if it is a signing key this reader takes.
std::optional<KeySet::Key> ReadKey(const json::object& jwk) {
  KeySet::Key key{StringClaim(jwk, "kid"), StringClaim(jwk, "kty"), StringClaim(jwk, "alg"), "", nullptr};
  const std::string use = StringClaim(jwk, "use");
  if (!use.empty() && use != "sig") return std::nullopt;
  auto field = [&jwk](std::string_view name) { return Base64UrlDecode(StringClaim(jwk, name)); };
  if (key.kty == "RSA") {
    auto n = field("n");
    auto e = field("e");
    if (!n.ok() || !e.ok() || n->empty() || e->empty()) return std::nullopt;
    key.pkey = RsaKey(*n, *e);
    if (key.pkey == nullptr || EVP_PKEY_get_bits(key.pkey.get()) < 2048) return std::nullopt;
  } else if (key.kty == "EC") {
    key.curve = StringClaim(jwk, "crv");
    auto x = field("x");
    auto y = field("y");
    if (!x.ok() || !y.ok()) return std::nullopt;
    key.pkey = EcKey(key.curve, *x, *y);
    if (key.pkey == nullptr) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return key;
}

struct Algorithm {
  std::string_view name;
  std::string_view kty;
  const EVP_MD* (*digest)();
  bool pss = false;
  std::string_view curve;  // EC only
  size_t half = 0;         // EC: the length of r and of s
};

const Algorithm* FindAlgorithm(std::string_view name) {
  static const Algorithm kAlgorithms[] = {
      {"RS256", "RSA", EVP_sha256, false, "", 0}, {"RS384", "RSA", EVP_sha384, false, "", 0},
      {"RS512", "RSA", EVP_sha512, false, "", 0}, {"PS256", "RSA", EVP_sha256, true, "", 0},
      {"PS384", "RSA", EVP_sha384, true, "", 0},  {"PS512", "RSA", EVP_sha512, true, "", 0},
      {"ES256", "EC", EVP_sha256, false, "P-256", 32}, {"ES384", "EC", EVP_sha384, false, "P-384", 48}};
  for (const Algorithm& a : kAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// JWS's ECDSA signature is r then s, each `half` bytes; OpenSSL checks DER.
std::optional<std::string> EcdsaToDer(const std::string& raw, size_t half) {
  if (raw.size() != 2 * half) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(p, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(p + half, static_cast<int>(half), nullptr);
  std::optional<std::string> der;
  if (sig != nullptr && r != nullptr && s != nullptr && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig now
    unsigned char* out = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &out);
    if (len > 0) der.emplace(reinterpret_cast<const char*>(out), static_cast<size_t>(len));
    OPENSSL_free(out);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

bool SignatureMatches(const Algorithm& alg, EVP_PKEY* key, std::string_view signed_part,
                      const std::string& signature) {
  std::string sig = signature;
  if (alg.kty == "EC") {
    auto der = EcdsaToDer(signature, alg.half);
    if (!der) return false;
    sig = std::move(*der);
  }
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = md != nullptr && EVP_DigestVerifyInit(md, &pctx, alg.digest(), nullptr, key) == 1;
  if (ok && alg.pss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  ok = ok && EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                              reinterpret_cast<const unsigned char*>(signed_part.data()),
                              signed_part.size()) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

// The key that checks a token signed with `alg` and naming `kid`.
const KeySet::Key* Choose(const KeySet& keys, const Algorithm& alg, const std::string& kid) {
  const KeySet::Key* found = nullptr;
  int fitting = 0;
  for (const KeySet::Key& k : keys.keys()) {
    if (k.kty != alg.kty || (!k.alg.empty() && k.alg != alg.name)) continue;
    if (alg.kty == "EC" && k.curve != alg.curve) continue;
    if (!kid.empty()) {
      if (k.kid == kid) return &k;
      continue;
    }
    found = &k;
    ++fitting;
  }
  return fitting == 1 ? found : nullptr;
}

Result<json::object> ParseObjectPart(std::string_view part, std::string_view what) {
  auto bytes = Base64UrlDecode(part);
  if (!bytes.ok()) return Bad(fmt::format("its {} is not base64url", what));
  boost::system::error_code ec;
  json::value v = json::parse(*bytes, ec);
  if (ec || !v.is_object()) return Bad(fmt::format("its {} is not a JSON object", what));
  return std::move(v.as_object());
}

// A NumericDate claim (seconds), if it is a number (within a few million years: sums with a
// leeway cannot overflow).
std::optional<int64_t> Seconds(const json::object& claims, std::string_view name) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64() && v->get_int64() > -(int64_t{1} << 50) && v->get_int64() < (int64_t{1} << 50)) {
    return v->get_int64();
  }
  if (v->is_uint64() && v->get_uint64() < (uint64_t{1} << 50)) return static_cast<int64_t>(v->get_uint64());
  if (v->is_double() && v->get_double() > -1e15 && v->get_double() < 1e15) {
    return static_cast<int64_t>(v->get_double());
  }
  return std::nullopt;
}

}  // namespace

std::string StringClaim(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string Base64UrlEncode(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return Error::BadRequest("not base64url");
  }
  out.resize(len);
  return out;
}

Result<KeySet> KeySet::Parse(std::string_view jwks_json) {
  boost::system::error_code ec;
  json::value v = json::parse(jwks_json, ec);
  if (ec || !v.is_object()) return Unreadable("not a JSON object");
  const json::value* list = v.as_object().if_contains("keys");
  if (list == nullptr || !list->is_array()) return Unreadable("no \"keys\" list");
  KeySet set;
  for (const json::value& jwk : list->get_array()) {
    if (set.keys_.size() == kMaxKeys) break;
    if (!jwk.is_object()) continue;
    if (auto key = ReadKey(jwk.get_object())) set.keys_.push_back(std::move(*key));
  }
  if (set.keys_.empty()) return Unreadable("no RSA (2048 bits or more) or EC signing key");
  return set;
}

bool KeySet::Has(std::string_view kid) const {
  return std::any_of(keys_.begin(), keys_.end(), [kid](const Key& k) { return k.kid == kid; });
}

std::string JwsKeyId(std::string_view compact) {
  const size_t dot = compact.find('.');
  if (compact.size() > kMaxToken || dot == std::string_view::npos) return "";
  auto header = ParseObjectPart(compact.substr(0, dot), "header");
  return header.ok() ? StringClaim(*header, "kid") : "";
}

Result<Jws> VerifyJws(std::string_view compact, const KeySet& keys) {
  if (compact.size() > kMaxToken) return Bad("longer than 16 KiB");
  const size_t first = compact.find('.');
  const size_t second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    return Bad("not a compact JWS (three parts)");
  }
  auto header = ParseObjectPart(compact.substr(0, first), "header");
  if (!header.ok()) return header.take_error();
  const std::string alg_name = StringClaim(*header, "alg");
  const Algorithm* alg = FindAlgorithm(alg_name);
  if (alg == nullptr) {
    return Bad(fmt::format("its algorithm \"{}\" is not taken (RS256, RS384, RS512, PS256, "
                           "PS384, PS512, ES256, ES384)", PrintableAscii(alg_name, 16)));
  }
  if (header->contains("crit")) return Bad("it has critical extensions (crit)");
  const std::string kid = StringClaim(*header, "kid");
  const KeySet::Key* key = Choose(keys, *alg, kid);
  if (key == nullptr) {
    return Bad(kid.empty() ? "it names no key (kid) and the key set has not exactly one that fits"
                           : fmt::format("no key \"{}\" for {} in the provider's key set",
                                         PrintableAscii(kid, 64), alg_name));
  }
  auto signature = Base64UrlDecode(compact.substr(second + 1));
  if (!signature.ok()) return Bad("its signature is not base64url");
  if (!SignatureMatches(*alg, key->pkey.get(), compact.substr(0, second), *signature)) {
    return Bad("its signature does not match");
  }
  auto claims = ParseObjectPart(compact.substr(first + 1, second - first - 1), "payload");
  if (!claims.ok()) return claims.take_error();
  return Jws{std::move(*header), std::move(*claims)};
}

Status CheckClaims(const json::object& claims, const ClaimRules& rules) {
  if (StringClaim(claims, "iss") != rules.issuer) {
    return Bad(fmt::format("its issuer (iss) is not {}", PrintableAscii(rules.issuer, 200)));
  }
  const json::value* aud = claims.if_contains("aud");
  bool ours = false;
  size_t audiences = 0;
  if (aud != nullptr && aud->is_string()) {
    ours = aud->get_string() == rules.audience;
    audiences = 1;
  } else if (aud != nullptr && aud->is_array()) {
    for (const json::value& a : aud->get_array()) {
      ours = ours || (a.is_string() && a.get_string() == rules.audience);
      ++audiences;
    }
  }
  if (!ours) return Bad("it is not for this server (aud)");
  const json::value* azp = claims.if_contains("azp");
  if (azp != nullptr && !(azp->is_string() && azp->get_string() == rules.audience)) {
    return Bad("it was given to another party (azp)");
  }
  if (audiences > 1 && azp == nullptr) return Bad("it has several audiences and no azp");
  const std::optional<int64_t> exp = Seconds(claims, "exp");
  if (!exp) return Bad("it has no expiry (exp)");
  if (rules.now_s > *exp + rules.leeway_s) return Bad("it has expired (exp)");
  const std::optional<int64_t> iat = Seconds(claims, "iat");
  if (!iat) return Bad("it has no issue time (iat)");
  if (*iat > rules.now_s + rules.leeway_s) return Bad("it was issued in the future (iat)");
  if (*iat < rules.now_s - rules.max_age_s - rules.leeway_s) return Bad("it is too old (iat)");
  if (const std::optional<int64_t> nbf = Seconds(claims, "nbf");
      claims.contains("nbf") && (!nbf || *nbf > rules.now_s + rules.leeway_s)) {
    return Bad("it is not valid yet (nbf)");
  }
  if (!rules.nonce.empty() && StringClaim(claims, "nonce") != rules.nonce) {
    return Bad("its nonce is not the one this sign-in sent");
  }
  const std::string sub = StringClaim(claims, "sub");
  if (sub.empty() || sub.size() > 255) return Bad("it names no subject (sub)");
  return Ok();
}

}  // namespace pupitre::sso
