// Single logout across nodes: two nodes on one PostgreSQL behind one address (as HAProxy gives
// them), signing in through a real LemonLDAP::NG portal with CAS. A browser's sign-in reaches
// one node; the portal's single logout, called back at the school's address, reaches the other,
// which ends the session from what the store says the ticket opened.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/lemonldap.h"
#include "testkit/poll.h"
#include "testkit/postgres_server.h"
#include "testkit/sockets.h"

namespace pupitre::testkit {
namespace {

class SsoLogoutClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PostgresServer* pg = SharedPostgres();
    ASSERT_NE(pg, nullptr);
    db_ = pg->CreateDatabase("sso_logout");
    for (int i = 0; i < 2; ++i) ports_.push_back(FreePort());
    ASSERT_NE(ports_[0], 0);
    ASSERT_NE(ports_[1], 0);
    // The service's address is node 2's: the portal's logout calls it back there. Sign-ins come
    // back to node 1 (the test sends the browser's return there, as a balancer may).
    service_ = fmt::format("http://127.0.0.1:{}/sso/cas/callback", ports_[1]);
    ASSERT_TRUE(idp_.Start(service_)) << "LemonLDAP::NG did not start:\n" << idp_.log();
    for (int i = 0; i < 2; ++i) {
      const std::string name = "n" + std::to_string(i + 1);
      const std::string dir = dir_.path() + "/" + name;
      std::filesystem::create_directories(dir);
      nodes_.push_back(std::make_unique<ChildServer>(
          dir, FastTestConfig(ports_[static_cast<size_t>(i)]) +
                   fmt::format("[store]\nbackend = \"postgres\"\npostgres = \"{}\"\n"
                               "[cluster]\nnode = \"{}\"\nlease_ms = 3000\n"
                               "[sso]\ncas_url = \"{}/cas\"\nservice_url = \"{}\"\n",
                               db_, name, idp_.url(), service_)));
      ASSERT_TRUE(nodes_.back()->Start()) << nodes_.back()->log();
    }
  }

  // Signs `user` in at the portal from node `node`'s link, the portal's answer brought back to
  // the same node; the session cookie, and the ticket in `ticket`.
  std::string SignIn(int node, const std::string& user, std::string* idp_cookie,
                     std::string* ticket) {
    HttpClient browser(ports_[static_cast<size_t>(node)]);
    const HttpResult go = browser.Get("/sso/cas");
    const std::string state = CookieSet(go, "pupitre_cas");
    const std::string back = idp_.SignInAt(go.headers.at("location"), user, idp_cookie);
    EXPECT_EQ(back.rfind(service_ + "?s=", 0), 0u) << back << "\n" << idp_.log();
    const size_t at = back.find("ticket=");
    if (at != std::string::npos) *ticket = back.substr(at + 7);
    const HttpResult r =
        browser.Send(boost::beast::http::verb::get, TargetOf(back), "", {{"Cookie", state}});
    EXPECT_EQ(r.status, 302) << r.body;
    return CookieSet(r, "pupitre_session");
  }

  int Me(int node, const std::string& cookie) {
    HttpClient c(ports_[static_cast<size_t>(node)]);
    return c.Send(boost::beast::http::verb::get, "/api/me", "", {{"Cookie", cookie}}).status;
  }

  TempDir dir_, idp_dir_;
  LemonLdap idp_{idp_dir_.path()};
  std::string db_, service_;
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<ChildServer>> nodes_;
};

TEST_F(SsoLogoutClusterTest, ThePortalsLogoutReachingAnotherNodeEndsTheSession) {
  std::string idp_cookie, ticket, other_ticket;
  const std::string cookie = SignIn(0, "dwho", &idp_cookie, &ticket);
  ASSERT_FALSE(cookie.empty()) << nodes_[0]->log();
  ASSERT_EQ(ticket.rfind("ST-", 0), 0u) << ticket;
  ASSERT_EQ(Me(0, cookie), 200);
  ASSERT_EQ(Me(1, cookie), 200) << "node 2 reads the session node 1 opened";
  // Someone else's session, from their own sign-in, stays open.
  std::string rtyler_idp;
  const std::string other = SignIn(0, "rtyler", &rtyler_idp, &other_ticket);
  ASSERT_FALSE(other.empty());
  ASSERT_NE(other_ticket, ticket);

  // A logout naming a ticket no sign-in used ends nothing, on either node.
  HttpClient portal_side(ports_[1]);
  const std::string forged =
      "logoutRequest=" +
      boost::urls::encode(
          "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"x\" "
          "Version=\"2.0\"><samlp:SessionIndex>ST-unknown-1</samlp:SessionIndex>"
          "</samlp:LogoutRequest>",
          boost::urls::unreserved_chars);
  const HttpResult none = portal_side.Post("/sso/cas/callback", forged);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_FALSE(none.json().at("ended").as_bool());

  // The portal's logout calls node 2 back: the session node 1 opened ends everywhere.
  EXPECT_EQ(idp_.Logout(idp_cookie), 200) << idp_.log();
  EXPECT_TRUE(Eventually([&] { return Me(1, cookie) == 401; })) << nodes_[1]->log();
  EXPECT_TRUE(Eventually([&] { return Me(0, cookie) == 401; }))
      << "node 1 still serves a session the portal's logout ended\n"
      << nodes_[0]->log();
  EXPECT_EQ(Me(0, other), 200) << "another person's session ended with it";
  EXPECT_EQ(Me(1, other), 200);

  // A node restarted still knows which sessions a ticket opened (they are in the store).
  ASSERT_EQ(nodes_[1]->Stop(SIGTERM), 0);
  ASSERT_TRUE(nodes_[1]->Start()) << nodes_[1]->log();
  EXPECT_EQ(idp_.Logout(rtyler_idp), 200) << idp_.log();
  EXPECT_TRUE(Eventually([&] { return Me(0, other) == 401; })) << nodes_[0]->log();
}

}  // namespace
}  // namespace pupitre::testkit
