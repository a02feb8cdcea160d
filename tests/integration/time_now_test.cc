// More time now, against the real binary: a teacher adds minutes to attempts already running
// (everyone, or the logins named); the deadline moves, durably, with a record of it; the next
// save's answer carries the new deadline; submitted attempts are left alone.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using TimeNowTest = DemoServerTest;

TEST_F(TimeNowTest, RunningAttemptsGetTheTimeAndTheirPagesLearnIt) {
  auto a = Student(1), b = Student(2), c = Student(3);
  const int64_t ida = StartExam(*a), idb = StartExam(*b), idc = StartExam(*c);
  ASSERT_GT(ida, 0);
  ASSERT_EQ(c->Post("/api/attempts/" + std::to_string(idc) + "/submit").status, 200);
  auto deadline = [&](HttpClient& cl, int64_t id) {
    return cl.Get("/api/attempts/" + std::to_string(id)).json().at("attempt").at("deadline_ms").as_int64();
  };
  const int64_t da = deadline(*a, ida), db = deadline(*b, idb), dc = deadline(*c, idc);

  // Refused clearly: a student, bad minutes, unknown or empty logins.
  EXPECT_EQ(a->Post("/api/exams/test-exam/time", R"({"minutes":10})").status, 403);
  EXPECT_EQ(teacher_->Post("/api/exams/test-exam/time", R"({"minutes":0})").status, 422);
  EXPECT_EQ(teacher_->Post("/api/exams/test-exam/time", R"({"minutes":1441})").status, 422);
  EXPECT_EQ(teacher_->Post("/api/exams/test-exam/time", R"({"minutes":5,"logins":["nobody"]})").status, 404);
  EXPECT_EQ(teacher_->Post("/api/exams/test-exam/time", R"({"minutes":5,"logins":[]})").status, 400);
  EXPECT_EQ(teacher_->Post("/api/exams/no-such/time", R"({"minutes":5})").status, 404);

  // One student.
  auto one = teacher_->Post("/api/exams/test-exam/time",
                            R"({"minutes":5,"logins":[")" + StudentLogin(2) + R"("]})");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json().at("attempts_extended").as_int64(), 1);
  EXPECT_EQ(deadline(*b, idb), db + 5 * 60'000);
  EXPECT_EQ(deadline(*a, ida), da);
  // Everyone taking it (the submitted one is not).
  auto all = teacher_->Post("/api/exams/test-exam/time", R"({"minutes":10})");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json().at("attempts_extended").as_int64(), 2);
  EXPECT_EQ(deadline(*a, ida), da + 10 * 60'000);
  EXPECT_EQ(deadline(*b, idb), db + 15 * 60'000);
  EXPECT_EQ(deadline(*c, idc), dc);
  // The page learns it with its next save.
  auto save = Save(*a, ida, "num", 1, "42.2");
  ASSERT_EQ(save.status, 200);
  EXPECT_EQ(save.json().at("deadline_ms").as_int64(), da + 10 * 60'000);
  auto seen = a->Get("/api/attempts/" + std::to_string(ida)).json();
  ASSERT_EQ(seen.at("attempt").at("time_added").as_array().size(), 1u);
  EXPECT_EQ(seen.at("attempt").at("time_added").at(0).at("added_ms").as_int64(), 10 * 60'000);

  // Durable: after a crash, the same deadlines and records.
  server_->Stop(SIGKILL);
  ChildServer again(dir_.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient back(again.port());
  back.set_token(b->token());
  auto r = back.Get("/api/attempts/" + std::to_string(idb)).json().at("attempt");
  // (A crash is also an outage: give or take what the platform was down.)
  const int64_t outage = r.at("compensations").as_array().empty()
                             ? 0 : r.at("compensations").at(0).at("added_ms").as_int64();
  EXPECT_EQ(r.at("deadline_ms").as_int64(), db + 15 * 60'000 + outage);
  EXPECT_EQ(r.at("time_added").as_array().size(), 2u);
}

}  // namespace
}  // namespace pupitre::testkit
