#pragma once
// Test support: a demo server with a test exam of every question type, and helpers to drive it.

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <vector>
#include <thread>
#include <mutex>
#include <map>
#include <condition_variable>
#include <atomic>
#include <memory>
#include <string>

#include "testkit/child_server.h"
#include "testkit/http_client.h"

namespace pupitre::testkit {

// An exam open from an hour ago (or `opens_in` from now) to a day from now, in the demo course. Its right answers:
// single 1, multiple [0,2], truefalse true, numeric 42 (+-0.5), short "Paris", essay by hand.
inline std::string TestExamToml(const std::string& id = "test-exam",
                                std::chrono::seconds opens_in = -std::chrono::hours(1),
                                std::chrono::seconds closes_in = std::chrono::hours(24)) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(R"(
[exam]
id = "{}"
title = "Integration test exam"
course = "demo-course"
opens = {:%Y-%m-%dT%H:%M:%SZ}
closes = {:%Y-%m-%dT%H:%M:%SZ}
duration_minutes = 30
shuffle_questions = true
shuffle_options = true

[[question]]
id = "single"
type = "single"
text = "Pick B"
options = ["A", "B", "C"]
answer = 1

[[question]]
id = "multi"
type = "multiple"
text = "Pick A and C"
points = 2
options = ["A", "B", "C", "D"]
answer = [0, 2]

[[question]]
id = "tf"
type = "truefalse"
text = "True?"
answer = true

[[question]]
id = "num"
type = "numeric"
text = "The number"
answer = 42
tolerance = 0.5

[[question]]
id = "short"
type = "short"
text = "Capital of France"
answer = "Paris"

[[question]]
id = "essay"
type = "essay"
text = "Discuss"
points = 3
)",
                     id, now + opens_in, now + closes_in);
}

// Right answers by question id, as JSON text.
inline const std::map<std::string, std::string>& RightAnswers() {
  static const std::map<std::string, std::string> kRight = {
      {"single", "1"}, {"multi", "[0,2]"}, {"tf", "true"},
      {"num", "42.2"}, {"short", "\" paris \""}, {"essay", "\"A long essay.\""}};
  return kRight;
}

inline std::string StudentLogin(int i) { return fmt::format("student{:04d}", i); }

// A server seeded with the demo dataset, and the test exam imported and published.
class DemoServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ChildServer>(dir_.path(), Config(), /*demo=*/true);
    ASSERT_TRUE(server_->Start()) << "server did not start:\n" << server_->log();
    teacher_ = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(teacher_->Login("teacher", "teacher-demo").status, 200);
    auto imported = teacher_->Post("/api/exams", TestExamToml());
    ASSERT_EQ(imported.status, 201) << imported.body;
    auto published = teacher_->Post("/api/exams/test-exam/publish");
    ASSERT_EQ(published.status, 200) << published.body;
  }

  // The server's configuration (a fixture for another store overrides it).
  virtual std::string Config() { return FastTestConfig(); }

  // A logged-in client for student number i.
  std::unique_ptr<HttpClient> Student(int i) {
    auto c = std::make_unique<HttpClient>(server_->port());
    auto r = c->Login(StudentLogin(i), "student-demo");
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }

  // Starts the test exam for a client and returns the attempt id.
  static int64_t StartExam(HttpClient& c) {
    auto r = c.Post("/api/exams/test-exam/start");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return 0;
    return r.json().at("attempt").at("id").as_int64();
  }

  static HttpResult Save(HttpClient& c, int64_t attempt, const std::string& qid, int64_t seq,
                         const std::string& value_json) {
    return c.Put(fmt::format("/api/attempts/{}/answers/{}", attempt, qid),
                 fmt::format(R"({{"seq":{},"value":{}}})", seq, value_json));
  }


  // `students` students save concurrently; once `acks_before_kill` saves were acknowledged the
  // server is SIGKILLed, started again on the same store, and every acknowledged save must be
  // there at its latest value (the crash test, on whatever store Config() names).
  void CheckEveryAcknowledgedSaveSurvivesSigkill(int students, int acks_before_kill) {
    const int kStudents = students;
    const int kAcksBeforeKill = acks_before_kill;
    constexpr int kMaxSavesPerStudent = 2000;  // bounds the loop even if the kill never comes
    const std::vector<std::string> questions = {"num", "short", "essay"};

    struct Acked { int64_t seq = 0; std::string value; };
    std::vector<int64_t> attempt(kStudents);
    std::vector<std::map<std::string, Acked>> acked(kStudents);
    std::vector<std::unique_ptr<HttpClient>> clients;
    for (int i = 0; i < kStudents; ++i) {
      clients.push_back(Student(i + 1));
      attempt[i] = StartExam(*clients[i]);
      ASSERT_GT(attempt[i], 0);
    }

    std::atomic<int> acks{0};
    std::mutex kill_mu;
    std::condition_variable kill_cv;
    std::vector<std::thread> threads;
    for (int i = 0; i < kStudents; ++i) {
      threads.emplace_back([&, i] {
        for (int64_t seq = 1; seq <= kMaxSavesPerStudent; ++seq) {
          const std::string& q = questions[seq % questions.size()];
          std::string value = q == "num" ? std::to_string(seq) : fmt::format("\"v{}\"", seq);
          auto r = Save(*clients[i], attempt[i], q, seq, value);
          if (r.status == 0) return;  // the server is gone
          if (r.status != 200) continue;
          acked[i][q] = Acked{seq, value};
          if (acks.fetch_add(1) + 1 == kAcksBeforeKill) kill_cv.notify_one();
        }
      });
    }
    {
      std::unique_lock lock(kill_mu);
      kill_cv.wait_for(lock, std::chrono::seconds(120), [&] { return acks.load() >= kAcksBeforeKill; });
    }
    ASSERT_GE(acks.load(), kAcksBeforeKill) << "the burst did not reach its size";
    server_->Stop(SIGKILL);
    for (auto& t : threads) t.join();

    ChildServer again(dir_.path(), Config(), /*demo=*/false);
    ASSERT_TRUE(again.Start()) << again.log();
    HttpClient teacher(again.port());
    ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
    auto all = teacher.Get("/api/exams/test-exam/attempts");
    ASSERT_EQ(all.status, 200);
    std::map<int64_t, boost::json::object> by_id;
    const boost::json::value body = all.json();
    for (const auto& a : body.at("attempts").as_array()) {
      by_id[a.at("id").as_int64()] = a.at("answers").as_object();
    }
    int checked = 0;
    for (int i = 0; i < kStudents; ++i) {
      ASSERT_TRUE(by_id.count(attempt[i])) << "attempt " << attempt[i] << " lost";
      for (const auto& [q, ack] : acked[i]) {
        const auto* held = by_id[attempt[i]].if_contains(q);
        ASSERT_NE(held, nullptr) << "attempt " << attempt[i] << " lost its answer to " << q;
        int64_t seq = held->at("seq").as_int64();
        EXPECT_GE(seq, ack.seq) << "attempt " << attempt[i] << " question " << q
                                << " went back to an older save";
        if (seq == ack.seq) {
          EXPECT_EQ(boost::json::serialize(held->at("value")), ack.value);
        }
        ++checked;
      }
    }
    EXPECT_GE(checked, kStudents) << "too few acknowledged saves to check";
    ::testing::Test::RecordProperty("acknowledged_saves", acks.load());
  }

  TempDir dir_;
  std::unique_ptr<ChildServer> server_;
  std::unique_ptr<HttpClient> teacher_;
};

}  // namespace pupitre::testkit
