// The public status page against the real binary: what is going on, in words, in English or
// French, from memory, cacheable, and served when everything else asks for a proof of work or
// makes people wait.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

namespace pupitre::testkit {
namespace {

using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

// Asks /status.json until `want` holds (the page is rendered once a second); bounded.
boost::json::value StatusUntil(HttpClient& c, const std::function<bool(const boost::json::value&)>& want) {
  const auto deadline = SteadyClock::now() + std::chrono::seconds(20);
  boost::json::value v;
  for (int i = 0; i < 200'000 && SteadyClock::now() < deadline; ++i) {
    auto r = c.Get("/status.json");
    if (r.status != 200) continue;
    v = r.json();
    if (want(v)) return v;
  }
  return v;
}

TEST(StatusPageTest, SaysEverythingWorksInBothLanguagesAndIsCacheable) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient visitor(server.port(), "127.0.0.2");
  auto json = visitor.Get("/status.json");
  ASSERT_EQ(json.status, 200);
  const auto v = json.json();
  EXPECT_EQ(v.at("state").as_string(), "operational");
  EXPECT_FALSE(v.at("under_attack").as_bool());
  EXPECT_EQ(v.at("login_line").at("waiting").as_int64(), 0);
  EXPECT_EQ(v.at("waiting_rooms").at("waiting").as_int64(), 0);
  EXPECT_TRUE(v.at("incidents").as_array().empty());
  EXPECT_EQ(json.headers["cache-control"], "public, max-age=5");
  ASSERT_FALSE(json.headers["etag"].empty());
  EXPECT_EQ(visitor.Send(verb::get, "/status.json", "", {{"If-None-Match", json.headers["etag"]}}).status,
            304);

  auto en = visitor.Get("/status");
  ASSERT_EQ(en.status, 200);
  EXPECT_NE(en.body.find("Everything is working."), std::string::npos) << en.body;
  EXPECT_NE(en.headers["content-security-policy"].find("style-src 'sha256-"), std::string::npos);
  auto fr = visitor.Send(verb::get, "/status", "", {{"Accept-Language", "fr-FR,fr;q=0.9"}});
  EXPECT_NE(fr.body.find("Tout fonctionne."), std::string::npos) << fr.body;
  EXPECT_NE(fr.body.find("lang=\"fr\""), std::string::npos);
  auto chosen = visitor.Send(verb::get, "/status?lang=en", "", {{"Accept-Language", "fr"}});
  EXPECT_NE(chosen.body.find("Everything is working."), std::string::npos);

  // Updating itself is the reader's choice (WCAG 2.2.1), offered by a link.
  EXPECT_EQ(en.body.find("http-equiv=\"refresh\""), std::string::npos) << "refreshes unasked";
  EXPECT_NE(en.body.find("href=\"/status?lang=en&amp;refresh=on\""), std::string::npos) << en.body;
  auto refreshing = visitor.Get("/status?lang=fr&refresh=on");
  EXPECT_NE(refreshing.body.find("<meta http-equiv=\"refresh\" content=\"15\">"), std::string::npos);
  EXPECT_NE(refreshing.body.find("Tout fonctionne."), std::string::npos);
  EXPECT_NE(refreshing.body.find("href=\"/status?lang=fr\">Arrêter"), std::string::npos)
      << "no way to stop it: " << refreshing.body;
}

TEST(StatusPageTest, LoadsUnderAttackWithoutAnyProofAndSaysSo) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig() + "[attack]\nmode = \"on\"\n", /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient visitor(server.port(), "127.0.0.2");
  // The application asks this visitor for a proof of work...
  auto app = visitor.Send(verb::get, "/", "", {{"Accept", "text/html"}});
  EXPECT_NE(app.body.find("pupitre-challenge"), std::string::npos);
  // ... the status page does not, and says what is going on.
  auto page = visitor.Send(verb::get, "/status", "", {{"Accept", "text/html"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("pupitre-challenge"), std::string::npos);
  const auto v = StatusUntil(visitor, [](const auto& s) { return s.at("state") == "under_attack"; });
  EXPECT_EQ(v.at("state").as_string(), "under_attack");
  EXPECT_TRUE(v.at("under_attack").as_bool());
  auto fr = visitor.Send(verb::get, "/status?lang=fr", "");
  EXPECT_NE(fr.body.find("se protège"), std::string::npos) << fr.body;
}

TEST(StatusPageTest, TellsTheLoginLineAndItsWaitDuringALoginStorm) {
  TempDir dir;
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "[auth]\nargon2_iterations = 8\nargon2_memory_kib = 16384\n"
                     "hashing_threads = 1\nlogin_line_backlog_ms = 100\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  // A crowd asks to log in at once (and never comes back): most are given a place in line.
  std::vector<std::thread> crowd;
  for (int i = 0; i < 30; ++i) {
    crowd.emplace_back([&, i] {
      HttpClient c(server.port(), "127.0.1." + std::to_string(1 + i));
      c.Post("/api/login", R"({"login":")" + StudentLogin(i + 1) + R"(","password":"student-demo"})");
    });
  }
  for (auto& t : crowd) t.join();
  HttpClient visitor(server.port(), "127.0.2.1");
  const auto v = StatusUntil(visitor, [](const auto& s) {
    return s.at("state") == "busy" && s.at("login_line").at("waiting").as_int64() > 0;
  });
  ASSERT_EQ(v.at("state").as_string(), "busy") << boost::json::serialize(v);
  EXPECT_GT(v.at("login_line").at("eta_ms").as_int64(), 0);
  auto fr = visitor.Send(verb::get, "/status", "", {{"Accept-Language", "fr"}});
  EXPECT_NE(fr.body.find("dans la file"), std::string::npos) << fr.body;
  // Once the line has been called through, the page says so by itself.
  const auto after = StatusUntil(visitor, [](const auto& s) { return s.at("state") == "operational"; });
  EXPECT_EQ(after.at("state").as_string(), "operational") << boost::json::serialize(after);
}

}  // namespace
}  // namespace pupitre::testkit
