#include "testkit/jwt_signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json.hpp>

#include <stdexcept>

#include "sso/jwt.h"

namespace pupitre::testkit {
namespace {

namespace json = boost::json;

std::string Bytes(const BIGNUM* bn, int width = 0) {
  std::string out(static_cast<size_t>(width > 0 ? width : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  return out;
}

const EVP_MD* Digest(const std::string& alg) {
  if (alg.ends_with("384")) return EVP_sha384();
  if (alg.ends_with("512")) return EVP_sha512();
  return EVP_sha256();
}

}  // namespace

JwtSigner::JwtSigner(std::string kid, std::string alg, int rsa_bits)
    : kid_(std::move(kid)), alg_(std::move(alg)) {
  EVP_PKEY* key = nullptr;
  if (alg_ == "ES256") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (alg_ == "ES384") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits));
  }
  if (key == nullptr) throw std::runtime_error("no key made");
  key_.reset(key, EVP_PKEY_free);
}

JwtSigner JwtSigner::FromPem(std::string kid, const std::string& pem) {
  JwtSigner signer;
  signer.kid_ = std::move(kid);
  signer.alg_ = "RS256";
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (key == nullptr) throw std::runtime_error("not a PEM private key");
  signer.key_.reset(key, EVP_PKEY_free);
  return signer;
}

json::object JwtSigner::Jwk() const {
  json::object jwk{{"kid", kid_}, {"alg", alg_}, {"use", "sig"}};
  if (alg_[0] == 'E') {
    unsigned char point[256];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
    const size_t half = (len - 1) / 2;
    const std::string xy(reinterpret_cast<const char*>(point) + 1, len - 1);
    jwk["kty"] = "EC";
    jwk["crv"] = alg_ == "ES256" ? "P-256" : "P-384";
    jwk["x"] = sso::Base64UrlEncode(xy.substr(0, half));
    jwk["y"] = sso::Base64UrlEncode(xy.substr(half));
  } else {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_RSA_E, &e);
    jwk["kty"] = "RSA";
    jwk["n"] = sso::Base64UrlEncode(Bytes(n));
    jwk["e"] = sso::Base64UrlEncode(Bytes(e));
    BN_free(n);
    BN_free(e);
  }
  return jwk;
}

std::string JwtSigner::PrivatePem() const {
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(out, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(out);
  return pem;
}

std::string JwtSigner::Jwks() const {
  return json::serialize(json::object{{"keys", json::array{Jwk()}}});
}

std::string JwtSigner::Sign(const json::object& claims, const json::object& header_extra) const {
  json::object header{{"alg", alg_}, {"kid", kid_}, {"typ", "JWT"}};
  for (const auto& [k, v] : header_extra) header[k] = v;
  return SignWithHeader(header, claims);
}

std::string JwtSigner::SignWithHeader(const json::object& header, const json::object& claims) const {
  const std::string signed_part = sso::Base64UrlEncode(json::serialize(header)) + "." +
                                  sso::Base64UrlEncode(json::serialize(claims));
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(md, &pctx, Digest(alg_), nullptr, key_.get());
  if (alg_[0] == 'P') {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(signed_part.data()),
                 signed_part.size());
  std::string sig(len, '\0');
  EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size());
  sig.resize(len);
  EVP_MD_CTX_free(md);
  if (alg_[0] == 'E') {  // DER to JWS's r || s
    const int half = alg_ == "ES256" ? 32 : 48;
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    sig = Bytes(ECDSA_SIG_get0_r(es), half) + Bytes(ECDSA_SIG_get0_s(es), half);
    ECDSA_SIG_free(es);
  }
  return signed_part + "." + sso::Base64UrlEncode(sig);
}

}  // namespace pupitre::testkit
