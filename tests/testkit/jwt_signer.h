#pragma once
// Test support: a signing key made for one test (RSA or EC, by OpenSSL), its public half as a
// JWK, and compact JWS tokens signed with it: what an identity provider or an LMS platform
// sends, made here to test what this server takes and refuses.

#include <boost/json/object.hpp>

#include <memory>
#include <string>

struct evp_pkey_st;

namespace pupitre::testkit {

class JwtSigner {
 public:
  // alg: RS256/384/512, PS256/384/512 (an RSA key of `rsa_bits`), ES256 (P-256), ES384 (P-384).
  explicit JwtSigner(std::string kid, std::string alg = "RS256", int rsa_bits = 2048);
  // An RS256 signer of an existing private key (PEM): another party's, whose tokens a test sends.
  static JwtSigner FromPem(std::string kid, const std::string& pem);

  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }
  // The public key as a JWK (with kid, alg and use "sig"), and a key set of it alone.
  boost::json::object Jwk() const;
  std::string Jwks() const;
  // The private key as PEM (PKCS#8), as `openssl genpkey` writes it.
  std::string PrivatePem() const;
  // A compact JWS of `claims`, its header {alg, kid, typ: JWT} plus `header_extra`.
  std::string Sign(const boost::json::object& claims,
                   const boost::json::object& header_extra = {}) const;
  // The same with the header as given, exactly (alg included): for tokens that lie about it.
  std::string SignWithHeader(const boost::json::object& header,
                             const boost::json::object& claims) const;

 private:
  JwtSigner() = default;
  std::string kid_;
  std::string alg_;
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace pupitre::testkit
