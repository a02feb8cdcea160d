// "Remember this device" against the real binary: a login that asks for it gets a session and a
// cookie that last for weeks (an ordinary one keeps the short TTL), and the operator (page and
// `pupitre admin sessions`) sees how many of an exam's students will not need to log in at 9:00.
#include <gtest/gtest.h>

#include <string>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

using RememberTest = DemoServerTest;

int64_t MaxAge(const HttpResult& r) {
  auto it = r.headers.find("set-cookie");
  if (it == r.headers.end()) return -1;
  const auto at = it->second.find("Max-Age=");
  return at == std::string::npos ? -1 : std::stoll(it->second.substr(at + 8));
}

TEST_F(RememberTest, ARememberedLoginLastsWeeksAndTheOperatorCountsWhoIsLoggedIn) {
  HttpClient remembered(server_->port()), plain(server_->port());
  auto r = remembered.Post("/api/login", R"({"login":")" + StudentLogin(1) +
                                             R"(","password":"student-demo","remember":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("remembered").as_bool());
  EXPECT_EQ(MaxAge(r), 30LL * 24 * 3600) << r.headers["set-cookie"];
  auto p = plain.Post("/api/login", R"({"login":")" + StudentLogin(2) + R"(","password":"student-demo"})");
  ASSERT_EQ(p.status, 200);
  EXPECT_FALSE(p.json().at("remembered").as_bool());
  EXPECT_LT(MaxAge(p), 2 * 24 * 3600) << "an ordinary session keeps the short TTL";
  EXPECT_EQ(plain.Post("/api/login", R"({"login":"x","password":"y","remember":"yes"})").status, 400);

  HttpClient op(server_->port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto n = op.Get("/api/admin/exams/test-exam/sessions");
  ASSERT_EQ(n.status, 200) << n.body;
  const auto body = n.json();
  EXPECT_GE(body.at("students").as_int64(), 2);
  EXPECT_EQ(body.at("with_session").as_int64(), 2) << n.body;
  EXPECT_EQ(body.at("remembered").as_int64(), 1);
  EXPECT_EQ(op.Get("/api/admin/exams/nope/sessions").status, 404);
  EXPECT_EQ(teacher_->Get("/api/admin/exams/test-exam/sessions").status, 403);

  // The same from the command line, while the server runs.
  auto cli = RunPupitre({"admin", "--config", dir_.path() + "/pupitre.toml", "--data-dir",
                         dir_.path() + "/store", "sessions", "--exam", "test-exam"});
  ASSERT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_NE(cli.output.find("2 of " + std::to_string(body.at("students").as_int64()) +
                            " students of 'test-exam' hold a session still valid when it opens "
                            "(1 on a remembered device)"),
            std::string::npos)
      << cli.output;
  auto missing = RunPupitre({"admin", "--config", dir_.path() + "/pupitre.toml", "--data-dir",
                             dir_.path() + "/store", "sessions", "--exam", "nope"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("no exam 'nope'"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace pupitre::testkit
