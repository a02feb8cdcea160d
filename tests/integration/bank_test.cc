// A course's question bank over HTTP: a teacher uploads a GIFT file into it (its categories
// kept), sees it by category, removes a question, makes a draft exam of chosen questions and a
// category drawn from for each student; the bank outlives a restart; students and other
// courses' people cannot reach it.
#include <gtest/gtest.h>

#include <set>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using BankTest = DemoServerTest;

constexpr const char* kGift = R"(// Geography, as Moodle writes it
$CATEGORY: $course$/top/Geography/Capitals

::paris::Capital of France? {=Paris ~Lyon ~Nice}

::rome::Capital of Italy? {=Rome ~Milan ~Turin}

::madrid::Capital of Spain? {=Madrid ~Seville ~Bilbao}

::berlin::Capital of Germany? {=Berlin ~Bonn ~Munich}

$CATEGORY: $course$/top/Geography/Rivers

::nile::The Nile is in Africa. {T}

::loire::The Loire is the longest river of France. {T}
)";

std::map<std::string, int64_t> Categories(const HttpResult& listed) {
  std::map<std::string, int64_t> out;
  const boost::json::value body = listed.json();  // kept: the loop reads into it
  for (const auto& c : body.at("categories").as_array()) {
    out[std::string(c.at("name").as_string())] = c.at("count").as_int64();
  }
  return out;
}

