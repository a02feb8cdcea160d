// Sign-in through the school's identity provider with CAS 3.0, against a real LemonLDAP::NG
// portal started here: the account made at first sign-in (a teacher from the provider's
// groups), a ticket used once only, and the provider's single logout ending the session.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <chrono>
#include <memory>

#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/lemonldap.h"
#include "testkit/poll.h"
#include "testkit/sockets.h"

namespace pupitre::testkit {
namespace {

class SsoCasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    ASSERT_NE(port_, 0);
    service_ = fmt::format("http://127.0.0.1:{}/sso/cas/callback", port_);
    ASSERT_TRUE(idp_.Start(service_)) << "LemonLDAP::NG did not start:\n" << idp_.log();
    std::string config = FastTestConfig(port_);
    config += fmt::format(
        "[sso]\ncas_url = \"{}/cas\"\nservice_url = \"{}\"\nrole_attribute = \"groups\"\n"
        "teacher_values = [\"timelords\"]\n",
        idp_.url(), service_);
    server_ = std::make_unique<ChildServer>(server_dir_.path(), config);
    ASSERT_TRUE(server_->Start()) << "server did not start:\n" << server_->log();
  }

  // Signs `user` in at the provider and comes back to the server; the server's answer.
  // (From the login page's link, as a browser: the state cookie it is given goes back with it.)
  HttpResult SignIn(HttpClient& browser, const std::string& user, std::string* idp_cookie) {
    const HttpResult go = browser.Get("/sso/cas");
    state_cookie_ = CookieSet(go, "pupitre_cas");
    EXPECT_EQ(state_cookie_.rfind("pupitre_cas=", 0), 0u);
    const std::string back = idp_.SignInAt(go.headers.at("location"), user, idp_cookie);
    EXPECT_EQ(back.rfind(service_ + "?s=" + state_cookie_.substr(12) + "&ticket=ST-", 0), 0u)
        << back << "\n" << idp_.log();
    last_callback_ = TargetOf(back);
    return browser.Send(boost::beast::http::verb::get, last_callback_, "", {{"Cookie", state_cookie_}});
  }

  static std::string SessionCookie(const HttpResult& r) { return CookieSet(r, "pupitre_session"); }

  HttpResult Me(HttpClient& c, const std::string& cookie) {
    return c.Send(boost::beast::http::verb::get, "/api/me", "", {{"Cookie", cookie}});
  }

  TempDir idp_dir_, server_dir_;
  LemonLdap idp_{idp_dir_.path()};
  uint16_t port_ = 0;
  std::string service_;
  std::unique_ptr<ChildServer> server_;
  std::string last_callback_, state_cookie_;
};

TEST_F(SsoCasTest, ASignInOpensASessionForTheAccountMadeAtFirstSignIn) {
  HttpClient browser(port_);
  EXPECT_EQ(browser.Get("/api/sso").json().at("cas").as_bool(), true);
  // The login page's link goes to the provider's login, naming this server's callback with the
  // sign-in's state, which this browser keeps in a cookie.
  const HttpResult go = browser.Get("/sso/cas");
  ASSERT_EQ(go.status, 302);
  ASSERT_EQ(go.set_cookies.size(), 1u);
  const std::string state = go.set_cookies[0].substr(12, 43);
  EXPECT_EQ(go.headers.at("location"),
            fmt::format("{}/cas/login?service=http%3A%2F%2F127.0.0.1%3A{}%2Fsso%2Fcas%2Fcallback"
                        "%3Fs%3D{}", idp_.url(), port_, state));

  const HttpResult back = SignIn(browser, "rtyler", nullptr);
  ASSERT_EQ(back.status, 302) << back.body << server_->log();
  EXPECT_EQ(back.headers.at("location"), "/");
  const std::string cookie = SessionCookie(back);
  ASSERT_FALSE(cookie.empty()) << server_->log();
  const HttpResult me = Me(browser, cookie);
  ASSERT_EQ(me.status, 200) << me.body;
  const boost::json::value user = me.json().at("user");
  EXPECT_EQ(user.at("login").as_string(), "rtyler");
  EXPECT_EQ(user.at("name").as_string(), "Rose Tyler") << "the provider's cn";
  EXPECT_EQ(user.at("role").as_string(), "student");

  // A ticket is good once: the same address again opens nothing.
  HttpClient replay(port_);
  const HttpResult again =
      replay.Send(boost::beast::http::verb::get, last_callback_, "", {{"Cookie", state_cookie_}});
  ASSERT_EQ(again.status, 302);
  EXPECT_EQ(again.headers.at("location"), "/?sso_error=sso_refused#/login");
  EXPECT_EQ(SessionCookie(again), "");
  // A ticket that is no CAS ticket is not even asked about.
  const std::string state_query = "s=" + state_cookie_.substr(12);
  EXPECT_EQ(replay.Send(boost::beast::http::verb::get, "/sso/cas/callback?ticket=../../x&" + state_query,
                        "", {{"Cookie", state_cookie_}}).headers.at("location"),
            "/?sso_error=sso_bad_ticket#/login");
}

