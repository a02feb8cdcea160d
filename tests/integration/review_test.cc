// After release, students see their attempts at the level the teacher chose; the pages' errors
// carry a reason they can translate; times are the school's; the operator's admission list.
#include <gtest/gtest.h>

#include <string>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

// The demo server, the school in Paris.
class ReviewTest : public DemoServerTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ChildServer>(
        dir_.path(), FastTestConfig() + "\n[school]\ntime_zone = \"Europe/Paris\"\n", true);
    ASSERT_TRUE(server_->Start()) << "server did not start:\n" << server_->log();
    teacher_ = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(teacher_->Login("teacher", "teacher-demo").status, 200);
    std::string toml = TestExamToml();
    // Feedback on the single-choice question and on each of its options.
    const std::string anchor = "answer = 1\n";
    toml.insert(toml.find(anchor) + anchor.size(),
                "feedback = \"B is the second letter.\"\n"
                "option_feedback = [\"A comes first.\", \"\", \"C comes third.\"]\n");
    // Feedback for each answer: true/false's for true and for false, the numeric's for its
    // answer and any other, the short answer's for its one accepted answer.
    for (const auto& [after, feedback] :
         {std::pair{"answer = true\n", "[\"Yes.\", \"It is true.\"]"},
          std::pair{"tolerance = 0.5\n", "[\"Right.\", \"The answer is 42.\"]"},
          std::pair{"answer = \"Paris\"\n", "[\"Yes, Paris.\"]"}}) {
      toml.insert(toml.find(after) + std::string_view(after).size(),
                  std::string("answer_feedback = ") + feedback + "\n");
    }
    auto imported = teacher_->Post("/api/exams", toml);
    ASSERT_EQ(imported.status, 201) << imported.body;
    ASSERT_EQ(teacher_->Post("/api/exams/test-exam/publish").status, 200);
  }

  // Student 5 answers A (wrong) and an essay, submits; the teacher grades the essay.
  int64_t TakeAndGrade() {
    auto c = Student(5);
    const int64_t id = StartExam(*c);
    EXPECT_EQ(Save(*c, id, "single", 1, "0").status, 200);
    EXPECT_EQ(Save(*c, id, "essay", 1, "\"Because.\"").status, 200);
    EXPECT_EQ(c->Post(fmt::format("/api/attempts/{}/submit", id)).status, 200);
    EXPECT_EQ(teacher_->Put(fmt::format("/api/attempts/{}/grades/essay", id), R"({"points":2})")
                  .status,
              200);
    return id;
  }

  boost::json::object ResultAfterRelease(int64_t id, const std::string& review) {
    auto r = teacher_->Post("/api/exams/test-exam/release", "{\"review\":\"" + review + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("review").as_string(), review);
    auto a = Student(5)->Get(fmt::format("/api/attempts/{}", id));
    EXPECT_EQ(a.status, 200);
    const boost::json::value body = a.json();
    if (!body.is_object() || !body.at("attempt").as_object().contains("result")) {
      ADD_FAILURE() << "no result after release: " << a.body;
      return {};
    }
    return body.at("attempt").at("result").as_object();
  }

  static const boost::json::object* Item(const boost::json::object& result, const char* id) {
    for (const auto& item : result.at("items").as_array()) {  // `result` outlives the loop
      if (item.at("id").as_string() == id) return &item.as_object();
    }
    return nullptr;
  }
};

