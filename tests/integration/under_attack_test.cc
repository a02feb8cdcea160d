// Under-attack mode against the real binary: anonymous visitors solve a proof of work before
// pages and logins are served to them; logged-in students never see it; the operator's switch
// holds across a restart; the automatic mode engages on a flood and releases after it.
#include <gtest/gtest.h>

#include <csignal>
#include <chrono>
#include <memory>
#include <vector>
#include <map>
#include <string>

#include "guard/proof_of_work.h"
#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

namespace pupitre::testkit {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;

const std::map<std::string, std::string> kBrowser = {{"Accept", "text/html,*/*;q=0.8"}};

std::string Config(const std::string& attack) {
  return FastTestConfig() + "[attack]\npow_bits = 10\n" + attack;
}

std::string LoginBody(const std::string& login, const std::string& password) {
  return R"({"login":")" + login + R"(","password":")" + password + R"("})";
}

// What the page does: the first nonce whose hash has enough leading zero bits.
std::string Solve(const std::string& challenge, int bits) {
  for (uint64_t n = 0;; ++n) {
    if (guard::ProofBits(challenge, std::to_string(n)) >= bits) return std::to_string(n);
  }
}

// The challenge a 403 `proof_of_work_required` carries.
std::string ChallengeOf(const HttpResult& r) {
  const boost::json::value v = r.json();
  return std::string(v.at("error").at("challenge").as_string());
}

// The value of the pass cookie a redeem answer sets, as a Cookie header.
std::string PassCookie(const HttpResult& r) {
  auto it = r.headers.find("set-cookie");
  if (it == r.headers.end()) return "";
  const std::string& v = it->second;
  return v.substr(0, v.find(';'));
}

std::string Redeem(HttpClient& client, const std::string& challenge, const std::string& nonce,
                   int* status = nullptr) {
  auto r = client.Post("/api/proof",
                       R"({"challenge":")" + challenge + R"(","nonce":")" + nonce + R"("})");
  if (status) *status = r.status;
  return r.status == 200 ? PassCookie(r) : "";
}

double Metric(uint16_t port, const std::string& series) {
  HttpClient ops(port);
  return MetricValue(ops.Get("/metrics").body, series);
}

TEST(UnderAttackTest, AnonymousVisitorsSolveTheChallengeThenAreServedAsUsual) {
  TempDir dir;
  ChildServer server(dir.path(), Config("mode = \"on\"\n"), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient visitor(server.port(), "127.0.0.2");

  // A browser asking for the page gets the challenge page: self-contained, its one inline
  // script allowed by hash, never cached.
  auto page = visitor.Send(verb::get, "/", "", kBrowser);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("name=\"pupitre-challenge\""), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("/static/main.js"), std::string::npos) << "not the application";
  EXPECT_NE(page.headers["content-security-policy"].find("script-src 'sha256-"),
            std::string::npos);
  EXPECT_EQ(page.headers["cache-control"], "no-store");
  // The files of the pages and the login want the proof too, as JSON.
  auto file = visitor.Get("/static/app.css");
  EXPECT_EQ(file.status, 403);
  EXPECT_EQ(file.error_code(), "proof_of_work_required");
  auto login = visitor.Send(verb::post, "/api/login", LoginBody("student0001", "student-demo"));
  ASSERT_EQ(login.status, 403) << login.body;
  EXPECT_EQ(login.error_code(), "proof_of_work_required");
  EXPECT_EQ(login.json().at("error").at("bits").as_int64(), 10);

  // A wrong answer buys nothing.
  const std::string challenge = ChallengeOf(login);
  std::string wrong = "0";
  for (uint64_t n = 0; guard::ProofBits(challenge, wrong = std::to_string(n)) >= 10; ++n) {}
  int status = 0;
  EXPECT_EQ(Redeem(visitor, challenge, wrong, &status), "");
  EXPECT_EQ(status, 403);

  // The right one gives a pass, and with it the page, its files and the login as usual.
  const std::string nonce = Solve(challenge, 10);
  const std::string pass = Redeem(visitor, challenge, nonce, &status);
  ASSERT_EQ(status, 200);
  ASSERT_EQ(pass.rfind("pupitre_pass=", 0), 0u) << pass;
  auto with = kBrowser;
  with["Cookie"] = pass;
  auto app = visitor.Send(verb::get, "/", "", with);
  EXPECT_EQ(app.status, 200);
  EXPECT_NE(app.body.find("/static/main.js"), std::string::npos);
  EXPECT_EQ(visitor.Send(verb::get, "/static/app.css", "", with).status, 200);
  auto in = visitor.Send(verb::post, "/api/login", LoginBody("student0001", "student-demo"),
                         {{"Cookie", pass}});
  ASSERT_EQ(in.status, 200) << in.body;

  // The pass is bound to the address it was solved from: shared with a botnet, it is worthless.
  HttpClient elsewhere(server.port(), "127.0.0.3");
  EXPECT_EQ(elsewhere.Send(verb::get, "/static/app.css", "", {{"Cookie", pass}}).status, 403);
  // So is the challenge.
  EXPECT_EQ(Redeem(elsewhere, challenge, nonce, &status), "");
  EXPECT_EQ(status, 403);

  // A logged-in student never meets the challenge, from any address, with no pass.
  const std::string token = std::string(in.json().at("token").as_string());
  HttpClient student(server.port(), "127.0.0.4");
  auto mine = student.Send(verb::get, "/", "", {{"Accept", "text/html"},
                                                {"Cookie", "pupitre_session=" + token}});
  EXPECT_EQ(mine.status, 200);
  EXPECT_NE(mine.body.find("/static/main.js"), std::string::npos);
  student.set_token(token);
  EXPECT_EQ(student.Get("/api/me").status, 200);
  EXPECT_EQ(student.Get("/api/exams").status, 200);

  EXPECT_GE(Metric(server.port(), "pupitre_proof_of_work_total{outcome=\"challenged\"}"), 4);
  EXPECT_EQ(Metric(server.port(), "pupitre_proof_of_work_total{outcome=\"solved\"}"), 1);
  EXPECT_EQ(Metric(server.port(), "pupitre_proof_of_work_total{outcome=\"refused\"}"), 2);
  EXPECT_EQ(Metric(server.port(), "pupitre_under_attack"), 1);
  // Probes and metrics are never gated.
  EXPECT_EQ(elsewhere.Get("/healthz").status, 200);
}

TEST(UnderAttackTest, TheOperatorsSwitchIsDurableAndChecked) {
  TempDir dir;
  ChildServer server(dir.path(), Config("mode = \"off\"\n"), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient visitor(server.port(), "127.0.0.2");
  EXPECT_EQ(visitor.Get("/static/app.css").status, 200);

  HttpClient admin(server.port());
  ASSERT_EQ(admin.Login("admin", "admin-demo").status, 200);
  auto state = admin.Get("/api/admin/attack");
  ASSERT_EQ(state.status, 200);
  EXPECT_EQ(state.json().at("mode").as_string(), "off");
  EXPECT_FALSE(state.json().at("engaged").as_bool());
  EXPECT_EQ(admin.Put("/api/admin/attack", R"({"mode":"sometimes"})").status, 400);
  EXPECT_EQ(admin.Put("/api/admin/attack", R"({"mode":1})").status, 400);
  HttpClient student(server.port());
  ASSERT_EQ(student.Login("student0001", "student-demo").status, 200);
  EXPECT_EQ(student.Put("/api/admin/attack", R"({"mode":"on"})").status, 403);

  auto on = admin.Put("/api/admin/attack", R"({"mode":"on"})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json().at("engaged").as_bool());
  EXPECT_EQ(visitor.Get("/static/app.css").error_code(), "proof_of_work_required");

  // Across a restart the operator's choice wins over the configuration's "off".
  server.Stop(SIGTERM);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient again(server.port(), "127.0.0.2");
  EXPECT_EQ(again.Get("/static/app.css").error_code(), "proof_of_work_required");
  HttpClient admin2(server.port());
  // The operator's own login, from its own network, solves the challenge as anyone would.
  auto refused = admin2.Send(verb::post, "/api/login", LoginBody("admin", "admin-demo"));
  ASSERT_EQ(refused.status, 403);
  const std::string challenge = ChallengeOf(refused);
  const std::string pass = Redeem(admin2, challenge, Solve(challenge, 10));
  auto in = admin2.Send(verb::post, "/api/login", LoginBody("admin", "admin-demo"),
                        {{"Cookie", pass}});
  ASSERT_EQ(in.status, 200) << in.body;
  admin2.set_token(std::string(in.json().at("token").as_string()));
  ASSERT_EQ(admin2.Put("/api/admin/attack", R"({"mode":"off"})").status, 200);
  EXPECT_EQ(again.Get("/static/app.css").status, 200);
}

TEST(UnderAttackTest, AutoModeEngagesOnAFloodOfAnonymousRequestsAndReleasesAfterIt) {
  TempDir dir;
  ChildServer server(dir.path(),
                     Config("mode = \"auto\"\nauto_anonymous_rate = 50\nauto_seconds = 2\n"
                            "auto_hold_s = 2\n"),
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  // Logged in before the flood: stays untouched through it.
  HttpClient student(server.port(), "127.0.1.5");
  ASSERT_EQ(student.Login("student0001", "student-demo").status, 200);

  // Anonymous requests from many addresses (most refused by the per-address limit: they are
  // traffic all the same) until the mode engages; bounded in count and time.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool engaged = false;
  int sent = 0;
  std::vector<std::unique_ptr<HttpClient>> flood;
  for (int i = 0; i < 20; ++i) {
    flood.push_back(std::make_unique<HttpClient>(server.port(), "127.0.0." + std::to_string(10 + i)));
  }
  while (!engaged && std::chrono::steady_clock::now() < deadline && sent < 200'000) {
    for (auto& c : flood) {
      c->Get("/static/app.css");
      ++sent;
    }
    if (sent % 400 == 0) engaged = Metric(server.port(), "pupitre_under_attack") == 1;
  }
  ASSERT_TRUE(engaged) << "after " << sent << " requests\n" << server.log();
  // A newcomer (from a network the limits have not seen) is asked for the proof.
  EXPECT_EQ(HttpClient(server.port(), "127.0.2.1").Get("/static/app.css").error_code(),
            "proof_of_work_required");
  EXPECT_NE(server.log().find("under-attack mode ENGAGED"), std::string::npos);
  EXPECT_EQ(student.Get("/api/exams").status, 200);

  // Quiet again: released after the hold, by itself. The probe (metrics are not anonymous
  // traffic) is bounded in time and count.
  const auto quiet = std::chrono::steady_clock::now() + 30s;
  bool released = false;
  HttpClient ops(server.port());
  for (int probes = 0; !released && probes < 200'000 && std::chrono::steady_clock::now() < quiet;
       ++probes) {
    released = MetricValue(ops.Get("/metrics").body, "pupitre_under_attack") == 0;
  }
  ASSERT_TRUE(released) << server.log();
  EXPECT_EQ(HttpClient(server.port(), "127.0.3.1").Get("/static/app.css").status, 200);
}

}  // namespace
}  // namespace pupitre::testkit
