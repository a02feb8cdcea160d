// Tokens signed here with keys made for each test (testkit/jwt_signer.h): what is taken, and
// every way a token can lie (another key, another algorithm, "none", HMAC with the public key,
// claims for someone else or out of time).
#include "sso/jwt.h"
#include "sso/signing_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "testkit/jwt_signer.h"

namespace pupitre::sso {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr int64_t kNow = 1'800'000'000;

json::object Claims() {
  return {{"iss", "https://auth.school.fr"}, {"aud", "pupitre"}, {"sub", "dwho"},
          {"exp", kNow + 300}, {"iat", kNow - 5}, {"nonce", "n-1"}};
}

ClaimRules Rules() {
  ClaimRules r;
  r.issuer = "https://auth.school.fr";
  r.audience = "pupitre";
  r.nonce = "n-1";
  r.now_s = kNow;
  return r;
}

KeySet Keys(const std::string& jwks) {
  auto keys = KeySet::Parse(jwks);
  EXPECT_TRUE(keys.ok()) << keys.error().message;
  return std::move(*keys);
}

std::string Refusal(std::string_view token, const KeySet& keys) {
  auto r = VerifyJws(token, keys);
  if (r.ok()) return "taken";
  EXPECT_EQ(r.error().reason, "sso_bad_token");
  return r.error().message;
}

TEST(JwtTest, EverySupportedAlgorithmIsCheckedWithItsKey) {
  for (const char* alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}) {
    const testkit::JwtSigner signer("k1", alg);
    const KeySet keys = Keys(signer.Jwks());
    const std::string token = signer.Sign(Claims());
    auto jws = VerifyJws(token, keys);
    ASSERT_TRUE(jws.ok()) << alg << ": " << jws.error().message;
    EXPECT_EQ(jws->claims.at("sub").as_string(), "dwho");
    EXPECT_EQ(JwsKeyId(token), "k1");
    EXPECT_TRUE(CheckClaims(jws->claims, Rules()).ok()) << alg;
  }
}

TEST(JwtTest, AnotherKeyOrATouchedTokenIsRefused) {
  const testkit::JwtSigner ours("k1");
  const testkit::JwtSigner theirs("k1");  // same kid, another key
  const KeySet keys = Keys(ours.Jwks());
  EXPECT_THAT(Refusal(theirs.Sign(Claims()), keys), HasSubstr("signature does not match"));
  std::string token = ours.Sign(Claims());
  const size_t dot = token.find('.');
  json::object forged = Claims();
  forged["sub"] = "admin";
  const std::string touched = token.substr(0, dot + 1) + Base64UrlEncode(json::serialize(forged)) +
                              token.substr(token.rfind('.'));
  EXPECT_THAT(Refusal(touched, keys), HasSubstr("signature does not match"));
  EXPECT_THAT(Refusal(ours.Sign(Claims(), {{"kid", "k9"}}), keys), HasSubstr("no key \"k9\""));
  EXPECT_THAT(Refusal("a.b", keys), HasSubstr("three parts"));
  EXPECT_THAT(Refusal(token + ".x", keys), HasSubstr("three parts"));
  EXPECT_THAT(Refusal("%%%." + token.substr(dot + 1), keys), HasSubstr("base64url"));
  EXPECT_THAT(Refusal(std::string(17000, 'a'), keys), HasSubstr("16 KiB"));
}

TEST(JwtTest, NoneAndHmacAreRefusedWhateverTheHeaderSays) {
  const testkit::JwtSigner signer("k1");
  const KeySet keys = Keys(signer.Jwks());
  const std::string unsigned_token = Base64UrlEncode(R"({"alg":"none"})") + "." +
                                     Base64UrlEncode(json::serialize(Claims())) + ".";
  EXPECT_THAT(Refusal(unsigned_token, keys), HasSubstr("\"none\" is not taken"));
  // The classic confusion: HS256 "signed" with the public key as the secret.
  EXPECT_THAT(Refusal(signer.SignWithHeader({{"alg", "HS256"}, {"kid", "k1"}}, Claims()), keys),
              HasSubstr("\"HS256\" is not taken"));
  // An RSA key does not check an EC algorithm, nor the reverse.
  EXPECT_THAT(Refusal(signer.SignWithHeader({{"alg", "ES256"}, {"kid", "k1"}}, Claims()), keys),
              HasSubstr("no key \"k1\" for ES256"));
  EXPECT_THAT(Refusal(signer.Sign(Claims(), {{"crit", json::array{"exp"}}}), keys),
              HasSubstr("critical"));
}

TEST(JwtTest, WithoutKidTheOneFittingKeyIsUsedNeverAGuess) {
  const testkit::JwtSigner a("a");
  const testkit::JwtSigner b("b");
  json::object one_key = a.Jwk();
  one_key.erase("kid");
  const KeySet single = Keys(json::serialize(json::object{{"keys", json::array{one_key}}}));
  const std::string no_kid = a.SignWithHeader({{"alg", "RS256"}}, Claims());
  EXPECT_EQ(Refusal(no_kid, single), "taken");
  const KeySet two = Keys(json::serialize(json::object{{"keys", json::array{a.Jwk(), b.Jwk()}}}));
  EXPECT_THAT(Refusal(no_kid, two), HasSubstr("not exactly one"));
}

