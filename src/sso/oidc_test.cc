// OpenID Connect's messages: the discovery document, the browser's address, PKCE (RFC 7636's
// own example), the sign-in cookie read as hostile input, the token reply, claims to identity.
#include "sso/oidc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace pupitre::sso {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDiscovery = R"json({
  "issuer": "https://auth.school.fr",
  "authorization_endpoint": "https://auth.school.fr/oauth2/authorize",
  "token_endpoint": "https://auth.school.fr/oauth2/token",
  "userinfo_endpoint": "https://auth.school.fr/oauth2/userinfo",
  "jwks_uri": "https://auth.school.fr/oauth2/jwks",
  "end_session_endpoint": "javascript:alert(1)"})json";

TEST(OidcTest, DiscoveryNamesThisIssuerAndWebEndpoints) {
  EXPECT_EQ(DiscoveryUrl("https://auth.school.fr/"),
            "https://auth.school.fr/.well-known/openid-configuration");
  auto p = ParseDiscovery(kDiscovery, "https://auth.school.fr");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->token_endpoint, "https://auth.school.fr/oauth2/token");
  EXPECT_EQ(p->end_session_endpoint, "") << "not a web address: dropped";
  auto other = ParseDiscovery(kDiscovery, "https://auth.other.fr");
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(other.error().message, HasSubstr("names the issuer"));
  EXPECT_EQ(other.error().reason, "sso_unreadable");
  auto no_token = ParseDiscovery(R"({"issuer":"https://a","authorization_endpoint":"https://a/x",
      "jwks_uri":"https://a/k"})", "https://a");
  ASSERT_FALSE(no_token.ok());
  EXPECT_THAT(no_token.error().message, HasSubstr("token_endpoint"));
  EXPECT_FALSE(ParseDiscovery("<html>", "https://a").ok());
}

TEST(OidcTest, PkceFollowsRfc7636sExample) {
  EXPECT_EQ(PkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OidcTest, TheBrowserIsSentWithStateNonceAndChallenge) {
  const OidcProvider p = *ParseDiscovery(kDiscovery, "https://auth.school.fr");
  const OidcClientOptions c{"https://auth.school.fr", "pupitre", "s3cret",
                            "https://pupitre.school.fr/sso/oidc/callback", "openid profile email"};
  const SignInStart s = NewSignIn();
  EXPECT_EQ(s.state.size(), 43u);
  EXPECT_NE(s.state, s.nonce);
  EXPECT_NE(NewSignIn().state, s.state);
  const std::string url = AuthorizationUrl(p, c, s);
  EXPECT_EQ(url.rfind("https://auth.school.fr/oauth2/authorize?response_type=code&client_id=pupitre"
                      "&redirect_uri=https%3A%2F%2Fpupitre.school.fr%2Fsso%2Foidc%2Fcallback"
                      "&scope=openid%20profile%20email&state=", 0), 0u) << url;
  EXPECT_THAT(url, HasSubstr("&nonce=" + s.nonce));
  EXPECT_THAT(url, HasSubstr("&code_challenge=" + PkceChallenge(s.verifier) +
                             "&code_challenge_method=S256"));
  EXPECT_THAT(url, ::testing::Not(HasSubstr(s.verifier)));

  EXPECT_EQ(TokenRequestBody(c, "c/1", s.verifier),
            "grant_type=authorization_code&code=c%2F1&redirect_uri=https%3A%2F%2Fpupitre.school.fr"
            "%2Fsso%2Foidc%2Fcallback&code_verifier=" + s.verifier);
  EXPECT_EQ(TokenAuthorization(c), "Basic cHVwaXRyZTpzM2NyZXQ=");
  OidcClientOptions pub = c;
  pub.client_secret.clear();
  EXPECT_EQ(TokenAuthorization(pub), "");
  EXPECT_THAT(TokenRequestBody(pub, "c", s.verifier), HasSubstr("&client_id=pupitre"));
}

TEST(OidcTest, TheSignInCookieIsReadAsInput) {
  const SignInStart s = NewSignIn();
  auto back = ParseSignInCookie(SignInCookieValue(s));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->state, s.state);
  EXPECT_EQ(back->nonce, s.nonce);
  EXPECT_EQ(back->verifier, s.verifier);
  for (const char* bad : {"", "a.b", "a.b.c", "..", "a.b.c.d",
                          "x.y.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA AAA",
                          "x;y.z.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    EXPECT_FALSE(ParseSignInCookie(bad).has_value()) << bad;
  }
  EXPECT_TRUE(IsAuthorizationCode("aGVsbG8-_.~"));
  EXPECT_FALSE(IsAuthorizationCode(""));
  EXPECT_FALSE(IsAuthorizationCode("a b"));
  EXPECT_FALSE(IsAuthorizationCode(std::string(513, 'a')));
}

TEST(OidcTest, TokenRepliesGiveTheTokensOrTheProvidersRefusal) {
  auto ok = ParseTokenReply(200, R"({"id_token":"a.b.c","access_token":"at","token_type":"Bearer"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->id_token, "a.b.c");
  EXPECT_EQ(ok->access_token, "at");
  auto refused = ParseTokenReply(400, R"({"error":"invalid_grant","error_description":"used"})");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "sso_refused");
  EXPECT_THAT(refused.error().message, HasSubstr("invalid_grant used"));
  EXPECT_EQ(ParseTokenReply(502, "<html>bad gateway</html>").error().reason, "sso_unreadable");
  EXPECT_EQ(ParseTokenReply(200, R"({"access_token":"at"})").error().reason, "sso_unreadable");
}

TEST(OidcTest, ClaimsBecomeAttributesAndUserinfoMustNameTheSameSubject) {
  const auto claims = boost::json::parse(R"({"sub":"dwho","name":"Doctor Who","groups":["timelords","staff"],
      "email_verified":true,"auth_time":1800000000,"address":{"country":"FR"},"x":null})").as_object();
  Identity who = IdentityFromClaims(claims);
  EXPECT_EQ(who.user, "dwho");
  EXPECT_EQ(who.attributes["groups"], (std::vector<std::string>{"timelords", "staff"}));
  EXPECT_EQ(who.attributes["email_verified"], std::vector<std::string>{"true"});
  EXPECT_EQ(who.attributes["auth_time"], std::vector<std::string>{"1800000000"});
  EXPECT_EQ(who.attributes.count("address"), 0u);
  EXPECT_EQ(who.attributes.count("x"), 0u);
  ASSERT_TRUE(AddUserInfo(who, R"({"sub":"dwho","name":"Someone Else","mail":"d@w.ho"})").ok());
  EXPECT_EQ(who.attributes["name"], std::vector<std::string>{"Doctor Who"}) << "the id_token's stays";
  EXPECT_EQ(who.attributes["mail"], std::vector<std::string>{"d@w.ho"});
  Status other = AddUserInfo(who, R"({"sub":"rtyler","groups":["admins"]})");
  ASSERT_FALSE(other.ok());
  EXPECT_THAT(other.error().message, HasSubstr("another subject"));
  EXPECT_FALSE(AddUserInfo(who, "eyJhbGciOi.x.y").ok());
}

