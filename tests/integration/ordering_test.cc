// An ordering question over HTTP: the paper lists the items in an order that is never the right
// one and never the key, a save must give every item once, grading gives each item in its right
// place its share, and the teacher's CSV and the student's review say the order in words.
#include <gtest/gtest.h>

#include <algorithm>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using OrderingTest = DemoServerTest;

std::string OrderingExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "[exam]\nid = \"order-exam\"\ntitle = \"Farming\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n"
      "review = \"solutions\"\n\n"
      "[[question]]\nid = \"steps\"\ntype = \"ordering\"\ntext = \"Order the steps.\"\n"
      "points = 3\noptions = [\"Plough\", \"Harrow\", \"Sow\"]\n",
      now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(OrderingTest, EachItemInItsRightPlaceEarnsItsShare) {
  auto imported = teacher_->Post("/api/exams", OrderingExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/order-exam/publish").status, 200);

  auto student = Student(4);
  auto started = student->Post("/api/exams/order-exam/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/order-exam/paper");
  ASSERT_EQ(paper.status, 200);
  EXPECT_EQ(paper.body.find("order_key"), std::string::npos) << "the key never reaches a student";
  EXPECT_EQ(paper.body.find(R"(["Plough","Harrow","Sow"])"), std::string::npos)
      << "nor the right order: " << paper.body;
  const boost::json::value p = paper.json();
  std::vector<std::string> options;
  for (const auto& o : p.at("questions").at(0).at("options").as_array()) {
    options.emplace_back(o.as_string());
  }
  ASSERT_EQ(options.size(), 3u);
  const auto index = [&](const char* item) {
    return std::find(options.begin(), options.end(), item) - options.begin();
  };

  // Every item once, nothing else.
  for (const char* bad : {"[0, 1]", "[0, 0, 1]", "[0, 1, 3]", "[\"Plough\", 1, 2]", "2"}) {
    auto refused = Save(*student, attempt, "steps", 1, bad);
    EXPECT_EQ(refused.status, 422) << bad << ": " << refused.body;
  }
  // Plough first (right), then Sow and Harrow (swapped): one item in its place of three.
  const std::string given = fmt::format("[{}, {}, {}]", index("Plough"), index("Sow"), index("Harrow"));
  ASSERT_EQ(Save(*student, attempt, "steps", 2, given).status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  ASSERT_EQ(teacher_->Post("/api/exams/order-exam/release").status, 200);

  auto mine = student->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(mine.status, 200);
  const boost::json::value body = mine.json();
  const boost::json::value& result = body.at("attempt").at("result");
  EXPECT_DOUBLE_EQ(result.at("points").to_number<double>(), 1.0) << mine.body;
  const boost::json::value& item = result.at("items").at(0);
  EXPECT_EQ(boost::json::serialize(item.at("right")),
            fmt::format("[{},{},{}]", index("Plough"), index("Harrow"), index("Sow")))
      << mine.body;

  auto csv = teacher_->Get("/api/exams/order-exam/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("Plough > Sow > Harrow"), std::string::npos) << csv.body;
}

}  // namespace
}  // namespace pupitre::testkit
