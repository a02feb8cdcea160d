// A gaps question over HTTP: the paper shows each gap's menu (never which choice is right, nor a
// typed gap's answers), a save gives one entry per gap, each gap earns its share, and the
// teacher's CSV and the student's review write the gaps' answers in words.
#include <gtest/gtest.h>

#include <algorithm>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using GapsTest = DemoServerTest;

std::string GapsExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "[exam]\nid = \"gaps-exam\"\ntitle = \"Legend\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n"
      "review = \"solutions\"\n\n"
      "[[question]]\nid = \"legend\"\ntype = \"gaps\"\npoints = 4\n"
      "text = \"The bandit killed her [[1]] and burned her [[2]].\"\n"
      "gaps = [{{ choices = [\"horse\", \"family\", \"castle\"], answer = \"family\" }},\n"
      "        {{ answer = [\"castle\", \"keep\"], credit = [1, 0.5] }}]\n",
      now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(GapsTest, EachGapEarnsItsShareAndReadsInWords) {
  auto imported = teacher_->Post("/api/exams", GapsExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/gaps-exam/publish").status, 200);

  auto student = Student(5);
  auto started = student->Post("/api/exams/gaps-exam/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/gaps-exam/paper");
  ASSERT_EQ(paper.status, 200);
  for (const char* secret : {"credit", "accepted", "keep"}) {
    EXPECT_EQ(paper.body.find(secret), std::string::npos) << secret << " reached a student";
  }
  const boost::json::value p = paper.json();
  const boost::json::value& gaps = p.at("questions").at(0).at("gaps");
  ASSERT_EQ(gaps.as_array().size(), 2u) << paper.body;
  EXPECT_EQ(boost::json::serialize(gaps.at(0).at("choices")), R"(["castle","family","horse"])");
  EXPECT_TRUE(gaps.at(1).at("typed").as_bool());

  // One entry per gap: the menu's index, the typed gap's text, or null.
  for (const char* bad :
       {"[1]", "[\"family\", \"castle\"]", "[3, \"castle\"]", "[1, 2]", "\"family\""}) {
    auto refused = Save(*student, attempt, "legend", 1, bad);
    EXPECT_EQ(refused.status, 422) << bad << ": " << refused.body;
  }
  // The menu right (family: 2 of 4), the typed gap worth half (keep: 1 of 4).
  ASSERT_EQ(Save(*student, attempt, "legend", 2, R"([1, "Keep"])").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  ASSERT_EQ(teacher_->Post("/api/exams/gaps-exam/release").status, 200);

  auto mine = student->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(mine.status, 200);
  const boost::json::value body = mine.json();
  const boost::json::value& result = body.at("attempt").at("result");
  EXPECT_DOUBLE_EQ(result.at("points").to_number<double>(), 3.0) << mine.body;
  const boost::json::value& item = result.at("items").at(0);
  EXPECT_EQ(boost::json::serialize(item.at("right")), R"([1,"castle"])") << mine.body;
  EXPECT_EQ(boost::json::serialize(item.at("gaps").at(0).at("choices")),
            R"(["castle","family","horse"])");

  auto csv = teacher_->Get("/api/exams/gaps-exam/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("family | Keep"), std::string::npos) << csv.body;
}

}  // namespace
}  // namespace pupitre::testkit
