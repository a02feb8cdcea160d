#include "sso/signing_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <boost/json.hpp>

#include "sso/jwt.h"

namespace pupitre::sso {
namespace {

namespace json = boost::json;

std::string Param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return "";
  std::string bytes(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return Base64UrlEncode(bytes);
}

}  // namespace

Result<SigningKey> SigningKey::FromPem(std::string_view pem) {
  BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = in == nullptr ? nullptr : PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  if (key == nullptr) return Error::Invalid("not a PEM private key (openssl genpkey -algorithm RSA)");
  SigningKey k;
  k.key_.reset(key, EVP_PKEY_free);
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return Error::Invalid("the key is not RSA");
  if (EVP_PKEY_get_bits(key) < 2048) return Error::Invalid("the RSA key has fewer than 2048 bits");
  k.n_ = Param(key, OSSL_PKEY_PARAM_RSA_N);
  k.e_ = Param(key, OSSL_PKEY_PARAM_RSA_E);
  // RFC 7638: SHA-256 of the required members, in lexicographic order, without spaces.
  const std::string members = R"({"e":")" + k.e_ + R"(","kty":"RSA","n":")" + k.n_ + R"("})";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(members.data()), members.size());
  k.kid_ = Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  return k;
}

json::object SigningKey::PublicJwk() const {
  return {{"kty", "RSA"}, {"alg", "RS256"}, {"use", "sig"}, {"kid", kid_}, {"n", n_}, {"e", e_}};
}

Result<std::string> SigningKey::Sign(const json::object& claims) const {
  const json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}};
  const std::string signed_part = Base64UrlEncode(json::serialize(header)) + "." +
                                  Base64UrlEncode(json::serialize(claims));
  const auto* data = reinterpret_cast<const unsigned char*>(signed_part.data());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t len = 0;
  std::string sig;
  bool ok = md != nullptr && EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(md, nullptr, &len, data, signed_part.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                        signed_part.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(md);
  if (!ok || sig.empty()) return Error::Internal("the token could not be signed");
  return signed_part + "." + Base64UrlEncode(sig);
}

}  // namespace pupitre::sso
