// Safe Exam Browser against the real binary: a teacher requires it for an exam with its keys;
// a student's requests of that exam (start, paper, attempt, saves) pass only with SEB's hashes
// of the very URL asked, get a clear 403 otherwise, the requirement outlives a restart, and
// lifting it lets plain browsers in again. Other exams and teachers are never asked.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "guard/signing.h"
#include "testkit/fixtures.h"
#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using boost::beast::http::verb;
using SebTest = DemoServerTest;

const std::string kConfigKey = "6f5d2c4a" + std::string(56, '0');

// The headers SEB would send for `target` (the client's Host is 127.0.0.1).
std::map<std::string, std::string> Seb(const std::string& target, const std::string& key = kConfigKey) {
  return {{"X-SafeExamBrowser-ConfigKeyHash", guard::Sha256Hex("http://127.0.0.1" + target + key)}};
}

TEST_F(SebTest, AStudentGetsInOnlyThroughSafeExamBrowserWithTheTeachersKeys) {
  EXPECT_EQ(teacher_->Put("/api/exams/test-exam/seb", R"({"config_keys":["nope"]})").status, 422);
  auto set = teacher_->Put("/api/exams/test-exam/seb",
                           R"({"config_keys":[")" + std::string(kConfigKey) + R"("]})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_TRUE(set.json().at("required").as_bool());
  auto student = Student(1);
  EXPECT_EQ(student->Put("/api/exams/test-exam/seb", R"({"config_keys":[]})").status, 403);
  auto info = student->Get("/api/exams/test-exam");
  ASSERT_EQ(info.status, 200) << "the exam's page says what to do";
  EXPECT_TRUE(info.json().at("exam").at("safe_exam_browser").as_bool());

  // A plain browser; SEB with another exam's configuration; a hash of another URL.
  auto plain = student->Post("/api/exams/test-exam/start");
  EXPECT_EQ(plain.status, 403);
  EXPECT_EQ(plain.error_code(), "seb_required");
  EXPECT_EQ(plain.json().at("error").at("reason").as_string(), "missing");
  const std::string start = "/api/exams/test-exam/start";
  auto wrong = student->Send(verb::post, start, "{}", Seb(start, std::string(64, 'a')));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.json().at("error").at("reason").as_string(), "wrong_config_key");
  EXPECT_EQ(student->Send(verb::post, start, "{}", Seb("/api/exams/test-exam/paper")).status, 403);

  // Through SEB: every request of the exam carries the hash of its own URL.
  auto ok = student->Send(verb::post, start, "{}", Seb(start));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string attempt = "/api/attempts/" + std::to_string(ok.json().at("attempt").at("id").as_int64());
  EXPECT_EQ(student->Send(verb::get, "/api/exams/test-exam/paper", "", Seb("/api/exams/test-exam/paper")).status, 200);
  EXPECT_EQ(student->Get("/api/exams/test-exam/paper").status, 403);
  EXPECT_EQ(student->Get(attempt).status, 403);
  EXPECT_EQ(student->Send(verb::get, attempt, "", Seb(attempt)).status, 200);
  const std::string save = attempt + "/answers/num";
  EXPECT_EQ(student->Put(save, R"({"seq":1,"value":42})").status, 403);
  EXPECT_EQ(student->Send(verb::put, save, R"({"seq":1,"value":42})", Seb(save)).status, 200);
  // Teachers are not asked; other exams are not concerned.
  EXPECT_EQ(teacher_->Get(attempt).status, 200);
  EXPECT_EQ(teacher_->Get("/api/exams/test-exam/paper").status, 200);

  // Kept across a restart.
  server_->Stop(SIGTERM);
  ChildServer again(dir_.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient back(again.port()), teacher(again.port());
  back.set_token(student->token());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  EXPECT_EQ(back.Get(attempt).status, 403);
  EXPECT_EQ(back.Send(verb::get, attempt, "", Seb(attempt)).status, 200);
  // Lifted: a plain browser is let in again.
  auto lift = teacher.Put("/api/exams/test-exam/seb", R"({"config_keys":[],"browser_exam_keys":[]})");
  ASSERT_EQ(lift.status, 200);
  EXPECT_FALSE(lift.json().at("required").as_bool());
  EXPECT_EQ(back.Get(attempt).status, 200);
}

std::string Fixture(const std::string& name) { return ReadFixture("seb/" + name); }

TEST_F(SebTest, ATeacherUploadsTheSebFileInsteadOfCopyingItsKey) {
  const std::string file = Fixture("unencrypted_win_223.seb");
  ASSERT_GT(file.size(), 1000u);
  const std::string upload = "/api/exams/test-exam/seb/config";
  auto student = Student(1);
  EXPECT_EQ(student->Post(upload, file).status, 403) << "students do not set it";
  EXPECT_EQ(teacher_->Post("/api/exams/no-such-exam/seb/config", file).status, 404);

  // Files that cannot give a key: encrypted, not SEB's, or not sending the keys at all.
  auto encrypted = teacher_->Post(upload, "pswd" + std::string(100, '\x07'));
  EXPECT_EQ(encrypted.status, 422);
  EXPECT_NE(encrypted.body.find("encrypted with a password"), std::string::npos) << encrypted.body;
  EXPECT_EQ(teacher_->Post(upload, "<html>not a plist</html>").status, 422);
  std::string silent = file;
  const std::string sends = "<key>sendBrowserExamKey</key>\n    <true />";
  ASSERT_NE(silent.find(sends), std::string::npos);
  silent.replace(silent.find(sends), sends.size(), "<key>sendBrowserExamKey</key><false/>");
  auto quiet = teacher_->Post(upload, silent);
  EXPECT_EQ(quiet.status, 422);
  EXPECT_NE(quiet.body.find("does not send its keys"), std::string::npos) << quiet.body;
  auto still = teacher_->Get("/api/exams/test-exam/seb");
  EXPECT_FALSE(still.json().at("required").as_bool()) << "nothing was required by the refused files";

  // The file SEB saved: its Config Key (Moodle's fixture and key) is added, once.
  const std::string key = "fc6f4ea5922717760f4d6d536c23b8d19bf20b52aa97940f5427a76e20f49026";
  auto up = teacher_->Post(upload, file);
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.json().at("file").at("config_key").as_string(), key);
  EXPECT_EQ(up.json().at("file").at("start_url").as_string(), "https://safeexambrowser.org/start");
  EXPECT_TRUE(up.json().at("required").as_bool());
  ASSERT_EQ(teacher_->Post(upload, file).status, 200);
  auto keys = teacher_->Get("/api/exams/test-exam/seb");
  ASSERT_EQ(keys.json().at("config_keys").as_array().size(), 1u) << keys.body;

  // SEB opened with that file gets in; a plain browser does not.
  auto other = Student(2);
  const std::string start = "/api/exams/test-exam/start";
  EXPECT_EQ(other->Post(start).status, 403);
  auto in = other->Send(verb::post, start, "{}", Seb(start, key));
  EXPECT_EQ(in.status, 200) << in.body;
}

}  // namespace
}  // namespace pupitre::testkit
