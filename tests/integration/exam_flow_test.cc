// The whole flow over real HTTP: import, publish, many students taking the exam at once,
// grading, release, results.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using ExamFlowTest = DemoServerTest;

TEST_F(ExamFlowTest, ManyStudentsTakeTheExamAtOnceAndGetTheirGrades) {
  constexpr int kStudents = 48;
  constexpr int kThreads = 8;
  std::vector<int64_t> attempt_of(kStudents + 1, 0);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 1 + t; i <= kStudents; i += kThreads) {
        auto c = Student(i);
        int64_t id = StartExam(*c);
        auto paper = c->Get("/api/exams/test-exam/paper");
        if (id == 0 || paper.status != 200) {
          ++failures;
          continue;
        }
        attempt_of[i] = id;
        int64_t seq = 0;
        for (const auto& [qid, right] : RightAnswers()) {
          // Even students answer right; odd ones answer the single-choice question wrong.
          std::string value = (i % 2 == 1 && qid == "single") ? "0" : right;
          if (Save(*c, id, qid, ++seq, value).status != 200) ++failures;
        }
        if (c->Post(fmt::format("/api/attempts/{}/submit", id)).status != 200) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);

  auto live = teacher_->Get("/api/exams/test-exam/live");
  ASSERT_EQ(live.status, 200);
  EXPECT_EQ(live.json().at("submitted").as_int64(), kStudents);
  EXPECT_EQ(live.json().at("in_progress").as_int64(), 0);
  EXPECT_EQ(live.json().at("enrolled").as_int64(), 2000);

  // Before release a student sees no result.
  auto early = Student(2);
  auto before = early->Get(fmt::format("/api/attempts/{}", attempt_of[2]));
  ASSERT_EQ(before.status, 200);
  EXPECT_FALSE(before.json().at("attempt").as_object().contains("result"))
      << "a result was shown before release: " << before.body;

  // The teacher grades every essay, then releases.
  for (int i = 1; i <= kStudents; ++i) {
    auto g = teacher_->Put(fmt::format("/api/attempts/{}/grades/essay", attempt_of[i]),
                           R"({"points":2.5})");
    ASSERT_EQ(g.status, 200) << g.body;
  }
  ASSERT_EQ(teacher_->Post("/api/exams/test-exam/release").status, 200);

  for (int i : {1, 2, 47, 48}) {
    auto c = Student(i);
    auto r = c->Get(fmt::format("/api/attempts/{}", attempt_of[i]));
    ASSERT_EQ(r.status, 200);
    const boost::json::value body = r.json();
    const auto& result = body.at("attempt").at("result");
    double expected = (i % 2 == 0 ? 6.0 : 5.0) + 2.5;  // 1+2+1+1+1 auto points, plus the essay
    EXPECT_DOUBLE_EQ(result.at("points").to_number<double>(), expected) << "student " << i;
    EXPECT_DOUBLE_EQ(result.at("max_points").to_number<double>(), 9.0);
    EXPECT_EQ(result.at("ungraded_essays").as_int64(), 0);
  }

  auto csv = teacher_->Get("/api/exams/test-exam/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  int lines = 0;
  for (char ch : csv.body) lines += ch == '\n';
  EXPECT_EQ(lines, kStudents + 1) << csv.body.substr(0, 500);
  EXPECT_NE(csv.body.find("student0002,Student 0002,"), std::string::npos);
  EXPECT_NE(csv.body.find(",8.5,9,0,"), std::string::npos) << "student 2's total missing";
}

TEST_F(ExamFlowTest, StartingTwiceGivesTheSameAttemptAndItsAnswers) {
  auto c = Student(7);
  int64_t id = StartExam(*c);
  ASSERT_EQ(Save(*c, id, "short", 1, "\"Lyon\"").status, 200);
  auto again = c->Post("/api/exams/test-exam/start");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json().at("attempt").at("id").as_int64(), id);
  EXPECT_EQ(again.json().at("attempt").at("answers").at("short").at("value").as_string(), "Lyon");
}

TEST_F(ExamFlowTest, ReplayedAndOlderSavesNeverGoBackInTime) {
  auto c = Student(9);
  int64_t id = StartExam(*c);
  ASSERT_EQ(Save(*c, id, "short", 5, "\"five\"").status, 200);
  auto older = Save(*c, id, "short", 3, "\"three\"");
  ASSERT_EQ(older.status, 200) << "an older save is acknowledged, not an error";
  EXPECT_EQ(older.json().at("applied").as_bool(), false);
  EXPECT_EQ(older.json().at("saved_seq").as_int64(), 5);
  auto replay = Save(*c, id, "short", 5, "\"five\"");
  EXPECT_EQ(replay.json().at("applied").as_bool(), false);
  auto a = c->Get(fmt::format("/api/attempts/{}", id));
  EXPECT_EQ(a.json().at("attempt").at("answers").at("short").at("value").as_string(), "five");
  EXPECT_EQ(a.json().at("attempt").at("answers").at("short").at("seq").as_int64(), 5);
}

TEST_F(ExamFlowTest, PaperIsCachedWithAnEtagAndHoldsNoKey) {
  auto c = Student(3);
  EXPECT_EQ(c->Get("/api/exams/test-exam/paper").status, 403) << "paper before starting";
  StartExam(*c);
  auto paper = c->Get("/api/exams/test-exam/paper");
  ASSERT_EQ(paper.status, 200);
  ASSERT_FALSE(paper.headers["etag"].empty());
  for (const char* key : {"answer", "tolerance", "accepted", "correct", "Paris"}) {
    EXPECT_EQ(paper.body.find(key), std::string::npos) << "the paper leaks '" << key << "'";
  }
  auto again = c->Send(boost::beast::http::verb::get, "/api/exams/test-exam/paper", "",
                       {{"If-None-Match", paper.headers["etag"]}});
  EXPECT_EQ(again.status, 304);
}

TEST_F(ExamFlowTest, SubmittedAttemptRefusesSaves) {
  auto c = Student(11);
  int64_t id = StartExam(*c);
  ASSERT_EQ(c->Post(fmt::format("/api/attempts/{}/submit", id)).status, 200);
  auto late = Save(*c, id, "tf", 1, "true");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.error_code(), "conflict");
}

TEST_F(ExamFlowTest, GracefulStopKeepsEverythingAndRestartsWithIt) {
  auto c = Student(12);
  int64_t id = StartExam(*c);
  ASSERT_EQ(Save(*c, id, "num", 1, "41").status, 200);
  ASSERT_EQ(server_->Stop(SIGTERM), 0) << server_->log();
  ChildServer again(dir_.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient s(again.port());
  ASSERT_EQ(s.Login(StudentLogin(12), "student-demo").status, 200);
  auto a = s.Get(fmt::format("/api/attempts/{}", id));
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.json().at("attempt").at("answers").at("num").at("value").to_number<double>(), 41);
  EXPECT_EQ(a.json().at("attempt").at("status").as_string(), "in_progress");
}

}  // namespace
}  // namespace pupitre::testkit
