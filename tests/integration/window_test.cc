// The operator extends an exam's window: attempts cut short by the old close get their full
// time, and the change survives a restart.
#include <gtest/gtest.h>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

TEST(WindowTest, ExtendingTheWindowGivesCutShortAttemptsTheirFullTime) {
  TempDir dir;
  auto server = std::make_unique<ChildServer>(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient teacher(server->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  // 30-minute exam, but the window closes in 10 minutes.
  auto imported = teacher.Post(
      "/api/exams", TestExamToml("short-window", -std::chrono::hours(1), std::chrono::minutes(10)));
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher.Post("/api/exams/short-window/publish").status, 200);
  const int64_t closes = imported.json().at("exam").at("closes_ms").as_int64();

  HttpClient student(server->port());
  ASSERT_EQ(student.Login("student0001", "student-demo").status, 200);
  auto start = student.Post("/api/exams/short-window/start");
  ASSERT_EQ(start.status, 200) << start.body;
  const auto attempt = start.json().at("attempt");
  const int64_t id = attempt.at("id").as_int64();
  const int64_t started = attempt.at("started_ms").as_int64();
  ASSERT_EQ(attempt.at("deadline_ms").as_int64(), closes) << "the close should cap the deadline";

  HttpClient op(server->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  const int64_t later = closes + 60 * 60'000;
  EXPECT_EQ(student.Put("/api/admin/exams/short-window/window",
                        fmt::format(R"({{"closes_ms":{}}})", later)).status,
            403);
  auto earlier = op.Put("/api/admin/exams/short-window/window",
                        fmt::format(R"({{"closes_ms":{}}})", closes - 60'000));
  EXPECT_EQ(earlier.status, 422) << "a window can only be extended";
  auto extended = op.Put("/api/admin/exams/short-window/window",
                         fmt::format(R"({{"closes_ms":{}}})", later));
  ASSERT_EQ(extended.status, 200) << extended.body;
  EXPECT_EQ(extended.json().at("attempts_extended").as_int64(), 1);
  EXPECT_EQ(extended.json().at("exam").at("closes_ms").as_int64(), later);

  auto after = student.Get(fmt::format("/api/attempts/{}", id));
  EXPECT_EQ(after.json().at("attempt").at("deadline_ms").as_int64(), started + 30 * 60'000);

  ASSERT_EQ(server->Stop(SIGTERM), 0);
  server = std::make_unique<ChildServer>(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient again(server->port());
  ASSERT_EQ(again.Login("student0001", "student-demo").status, 200);
  auto reloaded = again.Get(fmt::format("/api/attempts/{}", id));
  ASSERT_EQ(reloaded.status, 200);
  EXPECT_EQ(reloaded.json().at("attempt").at("deadline_ms").as_int64(), started + 30 * 60'000)
      << "the extension was not durable";
  auto exam = again.Get("/api/exams/short-window");
  EXPECT_EQ(exam.json().at("exam").at("closes_ms").as_int64(), later);
}

}  // namespace
}  // namespace pupitre::testkit
