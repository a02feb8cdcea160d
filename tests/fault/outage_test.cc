// After a crash, attempts that were in progress get the time the platform was down added to
// their deadline, recorded with it; submitted ones do not; the policy can turn it off.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "testkit/exam_fixture.h"
#include "testkit/poll.h"

namespace pupitre::testkit {
namespace {

std::string Config(const std::string& policy) {
  // Outages of any length count; the heartbeat is written at start-up only (every 10 min), so
  // the outage measured after a kill spans the whole run before it: long enough to see.
  return FastTestConfig() + "[exam]\noutage_min_seconds = 0\nheartbeat_ms = 600000\n" +
         "outage_compensation = \"" + policy + "\"\n";
}

TEST(OutageTest, AttemptsInProgressGetTheOutageBackAfterACrash) {
  TempDir dir;
  auto server = std::make_unique<ChildServer>(dir.path(), Config("auto"), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient teacher(server->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  ASSERT_EQ(teacher.Post("/api/exams", TestExamToml("outage-exam")).status, 201);
  ASSERT_EQ(teacher.Post("/api/exams/outage-exam/publish").status, 200);

  HttpClient working(server->port()), done(server->port());
  ASSERT_EQ(working.Login(StudentLogin(1), "student-demo").status, 200);
  ASSERT_EQ(done.Login(StudentLogin(2), "student-demo").status, 200);
  auto a = working.Post("/api/exams/outage-exam/start");
  auto b = done.Post("/api/exams/outage-exam/start");
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  const int64_t id = a.json().at("attempt").at("id").as_int64();
  const int64_t done_id = b.json().at("attempt").at("id").as_int64();
  const int64_t deadline = a.json().at("attempt").at("deadline_ms").as_int64();
  const int64_t done_deadline = b.json().at("attempt").at("deadline_ms").as_int64();
  ASSERT_EQ(done.Post("/api/attempts/" + std::to_string(done_id) + "/submit").status, 200);
  EXPECT_TRUE(a.json().at("attempt").at("compensations").as_array().empty());

  server->Stop(SIGKILL);
  server = std::make_unique<ChildServer>(dir.path(), Config("auto"), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient back(server->port());
  back.set_token(working.token());
  auto after = back.Get("/api/attempts/" + std::to_string(id));
  ASSERT_EQ(after.status, 200) << after.body;
  const auto att = after.json().at("attempt");
  const auto& given = att.at("compensations").as_array();
  ASSERT_EQ(given.size(), 1u) << after.body;
  const int64_t added = given[0].at("added_ms").as_int64();
  EXPECT_GT(added, 0);
  EXPECT_EQ(given[0].at("to_ms").as_int64() - given[0].at("from_ms").as_int64(), added);
  EXPECT_LE(given[0].at("from_ms").as_int64(), att.at("started_ms").as_int64())
      << "the outage starts at the last sign of life (here: the start-up heartbeat)";
  EXPECT_EQ(att.at("deadline_ms").as_int64(), deadline + added) << "the time is given back";
  EXPECT_NE(server->log().find("attempts in progress got that time added"), std::string::npos);

  // A submitted attempt is not touched.
  HttpClient back_done(server->port());
  back_done.set_token(done.token());
  auto d = back_done.Get("/api/attempts/" + std::to_string(done_id));
  ASSERT_EQ(d.status, 200);
  EXPECT_EQ(d.json().at("attempt").at("deadline_ms").as_int64(), done_deadline);
  EXPECT_TRUE(d.json().at("attempt").at("compensations").as_array().empty());

  // With the policy off, a second crash gives nothing back (and says so in the log).
  server->Stop(SIGKILL);
  server = std::make_unique<ChildServer>(dir.path(), Config("off"), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient again(server->port());
  again.set_token(working.token());
  auto off = again.Get("/api/attempts/" + std::to_string(id));
  ASSERT_EQ(off.status, 200);
  EXPECT_EQ(off.json().at("attempt").at("deadline_ms").as_int64(), deadline + added);
  EXPECT_EQ(off.json().at("attempt").at("compensations").as_array().size(), 1u);
  EXPECT_NE(server->log().find("not given back"), std::string::npos) << server->log();
}

// The policy "ask": after a crash that outlasted an attempt's deadline, the attempt is neither
// given the time nor submitted until the operator answers; then it is given the time (or, if the
// operator declines, submitted by the deadline sweep at once).
class AskTest : public ::testing::TestWithParam<bool> {};

TEST_P(AskTest, TheOperatorDecidesWhetherAnOutageIsGivenBack) {
  const bool give_back = GetParam();
  TempDir dir;
  auto server = std::make_unique<ChildServer>(dir.path(), Config("ask"), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient teacher(server->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  // Closes in 3 s: the attempt's deadline is the close, and passes while the server is down.
  ASSERT_EQ(teacher.Post("/api/exams", TestExamToml("ask-exam", -std::chrono::hours(1),
                                                     std::chrono::seconds(3))).status, 201);
  ASSERT_EQ(teacher.Post("/api/exams/ask-exam/publish").status, 200);
  HttpClient student(server->port());
  ASSERT_EQ(student.Login(StudentLogin(1), "student-demo").status, 200);
  auto a = student.Post("/api/exams/ask-exam/start");
  ASSERT_EQ(a.status, 200) << a.body;
  const std::string attempt = "/api/attempts/" + std::to_string(a.json().at("attempt").at("id").as_int64());
  const int64_t deadline = a.json().at("attempt").at("deadline_ms").as_int64();

  server->Stop(SIGKILL);
  // Down until the deadline (and its grace) is well past.
  const auto past = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline)) +
                    std::chrono::seconds(12);
  for (int i = 0; i < 400 && std::chrono::system_clock::now() < past; ++i) {
    PollPause(std::chrono::milliseconds(100));
  }
  server = std::make_unique<ChildServer>(dir.path(), Config("ask"), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  EXPECT_NE(server->log().find("the operator is asked whether to give it back"), std::string::npos);
  HttpClient op(server->port()), back(server->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  back.set_token(student.token());
  auto pending = op.Get("/api/admin/outages");
  ASSERT_EQ(pending.status, 200);
  const auto p = pending.json();
  ASSERT_EQ(p.at("pending").as_array().size(), 1u) << pending.body;
  EXPECT_EQ(p.at("pending").at(0).at("attempts").as_int64(), 1);
  auto held = back.Get(attempt).json().at("attempt");
  EXPECT_EQ(held.at("status").as_string(), "in_progress") << "held until the operator answers";
  EXPECT_TRUE(held.at("compensations").as_array().empty());
  EXPECT_EQ(op.Post("/api/admin/outages", R"({"give_back":"yes"})").status, 400);

  auto answer = op.Post("/api/admin/outages", give_back ? R"({"give_back":true})" : R"({"give_back":false})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.json().at("attempts_extended").as_int64(), give_back ? 1 : 0);
  EXPECT_EQ(op.Post("/api/admin/outages", R"({"give_back":true})").status, 409) << "answered once";
  EXPECT_TRUE(op.Get("/api/admin/outages").json().at("pending").as_array().empty());
  if (give_back) {
    auto after = back.Get(attempt).json().at("attempt");
    EXPECT_EQ(after.at("status").as_string(), "in_progress");
    ASSERT_EQ(after.at("compensations").as_array().size(), 1u);
    EXPECT_GT(after.at("deadline_ms").as_int64(), deadline);
    EXPECT_EQ(back.Put(attempt + "/answers/num", R"({"seq":1,"value":42})").status, 200)
        << "the student can go on";
  } else {
    // The sweep submits it now, by its old deadline.
    std::string status;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (status != "submitted" && std::chrono::steady_clock::now() < until) {
      status = std::string(back.Get(attempt).json().at("attempt").at("status").as_string());
      if (status != "submitted") PollPause(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(status, "submitted");
  }
  // A restart after the answer asks nothing again.
  server->Stop(SIGTERM);
  server = std::make_unique<ChildServer>(dir.path(), Config("auto"), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient op2(server->port());
  ASSERT_EQ(op2.Login("admin", "admin-demo").status, 200);
  EXPECT_TRUE(op2.Get("/api/admin/outages").json().at("pending").as_array().empty());
}

INSTANTIATE_TEST_SUITE_P(GiveBackOrNot, AskTest, ::testing::Bool());

}  // namespace
}  // namespace pupitre::testkit
