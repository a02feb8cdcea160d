// The operator's account and enrolment routes against the real binary: find, create (and
// enrol), import a CSV all or none, reset a password (the account's sessions end), add members.
#include <gtest/gtest.h>

#include <string>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

class AdminAccountsTest : public DemoServerTest {
 protected:
  void SetUp() override {
    DemoServerTest::SetUp();
    op_ = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(op_->Login("admin", "admin-demo").status, 200);
  }
  std::unique_ptr<HttpClient> op_;
};

TEST_F(AdminAccountsTest, FindsAccountsByLoginOrNameWhateverTheCase) {
  auto r = op_->Get("/api/admin/users?q=STUDENT%200012");
  ASSERT_EQ(r.status, 200) << r.body;
  const boost::json::value found = r.json();
  ASSERT_EQ(found.at("users").as_array().size(), 1u) << r.body;
  EXPECT_EQ(found.at("users").at(0).at("login").as_string(), "student0012");
  auto all = op_->Get("/api/admin/users");
  const boost::json::value many = all.json();
  EXPECT_EQ(many.at("users").as_array().size(), 100u) << "the list is bounded";
  EXPECT_TRUE(many.at("more").as_bool());
  EXPECT_EQ(teacher_->Get("/api/admin/users").status, 403) << "for operators only";
}

TEST_F(AdminAccountsTest, CreatesAnAccountEnrolledInACourse) {
  auto r = op_->Post("/api/admin/users", R"({"login":"zoe.martin","name":"Zoé Martin",
      "role":"student","password":"first-pass-1","course":"demo-course"})");
  ASSERT_EQ(r.status, 201) << r.body;
  HttpClient zoe(server_->port());
  ASSERT_EQ(zoe.Login("zoe.martin", "first-pass-1").status, 200);
  EXPECT_EQ(zoe.Post("/api/exams/test-exam/start").status, 200) << "not enrolled in the course";
  auto again = op_->Post("/api/admin/users", R"({"login":"ZOE.martin","name":"x","role":"student","password":"first-pass-1"})");
  EXPECT_EQ(again.status, 409) << again.body;
  auto short_pw = op_->Post("/api/admin/users", R"({"login":"yan","name":"Yan","role":"student","password":"short"})");
  EXPECT_EQ(short_pw.status, 422);
  auto no_course = op_->Post("/api/admin/users", R"({"login":"yan","name":"Yan","role":"student","password":"long-enough","course":"nope"})");
  EXPECT_EQ(no_course.status, 404);
  EXPECT_EQ(no_course.json().at("error").at("reason").as_string(), "no_course");
}

TEST_F(AdminAccountsTest, ACsvImportIsAllOrNoneAndNamesItsBadLines) {
  auto bad = op_->Post("/api/admin/users/import",
                       "login,name,password\nann,Ann,long-enough-1\nbob,Bob,short\n");
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json().at("error").at("problems").at(0).at("line").as_int64(), 3);
  HttpClient ann(server_->port());
  EXPECT_EQ(ann.Login("ann", "long-enough-1").status, 401) << "a partial import";
  auto good = op_->Post("/api/admin/users/import?course=demo-course",
                        "login,name,password,role\nann,Ann,long-enough-1,student\n"
                        "tess,Tess,long-enough-2,teacher\n");
  ASSERT_EQ(good.status, 201) << good.body;
  ASSERT_EQ(ann.Login("ann", "long-enough-1").status, 200);
  EXPECT_EQ(ann.Post("/api/exams/test-exam/start").status, 200);
  HttpClient tess(server_->port());
  ASSERT_EQ(tess.Login("tess", "long-enough-2").status, 200);
  EXPECT_EQ(tess.Get("/api/exams/test-exam/attempts").status, 200) << "not a teacher of the course";
}

TEST_F(AdminAccountsTest, AResetEndsTheAccountsSessions) {
  auto student = Student(21);
  ASSERT_EQ(student->Get("/api/me").status, 200);
  auto r = op_->Put("/api/admin/users/student0021/password", R"({"password":"reset-pass-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(student->Get("/api/me").status, 401) << "a session outlived the reset";
  HttpClient again(server_->port());
  EXPECT_EQ(again.Login("student0021", "student-demo").status, 401);
  EXPECT_EQ(again.Login("student0021", "reset-pass-1").status, 200);
  EXPECT_EQ(op_->Put("/api/admin/users/nobody/password", R"({"password":"reset-pass-1"})").status, 404);
}

TEST_F(AdminAccountsTest, ADisabledAccountCannotLogInAndItsSessionsEnd) {
  auto student = Student(22);
  ASSERT_EQ(student->Get("/api/me").status, 200);
  auto off = op_->Put("/api/admin/users/student0022/disabled", R"({"disabled":true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(student->Get("/api/me").status, 401) << "a session outlived the disabling";
  HttpClient again(server_->port());
  auto refused = again.Login("student0022", "student-demo");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json().at("error").at("reason").as_string(), "account_disabled");
  EXPECT_EQ(again.Login("student0022", "wrong-password").status, 401)
      << "a guesser learns the account is disabled";
  auto found = op_->Get("/api/admin/users?q=student0022");
  EXPECT_TRUE(found.json().at("users").at(0).at("disabled").as_bool());

  server_->Stop(SIGTERM);
  ASSERT_TRUE(server_->Start()) << server_->log();
  HttpClient after(server_->port());
  EXPECT_EQ(after.Login("student0022", "student-demo").status, 403) << "enabled by a restart";
  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  ASSERT_EQ(op.Put("/api/admin/users/student0022/disabled", R"({"disabled":false})").status, 200);
  EXPECT_EQ(after.Login("student0022", "student-demo").status, 200);
  EXPECT_EQ(op.Put("/api/admin/users/admin/disabled", R"({"disabled":true})").status, 409)
      << "an operator locked themself out";
}

TEST_F(AdminAccountsTest, MembersAreAddedByLoginAndUnknownOnesNamed) {
  ASSERT_EQ(op_->Post("/api/admin/users", R"({"login":"late","name":"Late","role":"student","password":"long-enough"})").status, 201);
  HttpClient late(server_->port());
  ASSERT_EQ(late.Login("late", "long-enough").status, 200);
  EXPECT_EQ(late.Post("/api/exams/test-exam/start").status, 404) << "not yet in the course";
  auto unknown = op_->Post("/api/admin/courses/demo-course/members", R"({"logins":["late","ghost"],"role":"student"})");
  ASSERT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json().at("error").at("params").at("login").as_string(), "ghost");
  EXPECT_EQ(late.Post("/api/exams/test-exam/start").status, 404) << "added although one login was unknown";
  auto ok = op_->Post("/api/admin/courses/demo-course/members", R"({"logins":["late"],"role":"student"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(late.Post("/api/exams/test-exam/start").status, 200);
}

}  // namespace
}  // namespace pupitre::testkit
