// Authorisation and bad input over real HTTP: every refusal is a clear 4xx in the one error
// shape, and nothing stored changes.
#include <gtest/gtest.h>

#include <regex>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using boost::beast::http::verb;
using AccessTest = DemoServerTest;

TEST_F(AccessTest, AStudentCannotReadOrWriteAnotherStudentsAttempt) {
  auto alice = Student(1);
  auto bob = Student(2);
  int64_t alice_attempt = StartExam(*alice);
  ASSERT_EQ(Save(*alice, alice_attempt, "short", 1, "\"mine\"").status, 200);

  auto read = bob->Get(fmt::format("/api/attempts/{}", alice_attempt));
  EXPECT_EQ(read.status, 404) << read.body;
  EXPECT_EQ(read.error_code(), "not_found");
  auto write = Save(*bob, alice_attempt, "short", 9, "\"hacked\"");
  EXPECT_EQ(write.status, 404) << write.body;
  auto submit = bob->Post(fmt::format("/api/attempts/{}/submit", alice_attempt));
  EXPECT_EQ(submit.status, 404);

  auto mine = alice->Get(fmt::format("/api/attempts/{}", alice_attempt));
  EXPECT_EQ(mine.json().at("attempt").at("answers").at("short").at("value").as_string(), "mine");
  EXPECT_EQ(mine.json().at("attempt").at("status").as_string(), "in_progress");
}

TEST_F(AccessTest, AStudentCannotCallTeacherRoutes) {
  auto s = Student(1);
  int64_t id = StartExam(*s);
  struct Call { verb method; std::string target; std::string body; };
  const Call calls[] = {
      {verb::post, "/api/exams", TestExamToml("sneaky")},
      {verb::post, "/api/exams/test-exam/publish", "{}"},
      {verb::post, "/api/exams/test-exam/release", "{}"},
      {verb::put, "/api/exams/test-exam/extra-time", R"({"login":"student0001","minutes":60})"},
      {verb::get, "/api/exams/test-exam/live", ""},
      {verb::get, "/api/exams/test-exam/attempts", ""},
      {verb::get, "/api/exams/test-exam/results.csv", ""},
      {verb::put, fmt::format("/api/attempts/{}/grades/essay", id), R"({"points":3})"},
  };
  for (const auto& c : calls) {
    auto r = s->Send(c.method, c.target, c.body);
    EXPECT_EQ(r.status, 403) << c.target << ": " << r.body;
    EXPECT_EQ(r.error_code(), "forbidden") << c.target;
  }
  EXPECT_EQ(teacher_->Get("/api/exams/sneaky").status, 404) << "the student's import landed";
}

TEST_F(AccessTest, NoSessionMeansUnauthenticated) {
  HttpClient anonymous(server_->port());
  for (const char* target : {"/api/me", "/api/exams", "/api/exams/test-exam/paper",
                             "/api/attempts/1"}) {
    auto r = anonymous.Get(target);
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(r.error_code(), "unauthenticated") << target;
  }
  anonymous.set_token(std::string(64, 'a'));
  EXPECT_EQ(anonymous.Get("/api/me").status, 401) << "a made-up token was accepted";
}

TEST_F(AccessTest, WrongPasswordIsRefused) {
  HttpClient c(server_->port());
  auto r = c.Login("student0001", "not-the-password");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "unauthenticated");
  EXPECT_EQ(c.Login("nobody", "student-demo").status, 401);
}