TEST_F(BankTest, ATeacherKeepsQuestionsAndMakesAnExamThatDrawsFromACategory) {
  const HttpResult added = teacher_->Post("/api/courses/demo-course/bank", kGift);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json().at("format").as_string(), "gift");
  EXPECT_EQ(added.json().at("added").as_array().size(), 6u);

  HttpResult listed = teacher_->Get("/api/courses/demo-course/bank");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Categories(listed), (std::map<std::string, int64_t>{{"Geography/Capitals", 4}, {"Geography/Rivers", 2}}));
  EXPECT_EQ(listed.body.find("\"answer\""), std::string::npos) << "the listing is the paper's form";

  // The same file again: its ids are taken, so its questions get new ones.
  const HttpResult again = teacher_->Post("/api/courses/demo-course/bank?category=Spare", kGift);
  ASSERT_EQ(again.status, 201) << again.body;
  std::set<std::string> ids;
  const boost::json::value again_json = again.json();  // kept: the loop reads into it
  for (const auto& id : again_json.at("added").as_array()) ids.insert(std::string(id.as_string()));
  EXPECT_TRUE(ids.count("paris-2")) << again.body;
  for (const auto& id : ids) {
    const HttpResult removed = teacher_->Send(boost::beast::http::verb::delete_,
                                              "/api/courses/demo-course/bank/" + id);
    EXPECT_EQ(removed.status, 200) << removed.body;
  }
  const HttpResult gone = teacher_->Send(boost::beast::http::verb::delete_, "/api/courses/demo-course/bank/paris-2");
  EXPECT_EQ(gone.status, 404);
  EXPECT_NE(gone.body.find("not_in_bank"), std::string::npos) << gone.body;

  // A question file with a problem is refused whole unless the teacher takes the rest.
  const HttpResult refused = teacher_->Post("/api/courses/demo-course/bank", "::x:: Unclosed {=a ~b");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(Categories(teacher_->Get("/api/courses/demo-course/bank")).at("Geography/Capitals"), 4)
      << "nothing of a refused file was added";

  // A draft exam: the Nile for everyone, two capitals drawn for each student.
  const HttpResult made = teacher_->Post("/api/courses/demo-course/bank/exam",
                                         R"({"id":"geo-quiz","title":"Geography","questions":["nile"],)"
                                         R"("draws":[{"category":"Geography/Capitals","pick":2}]})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json().at("exam").at("question_count").as_int64(), 3);
  EXPECT_FALSE(made.json().at("exam").at("published").as_bool());
  const HttpResult taken = teacher_->Post("/api/courses/demo-course/bank/exam",
                                          R"({"id":"geo-quiz","title":"Again","questions":["loire"]})");
  EXPECT_EQ(taken.status, 409) << "an exam's id is never silently replaced";
  const HttpResult too_many = teacher_->Post("/api/courses/demo-course/bank/exam",
                                             R"({"id":"geo-2","title":"G","draws":[{"category":"Geography/Capitals","pick":9}]})");
  EXPECT_EQ(too_many.status, 422) << too_many.body;
  EXPECT_NE(too_many.body.find("group_pick"), std::string::npos) << too_many.body;

  // Opened now, published, taken: each student gets the Nile and two capitals of their own.
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const HttpResult opened = teacher_->Send(
      boost::beast::http::verb::put, "/api/exams/geo-quiz/settings",
      fmt::format(R"({{"opens_ms":{},"closes_ms":{}}})", now - 60'000, now + 3'600'000));
  ASSERT_EQ(opened.status, 200) << opened.body;
  ASSERT_EQ(teacher_->Post("/api/exams/geo-quiz/publish").status, 200);
  std::set<std::set<std::string>> papers;
  for (int i = 1; i <= 6; ++i) {
    auto student = Student(i);
    ASSERT_EQ(student->Post("/api/exams/geo-quiz/start").status, 200);
    const HttpResult paper = student->Get("/api/exams/geo-quiz/paper");
    ASSERT_EQ(paper.status, 200) << paper.body;
    std::set<std::string> on_paper;
    const boost::json::value json = paper.json();  // kept: the loop reads into it
    for (const auto& q : json.at("questions").as_array()) on_paper.insert(std::string(q.at("id").as_string()));
    EXPECT_EQ(on_paper.size(), 3u) << paper.body;
    EXPECT_TRUE(on_paper.count("nile"));
    EXPECT_FALSE(on_paper.count("loire")) << "not chosen";
    papers.insert(on_paper);
    if (i == 1) {
      EXPECT_EQ(student->Get("/api/courses/demo-course/bank").status, 403) << "students never see a bank";
    }
  }
  EXPECT_GT(papers.size(), 1u) << "six students, six possible draws: not all the same";

  // Kept in the store: the bank is there after a restart.
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  ASSERT_TRUE(server_->Start()) << server_->log();
  HttpClient back(server_->port());
  ASSERT_EQ(back.Login("teacher", "teacher-demo").status, 200);
  listed = back.Get("/api/courses/demo-course/bank");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(Categories(listed), (std::map<std::string, int64_t>{{"Geography/Capitals", 4}, {"Geography/Rivers", 2}}));
  EXPECT_EQ(back.Get("/api/courses/no-such-course/bank").status, 404);
}

// A question corrected in place: a file of one question replaces it, keeping its id and
// category; a file of several is refused, and so is a question the bank does not hold.
TEST_F(BankTest, ATeacherReplacesAQuestionWithACorrectedVersion) {
  ASSERT_EQ(teacher_->Post("/api/courses/demo-course/bank", kGift).status, 201);
  const HttpResult replaced = teacher_->Send(boost::beast::http::verb::put, "/api/courses/demo-course/bank/nile",
                                             "::renamed:: Which river flows through Cairo? {=the Nile ~the Loire}");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json().at("question").at("id").as_string(), "nile");
  EXPECT_EQ(replaced.json().at("question").at("category").as_string(), "Geography/Rivers");
  const HttpResult listed = teacher_->Get("/api/courses/demo-course/bank");
  EXPECT_NE(listed.body.find("Which river flows through Cairo?"), std::string::npos) << listed.body;
  EXPECT_EQ(listed.body.find("renamed"), std::string::npos) << "the file's id is not taken";
  EXPECT_EQ(Categories(listed), (std::map<std::string, int64_t>{{"Geography/Capitals", 4}, {"Geography/Rivers", 2}}));

  const HttpResult two = teacher_->Send(boost::beast::http::verb::put, "/api/courses/demo-course/bank/nile",
                                        "Is it? {T}\n\nIs it not? {F}");
  EXPECT_EQ(two.status, 422) << two.body;
  EXPECT_NE(two.body.find("one_question"), std::string::npos) << two.body;
  const HttpResult missing = teacher_->Send(boost::beast::http::verb::put, "/api/courses/demo-course/bank/no-such",
                                            "Is it? {T}");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_NE(missing.body.find("not_in_bank"), std::string::npos) << missing.body;
  EXPECT_NE(teacher_->Get("/api/courses/demo-course/bank").body.find("Which river flows through Cairo?"),
            std::string::npos) << "a refused replacement changed nothing";
  auto student = Student(1);
  EXPECT_EQ(student->Send(boost::beast::http::verb::put, "/api/courses/demo-course/bank/nile", "Is it? {T}").status, 403);
}

}  // namespace
}  // namespace pupitre::testkit
