// A Moodle calculated question over HTTP: a teacher uploads it into the course's bank, where its
// variants (one per dataset item) are filed in a category of their own; an exam drawing one of
// them gives each student one variant, its numbers in the text, graded against its own key.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using CalculatedImportTest = DemoServerTest;

std::string Item(int n, const char* value) {
  return fmt::format("<dataset_item><number>{}</number><value>{}</value></dataset_item>", n, value);
}

// As Moodle 4 exports it (question/format/xml), trimmed of the elements Pupitre does not read.
std::string SpeedXml() {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Physics</text></category></question>
  <question type="calculated">
    <name><text>Speed of a car</text></name>
    <questiontext format="html"><text><![CDATA[<p>A car drives {d} km in {t} h. Its average speed in km/h?</p>]]></text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>{d} / {t} = {={d}/{t}}</p>]]></text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <synchronize>0</synchronize>
    <single>0</single>
    <answer fraction="100">
      <text>{d} / {t}</text>
      <tolerance>0.01</tolerance>
      <tolerancetype>1</tolerancetype>
      <correctanswerformat>1</correctanswerformat>
      <correctanswerlength>1</correctanswerlength>
      <feedback format="html"><text></text></feedback>
    </answer>
    <unitgradingtype>0</unitgradingtype>
    <showunits>3</showunits>
    <dataset_definitions>
      <dataset_definition>
        <status><text>private</text></status><name><text>d</text></name><type>calculated</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>60</text></minimum><maximum><text>300</text></maximum>
        <decimals><text>0</text></decimals><itemcount>3</itemcount>
        <dataset_items>)") +
         Item(1, "120") + Item(2, "250") + Item(3, "90") + R"(</dataset_items>
        <number_of_items>3</number_of_items>
      </dataset_definition>
      <dataset_definition>
        <status><text>private</text></status><name><text>t</text></name><type>calculated</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>1</text></minimum><maximum><text>3</text></maximum>
        <decimals><text>1</text></decimals><itemcount>3</itemcount>
        <dataset_items>)" +
         Item(1, "1.5") + Item(2, "2") + Item(3, "3") + R"(</dataset_items>
        <number_of_items>3</number_of_items>
      </dataset_definition>
    </dataset_definitions>
  </question>
</quiz>
)";
}

TEST_F(CalculatedImportTest, EachStudentGetsOneVariantGradedAgainstItsOwnKey) {
  const HttpResult added = teacher_->Post("/api/courses/demo-course/bank", SpeedXml());
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json().at("format").as_string(), "moodle_xml");
  EXPECT_EQ(added.json().at("added").as_array().size(), 3u) << added.body;
  EXPECT_NE(added.body.find("one drawn for each student"), std::string::npos) << added.body;

  const HttpResult listed = teacher_->Get("/api/courses/demo-course/bank");
  ASSERT_EQ(listed.status, 200);
  const boost::json::value bank = listed.json();
  ASSERT_EQ(bank.at("categories").as_array().size(), 1u) << listed.body;
  EXPECT_EQ(bank.at("categories").at(0).at("name").as_string(), "Physics/Speed of a car");
  EXPECT_EQ(bank.at("categories").at(0).at("count").as_int64(), 3);

  // A file without categories: the variants' own category goes in the one the teacher names.
  std::string bare = SpeedXml();
  bare.erase(
      bare.find("  <question type=\"category\">"),
      bare.find("  <question type=\"calculated\">") - bare.find("  <question type=\"category\">"));
  const HttpResult spare = teacher_->Post("/api/courses/demo-course/bank?category=Spare", bare);
  ASSERT_EQ(spare.status, 201) << spare.body;
  const HttpResult both = teacher_->Get("/api/courses/demo-course/bank");
  EXPECT_NE(both.body.find(R"({"name":"Spare/Speed of a car","count":3})"), std::string::npos)
      << both.body;

  const HttpResult made = teacher_->Post(
      "/api/courses/demo-course/bank/exam",
      R"({"id":"speed","title":"Speed","draws":[{"category":"Physics/Speed of a car","pick":1}]})");
  ASSERT_EQ(made.status, 201) << made.body;
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  ASSERT_EQ(
      teacher_
          ->Send(boost::beast::http::verb::put, "/api/exams/speed/settings",
                 fmt::format(R"({{"opens_ms":{},"closes_ms":{}}})", now - 60'000, now + 3'600'000))
          .status,
      200);
  ASSERT_EQ(teacher_->Post("/api/exams/speed/publish").status, 200);

  // Each variant's numbers and key, as Moodle computes them.
  const std::map<std::string, std::pair<std::string, const char*>> variants = {
      {"Speed-of-a-car-v1", {"A car drives 120 km in 1.5 h.", "80.5"}},  // 80, within 1%
      {"Speed-of-a-car-v2", {"A car drives 250 km in 2 h.", "125"}},
      {"Speed-of-a-car-v3", {"A car drives 90 km in 3 h.", "30.2"}},  // 30, within 0.3
  };
  std::vector<std::unique_ptr<HttpClient>> students;
  std::map<int64_t, std::pair<size_t, std::string>> drawn;  // attempt → student, variant drawn
  for (int i = 1; i <= 4; ++i) {
    students.push_back(Student(i));
    HttpClient* student = students.back().get();
    const HttpResult started = student->Post("/api/exams/speed/start");
    ASSERT_EQ(started.status, 200) << started.body;
    const int64_t attempt = started.json().at("attempt").at("id").as_int64();
    const HttpResult paper = student->Get("/api/exams/speed/paper");
    ASSERT_EQ(paper.status, 200);
    const boost::json::value json = paper.json();
    ASSERT_EQ(json.at("questions").as_array().size(), 1u) << paper.body;
    const boost::json::value& q = json.at("questions").at(0);
    const std::string id(q.at("id").as_string());
    ASSERT_TRUE(variants.count(id)) << paper.body;
    EXPECT_NE(std::string(q.at("text").as_string()).find(variants.at(id).first), std::string::npos)
        << paper.body;
    EXPECT_FALSE(q.as_object().contains("right") || q.as_object().contains("tolerance"))
        << "no key on the paper: " << paper.body;
    ASSERT_EQ(Save(*student, attempt, id, 1, variants.at(id).second).status, 200);
    ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
    drawn[attempt] = {students.size() - 1, id};
  }

  // Released: each answered their own variant right, for its 2 points.
  ASSERT_EQ(teacher_->Post("/api/exams/speed/release").status, 200);
  for (const auto& [attempt, seen] : drawn) {
    const auto& [student, id] = seen;
    const HttpResult mine = students[student]->Get(fmt::format("/api/attempts/{}", attempt));
    ASSERT_EQ(mine.status, 200) << mine.body;
    const boost::json::value body = mine.json();
    EXPECT_DOUBLE_EQ(body.at("attempt").at("result").at("questions").at(id).to_number<double>(), 2)
        << mine.body;
  }
}

}  // namespace
}  // namespace pupitre::testkit