TEST_F(AccessTest, CookieSessionsNeedTheCsrfTokenToChangeState) {
  HttpClient c(server_->port());
  auto login = c.Post("/api/login", R"({"login":"student0005","password":"student-demo"})");
  ASSERT_EQ(login.status, 200);
  const std::string cookie = login.headers["set-cookie"];
  ASSERT_NE(cookie.find("HttpOnly"), std::string::npos);
  ASSERT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string pair = cookie.substr(0, cookie.find(';'));
  const std::string csrf(login.json().at("csrf_token").as_string());

  EXPECT_EQ(c.Send(verb::get, "/api/me", "", {{"Cookie", pair}}).status, 200);
  auto forged = c.Send(verb::post, "/api/exams/test-exam/start", "{}", {{"Cookie", pair}});
  EXPECT_EQ(forged.status, 403) << "a cookie alone changed state";
  auto wrong = c.Send(verb::post, "/api/exams/test-exam/start", "{}",
                      {{"Cookie", pair}, {"X-CSRF-Token", "0000"}});
  EXPECT_EQ(wrong.status, 403);
  auto ok = c.Send(verb::post, "/api/exams/test-exam/start", "{}",
                   {{"Cookie", pair}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(AccessTest, LogoutEndsTheSession) {
  auto s = Student(4);
  ASSERT_EQ(s->Get("/api/me").status, 200);
  ASSERT_EQ(s->Post("/api/logout").status, 200);
  EXPECT_EQ(s->Get("/api/me").status, 401);
}

TEST_F(AccessTest, BadInputGetsAClearErrorAndChangesNothing) {
  auto s = Student(6);
  int64_t id = StartExam(*s);
  ASSERT_EQ(Save(*s, id, "num", 1, "42").status, 200);
  const std::string before = s->Get(fmt::format("/api/attempts/{}", id)).json()
                                 .at("attempt").at("answers").as_object().contains("num")
                                 ? "has num" : "";
  const std::string target = fmt::format("/api/attempts/{}/answers/num", id);

  struct Case { std::string body; int status; const char* code; };
  const Case cases[] = {
      {"{not json", 400, "bad_request"},
      {"[1,2]", 400, "bad_request"},
      {R"({"value":1})", 400, "bad_request"},              // no seq
      {R"({"seq":"2","value":1})", 400, "bad_request"},    // seq not an integer
      {R"({"seq":2})", 400, "bad_request"},                // no value
      {R"({"seq":2,"value":"forty"})", 422, "invalid"},    // wrong type for a numeric question
      {R"({"seq":0,"value":1})", 422, "invalid"},          // sequence numbers start at 1
  };
  for (const auto& c : cases) {
    auto r = s->Put(target, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << c.body;
    EXPECT_FALSE(r.json().at("error").at("message").as_string().empty());
  }
  auto unknown_q = Save(*s, id, "no-such-question", 2, "1");
  EXPECT_EQ(unknown_q.status, 404);

  auto oversized = s->Put(target, R"({"seq":3,"value":")" + std::string(200 * 1024, 'x') + "\"}");
  EXPECT_EQ(oversized.status, 413);
  EXPECT_EQ(oversized.error_code(), "too_large");

  auto a = s->Get(fmt::format("/api/attempts/{}", id));
  ASSERT_EQ(a.status, 200) << "the server survived the bad input";
  const boost::json::value body = a.json();
  const auto& num = body.at("attempt").at("answers").at("num");
  EXPECT_EQ(num.at("seq").as_int64(), 1);
  EXPECT_EQ(num.at("value").to_number<double>(), 42);
  EXPECT_EQ(before, "has num");
}

TEST_F(AccessTest, UnknownRoutesAndWrongMethods) {
  auto s = Student(8);
  auto unknown = s->Get("/api/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code(), "not_found");
  auto wrong = s->Send(verb::delete_, "/api/exams");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_FALSE(wrong.error_code().empty());
  EXPECT_EQ(s->Get("/api/attempts/not-a-number").status, 404);
}

TEST_F(AccessTest, ImportErrorsNameTheirLinesAndKeepThePublishedExam) {
  std::string bad = TestExamToml("test-exam");
  // Break the multiple-choice answer (line of `answer = [0, 2]`) and add an unknown key.
  bad.replace(bad.find("answer = [0, 2]"), 15, "answer = [0, 9]");
  bad += "colour = \"blue\"\n";
  auto r = teacher_->Post("/api/exams", bad);
  ASSERT_EQ(r.status, 422) << r.body;
  const boost::json::value body = r.json();
  const auto& problems = body.at("error").at("problems").as_array();
  ASSERT_GE(problems.size(), 2u) << r.body;
  int answer_line = 1;
  for (size_t i = 0; i < bad.find("answer = [0, 9]"); ++i) answer_line += bad[i] == '\n';
  bool found = false;
  for (const auto& p : problems) found = found || p.at("line").as_int64() == answer_line;
  EXPECT_TRUE(found) << "no problem on line " << answer_line << ": " << r.body;

  // A valid file for a published exam is refused too: its paper is frozen.
  auto again = teacher_->Post("/api/exams", TestExamToml("test-exam"));
  EXPECT_EQ(again.status, 409) << again.body;
  auto s = Student(10);
  StartExam(*s);
  auto paper = s->Get("/api/exams/test-exam/paper");
  EXPECT_EQ(paper.status, 200);
  EXPECT_NE(paper.body.find("Pick A and C"), std::string::npos);
}

TEST_F(AccessTest, HealthReadinessAndMetrics) {
  HttpClient c(server_->port());
  auto home = c.Get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_EQ(home.headers["content-type"], "text/html; charset=utf-8");
  // The page logs in through one of the scripts it loads (/static/NAME?v=VERSION).
  std::string page_and_scripts = home.body;
  static const std::regex kScript(R"re(src="(/static/[^"]+\.js\?v=[0-9a-f]+)")re");
  for (std::sregex_iterator it(home.body.begin(), home.body.end(), kScript), end; it != end; ++it) {
    page_and_scripts += c.Get((*it)[1]).body;
  }
  EXPECT_NE(page_and_scripts.find("/api/login"), std::string::npos) << "the page cannot log in";
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(c.Get("/readyz").status, 200);
  auto m = c.Get("/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* name : {"pupitre_http_requests_total{", "pupitre_open_connections",
                           "pupitre_attempts_in_progress", "pupitre_writer_batch_size_bucket",
                           "pupitre_writer_commit_seconds_bucket",
                           "pupitre_http_request_duration_seconds_bucket"}) {
    EXPECT_NE(m.body.find(name), std::string::npos) << "missing metric " << name;
  }
}

}  // namespace
}  // namespace pupitre::testkit
