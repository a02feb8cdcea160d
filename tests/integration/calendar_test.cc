// The calendar against the real binary: a student's homework due times (with extra time) and
// exams, as JSON and as an iCalendar feed at a private address that works without a session,
// refuses a forged or old address, and can be replaced.
#include <gtest/gtest.h>

#include <chrono>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

class CalendarTest : public DemoServerTest {};

TEST_F(CalendarTest, DueTimesAndExamsAsJsonAndAsAPrivateFeed) {
  const int64_t due = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() +
                      86'400'000;
  auto item = teacher_->Post("/api/courses/demo-course/sections/1/items",
                             R"({"kind":"homework","title":"Map, rivers; and seas","rules":{"due_ms":)" +
                                 std::to_string(due) + "}}");
  ASSERT_EQ(item.status, 201) << item.body;
  auto student = Student(4);
  auto cal = student->Get("/api/calendar");
  ASSERT_EQ(cal.status, 200) << cal.body;
  bool homework = false, exam = false;
  const boost::json::value events = cal.json();  // kept: the loop reads into it
  for (const auto& e : events.at("events").as_array()) {
    if (e.at("kind").as_string() == "homework") {
      homework = true;
      EXPECT_EQ(e.at("end_ms").as_int64(), due);
      EXPECT_EQ(e.at("state").as_string(), "missing");
    }
    if (e.at("kind").as_string() == "exam" && e.at("title").as_string() != "") exam = true;
  }
  EXPECT_TRUE(homework) << cal.body;
  EXPECT_TRUE(exam) << cal.body;

  auto link = student->Get("/api/calendar/link");
  ASSERT_EQ(link.status, 200);
  const std::string path(link.json().at("path").as_string());
  HttpClient app(server_->port());  // a calendar app: no session
  auto feed = app.Get(path);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.headers["content-type"], "text/calendar; charset=utf-8");
  EXPECT_NE(feed.body.find("BEGIN:VCALENDAR\r\n"), std::string::npos);
  EXPECT_NE(feed.body.find("SUMMARY:Due: Map\\, rivers\\; and seas (Demo course)\r\n"), std::string::npos)
      << feed.body;
  EXPECT_NE(feed.body.find("SUMMARY:Exam: "), std::string::npos);

  std::string forged = path;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'a' ? 'b' : 'a';
  EXPECT_EQ(app.Get(forged).status, 404);
  auto other = student->Get("/api/calendar/link");  // the same address while not reset
  EXPECT_EQ(other.json().at("path").as_string(), path);
  auto reset = student->Post("/api/calendar/link/reset");
  ASSERT_EQ(reset.status, 200);
  const std::string fresh(reset.json().at("path").as_string());
  EXPECT_NE(fresh, path);
  EXPECT_EQ(app.Get(path).status, 404) << "the old address stopped working";
  EXPECT_EQ(app.Get(fresh).status, 200);
}

}  // namespace
}  // namespace pupitre::testkit