TEST(JwtTest, KeySetsSkipWhatTheyCannotUseAndRefuseWhenNothingIsLeft) {
  const testkit::JwtSigner strong("strong");
  const testkit::JwtSigner weak("weak", "RS256", 1024);
  json::object encryption = strong.Jwk();
  encryption["use"] = "enc";
  encryption["kid"] = "enc";
  const json::object symmetric{{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}};
  const KeySet keys = Keys(json::serialize(
      json::object{{"keys", json::array{weak.Jwk(), encryption, symmetric, strong.Jwk(), 5}}}));
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_TRUE(keys.Has("strong"));
  EXPECT_FALSE(keys.Has("weak")) << "RSA below 2048 bits";
  for (const char* bad : {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[{"kty":"RSA","n":"AQAB"}]})"}) {
    auto r = KeySet::Parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().reason, "sso_unreadable");
  }
}

TEST(JwtTest, ClaimsAreForThisServerNowAndThisSignIn) {
  auto refusal = [](json::object claims) {
    Status st = CheckClaims(claims, Rules());
    return st.ok() ? std::string("taken") : st.error().message;
  };
  EXPECT_EQ(refusal(Claims()), "taken");
  auto with = [](std::string_view key, json::value v) {
    json::object c = Claims();
    c[key] = std::move(v);
    return c;
  };
  auto without = [](std::string_view key) {
    json::object c = Claims();
    c.erase(key);
    return c;
  };
  EXPECT_THAT(refusal(with("iss", "https://evil.example")), HasSubstr("issuer"));
  EXPECT_THAT(refusal(with("aud", "another-app")), HasSubstr("aud"));
  EXPECT_EQ(refusal(with("aud", json::array{"pupitre"})), "taken");
  EXPECT_THAT(refusal(with("aud", json::array{"pupitre", "other"})), HasSubstr("no azp"));
  json::object two = with("aud", json::array{"pupitre", "other"});
  two["azp"] = "pupitre";
  EXPECT_EQ(refusal(two), "taken");
  EXPECT_THAT(refusal(with("azp", "other")), HasSubstr("azp"));
  EXPECT_THAT(refusal(with("exp", kNow - 121)), HasSubstr("expired"));
  EXPECT_EQ(refusal(with("exp", kNow - 100)), "taken") << "within the leeway";
  EXPECT_THAT(refusal(without("exp")), HasSubstr("no expiry"));
  EXPECT_THAT(refusal(with("exp", "tomorrow")), HasSubstr("no expiry"));
  EXPECT_THAT(refusal(with("iat", kNow + 600)), HasSubstr("future"));
  EXPECT_THAT(refusal(with("iat", kNow - 3600)), HasSubstr("too old"));
  EXPECT_THAT(refusal(without("iat")), HasSubstr("iat"));
  EXPECT_THAT(refusal(with("nbf", kNow + 600)), HasSubstr("nbf"));
  EXPECT_THAT(refusal(with("nbf", "soon")), HasSubstr("nbf"));
  EXPECT_THAT(refusal(with("nonce", "n-2")), HasSubstr("nonce"));
  EXPECT_THAT(refusal(without("nonce")), HasSubstr("nonce"));
  EXPECT_THAT(refusal(with("sub", "")), HasSubstr("sub"));
  EXPECT_THAT(refusal(with("sub", 42)), HasSubstr("sub"));
}

TEST(JwtTest, Base64UrlIsStrict) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_FALSE(Base64UrlDecode("+/8").ok());
  EXPECT_FALSE(Base64UrlDecode("-_8=").ok());
  EXPECT_FALSE(Base64UrlDecode("a b").ok());
}

}  // namespace
}  // namespace pupitre::sso

namespace pupitre::sso {
namespace {

TEST(SigningKeyTest, ItsTokensAreCheckedWithItsPublishedKey) {
  EXPECT_FALSE(SigningKey::FromPem("not a key").ok());
  // A key written as `openssl genpkey -algorithm RSA` writes it.
  const testkit::JwtSigner maker("x");
  auto key = SigningKey::FromPem(maker.PrivatePem());
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->kid().size(), 43u) << "an RFC 7638 thumbprint";
  const std::string jwks =
      boost::json::serialize(boost::json::object{{"keys", boost::json::array{key->PublicJwk()}}});
  auto keys = KeySet::Parse(jwks);
  ASSERT_TRUE(keys.ok());
  auto signed_token = key->Sign({{"iss", "pupitre"}});
  ASSERT_TRUE(signed_token.ok());
  auto jws = VerifyJws(*signed_token, *keys);
  ASSERT_TRUE(jws.ok()) << jws.error().message;
  EXPECT_EQ(jws->claims.at("iss").as_string(), "pupitre");
  EXPECT_EQ(jws->header.at("kid").as_string(), key->kid());
  const testkit::JwtSigner ec("e", "ES256");
  EXPECT_THAT(SigningKey::FromPem(ec.PrivatePem()).error().message, ::testing::HasSubstr("not RSA"));
}

}  // namespace
}  // namespace pupitre::sso