TEST_F(SsoCasTest, AReturnWithoutThisBrowsersSignInIsRefused) {
  // Someone signs in and sends the provider's return to someone else (login CSRF): without the
  // state cookie of the browser that left, or with another sign-in's, nothing opens.
  HttpClient attacker(port_);
  const HttpResult go = attacker.Get("/sso/cas");
  const std::string cookie = CookieSet(go, "pupitre_cas");
  const std::string back = TargetOf(idp_.SignInAt(go.headers.at("location"), "msmith", nullptr));
  ASSERT_EQ(back.rfind("/sso/cas/callback?s=", 0), 0u) << back;
  HttpClient victim(port_);
  EXPECT_EQ(victim.Get(back).headers.at("location"), "/?sso_error=sso_state#/login");
  const HttpResult own = victim.Get("/sso/cas");
  const std::string own_cookie = CookieSet(own, "pupitre_cas");
  HttpResult r = victim.Send(boost::beast::http::verb::get, back, "", {{"Cookie", own_cookie}});
  EXPECT_EQ(r.headers.at("location"), "/?sso_error=sso_state#/login");
  // The ticket is bound to the state in its service address: the victim's state with the
  // attacker's ticket is refused by the provider itself.
  const std::string ticket = back.substr(back.find("&ticket="));
  r = victim.Send(boost::beast::http::verb::get, "/sso/cas/callback?s=" + own_cookie.substr(12) + ticket,
                  "", {{"Cookie", own_cookie}});
  EXPECT_EQ(r.headers.at("location"), "/?sso_error=sso_refused#/login");
  EXPECT_EQ(r.set_cookies.size(), 1u) << "only the state cookie, cleared";
}

TEST_F(SsoCasTest, TheProvidersGroupsMakeATeacherAndItsLogoutEndsTheSession) {
  HttpClient browser(port_);
  std::string idp_cookie;
  const std::string cookie = SessionCookie(SignIn(browser, "dwho", &idp_cookie));
  ASSERT_FALSE(cookie.empty()) << server_->log();
  ASSERT_FALSE(idp_cookie.empty());
  const HttpResult me = Me(browser, cookie);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("user").at("role").as_string(), "teacher") << "dwho is a timelord";

  // The provider's logout calls this server back (single logout): the session ends.
  EXPECT_EQ(idp_.Logout(idp_cookie), 200);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status = 200;
  while (std::chrono::steady_clock::now() < deadline && (status = Me(browser, cookie).status) == 200) {
    PollPause(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 401) << "the session outlived the provider's logout\n" << idp_.log();
  // Signing in again finds the same account.
  HttpClient later(port_);
  const std::string again = SessionCookie(SignIn(later, "dwho", nullptr));
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(Me(later, again).json().at("user").at("id"), me.json().at("user").at("id"));
}

}  // namespace
}  // namespace pupitre::testkit
