// A numeric question with units over HTTP: the paper lists the units (never their multipliers),
// a save gives {"value", "unit"} with one of them or none, an unknown unit is refused, grading
// converts and charges a missing unit its penalty, and the CSV and the review say the unit.
#include <gtest/gtest.h>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using UnitsTest = DemoServerTest;

std::string DoorExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "[exam]\nid = \"door\"\ntitle = \"Doors\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n"
      "review = \"solutions\"\n\n"
      "[[question]]\nid = \"height\"\ntype = \"numeric\"\ntext = \"How tall is the door?\"\n"
      "points = 2\nanswer = 2\ntolerance = 0.05\nunits = [[\"m\", 1], [\"cm\", 100]]\n"
      "unit_penalty = 0.25\n\n"
      "[[question]]\nid = \"width\"\ntype = \"numeric\"\ntext = \"How wide?\"\n"
      "answer = 0.9\ntolerance = 0.05\nunits = [[\"m\", 1], [\"cm\", 100]]\nunit_penalty = 0.5\n",
      now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(UnitsTest, AnswersInAnyOfTheUnitsAreConvertedAndAMissingUnitCostsItsPenalty) {
  auto imported = teacher_->Post("/api/exams", DoorExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/door/publish").status, 200);

  auto student = Student(9);
  auto started = student->Post("/api/exams/door/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/door/paper");
  ASSERT_EQ(paper.status, 200);
  EXPECT_NE(paper.body.find(R"("units":["m","cm"])"), std::string::npos) << paper.body;
  EXPECT_EQ(paper.body.find("multiplier"), std::string::npos) << paper.body;

  auto unknown = Save(*student, attempt, "height", 1, R"({"value": 2, "unit": "ft"})");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_NE(unknown.body.find("not one of the question's units"), std::string::npos) << unknown.body;
  ASSERT_EQ(Save(*student, attempt, "height", 2, R"({"value": 201, "unit": "cm"})").status, 200);
  ASSERT_EQ(Save(*student, attempt, "width", 1, "0.9").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);

  auto csv = teacher_->Get("/api/exams/door/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(",201 cm,"), std::string::npos) << csv.body;

  ASSERT_EQ(teacher_->Post("/api/exams/door/release").status, 200);
  auto mine = student->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(mine.status, 200);
  const boost::json::value body = mine.json();
  const boost::json::value& result = body.at("attempt").at("result");
  EXPECT_DOUBLE_EQ(result.at("questions").at("height").to_number<double>(), 2) << mine.body;
  EXPECT_DOUBLE_EQ(result.at("questions").at("width").to_number<double>(), 0.5)
      << "no unit: half of the point";
  const auto& first = result.at("items").at(0);
  EXPECT_EQ(first.at("right").at("unit").as_string(), "m") << mine.body;
  EXPECT_EQ(first.at("answer").at("unit").as_string(), "cm");
}

}  // namespace
}  // namespace pupitre::testkit