TEST_F(ReviewTest, EachReviewLevelShowsWhatItSaysAndNoMore) {
  const int64_t id = TakeAndGrade();

  auto score = ResultAfterRelease(id, "score");
  EXPECT_EQ(score.at("review").as_string(), "score");
  EXPECT_FALSE(score.contains("items")) << "questions shown at the score level";
  EXPECT_DOUBLE_EQ(score.at("max").at("multi").to_number<double>(), 2) << "no maximum per question";
  EXPECT_DOUBLE_EQ(score.at("questions").at("essay").to_number<double>(), 2);

  auto answers = ResultAfterRelease(id, "answers");
  ASSERT_TRUE(answers.contains("items"));
  EXPECT_EQ(answers.at("items").as_array().size(), 6u);
  const auto* single = Item(answers, "single");
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->at("text").as_string(), "Pick B");
  EXPECT_EQ(single->at("answer").as_int64(), 0);
  EXPECT_DOUBLE_EQ(single->at("points").to_number<double>(), 0);
  EXPECT_DOUBLE_EQ(single->at("max").to_number<double>(), 1);
  EXPECT_FALSE(single->contains("right")) << "the key shown at the answers level";
  EXPECT_FALSE(single->contains("feedback"));
  EXPECT_TRUE(Item(answers, "num")->at("answer").is_null()) << "an unanswered question";

  auto solutions = ResultAfterRelease(id, "solutions");
  single = Item(solutions, "single");
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(boost::json::serialize(single->at("right")), "[1]");
  EXPECT_EQ(single->at("feedback").as_string(), "B is the second letter.");
  EXPECT_EQ(single->at("option_feedback").as_array().at(0).as_string(), "A comes first.");
  EXPECT_EQ(Item(solutions, "short")->at("right").as_array().at(0).as_string(), "paris");
  EXPECT_EQ(Item(solutions, "num")->at("right").at("value").to_number<double>(), 42);

  // The level is kept: after a restart, the student still sees the solutions.
  server_->Stop(SIGTERM);
  ASSERT_TRUE(server_->Start()) << server_->log();
  auto again = Student(5)->Get(fmt::format("/api/attempts/{}", id));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("attempt").at("result").at("review").as_string(), "solutions");
  auto exam = Student(5)->Get("/api/exams/test-exam");
  EXPECT_EQ(exam.json().at("exam").at("review").as_string(), "solutions");
}

TEST_F(ReviewTest, WithTheSolutionsEachAnswerGetsTheFeedbackWrittenForIt) {
  auto c = Student(6);
  const int64_t id = StartExam(*c);
  EXPECT_EQ(Save(*c, id, "tf", 1, "false").status, 200);
  EXPECT_EQ(Save(*c, id, "num", 1, "42.3").status, 200);
  EXPECT_EQ(Save(*c, id, "short", 1, "\"Lyon\"").status, 200);
  ASSERT_EQ(c->Post(fmt::format("/api/attempts/{}/submit", id)).status, 200);
  ASSERT_EQ(teacher_->Post("/api/exams/test-exam/release", R"({"review":"answers"})").status, 200);
  auto answers = c->Get(fmt::format("/api/attempts/{}", id)).json().at("attempt").at("result");
  EXPECT_FALSE(Item(answers.as_object(), "tf")->contains("answer_feedback"))
      << "feedback before the solutions are shown";

  ASSERT_EQ(teacher_->Post("/api/exams/test-exam/release", R"({"review":"solutions"})").status,
            200);
  auto solutions = c->Get(fmt::format("/api/attempts/{}", id)).json().at("attempt").at("result");
  const auto& result = solutions.as_object();
  EXPECT_EQ(Item(result, "tf")->at("answer_feedback").as_string(), "It is true.");
  EXPECT_EQ(Item(result, "num")->at("answer_feedback").as_string(), "Right.") << "42.3 is 42 ± 0.5";
  EXPECT_EQ(Item(result, "short")->at("answer_feedback").as_string(), "")
      << "Lyon is not the accepted answer, and nothing was written for any other";
  EXPECT_EQ(Item(result, "single")->at("answer_feedback").as_string(), "") << "unanswered";
  EXPECT_DOUBLE_EQ(Item(result, "num")->at("points").to_number<double>(), 1);
  EXPECT_DOUBLE_EQ(Item(result, "tf")->at("points").to_number<double>(), 0);
}

TEST_F(ReviewTest, TheTeachersCommentsReachTheStudentWithTheResult) {
  const int64_t id = TakeAndGrade();
  auto path = [&](const std::string& rest) { return fmt::format("/api/attempts/{}/{}", id, rest); };
  ASSERT_EQ(teacher_->Put(path("comments/essay"), R"({"text":"Say more about why."})").status, 200);
  ASSERT_EQ(teacher_->Put(path("comment"), R"({"text":"A fair attempt."})").status, 200);
  EXPECT_EQ(teacher_->Put(path("comments/nope"), R"({"text":"x"})").status, 404);
  EXPECT_EQ(teacher_->Put(path("comment"), R"({"text":5})").status, 400);
  auto student = Student(5);
  EXPECT_EQ(student->Put(path("comment"), R"({"text":"me too"})").status, 403);
  auto before = student->Get(fmt::format("/api/attempts/{}", id));
  ASSERT_EQ(before.status, 200);
  EXPECT_EQ(before.body.find("A fair attempt."), std::string::npos) << "a comment before release";

  auto result = ResultAfterRelease(id, "score");
  EXPECT_EQ(result.at("comment").as_string(), "A fair attempt.");
  EXPECT_EQ(result.at("comments").at("essay").as_string(), "Say more about why.");
}

