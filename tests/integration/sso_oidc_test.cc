// Sign-in through the school's identity provider with OpenID Connect (code flow, PKCE, the
// id_token checked against the provider's published keys), against a real LemonLDAP::NG portal
// started here: the account made at first sign-in from the provider's claims, a code used once,
// a return without this browser's sign-in cookie refused (login CSRF), and the provider's
// front-channel logout ending the session.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/jwt_signer.h"
#include "testkit/lemonldap.h"
#include "testkit/sockets.h"

namespace pupitre::testkit {
namespace {

class SsoOidcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    ASSERT_NE(port_, 0);
    const std::string base = fmt::format("http://127.0.0.1:{}", port_);
    redirect_ = base + "/sso/oidc/callback";
    ASSERT_TRUE(idp_.Start(base + "/sso/cas/callback", redirect_, base + "/sso/oidc/logout"))
        << "LemonLDAP::NG did not start:\n" << idp_.log();
    const std::string secret_file = server_dir_.path() + "/oidc-secret";
    std::ofstream(secret_file) << LemonLdap::kOidcSecret << "\n";
    std::string config = FastTestConfig(port_);
    config += fmt::format(
        "[sso]\noidc_issuer = \"{}\"\noidc_client_id = \"{}\"\noidc_client_secret_file = \"{}\"\n"
        "oidc_redirect_url = \"{}\"\noidc_scopes = \"openid profile email groups\"\n"
        "name_attribute = \"name\"\nrole_attribute = \"groups\"\nteacher_values = [\"timelords\"]\n",
        idp_.url(), LemonLdap::kOidcClient, secret_file, redirect_);
    server_ = std::make_unique<ChildServer>(server_dir_.path(), config);
    ASSERT_TRUE(server_->Start()) << "server did not start:\n" << server_->log();
  }

  // The login page's link: where the browser is sent, and the sign-in cookie it is given.
  std::string Go(HttpClient& browser, std::string* signin_cookie) {
    const HttpResult go = browser.Get("/sso/oidc");
    EXPECT_EQ(go.status, 302) << go.body << server_->log();
    std::string attributes;
    *signin_cookie = CookieSet(go, "pupitre_oidc", &attributes);
    EXPECT_FALSE(signin_cookie->empty());
    EXPECT_NE(attributes.find("HttpOnly"), std::string::npos);
    EXPECT_NE(attributes.find("SameSite=Lax"), std::string::npos) << "sent on the way back";
    EXPECT_NE(attributes.find("Path=/sso/oidc"), std::string::npos);
    const auto location = go.headers.find("location");
    return location == go.headers.end() ? "" : location->second;
  }

  // A whole sign-in of `user`: the server's answer to the provider's return.
  HttpResult SignIn(HttpClient& browser, const std::string& user, std::string* idp_cookie) {
    std::string signin_cookie;
    const std::string authorize = Go(browser, &signin_cookie);
    const std::string back = idp_.SignInAt(authorize, user, idp_cookie);
    EXPECT_EQ(back.rfind(redirect_ + "?", 0), 0u) << back << "\n" << idp_.log();
    last_callback_ = TargetOf(back);
    last_signin_cookie_ = signin_cookie;
    return browser.Send(boost::beast::http::verb::get, last_callback_, "", {{"Cookie", signin_cookie}});
  }

  HttpResult Me(HttpClient& c, const std::string& cookie) {
    return c.Send(boost::beast::http::verb::get, "/api/me", "", {{"Cookie", cookie}});
  }

  TempDir idp_dir_, server_dir_;
  LemonLdap idp_{idp_dir_.path()};
  uint16_t port_ = 0;
  std::string redirect_;
  std::unique_ptr<ChildServer> server_;
  std::string last_callback_, last_signin_cookie_;
};

TEST_F(SsoOidcTest, ASignInWithPkceOpensASessionForTheAccountMadeFromTheClaims) {
  HttpClient browser(port_);
  const boost::json::value offered = browser.Get("/api/sso").json();
  EXPECT_EQ(offered.at("oidc").as_bool(), true);
  EXPECT_EQ(offered.at("cas").as_bool(), false);
  std::string signin_cookie;
  const std::string authorize = Go(browser, &signin_cookie);
  EXPECT_EQ(authorize.rfind(idp_.url() + "/oauth2/authorize?response_type=code&client_id=pupitre", 0), 0u)
      << authorize;
  EXPECT_NE(authorize.find("&code_challenge_method=S256"), std::string::npos);

  const HttpResult back = SignIn(browser, "rtyler", nullptr);
  ASSERT_EQ(back.status, 302) << back.body << server_->log();
  EXPECT_EQ(back.headers.at("location"), "/") << server_->log();
  const std::string session = CookieSet(back, "pupitre_session");
  ASSERT_FALSE(session.empty()) << server_->log();
  EXPECT_EQ(CookieSet(back, "pupitre_oidc"), "pupitre_oidc=") << "the sign-in cookie is spent";
  const HttpResult me = Me(browser, session);
  ASSERT_EQ(me.status, 200) << me.body;
  const boost::json::value user = me.json().at("user");
  EXPECT_EQ(user.at("login").as_string(), "rtyler") << "the provider's sub";
  EXPECT_EQ(user.at("name").as_string(), "Rose Tyler") << "the name claim";
  EXPECT_EQ(user.at("role").as_string(), "student");

  // A code is good once: the same return again opens nothing.
  HttpClient replay(port_);
  const HttpResult again = replay.Send(boost::beast::http::verb::get, last_callback_, "",
                                       {{"Cookie", last_signin_cookie_}});
  ASSERT_EQ(again.status, 302);
  EXPECT_EQ(again.headers.at("location"), "/?sso_error=sso_refused#/login");
  EXPECT_EQ(CookieSet(again, "pupitre_session"), "");
}

