// The simulator's engine against a small fake server on loopback: it sends on the planned
// schedule, measures latency from the intended send time (no coordinated omission), and its
// ledger lets `verify` catch a save the server lost.
#include "load/engine.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "testkit/child_server.h"

namespace pupitre::load {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;

// Answers the few routes a simulated student uses, one exam "e", one true/false question "q",
// attempt ids by login order. Saves take `save_delay` each, one at a time per connection.
class FakeServer {
 public:
  explicit FakeServer(std::chrono::milliseconds save_delay) : save_delay_(save_delay) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, Accept(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~FakeServer() {
    asio::post(ioc_, [this] { ioc_.stop(); });
    thread_.join();
  }
  uint16_t port() const { return port_; }

  std::map<std::string, Steady::time_point> logins() {
    std::lock_guard l(mu_);
    return logins_;
  }
  // Makes the login of `login` take `delay` before it is answered.
  void SlowLogin(std::string login, std::chrono::milliseconds delay) {
    std::lock_guard l(mu_);
    slow_login_ = std::move(login);
    slow_login_delay_ = delay;
  }
  Steady::time_point slow_login_answered() {
    std::lock_guard l(mu_);
    return slow_login_answered_;
  }
  std::vector<Steady::time_point> starts() {
    std::lock_guard l(mu_);
    return starts_;
  }
  // Makes the server hold an older value for one answer, as if it lost the last save.
  void LoseLastSave(int64_t attempt) {
    std::lock_guard l(mu_);
    auto& a = answers_[attempt];
    a.first -= 1;
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto sock = co_await acceptor_.async_accept(asio::use_awaitable);
      asio::co_spawn(ioc_, Serve(beast::tcp_stream(std::move(sock))), asio::detached);
    }
  }

  asio::awaitable<void> Serve(beast::tcp_stream stream) {
    beast::flat_buffer buf;
    std::string token;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      beast::error_code ec;
      co_await bhttp::async_read(stream, buf, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      std::string target(req.target());
      json::object out;
      std::string text;  // a text answer (/metrics) instead of JSON
      if (target == "/api/login") {
        auto body = json::parse(req.body());
        std::string login(body.at("login").as_string());
        std::chrono::milliseconds delay{0};
        {
          std::lock_guard l(mu_);
          logins_[login] = Steady::now();
          if (login == slow_login_) delay = slow_login_delay_;
        }
        if (delay.count() > 0) {
          asio::steady_timer t(co_await asio::this_coro::executor);
          t.expires_after(delay);
          co_await t.async_wait(asio::use_awaitable);
        }
        std::lock_guard l(mu_);
        if (login == slow_login_) slow_login_answered_ = Steady::now();
        token = std::to_string(++next_attempt_);
        out["token"] = token;
      } else if (target == "/metrics") {
        text = "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n"
               "pupitre_waiting_room_waiting 3\n";
      } else if (target == "/api/exams/e/start") {
        {
          std::lock_guard l(mu_);
          starts_.push_back(Steady::now());
        }
        out["attempt"] = json::object{{"id", std::stoll(std::string(req[bhttp::field::authorization]).substr(7))}};
      } else if (target == "/api/exams/e/paper") {
        out["questions"] = json::array{json::object{{"id", "q"}, {"type", "truefalse"}}};
      } else if (target.find("/answers/q") != std::string::npos) {
        asio::steady_timer t(co_await asio::this_coro::executor);
        t.expires_after(save_delay_);
        co_await t.async_wait(asio::use_awaitable);
        int64_t attempt = std::stoll(target.substr(14));
        auto body = json::parse(req.body());
        std::lock_guard l(mu_);
        auto& held = answers_[attempt];
        if (body.at("seq").as_int64() > held.first) {
          held = {body.at("seq").as_int64(), json::serialize(body.at("value"))};
        }
        out["saved_seq"] = held.first;
      } else if (target == "/api/exams/e/attempts") {
        json::array all;
        std::lock_guard l(mu_);
        for (const auto& [id, a] : answers_) {
          all.push_back(json::object{
              {"id", id},
              {"answers", json::object{{"q", json::object{{"seq", a.first},
                                                          {"value", json::parse(a.second)}}}}}});
        }
        out["attempts"] = std::move(all);
      }
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, text.empty() ? "application/json" : "text/plain");
      res.body() = text.empty() ? json::serialize(out) : text;
      res.keep_alive(true);
      res.prepare_payload();
      co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }

  std::chrono::milliseconds save_delay_;
  asio::io_context ioc_{1};
  asio::ip::tcp::acceptor acceptor_{ioc_};
  uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  int64_t next_attempt_ = 0;
  std::map<std::string, Steady::time_point> logins_;
  std::string slow_login_;
  std::chrono::milliseconds slow_login_delay_{0};
  Steady::time_point slow_login_answered_{};
  std::vector<Steady::time_point> starts_;
  std::map<int64_t, std::pair<int64_t, std::string>> answers_;  // attempt -> (seq, value)
};

Scenario Quick(int students) {
  Scenario s;
  s.name = "test";
  s.exam = "e";
  s.students = students;
  s.login_format = "s{}";
  s.time_scale = 1;
  s.login_spread_s = 0;
  s.start_spread_s = 0;
  s.work_s = 0.5;
  s.think_s = 0.025;
  s.page = "api";  // the fake server answers the lean sequence (a test below plays the page's)
  return s;
}

EngineOptions Options(uint16_t port) {
  EngineOptions o;
  o.target.port = port;
  o.progress = false;
  return o;
}

TEST(EngineTest, LatencyCountsFromTheIntendedSendTimeNotTheActualOne) {
  FakeServer server(std::chrono::milliseconds(100));
  auto r = RunMorning(Quick(1), Options(server.port()));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const LogHistogram& saves = r->steps.at("save");
  ASSERT_GE(saves.count(), 8) << "the student should have saved many times";
  // Each save takes ~100 ms at the server, but they were planned every ~25 ms: the later ones
  // waited for the earlier ones. A client timing from its actual send would report ~100 ms.
  EXPECT_GE(saves.max(), 600'000) << "coordinated omission: the queueing delay was hidden";
  EXPECT_GE(saves.min(), 90'000);
  EXPECT_EQ(r->total_errors(), 0);
  EXPECT_EQ(r->finished, 1);
}

TEST(EngineTest, StudentsArriveOnThePlannedSchedule) {
  FakeServer server(std::chrono::milliseconds(0));
  Scenario s = Quick(20);
  s.login_spread_s = 2;  // logins over the two seconds before the start
  s.work_s = 0.1;
  s.think_s = 1;
  auto r = RunMorning(s, Options(server.port()));
  ASSERT_TRUE(r.ok());
  const auto plans = PlanMorning(s);
  const auto seen = server.logins();
  ASSERT_EQ(seen.size(), 20u);
  // Each arrival's offset from its plan. A common shift (the first connection of a busy
  // machine being slow) does not bend the schedule: compare each offset with the median one.
  std::vector<double> offsets;
  const auto origin = seen.begin()->second;
  for (const auto& p : plans) {
    const double actual =
        std::chrono::duration<double>(seen.at("s" + std::to_string(p.number)) - origin).count();
    offsets.push_back(actual - p.login_at);
  }
  std::vector<double> sorted = offsets;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  for (size_t i = 0; i < plans.size(); ++i) {
    // 0.35 s: a collapsed schedule is off by up to the 2 s spread; a loaded 2-core CI machine
    // delays single connections by more than 0.1 s now and then (seen with ctest -j2).
    EXPECT_NEAR(offsets[i], median, 0.35) << "student " << plans[i].number;
  }
  // The plan spreads the logins over the two seconds: the schedule was not collapsed.
  const auto [lo, hi] = std::minmax_element(plans.begin(), plans.end(), [](auto& a, auto& b) {
    return a.login_at < b.login_at;
  });
  EXPECT_GT(hi->login_at - lo->login_at, 1.0);
}

TEST(EngineTest, StartsCanWaitForEveryLoginSoThatTheyAreMeasuredAlone) {
  FakeServer server(std::chrono::milliseconds(0));
  server.SlowLogin("s4", std::chrono::milliseconds(800));
  Scenario s = Quick(6);
  s.start_after_logins = true;
  s.start_spread_s = 0.2;
  s.work_s = 0.1;
  s.max_send_lag_ms = 10'000;  // judged, but a machine busy with other tests may wake it late
  EngineOptions o = Options(server.port());
  o.read_server_metrics = true;
  auto r = RunMorning(s, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total_errors(), 0);
  const auto starts = server.starts();
  ASSERT_EQ(starts.size(), 6u);
  for (const auto& at : starts) {
    EXPECT_GE(at, server.slow_login_answered()) << "a start was sent before every login was done";
  }
  // Starts are measured from their own plan, which began once the logins were done: the slow
  // login is not in them.
  EXPECT_LT(r->steps.at("start").max(), 500'000);
  EXPECT_GE(r->steps.at("login").max(), 700'000);
  EXPECT_GT(r->starts_began_s, 0.7);
  EXPECT_NE(r->server_metrics_at_starts.find("process_cpu_seconds_total 1.5"), std::string::npos);
  // The generator's own figures: every planned send noted, and the verdict's last judgement.
  EXPECT_GE(r->send_lag.count(), 12) << "logins and starts at least";
  ASSERT_FALSE(r->verdict.empty());
  EXPECT_NE(r->verdict.back().text.find("the generator kept its schedule"), std::string::npos);
  EXPECT_TRUE(r->verdict.back().passed) << r->verdict.back().observed;
}

TEST(EngineTest, SeveralLoopsPlayOneMorningTogether) {
  FakeServer server(std::chrono::milliseconds(0));
  server.SlowLogin("s7", std::chrono::milliseconds(600));
  Scenario s = Quick(20);
  s.start_after_logins = true;
  s.start_spread_s = 0.3;
  s.work_s = 0.2;
  testkit::TempDir dir;
  EngineOptions o = Options(server.port());
  o.threads = 3;
  o.ledger_path = dir.path() + "/ledger.jsonl";
  o.watch_server = true;
  auto r = RunMorning(s, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->generator_threads, 3);
  EXPECT_EQ(r->server_peak_waiting, 3) << "the server's own count, read from its /metrics";
  EXPECT_TRUE(std::any_of(r->timeline.begin(), r->timeline.end(),
                          [](const SecondSample& x) { return x.server_waiting == 3; }));
  EXPECT_EQ(r->total_errors(), 0);
  EXPECT_EQ(r->finished, 20) << "every loop's students, added up";
  EXPECT_EQ(r->steps.at("login").count(), 20) << "the histograms of the loops, merged";
  EXPECT_EQ(server.logins().size(), 20u);
  const auto starts = server.starts();
  ASSERT_EQ(starts.size(), 20u);
  for (const auto& at : starts) {
    EXPECT_GE(at, server.slow_login_answered()) << "one gate for every loop: no start before the last login";
  }
  // Every acknowledged save of every loop is in the one ledger.
  std::ifstream ledger(o.ledger_path);
  int64_t lines = 0;
  for (std::string line; std::getline(ledger, line);) ++lines;
  EXPECT_EQ(lines, r->acknowledged_saves);
  EXPECT_GT(lines, 0);
}

TEST(EngineTest, VerifyCatchesASaveTheServerLost) {
  FakeServer server(std::chrono::milliseconds(0));
  testkit::TempDir dir;
  EngineOptions o = Options(server.port());
  o.ledger_path = dir.path() + "/ledger.jsonl";
  auto r = RunMorning(Quick(3), o);
  ASSERT_TRUE(r.ok());
  ASSERT_GT(r->acknowledged_saves, 0);
  Target t{"127.0.0.1", server.port()};
  auto clean = Verify(o.ledger_path, t, "e", "teacher", "pw");
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  EXPECT_EQ(clean->checked, 3);
  EXPECT_TRUE(clean->problems.empty()) << clean->problems.front();
  server.LoseLastSave(2);
  auto caught = Verify(o.ledger_path, t, "e", "teacher", "pw");
  ASSERT_TRUE(caught.ok());
  ASSERT_EQ(caught->problems.size(), 1u);
  EXPECT_NE(caught->problems[0].find("attempt 2"), std::string::npos) << caught->problems[0];
}

TEST(EngineTest, TargetsAreCheckedBeforeAnythingRuns) {
  EXPECT_TRUE(ParseTarget("http://127.0.0.1:8080").ok());
  EXPECT_EQ(ParseTarget("http://127.0.0.1:8080/").value().port, 8080);
  EXPECT_FALSE(ParseTarget("127.0.0.1:8080").ok());
  EXPECT_FALSE(ParseTarget("http://example.org:80").ok()) << "only addresses, no name lookups";
  EXPECT_FALSE(ParseTarget("http://127.0.0.1:99999").ok());
}

}  // namespace
}  // namespace pupitre::load
