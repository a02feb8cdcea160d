// Overload as a designed state: while a flood of logins saturates the server, students already
// taking the exam keep saving and can reload their exam page, and the flood is refused with
// 503 + Retry-After, not queued without bound.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <cstdio>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

// Expensive password hashing on one worker thread, and a tiny admission limit and queues.
std::string OverloadConfig() {
  return "[server]\nlisten = \"127.0.0.1:0\"\nthreads = 2\nworker_threads = 1\n"
         "[auth]\nargon2_iterations = 2\nargon2_memory_kib = 16384\n"
         // Logins are bounded by the hashing queue (they leave the guard once queued there).
         "hashing_threads = 1\nlogin_queue_capacity = 4\nlogin_queue_timeout_ms = 300\n"
         "[guard]\ninitial_limit = 2\nmin_limit = 1\nmax_limit = 4\nqueue_capacity = 4\n"
         "queue_timeout_ms = 300\n";
}

// A server with the overload configuration and the test exam published.
struct OverloadedServer {
  TempDir dir;
  std::unique_ptr<ChildServer> server;
  std::unique_ptr<HttpClient> teacher;
  void Start() {
    server = std::make_unique<ChildServer>(dir.path(), OverloadConfig(), /*demo=*/true);
    ASSERT_TRUE(server->Start()) << server->log();
    teacher = std::make_unique<HttpClient>(server->port());
    ASSERT_EQ(teacher->Login("teacher", "teacher-demo").status, 200);
    ASSERT_EQ(teacher->Post("/api/exams", TestExamToml()).status, 201);
    ASSERT_EQ(teacher->Post("/api/exams/test-exam/publish").status, 200);
  }
};

TEST(OverloadTest, SavesOfAdmittedStudentsSucceedWhileALoginFloodIsShed) {
  OverloadedServer o;
  ASSERT_NO_FATAL_FAILURE(o.Start());
  ChildServer& server = *o.server;
  HttpClient& teacher = *o.teacher;

  constexpr int kStudents = 6;
  std::vector<std::unique_ptr<HttpClient>> students;
  std::vector<int64_t> attempts;
  for (int i = 1; i <= kStudents; ++i) {
    auto c = std::make_unique<HttpClient>(server.port());
    ASSERT_EQ(c->Login(StudentLogin(i), "student-demo").status, 200);
    auto start = c->Post("/api/exams/test-exam/start");
    ASSERT_EQ(start.status, 200) << start.body;
    attempts.push_back(start.json().at("attempt").at("id").as_int64());
    students.push_back(std::move(c));
  }

  // The flood: many clients logging in at once, each a bounded number of times.
  constexpr int kFlooders = 24;
  constexpr int kLoginsEach = 6;
  std::atomic<int> shed{0}, logged_in{0}, other{0};
  std::atomic<bool> retry_after_seen{false};
  std::atomic<int> flooders_done{0};
  std::vector<std::thread> flood;
  for (int f = 0; f < kFlooders; ++f) {
    flood.emplace_back([&, f] {
      HttpClient c(server.port());
      for (int k = 0; k < kLoginsEach; ++k) {
        auto r = c.Login(StudentLogin(100 + f), "student-demo");
        if (r.status == 503) {
          ++shed;
          if (!r.headers["retry-after"].empty()) retry_after_seen = true;
        } else if (r.status == 200) {
          ++logged_in;
        } else {
          ++other;
        }
      }
      ++flooders_done;
    });
  }

  // Meanwhile the students keep saving, until the flood is over (and at least 20 rounds).
  std::atomic<int> save_failures{0}, saves{0}, reloads{0}, reload_failures{0};
  std::vector<std::thread> savers;
  for (int i = 0; i < kStudents; ++i) {
    savers.emplace_back([&, i] {
      for (int64_t seq = 1; seq <= 2000; ++seq) {
        if (seq > 20 && flooders_done.load() == kFlooders) break;
        auto r = students[i]->Put(
            fmt::format("/api/attempts/{}/answers/num", attempts[i]),
            fmt::format(R"({{"seq":{},"value":{}}})", seq, seq));
        ++saves;
        if (r.status != 200) ++save_failures;
        // Now and then the exam page is reloaded: the attempt and the paper load too.
        if (seq % 5 == 0) {
          auto a = students[i]->Get(fmt::format("/api/attempts/{}", attempts[i]));
          auto p = students[i]->Get("/api/exams/test-exam/paper");
          ++reloads;
          if (a.status != 200 || p.status != 200) ++reload_failures;
        }
      }
    });
  }
  for (auto& t : flood) t.join();
  for (auto& t : savers) t.join();

  EXPECT_EQ(save_failures.load(), 0) << "of " << saves.load() << " saves";
  EXPECT_GT(reloads.load(), 0);
  EXPECT_EQ(reload_failures.load(), 0) << "of " << reloads.load() << " exam page reloads";
  EXPECT_GT(shed.load(), 0) << "the flood was never refused: nothing shows the guard worked";
  EXPECT_TRUE(retry_after_seen.load()) << "503 without Retry-After";
  EXPECT_GT(logged_in.load(), 0) << "the guard refused every login";
  EXPECT_EQ(other.load(), 0);

  auto metrics = teacher.Get("/metrics").body;
  EXPECT_NE(metrics.find("pupitre_guard_rejected_total{class=\"login\""), std::string::npos);
  EXPECT_NE(metrics.find("pupitre_guard_admitted_total{class=\"critical\"}"), std::string::npos);
  // The guard's bounds are there next to their current values.
  EXPECT_NE(metrics.find("pupitre_guard_bounds{bound=\"queue_capacity_per_class\"} 4"),
            std::string::npos);
  EXPECT_NE(metrics.find("pupitre_guard_bounds{bound=\"max_limit\"} 4"), std::string::npos);
}