TEST_F(SsoOidcTest, AReturnWithoutThisBrowsersSignInIsRefused) {
  // Someone signs in, stops at the provider's return, and sends that address to someone else
  // (login CSRF): without the sign-in cookie of the browser that left, nothing opens.
  HttpClient attacker(port_);
  std::string cookie;
  const std::string authorize = Go(attacker, &cookie);
  const std::string back = TargetOf(idp_.SignInAt(authorize, "msmith", nullptr));
  ASSERT_EQ(back.rfind("/sso/oidc/callback?", 0), 0u) << back;
  HttpClient victim(port_);
  HttpResult r = victim.Get(back);
  EXPECT_EQ(r.headers.at("location"), "/?sso_error=sso_state#/login");
  std::string own;
  Go(victim, &own);  // the victim's own sign-in, begun elsewhere: another state
  r = victim.Send(boost::beast::http::verb::get, back, "", {{"Cookie", own}});
  EXPECT_EQ(r.headers.at("location"), "/?sso_error=sso_state#/login");
  EXPECT_EQ(CookieSet(r, "pupitre_session"), "");
  // The provider's refusal (the person cancelled) and hostile values say so, and open nothing.
  EXPECT_EQ(victim.Get("/sso/oidc/callback?error=access_denied&state=x").headers.at("location"),
            "/?sso_error=sso_refused#/login");
  r = victim.Send(boost::beast::http::verb::get, "/sso/oidc/callback?state=x&code=a", "",
                  {{"Cookie", "pupitre_oidc=x.y.z"}});
  EXPECT_EQ(r.headers.at("location"), "/?sso_error=sso_state#/login");
  // The attacker's own browser still completes its sign-in.
  r = attacker.Send(boost::beast::http::verb::get, back, "", {{"Cookie", cookie}});
  EXPECT_EQ(r.headers.at("location"), "/") << server_->log();
}

TEST_F(SsoOidcTest, TheProvidersGroupsMakeATeacherAndItsLogoutEndsTheSession) {
  HttpClient browser(port_);
  std::string idp_cookie;
  const std::string session = CookieSet(SignIn(browser, "dwho", &idp_cookie), "pupitre_session");
  ASSERT_FALSE(session.empty()) << server_->log();
  const HttpResult me = Me(browser, session);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("user").at("role").as_string(), "teacher") << "dwho is a timelord";
  EXPECT_EQ(me.json().at("user").at("name").as_string(), "Doctor Who");

  // The provider's logout page holds a frame of this server's logout for that session.
  const std::vector<std::string> frames = idp_.OidcLogoutFrames(idp_cookie);
  ASSERT_EQ(frames.size(), 1u) << idp_.log();
  const std::string logout = TargetOf(frames[0]);
  EXPECT_EQ(logout.rfind("/sso/oidc/logout?", 0), 0u) << frames[0];
  // Without this browser's session cookie, it ends nothing (no one can end others' sessions).
  HttpClient stranger(port_);
  EXPECT_EQ(stranger.Get(logout).body, "no session of that sign-in here\n");
  EXPECT_EQ(Me(browser, session).status, 200);
  // The frame, loaded by the browser with its cookie, ends it.
  EXPECT_EQ(browser.Send(boost::beast::http::verb::get, logout, "", {{"Cookie", session}}).body,
            "signed out\n");
  EXPECT_EQ(Me(browser, session).status, 401);
}

TEST_F(SsoOidcTest, TheProvidersBackChannelLogoutEndsTheSessionsOfItsSubject) {
  HttpClient browser(port_);
  const std::string session = CookieSet(SignIn(browser, "rtyler", nullptr), "pupitre_session");
  ASSERT_FALSE(session.empty()) << server_->log();
  ASSERT_EQ(Me(browser, session).status, 200);
  // A logout token as the provider signs them (LemonLDAP::NG 2.16 sends none: the test signs
  // with the provider's own key, as 2.17 and Keycloak do).
  const JwtSigner provider = JwtSigner::FromPem(LemonLdap::kOidcKeyId, idp_.oidc_key_pem());
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  boost::json::object claims{{"iss", idp_.url()}, {"aud", LemonLdap::kOidcClient}, {"iat", now},
                             {"exp", now + 120}, {"jti", "logout-1"}, {"sub", "rtyler"},
                             {"events", {{"http://schemas.openid.net/event/backchannel-logout",
                                          boost::json::object{}}}}};
  auto post = [&](const std::string& token) {
    HttpClient provider_call(port_);
    return provider_call.Send(boost::beast::http::verb::post, "/sso/oidc/backchannel",
                              "logout_token=" + token,
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
  };
  // Signed by someone else, or an id_token (a nonce): refused, the session goes on.
  const JwtSigner stranger(LemonLdap::kOidcKeyId);
  EXPECT_EQ(post(stranger.Sign(claims)).status, 400);
  boost::json::object with_nonce = claims;
  with_nonce["nonce"] = "n";
  with_nonce["jti"] = "logout-0";
  EXPECT_EQ(post(provider.Sign(with_nonce)).status, 400);
  EXPECT_EQ(Me(browser, session).status, 200);
  // The provider's: the session ends; the same token again is refused.
  const std::string token = provider.Sign(claims);
  const HttpResult ended = post(token);
  ASSERT_EQ(ended.status, 200) << ended.body << server_->log();
  EXPECT_EQ(ended.json().at("ended").as_int64(), 1);
  EXPECT_EQ(Me(browser, session).status, 401);
  const HttpResult again = post(token);
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("used already"), std::string::npos) << again.body;
}

}  // namespace
}  // namespace pupitre::testkit
