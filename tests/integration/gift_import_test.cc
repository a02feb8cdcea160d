// Questions from Moodle (GIFT) through the exam import over HTTP: imported into the exam file,
// taken by a student, graded as Moodle grades partial credit; what GIFT cannot make a question
// of is refused with its line.
#include <gtest/gtest.h>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using GiftImportTest = DemoServerTest;

std::string GiftExam(const std::string& gift) {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "gift = '''\n{}'''\n[exam]\nid = \"gift-exam\"\ntitle = \"From Moodle\"\n"
      "course = \"demo-course\"\nopens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\n"
      "duration_minutes = 30\n",
      gift, now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(GiftImportTest, PartialCreditFromMoodleIsGradedAsMoodleGradesIt) {
  const std::string toml = GiftExam(
      "// from Moodle's documentation\n"
      "::weighted:: Difficult question.{~wrong answer ~%50%half credit answer =full credit "
      "answer}\n"
      "\n"
      "::town:: Jesus Christ was from {=Nazareth =%75%Nazereth =%25%Bethlehem}.\n"
      "\n"
      "::author:: Who wrote Hamlet? {=*Shakespeare*}\n");
  auto imported = teacher_->Post("/api/exams", toml);
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/gift-exam/publish").status, 200);

  auto student = Student(3);
  auto started = student->Post("/api/exams/gift-exam/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/gift-exam/paper");
  ASSERT_EQ(paper.status, 200);
  EXPECT_NE(paper.body.find("Jesus Christ was from _____."), std::string::npos) << paper.body;
  EXPECT_EQ(paper.body.find("Nazereth"), std::string::npos) << "the key never reaches a student";
  ASSERT_EQ(Save(*student, attempt, "weighted", 1, "1").status, 200);
  ASSERT_EQ(Save(*student, attempt, "town", 2, "\"nazereth\"").status, 200);
  ASSERT_EQ(Save(*student, attempt, "author", 3, "\"William Shakespeare\"").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  ASSERT_EQ(teacher_->Post("/api/exams/gift-exam/release").status, 200);

  auto mine = student->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(mine.status, 200);
  const boost::json::value body = mine.json();
  const auto& result = body.at("attempt").at("result");
  EXPECT_DOUBLE_EQ(result.at("points").to_number<double>(), 0.5 + 0.75 + 1) << mine.body;
  EXPECT_DOUBLE_EQ(result.at("max_points").to_number<double>(), 3.0);
  // Moodle's '*' is any text: the right answer is shown as Moodle shows it, without its stars.
  auto graded = teacher_->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(graded.status, 200);
  EXPECT_NE(graded.body.find(R"("right":["shakespeare"])"), std::string::npos) << graded.body;
}

TEST_F(GiftImportTest, WhatGiftCannotSayIsRefusedWithItsLine) {
  const std::string toml = GiftExam(
      "Two plus two? {#4}\n"
      "\n"
      "Pair {=a -> b}\n");
  auto refused = teacher_->Post("/api/exams", toml);
  ASSERT_EQ(refused.status, 422) << refused.body;
  const boost::json::value body = refused.json();
  const auto& problems = body.at("error").at("problems").as_array();
  ASSERT_EQ(problems.size(), 1u) << refused.body;
  EXPECT_EQ(problems[0].at("line").as_int64(), 4) << "GIFT line 3, file line 4";
  EXPECT_EQ(problems[0].at("reason").as_string(), "bank");
  EXPECT_NE(refused.body.find("a matching question needs two pairs at least"), std::string::npos)
      << refused.body;
  EXPECT_EQ(teacher_->Get("/api/exams/gift-exam").status, 404) << "nothing was stored";
}

}  // namespace
}  // namespace pupitre::testkit
