// `pupitre serve` on PostgreSQL: the whole exam flow, and the crash test's promise (every
// acknowledged save survives a SIGKILL of the node) with the store in PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"
#include "testkit/postgres_server.h"

namespace pupitre::testkit {
namespace {

class PostgresNodeTest : public DemoServerTest {
 protected:
  std::string Config() override {
    PostgresServer* pg = SharedPostgres();
    if (!pg) return "this test needs PostgreSQL";  // the server then refuses to start
    const std::string db = pg->CreateDatabase(dir_.path().substr(dir_.path().rfind('/') + 1));
    return FastTestConfig() + fmt::format("[store]\nbackend = \"postgres\"\npostgres = \"{}\"\n", db);
  }
};

TEST_F(PostgresNodeTest, AStudentTakesAnExamAndTheResultIsThereAfterARestart) {
  auto student = Student(1);
  const int64_t attempt = StartExam(*student);
  ASSERT_GT(attempt, 0);
  int64_t seq = 0;
  for (const auto& [q, value] : RightAnswers()) {
    auto r = Save(*student, attempt, q, ++seq, value);
    ASSERT_EQ(r.status, 200) << q << ": " << r.body;
  }
  auto submitted = student->Post(fmt::format("/api/attempts/{}/submit", attempt));
  ASSERT_EQ(submitted.status, 200) << submitted.body;

  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  ChildServer again(dir_.path(), Config(), /*demo=*/false);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient teacher(again.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200)
      << "users and their passwords are in PostgreSQL, not in the node";
  auto all = teacher.Get("/api/exams/test-exam/attempts");
  ASSERT_EQ(all.status, 200) << all.body;
  const boost::json::value body = all.json();
  ASSERT_EQ(body.at("attempts").as_array().size(), 1u);
  const auto& a = body.at("attempts").as_array()[0];
  EXPECT_EQ(a.at("id").as_int64(), attempt);
  EXPECT_EQ(a.at("status").as_string(), "submitted");
  EXPECT_EQ(a.at("answers").as_object().size(), RightAnswers().size());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/store/pupitre.db"))
      << "a node on PostgreSQL keeps no SQLite store";
}

TEST_F(PostgresNodeTest, EveryAcknowledgedSaveSurvivesSigkill) {
  constexpr int kStudents = 16;
  constexpr int kAcksBeforeKill = 1000;
  constexpr int kMaxSavesPerStudent = 1000;  // bounds the loop even if the kill never comes
  struct Acked {
    int64_t seq = 0;
    std::string value;
  };
  std::vector<int64_t> attempt(kStudents);
  std::vector<std::map<std::string, Acked>> acked(kStudents);
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kStudents; ++i) {
    clients.push_back(Student(i + 1));
    attempt[i] = StartExam(*clients[i]);
    ASSERT_GT(attempt[i], 0);
  }
  std::atomic<int> acks{0};
  std::mutex mu;
  std::condition_variable enough;
  std::vector<std::thread> threads;
  for (int i = 0; i < kStudents; ++i) {
    threads.emplace_back([&, i] {
      for (int64_t seq = 1; seq <= kMaxSavesPerStudent; ++seq) {
        const std::string q = seq % 2 ? "short" : "essay";
        const std::string value = fmt::format("\"v{}\"", seq);
        auto r = Save(*clients[i], attempt[i], q, seq, value);
        if (r.status == 0) return;  // the node is gone
        if (r.status != 200) continue;
        acked[i][q] = Acked{seq, value};
        if (acks.fetch_add(1) + 1 == kAcksBeforeKill) enough.notify_one();
      }
    });
  }
  {
    std::unique_lock lock(mu);
    enough.wait_for(lock, std::chrono::seconds(120), [&] { return acks.load() >= kAcksBeforeKill; });
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
  const boost::json::value body = all.json();
  std::map<int64_t, boost::json::object> by_id;
  for (const auto& a : body.at("attempts").as_array()) {
    by_id[a.at("id").as_int64()] = a.at("answers").as_object();
  }
  int checked = 0;
  for (int i = 0; i < kStudents; ++i) {
    ASSERT_TRUE(by_id.count(attempt[i])) << "attempt " << attempt[i] << " lost";
    for (const auto& [q, ack] : acked[i]) {
      const auto* held = by_id[attempt[i]].if_contains(q);
      ASSERT_NE(held, nullptr) << "attempt " << attempt[i] << " lost its answer to " << q;
      EXPECT_GE(held->at("seq").as_int64(), ack.seq)
          << "attempt " << attempt[i] << " question " << q << " went back to an older save";
      if (held->at("seq").as_int64() == ack.seq) {
        EXPECT_EQ(boost::json::serialize(held->at("value")), ack.value);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, kStudents * 2);
}

}  // namespace
}  // namespace pupitre::testkit
