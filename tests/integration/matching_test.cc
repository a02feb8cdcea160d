// A matching question over HTTP: the paper lists items and choices but never the key, a save
// must give one choice (or null) per item, grading gives each item matched right its share, and
// the teacher's CSV and the student's review say the pairs in words.
#include <gtest/gtest.h>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using MatchingTest = DemoServerTest;

std::string MatchingExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "[exam]\nid = \"match-exam\"\ntitle = \"Capitals\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n"
      "review = \"solutions\"\n\n"
      "[[question]]\nid = \"capitals\"\ntype = \"matching\"\ntext = \"Match each country.\"\n"
      "points = 3\npairs = [[\"France\", \"Paris\"], [\"Italy\", \"Rome\"], [\"Spain\", "
      "\"Madrid\"]]\ndistractors = [\"Lisbon\"]\n",
      now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(MatchingTest, ItemsMatchedRightEarnTheirShare) {
  auto imported = teacher_->Post("/api/exams", MatchingExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/match-exam/publish").status, 200);

  auto student = Student(4);
  auto started = student->Post("/api/exams/match-exam/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/match-exam/paper");
  ASSERT_EQ(paper.status, 200);
  EXPECT_NE(paper.body.find(R"("options":["France","Italy","Spain"])"), std::string::npos)
      << paper.body;
  EXPECT_NE(paper.body.find(R"("choices":["Lisbon","Madrid","Paris","Rome"])"),
            std::string::npos)
      << paper.body;
  EXPECT_EQ(paper.body.find("match_key"), std::string::npos) << "the key never reaches a student";

  // One entry per item, each a choice index or null.
  for (const char* bad : {"[2, 3]", "[2, 3, 9]", "[\"Paris\", 3, 1]"}) {
    auto refused = Save(*student, attempt, "capitals", 1, bad);
    EXPECT_EQ(refused.status, 422) << bad << ": " << refused.body;
  }
  ASSERT_EQ(Save(*student, attempt, "capitals", 2, "[2, 0, null]").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  ASSERT_EQ(teacher_->Post("/api/exams/match-exam/release").status, 200);

  auto mine = student->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(mine.status, 200);
  const boost::json::value body = mine.json();
  const boost::json::value& result = body.at("attempt").at("result");
  EXPECT_DOUBLE_EQ(result.at("points").to_number<double>(), 1.0) << mine.body;
  const boost::json::value& item = result.at("items").at(0);
  EXPECT_EQ(boost::json::serialize(item.at("right")), "[2,3,1]") << mine.body;
  EXPECT_EQ(boost::json::serialize(item.at("answer")), "[2,0,null]") << mine.body;

  auto csv = teacher_->Get("/api/exams/match-exam/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("France -> Paris; Italy -> Lisbon"), std::string::npos) << csv.body;

  // The same result for Moodle's gradebook, its grade item named by the teacher.
  auto moodle = teacher_->Get("/api/exams/match-exam/results-moodle.xml?item=capitals-quiz");
  ASSERT_EQ(moodle.status, 200);
  EXPECT_NE(moodle.body.find("<assignment>capitals-quiz</assignment>\n    <student>student0004"
                             "</student>\n    <score>1</score>"),
            std::string::npos)
      << moodle.body;
  EXPECT_EQ(student->Get("/api/exams/match-exam/results-moodle.xml").status, 403);
}

}  // namespace
}  // namespace pupitre::testkit
