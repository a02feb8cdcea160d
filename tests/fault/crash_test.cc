// A server killed with SIGKILL in the middle of a burst of concurrent saves comes back with
// every save it had acknowledged, at its latest value.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using CrashTest = DemoServerTest;

TEST_F(CrashTest, EveryAcknowledgedSaveSurvivesSigkill) {
  constexpr int kStudents = 32;
  constexpr int kAcksBeforeKill = 3000;
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

  ChildServer again(dir_.path(), Config(), /*demo=*/true);
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
  RecordProperty("acknowledged_saves", acks.load());
}

}  // namespace
}  // namespace pupitre::testkit