TEST(OverloadTest, AStudentFloodingTheirOwnAttemptLosesPriorityOthersDoNot) {
  OverloadedServer o;
  ASSERT_NO_FATAL_FAILURE(o.Start());
  ChildServer& server = *o.server;
  HttpClient& teacher = *o.teacher;
  auto begin = [&](int i, int64_t& attempt) {
    auto c = std::make_unique<HttpClient>(server.port());
    EXPECT_EQ(c->Login(StudentLogin(i), "student-demo").status, 200);
    auto start = c->Post("/api/exams/test-exam/start");
    EXPECT_EQ(start.status, 200) << start.body;
    attempt = start.status == 200 ? start.json().at("attempt").at("id").as_int64() : 0;
    return c;
  };
  // The flooder: one student, 24 connections sharing their token, saving as fast as they can.
  int64_t flooder_attempt = 0;
  auto flooder = begin(1, flooder_attempt);
  const std::string token(flooder->Login(StudentLogin(1), "student-demo").json().at("token").as_string());
  ASSERT_GT(flooder_attempt, 0);
  constexpr int kStudents = 4;
  std::vector<std::unique_ptr<HttpClient>> students;
  std::vector<int64_t> attempts(kStudents);
  for (int i = 0; i < kStudents; ++i) students.push_back(begin(2 + i, attempts[i]));

  std::atomic<int> flood_refused{0}, flood_ok{0}, flood_other{0};
  std::atomic<int> flooders_done{0};
  constexpr int kFloodThreads = 24;
  std::vector<std::thread> threads;
  for (int f = 0; f < kFloodThreads; ++f) {
    threads.emplace_back([&, f] {
      HttpClient c(server.port());
      c.set_token(token);
      for (int k = 1; k <= 60; ++k) {
        auto r = c.Put(fmt::format("/api/attempts/{}/answers/num", flooder_attempt),
                       fmt::format(R"({{"seq":{},"value":{}}})", f * 1000 + k, k));
        if (r.status == 200) {
          ++flood_ok;
        } else if (r.status == 503) {
          ++flood_refused;
        } else {
          ++flood_other;
        }
      }
      ++flooders_done;
    });
  }
  std::atomic<int> saves{0}, save_failures{0};
  for (int i = 0; i < kStudents; ++i) {
    threads.emplace_back([&, i] {
      for (int64_t seq = 1; seq <= 2000; ++seq) {
        if (seq > 20 && flooders_done.load() == kFloodThreads) break;
        auto r = students[i]->Put(fmt::format("/api/attempts/{}/answers/num", attempts[i]),
                                  fmt::format(R"({{"seq":{},"value":{}}})", seq, seq));
        ++saves;
        if (r.status != 200) ++save_failures;
      }
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(save_failures.load(), 0) << "of " << saves.load() << " saves of other students";
  EXPECT_EQ(flood_other.load(), 0);
  EXPECT_GT(flood_ok.load(), 0) << "the flooder's page-like traffic should still pass";
  auto metrics = teacher.Get("/metrics").body;
  const std::string name = "\npupitre_guard_critical_downgraded_total ";
  const size_t at = metrics.find(name);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GT(std::stoll(metrics.substr(at + name.size())), 0)
      << "24 saves in flight from one student were all treated as critical";
  std::printf("flooder: %d saved, %d refused; others: %d saves\n", flood_ok.load(),
              flood_refused.load(), saves.load());
}

}  // namespace
}  // namespace pupitre::testkit