TEST(OidcTest, LogoutTokensSayTheLogoutEventForThisClientNow) {
  constexpr int64_t kNow = 1'800'000'000;
  const auto good = boost::json::parse(R"({"iss":"https://auth","aud":["pupitre"],"iat":1800000000,
      "exp":1800000120,"jti":"j1","sid":"s-1","events":{"http://schemas.openid.net/event/backchannel-logout":{}}})")
                        .as_object();
  auto subject = CheckLogoutClaims(good, "https://auth", "pupitre", kNow);
  ASSERT_TRUE(subject.ok()) << subject.error().message;
  EXPECT_EQ(subject->sid, "s-1");
  EXPECT_EQ(subject->sub, "");
  auto refusal = [&](const char* key, boost::json::value v) {
    boost::json::object c = good;
    if (v.is_null()) c.erase(key); else c[key] = std::move(v);
    auto r = CheckLogoutClaims(c, "https://auth", "pupitre", kNow);
    return r.ok() ? std::string("taken") : r.error().message;
  };
  EXPECT_THAT(refusal("iss", "https://evil"), HasSubstr("iss"));
  EXPECT_THAT(refusal("aud", "other"), HasSubstr("aud"));
  EXPECT_THAT(refusal("iat", nullptr), HasSubstr("iat"));
  EXPECT_THAT(refusal("iat", kNow - 7200), HasSubstr("iat"));
  EXPECT_THAT(refusal("exp", kNow - 600), HasSubstr("exp"));
  EXPECT_THAT(refusal("events", boost::json::object{{"other", 1}}), HasSubstr("event"));
  EXPECT_THAT(refusal("nonce", "n"), HasSubstr("nonce"));
  EXPECT_THAT(refusal("sid", nullptr), HasSubstr("neither"));
  EXPECT_EQ(refusal("sub", "dwho"), "taken");
  EXPECT_THAT(refusal("jti", nullptr), HasSubstr("jti"));
}

}  // namespace
}  // namespace pupitre::sso
