// The course space's door against the real binary: while the operator holds a line (or the
// platform is full, or an exam is starting), students new to the course space get a place in
// one site-wide line with an estimate, never a refusal; whoever is inside stays inside; teachers
// go in; the line moves at its rate and each student goes in by asking again.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>

#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"
#include "testkit/poll.h"

namespace pupitre::testkit {
namespace {

TEST(CourseDoorTest, WhenTheLineIsOnNewcomersGetAPlaceAndGoInAtItsRate) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig() + "[course]\nentry_rate = 1\n", /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string outline = "/api/courses/demo-course/outline";
  auto student = [&](int i) {
    auto c = std::make_unique<HttpClient>(server.port());
    EXPECT_EQ(c->Login(StudentLogin(i), "student-demo").status, 200);
    return c;
  };
  auto inside = student(2);
  ASSERT_EQ(inside->Get(outline).status, 200) << "room: everyone goes in";

  HttpClient op(server.port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto held = op.Put("/api/admin/course-door", R"({"hold":true})");
  ASSERT_EQ(held.status, 200) << held.body;
  EXPECT_TRUE(held.json().at("line").as_bool());
  EXPECT_EQ(op.Put("/api/admin/course-door", R"({"hold":"yes"})").status, 400);

  EXPECT_EQ(inside->Get(outline).status, 200) << "who is inside stays inside";
  auto first = student(3), second = student(4), third = student(5);
  EXPECT_EQ(first->Get(outline).status, 200) << "the line's first second lets one in";
  auto w2 = second->Get(outline);
  ASSERT_EQ(w2.status, 202) << w2.body;
  EXPECT_EQ(w2.json().at("course_line").at("position").as_int64(), 1);
  EXPECT_TRUE(w2.json().at("course_line").at("eta_ms").is_int64()) << "an estimate";
  EXPECT_EQ(third->Get(outline).json().at("course_line").at("position").as_int64(), 2);
  EXPECT_EQ(third->Get(outline).json().at("course_line").at("position").as_int64(), 2)
      << "asking again keeps the place";
  HttpClient teacher(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  EXPECT_EQ(teacher.Get(outline).status, 200) << "teachers go in";
  const std::string metrics = HttpClient(server.port()).Get("/metrics").body;
  EXPECT_EQ(MetricValue(metrics, "pupitre_course_line"), 1);
  EXPECT_EQ(MetricValue(metrics, "pupitre_course_line_waiting"), 2);

  // At one a second, each goes in by asking again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int status2 = 202, status3 = 202;
  while ((status2 != 200 || status3 != 200) && std::chrono::steady_clock::now() < deadline) {
    PollPause(std::chrono::milliseconds(250));
    if (status2 != 200) status2 = second->Get(outline).status;
    if (status3 != 200) status3 = third->Get(outline).status;
    ASSERT_TRUE(status2 == 200 || status2 == 202);
    ASSERT_TRUE(status3 == 200 || status3 == 202);
  }
  EXPECT_EQ(status2, 200);
  EXPECT_EQ(status3, 200);
  // The operator's hold outlives a restart; released, it stays released.
  ASSERT_EQ(server.Stop(SIGTERM), 0);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient op2(server.port());
  ASSERT_EQ(op2.Login("admin", "admin-demo").status, 200);
  EXPECT_TRUE(op2.Get("/api/admin/course-door").json().at("held").as_bool());
  auto released = op2.Put("/api/admin/course-door", R"({"hold":false})");
  ASSERT_EQ(released.status, 200);
  EXPECT_FALSE(released.json().at("held").as_bool());
}

}  // namespace
}  // namespace pupitre::testkit
