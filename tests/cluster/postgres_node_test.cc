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
  HttpClient admin(again.port());
  ASSERT_EQ(admin.Login("admin", "admin-demo").status, 200);
  auto view = admin.Get("/api/admin/cluster");
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_FALSE(view.json().at("clustered").as_bool()) << "one node alone serves every exam";
}

TEST_F(PostgresNodeTest, EveryAcknowledgedSaveSurvivesSigkill) {
  CheckEveryAcknowledgedSaveSurvivesSigkill(/*students=*/16, /*acks_before_kill=*/1000);
}

}  // namespace
}  // namespace pupitre::testkit
