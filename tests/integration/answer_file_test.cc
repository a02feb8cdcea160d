// The encrypted answer file against the real binary: written as the exam page writes it (to the
// public key the attempt carries), uploaded by the student or a teacher, applied with the usual
// sequence rules and only for answers written before the deadline (plus grace), recorded in the
// timeline; a changed file, a file of another attempt, and a file sent after the limit are
// refused with a clear message.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>

#include "exam/answer_file.h"
#include "testkit/exam_fixture.h"
#include "testkit/poll.h"
#include "testkit/stored_settings.h"

namespace pupitre::testkit {
namespace {

using AnswerFileTest = DemoServerTest;

std::string Inner(int64_t attempt, const std::string& answers) {
  return "{\"attempt_id\":" + std::to_string(attempt) + ",\"answers\":{" + answers + "}}";
}

TEST_F(AnswerFileTest, AFileWrittenOfflineIsAppliedOnceUploadedAndAChangedOneIsRefused) {
  auto student = Student(1);
  const int64_t id = StartExam(*student);
  ASSERT_GT(id, 0);
  const std::string base = "/api/attempts/" + std::to_string(id);
  auto attempt = student->Get(base).json().at("attempt");
  const int64_t started = attempt.at("started_ms").as_int64();
  auto secret = StoredSetting(dir_.path() + "/store", "answer_file.secret");
  ASSERT_TRUE(secret.has_value());
  const exam::AnswerFileKeys keys(*secret);
  EXPECT_EQ(attempt.at("answer_file_key").as_string(), keys.PublicKeyBase64("test-exam"))
      << "the page encrypts to the exam's key";

  // The server already holds a newer answer to "tf"; the file holds older and newer ones.
  ASSERT_EQ(Save(*student, id, "tf", 5, "true").status, 200);
  const std::string at = std::to_string(started + 1000);
  const std::string file = keys.Seal(
      "test-exam", id, started + 2000,
      Inner(id, "\"num\":{\"seq\":2,\"value\":42,\"at_ms\":" + at + "},"
                "\"tf\":{\"seq\":3,\"value\":false,\"at_ms\":" + at + "},"
                "\"nope\":{\"seq\":1,\"value\":1,\"at_ms\":" + at + "}"));
  // Changed by one character: refused, nothing applied.
  std::string changed = file;
  const size_t box = changed.find("\"box\":\"") + 8;
  changed[box] = changed[box] == 'A' ? 'B' : 'A';
  auto bad = student->Post(base + "/answer-file", changed);
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("changed after it was written"), std::string::npos) << bad.body;
  EXPECT_EQ(student->Post(base + "/answer-file", "not a file").status, 422);
  // Someone else's attempt: not found; another attempt's file: refused.
  EXPECT_EQ(Student(2)->Post(base + "/answer-file", file).status, 404);
  auto other = keys.Seal("test-exam", id + 1000, started, Inner(id + 1000, ""));
  EXPECT_EQ(student->Post(base + "/answer-file", other).status, 422);

  auto r = student->Post(base + "/answer-file", file);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto got = r.json();
  EXPECT_EQ(got.at("applied").as_int64(), 1) << r.body;
  EXPECT_EQ(got.at("replays").as_int64(), 1);
  EXPECT_EQ(got.at("late").as_int64(), 0);
  EXPECT_EQ(got.at("refused").as_int64(), 1);
  auto now = student->Get(base).json().at("attempt").at("answers");
  EXPECT_EQ(now.at("num").at("value").as_int64(), 42);
  EXPECT_EQ(now.at("tf").at("value").as_bool(), true) << "the newer answer the server held stays";

  // After the submission a teacher (an invigilator) may still upload it; the timeline says so.
  ASSERT_EQ(student->Post(base + "/submit").status, 200);
  auto again = teacher_->Post(base + "/answer-file", file);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("replays").as_int64(), 2);
  auto csv = teacher_->Get(base + "/timeline.csv");
  EXPECT_NE(csv.body.find("encrypted answer file uploaded by the student: 1 answers kept"),
            std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("uploaded by a teacher"), std::string::npos);
}

TEST(AnswerFileLimitTest, AFileSentAfterTheLimitIsRefused) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig() + "[exam]\nanswer_file_minutes = 0\n", true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient teacher(server.port()), student(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  ASSERT_EQ(teacher.Post("/api/exams", TestExamToml("soon", -std::chrono::hours(1),
                                                     std::chrono::seconds(2))).status, 201);
  ASSERT_EQ(teacher.Post("/api/exams/soon/publish").status, 200);
  ASSERT_EQ(student.Login(StudentLogin(3), "student-demo").status, 200);
  auto a = student.Post("/api/exams/soon/start");
  ASSERT_EQ(a.status, 200);
  const int64_t id = a.json().at("attempt").at("id").as_int64();
  const int64_t deadline = a.json().at("attempt").at("deadline_ms").as_int64();
  const exam::AnswerFileKeys keys(*StoredSetting(dir.path() + "/store", "answer_file.secret"));
  const std::string file = keys.Seal("soon", id, deadline - 1000, Inner(id, ""));
  const std::string target = "/api/attempts/" + std::to_string(id) + "/answer-file";
  const auto past = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline + 200));
  for (int i = 0; i < 100 && std::chrono::system_clock::now() < past; ++i) {
    PollPause(std::chrono::milliseconds(100));
  }
  auto late = student.Post(target, file);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_NE(late.body.find("accepted until 0 minutes after its deadline"), std::string::npos);
}

}  // namespace
}  // namespace pupitre::testkit
