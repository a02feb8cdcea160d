// After a crash, attempts that were in progress get the time the platform was down added to
// their deadline, recorded with it; submitted ones do not; the policy can turn it off.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "testkit/exam_fixture.h"

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

}  // namespace
}  // namespace pupitre::testkit