TEST_F(ReviewTest, ReviewLevelsAreCheckedAndOnlyTeachersRelease) {
  auto bad = teacher_->Post("/api/exams/test-exam/release", R"({"review":"everything"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto student = Student(3);
  auto refused = student->Post("/api/exams/test-exam/release", R"({"review":"score"})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json().at("error").at("reason").as_string(), "for_teachers")
      << "no reason for the page to translate: " << refused.body;
  auto draft_review = teacher_->Put("/api/exams/test-exam/settings", R"({"review":"answers"})");
  EXPECT_EQ(draft_review.status, 409) << "a published exam's settings are frozen";
}

TEST_F(ReviewTest, ErrorsNameTheirReasonAndItsValues) {
  auto extra = teacher_->Put("/api/exams/test-exam/extra-time",
                             R"({"login":"student9999","minutes":10})");
  ASSERT_EQ(extra.status, 404);
  const boost::json::value body = extra.json();
  EXPECT_EQ(body.at("error").at("reason").as_string(), "no_user");
  EXPECT_EQ(body.at("error").at("params").at("login").as_string(), "student9999");
  EXPECT_EQ(body.at("error").at("code").as_string(), "not_found") << "the code stays";
  EXPECT_FALSE(body.at("error").at("message").as_string().empty());
}

TEST_F(ReviewTest, TheSessionIsAskedWithoutA401AndTellsTheSchoolsZone) {
  HttpClient anonymous(server_->port());
  auto nobody = anonymous.Get("/api/session");
  ASSERT_EQ(nobody.status, 200) << nobody.body;
  EXPECT_TRUE(nobody.json().at("user").is_null());
  EXPECT_EQ(nobody.json().at("time_zone").as_string(), "Europe/Paris");
  auto me = teacher_->Get("/api/session");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("user").at("login").as_string(), "teacher");
  EXPECT_FALSE(me.json().at("csrf_token").as_string().empty());
  EXPECT_EQ(anonymous.Get("/api/me").status, 401) << "/api/me still needs a login";
}

TEST_F(ReviewTest, ResultsCsvHasLocalTimesPlainNumbersAndPlainText) {
  const int64_t id = TakeAndGrade();
  auto csv = teacher_->Get("/api/exams/test-exam/results.csv");
  ASSERT_EQ(csv.status, 200);
  const std::string& text = csv.body;
  EXPECT_EQ(text.find("E0"), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format(",{},submitted,", id)), std::string::npos) << text;
  // started_at and submitted_at in Paris time: +01:00 or +02:00.
  const size_t row = text.find("student0005");
  ASSERT_NE(row, std::string::npos);
  const std::string line = text.substr(row, text.find('\n', row) - row);
  EXPECT_TRUE(line.find("+01:00,") != std::string::npos || line.find("+02:00,") != std::string::npos)
      << line;
  EXPECT_NE(line.find(",A,"), std::string::npos) << "the option's text, not its index: " << line;
  EXPECT_NE(line.find(",Because."), std::string::npos) << "the essay without JSON quotes: " << line;
}

TEST_F(ReviewTest, AnOperatorSeesUpcomingExamsAndCapsBelowOnePerSecond) {
  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto all = op.Get("/api/admin/admission");
  ASSERT_EQ(all.status, 200);
  bool listed = false;
  const boost::json::value rooms = all.json();
  for (const auto& r : rooms.at("rooms").as_array()) {
    if (r.at("exam_id").as_string() != "test-exam") continue;
    listed = true;
    EXPECT_EQ(r.at("title").as_string(), "Integration test exam");
    EXPECT_EQ(r.at("waiting").as_int64(), 0);
  }
  EXPECT_TRUE(listed) << "a published exam nobody started is not listed: " << all.body;
  auto capped = op.Put("/api/admin/exams/test-exam/admission", R"({"max_rate":0.5})");
  ASSERT_EQ(capped.status, 200) << capped.body;
  EXPECT_DOUBLE_EQ(capped.json().at("max_rate").to_number<double>(), 0.5)
      << "a cap below the automatic floor was raised";
  // And a student is still let in at that rate (a bucket of one).
  auto c = Student(8);
  auto start = c->Post("/api/exams/test-exam/start");
  EXPECT_TRUE(start.status == 200 || start.status == 202) << start.body;
}

}  // namespace
}  // namespace pupitre::testkit
