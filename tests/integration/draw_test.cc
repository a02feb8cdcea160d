// Random draws over HTTP: students of one exam get different questions of a group, each is
// told their own count and points, an answer to a question not drawn for them is refused, and
// the teacher's results leave those cells blank.
#include <gtest/gtest.h>

#include <set>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using DrawTest = DemoServerTest;

std::string DrawExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::string toml = fmt::format(
      "[exam]\nid = \"draw-exam\"\ntitle = \"Capitals\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n\n"
      "[[question]]\nid = \"everyone\"\ntype = \"truefalse\"\ntext = \"Paris is in France?\"\nanswer = true\n",
      now - std::chrono::hours(1), now + std::chrono::hours(24));
  for (const char* c : {"fr", "it", "es", "de", "pt", "be"}) {
    toml += fmt::format("[[question]]\nid = \"cap-{}\"\ngroup = \"capitals\"\ntype = \"short\"\n"
                        "text = \"Capital of {}?\"\nanswer = [\"x\"]\npoints = 2\n", c, c);
  }
  return toml + "[[group]]\nid = \"capitals\"\npick = 2\n";
}

// The question ids the attempt asks, in its order.
std::vector<std::string> Asked(const HttpResult& started) {
  std::vector<std::string> out;
  const boost::json::value body = started.json();  // kept: the loop reads into it
  for (const auto& q : body.at("attempt").at("order").at("questions").as_array()) {
    out.emplace_back(q.as_string());
  }
  return out;
}

TEST_F(DrawTest, EachStudentIsAskedTheirOwnDrawAndNothingElse) {
  const HttpResult imported = teacher_->Post("/api/exams", DrawExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/draw-exam/publish").status, 200);

  std::set<std::vector<std::string>> papers;
  std::set<std::string> etags;
  int64_t refused_attempt = 0;
  std::string not_drawn;
  for (int i = 1; i <= 12; ++i) {
    auto student = Student(i);
    const HttpResult started = student->Post("/api/exams/draw-exam/start");
    ASSERT_EQ(started.status, 200) << started.body;
    std::vector<std::string> asked = Asked(started);
    ASSERT_EQ(asked.size(), 3u) << started.body;
    EXPECT_NE(std::find(asked.begin(), asked.end(), "everyone"), asked.end());
    std::sort(asked.begin(), asked.end());
    papers.insert(asked);
    // Their paper holds their draw and nothing else: the other questions of the group are not
    // sent to them (not even without answers), and the teacher's paper holds every question.
    const HttpResult paper = student->Get("/api/exams/draw-exam/paper");
    ASSERT_EQ(paper.status, 200) << paper.body;
    std::vector<std::string> on_paper;
    const boost::json::value paper_json = paper.json();  // kept: the loop reads into it
    for (const auto& q : paper_json.at("questions").as_array()) {
      on_paper.emplace_back(q.at("id").as_string());
    }
    std::sort(on_paper.begin(), on_paper.end());
    EXPECT_EQ(on_paper, asked) << paper.body;
    etags.insert(paper.headers.count("etag") ? paper.headers.at("etag") : "");
    const HttpResult exam = student->Get("/api/exams/draw-exam");
    EXPECT_EQ(exam.json().at("exam").at("question_count").as_int64(), 3) << "their paper's";
    EXPECT_EQ(exam.json().at("exam").at("max_points").to_number<double>(), 5);
    if (i == 1) {
      // A question of the group not drawn for them: their answer to it is refused.
      refused_attempt = started.json().at("attempt").at("id").as_int64();
      for (const char* c : {"fr", "it", "es", "de", "pt", "be"}) {
        const std::string id = std::string("cap-") + c;
        if (std::find(asked.begin(), asked.end(), id) == asked.end()) not_drawn = id;
      }
      const HttpResult refused = student->Put(
          fmt::format("/api/attempts/{}/answers/{}", refused_attempt, not_drawn), R"({"seq":1,"value":"x"})");
      EXPECT_EQ(refused.status, 404) << refused.body;
      EXPECT_NE(refused.body.find("\"reason\":\"not_asked\""), std::string::npos) << refused.body;
      const std::string drawn = asked[0] == "everyone" ? asked[1] : asked[0];
      EXPECT_EQ(student->Put(fmt::format("/api/attempts/{}/answers/{}", refused_attempt, drawn),
                             R"({"seq":1,"value":"x"})").status, 200);
      ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", refused_attempt)).status, 200);
    }
  }
  EXPECT_GT(papers.size(), 3u) << "twelve students, fifteen possible draws: several differ";
  EXPECT_EQ(etags.size(), 12u) << "each attempt's paper is its own (a cache must not mix them)";
  const HttpResult whole = teacher_->Get("/api/exams/draw-exam/paper");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.json().at("questions").as_array().size(), 7u) << "the teacher sees every question";

  // The results: 2 points for the drawn answer, blank (not 0) where a question was not drawn.
  const HttpResult csv = teacher_->Get("/api/exams/draw-exam/results.csv");
  ASSERT_EQ(csv.status, 200);
  const std::string header = csv.body.substr(0, csv.body.find('\n'));
  std::vector<std::string> columns;
  for (size_t at = 0; at != std::string::npos;) {
    const size_t comma = header.find(',', at);
    columns.push_back(header.substr(at, comma == std::string::npos ? comma : comma - at));
    at = comma == std::string::npos ? comma : comma + 1;
  }
  const size_t row_start = csv.body.find("\nstudent0001,");
  ASSERT_NE(row_start, std::string::npos) << csv.body;
  const std::string row = csv.body.substr(row_start + 1, csv.body.find('\n', row_start + 1) - row_start - 1);
  std::vector<std::string> cells;
  for (size_t at = 0; at != std::string::npos;) {
    const size_t comma = row.find(',', at);
    cells.push_back(row.substr(at, comma == std::string::npos ? comma : comma - at));
    at = comma == std::string::npos ? comma : comma + 1;
  }
  ASSERT_EQ(cells.size(), columns.size()) << row;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == "points") EXPECT_EQ(cells[i], "2");
    if (columns[i] == "max_points") EXPECT_EQ(cells[i], "5");
    if (columns[i] == "points_" + not_drawn) EXPECT_EQ(cells[i], "") << "not drawn: blank";
  }
}

}  // namespace
}  // namespace pupitre::testkit
