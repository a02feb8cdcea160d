// The 9:00 login storm against the real binary: with hashing slower than the crowd, logins get
// a place in line (202) instead of "busy" (503), come back with their ticket, and all get in.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "testkit/poll.h"
#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"

namespace pupitre::testkit {
namespace {

using SteadyClock = std::chrono::steady_clock;


std::string LoginBody(const std::string& login, const std::string& ticket = "") {
  std::string body = R"({"login":")" + login + R"(","password":"student-demo")";
  if (!ticket.empty()) body += R"(,"queue_ticket":")" + ticket + "\"";
  return body + "}";
}

struct Outcome {
  int first_status = 0;
  int64_t number = 0;
  std::vector<int64_t> positions;
  int final_status = 0;
  int polls = 0;
  bool token = false;
};

TEST(LoginLineTest, ACrowdBeyondHashingWaitsInLineAndEveryoneGetsIn) {
  constexpr int kStudents = 40;
  TempDir dir;
  // One hashing thread and a costly hash (tens of ms): the crowd is far beyond what hashing
  // does at once, and the line keeps at most 0.2 s of hashing queued.
  ChildServer server(dir.path(),
                     "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\n"
                     "[auth]\nargon2_iterations = 3\nargon2_memory_kib = 8192\n"
                     "hashing_threads = 1\nlogin_line_backlog_ms = 200\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  std::vector<Outcome> out(kStudents);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStudents; ++i) {
    threads.emplace_back([&, i] {
      HttpClient c(server.port(), "127.0.1." + std::to_string(1 + i));
      const std::string login = StudentLogin(i + 1);
      auto r = c.Post("/api/login", LoginBody(login));
      out[i].first_status = r.status;
      const auto deadline = SteadyClock::now() + std::chrono::seconds(120);
      while (r.status == 202 && SteadyClock::now() < deadline && out[i].polls < 2000) {
        const auto q = r.json().at("login_queue");
        if (out[i].number == 0) out[i].number = q.at("number").as_int64();
        EXPECT_EQ(q.at("number").as_int64(), out[i].number) << "a place changed its number";
        out[i].positions.push_back(q.at("position").as_int64());
        EXPECT_GE(q.at("eta_ms").as_int64(), 0);
        PollPause(std::chrono::milliseconds(q.at("poll_after_ms").as_int64()));
        ++out[i].polls;
        r = c.Post("/api/login", LoginBody(login, std::string(q.at("ticket").as_string())));
      }
      out[i].final_status = r.status;
      out[i].token = r.status == 200 && r.json().at("token").is_string();
    });
  }
  for (auto& t : threads) t.join();

  int queued = 0;
  std::set<int64_t> numbers;
  for (int i = 0; i < kStudents; ++i) {
    EXPECT_EQ(out[i].final_status, 200) << "student " << i + 1 << " did not get in";
    EXPECT_TRUE(out[i].token);
    EXPECT_TRUE(out[i].first_status == 200 || out[i].first_status == 202) << out[i].first_status;
    if (out[i].first_status != 202) continue;
    ++queued;
    EXPECT_TRUE(numbers.insert(out[i].number).second) << "number " << out[i].number << " twice";
    // A place only goes down (0: being checked).
    for (size_t k = 1; k < out[i].positions.size(); ++k) {
      if (out[i].positions[k] == 0) continue;
      EXPECT_LE(out[i].positions[k], out[i].positions[k - 1]) << "student " << i + 1;
    }
  }
  EXPECT_GT(queued, kStudents / 2) << "the crowd was not beyond hashing: the test proves nothing";
  // Numbers are 1..queued: first come, first served, none skipped.
  if (!numbers.empty()) {
    EXPECT_EQ(*numbers.begin(), 1);
    EXPECT_EQ(*numbers.rbegin(), queued);
  }
  HttpClient ops(server.port());
  const std::string m = ops.Get("/metrics").body;
  EXPECT_EQ(MetricValue(m, "pupitre_login_line_waiting"), 0);
  EXPECT_EQ(MetricValue(m, "pupitre_login_line_numbers_total{state=\"issued\"}"), queued);
  EXPECT_EQ(MetricValue(m, "pupitre_login_queue_jobs_total{outcome=\"refused\"}"), 0);
  EXPECT_EQ(MetricValue(m, "pupitre_login_queue_jobs_total{outcome=\"expired\"}"), 0);
  EXPECT_GT(MetricValue(m, "pupitre_login_hashes_per_second"), 0);
}

TEST(LoginLineTest, ABadTicketIsRefusedClearlyAndAForeignOneIsANewPlace) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient c(server.port());
  auto bad = c.Post("/api/login", R"({"login":"student0001","password":"student-demo","queue_ticket":7})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("queue_ticket"), std::string::npos);
  // With nobody in line, a made-up ticket is no ticket: the login simply goes.
  auto made_up = c.Post("/api/login", LoginBody("student0001", "L1.1.2.3.abc"));
  EXPECT_EQ(made_up.status, 200) << made_up.body;
}

}  // namespace
}  // namespace pupitre::testkit
