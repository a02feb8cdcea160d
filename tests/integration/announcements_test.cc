// Announcements against the real binary: who may post where, what is counted unread, read
// markers that only move forward, and all of it after a restart.
#include <gtest/gtest.h>
#include <signal.h>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

class AnnouncementsTest : public DemoServerTest {};

TEST_F(AnnouncementsTest, PostedToTheRightPeopleCountedUntilReadAndKept) {
  auto student = Student(1);
  ASSERT_EQ(teacher_->Post("/api/courses", R"({"id":"geo","title":"Geography"})").status, 201);
  auto a = teacher_->Post("/api/courses/demo-course/announcements", R"({"title":"One","body":"*x*"})");
  ASSERT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json().at("announcement").at("html").as_string(), "<p><em>x</em></p>\n");
  ASSERT_EQ(teacher_->Post("/api/courses/demo-course/announcements", R"({"title":"Two"})").status, 201);
  ASSERT_EQ(teacher_->Post("/api/courses/geo/announcements", R"({"title":"Not yours"})").status, 201);
  EXPECT_EQ(student->Post("/api/courses/demo-course/announcements", R"({"title":"Me"})").status, 403);
  EXPECT_EQ(student->Post("/api/announcements", R"({"title":"Me"})").status, 403) << "operators only";
  EXPECT_EQ(teacher_->Post("/api/courses/demo-course/announcements", R"({"title":" "})").status, 422);
  EXPECT_EQ(student->Get("/api/courses/geo/announcements").status, 404) << "not their course";

  auto mine = student->Get("/api/announcements").json();
  EXPECT_EQ(mine.at("unread_total").as_int64(), 2);
  ASSERT_EQ(mine.at("announcements").as_array().size(), 2u) << "not another course's";
  EXPECT_EQ(mine.at("announcements").at(0).at("title").as_string(), "Two") << "newest first";
  const int64_t newest = mine.at("announcements").at(0).at("id").as_int64();
  const int64_t oldest = mine.at("announcements").at(1).at("id").as_int64();
  ASSERT_EQ(student->Put("/api/announcements/read",
                         R"({"course":"demo-course","up_to":)" + std::to_string(newest) + "}")
                .status,
            200);
  ASSERT_EQ(student->Put("/api/announcements/read",
                         R"({"course":"demo-course","up_to":)" + std::to_string(oldest) + "}")
                .status,
            200);
  EXPECT_EQ(student->Get("/api/announcements").json().at("unread_total").as_int64(), 0)
      << "a marker never moves back";
  EXPECT_EQ(teacher_->Get("/api/announcements").json().at("unread_total").as_int64(), 0)
      << "the author has read their own";

  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  ASSERT_EQ(op.Post("/api/announcements", R"({"title":"For everyone"})").status, 201);
  ASSERT_EQ(server_->Stop(SIGKILL), -SIGKILL);
  ASSERT_TRUE(server_->Start()) << server_->log();
  HttpClient again(server_->port());
  again.set_token(student->token());
  auto after = again.Get("/api/announcements").json();
  EXPECT_EQ(after.at("unread_total").as_int64(), 1) << "the markers and the new one, kept";
  EXPECT_EQ(after.at("announcements").at(0).at("title").as_string(), "For everyone");
}

}  // namespace
}  // namespace pupitre::testkit
