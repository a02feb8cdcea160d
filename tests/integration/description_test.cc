// A description over HTTP: a text to read in its place on the paper (Moodle's "description", a
// QTI item without interaction), worth nothing, never answered: a save to it is refused, the
// results have no column for it, and the review shows it as a text.
#include <gtest/gtest.h>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using DescriptionTest = DemoServerTest;

std::string ReadingExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "[exam]\nid = \"reading\"\ntitle = \"Reading\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n"
      "review = \"solutions\"\n\n"
      "[[question]]\nid = \"passage\"\ntype = \"description\"\n"
      "text = \"The Loire is the longest river in France.\"\n\n"
      "[[question]]\nid = \"river\"\ntype = \"short\"\ntext = \"Which is the longest river?\"\n"
      "answer = \"Loire\"\npoints = 2\n",
      now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(DescriptionTest, ATextIsReadInItsPlaceAndNeverAnswered) {
  auto imported = teacher_->Post("/api/exams", ReadingExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/reading/publish").status, 200);
  auto exam = teacher_->Get("/api/exams/reading");
  ASSERT_EQ(exam.status, 200);
  EXPECT_EQ(exam.json().at("exam").at("question_count").as_int64(), 1) << exam.body;
  EXPECT_DOUBLE_EQ(exam.json().at("exam").at("max_points").to_number<double>(), 2);

  auto student = Student(7);
  auto started = student->Post("/api/exams/reading/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/reading/paper");
  ASSERT_EQ(paper.status, 200);
  const boost::json::value sheet = paper.json();
  const auto& first = sheet.at("questions").at(0);
  EXPECT_EQ(first.at("type").as_string(), "description") << paper.body;
  EXPECT_EQ(first.at("text").as_string(), "The Loire is the longest river in France.");

  auto refused = Save(*student, attempt, "passage", 1, "\"I read it\"");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("a description takes no answer"), std::string::npos) << refused.body;
  ASSERT_EQ(Save(*student, attempt, "river", 1, "\"loire\"").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);

  auto csv = teacher_->Get("/api/exams/reading/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.find("passage"), std::string::npos) << "a column for the text: " << csv.body;
  EXPECT_NE(csv.body.find("points_river"), std::string::npos) << csv.body;

  ASSERT_EQ(teacher_->Post("/api/exams/reading/release").status, 200);
  auto mine = student->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(mine.status, 200);
  const boost::json::value body = mine.json();
  const boost::json::value& result = body.at("attempt").at("result");
  EXPECT_DOUBLE_EQ(result.at("points").to_number<double>(), 2) << mine.body;
  EXPECT_DOUBLE_EQ(result.at("max_points").to_number<double>(), 2);
  EXPECT_FALSE(result.at("questions").as_object().contains("passage")) << "points for a text";
  const auto& items = result.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("type").as_string(), "description");
  EXPECT_TRUE(items[0].at("answer").is_null());
}

}  // namespace
}  // namespace pupitre::testkit
