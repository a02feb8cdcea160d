#pragma once
// Test support: a demo server with a test exam of every question type, and helpers to drive it.

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>

#include "testkit/child_server.h"
#include "testkit/http_client.h"

namespace pupitre::testkit {

// An exam open from an hour ago (or `opens_in` from now) to a day from now, in the demo course. Its right answers:
// single 1, multiple [0,2], truefalse true, numeric 42 (+-0.5), short "Paris", essay by hand.
inline std::string TestExamToml(const std::string& id = "test-exam",
                                std::chrono::seconds opens_in = -std::chrono::hours(1),
                                std::chrono::seconds closes_in = std::chrono::hours(24)) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(R"(
[exam]
id = "{}"
title = "Integration test exam"
course = "demo-course"
opens = {:%Y-%m-%dT%H:%M:%SZ}
closes = {:%Y-%m-%dT%H:%M:%SZ}
duration_minutes = 30
shuffle_questions = true
shuffle_options = true

[[question]]
id = "single"
type = "single"
text = "Pick B"
options = ["A", "B", "C"]
answer = 1

[[question]]
id = "multi"
type = "multiple"
text = "Pick A and C"
points = 2
options = ["A", "B", "C", "D"]
answer = [0, 2]

[[question]]
id = "tf"
type = "truefalse"
text = "True?"
answer = true

[[question]]
id = "num"
type = "numeric"
text = "The number"
answer = 42
tolerance = 0.5

[[question]]
id = "short"
type = "short"
text = "Capital of France"
answer = "Paris"

[[question]]
id = "essay"
type = "essay"
text = "Discuss"
points = 3
)",
                     id, now + opens_in, now + closes_in);
}

// Right answers by question id, as JSON text.
inline const std::map<std::string, std::string>& RightAnswers() {
  static const std::map<std::string, std::string> kRight = {
      {"single", "1"}, {"multi", "[0,2]"}, {"tf", "true"},
      {"num", "42.2"}, {"short", "\" paris \""}, {"essay", "\"A long essay.\""}};
  return kRight;
}

inline std::string StudentLogin(int i) { return fmt::format("student{:04d}", i); }

// A server seeded with the demo dataset, and the test exam imported and published.
class DemoServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ChildServer>(dir_.path(), Config(), /*demo=*/true);
    ASSERT_TRUE(server_->Start()) << "server did not start:\n" << server_->log();
    teacher_ = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(teacher_->Login("teacher", "teacher-demo").status, 200);
    auto imported = teacher_->Post("/api/exams", TestExamToml());
    ASSERT_EQ(imported.status, 201) << imported.body;
    auto published = teacher_->Post("/api/exams/test-exam/publish");
    ASSERT_EQ(published.status, 200) << published.body;
  }

  // The server's configuration (a fixture for another store overrides it).
  virtual std::string Config() { return FastTestConfig(); }

  // A logged-in client for student number i.
  std::unique_ptr<HttpClient> Student(int i) {
    auto c = std::make_unique<HttpClient>(server_->port());
    auto r = c->Login(StudentLogin(i), "student-demo");
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }

  // Starts the test exam for a client and returns the attempt id.
  static int64_t StartExam(HttpClient& c) {
    auto r = c.Post("/api/exams/test-exam/start");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return 0;
    return r.json().at("attempt").at("id").as_int64();
  }

  static HttpResult Save(HttpClient& c, int64_t attempt, const std::string& qid, int64_t seq,
                         const std::string& value_json) {
    return c.Put(fmt::format("/api/attempts/{}/answers/{}", attempt, qid),
                 fmt::format(R"({{"seq":{},"value":{}}})", seq, value_json));
  }

  TempDir dir_;
  std::unique_ptr<ChildServer> server_;
  std::unique_ptr<HttpClient> teacher_;
};

}  // namespace pupitre::testkit
