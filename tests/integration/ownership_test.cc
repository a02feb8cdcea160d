// Teachers act on what they own: the exams they imported and the exams of the courses they
// teach. Operators act on all. Against the real binary.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>

#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"

namespace pupitre::testkit {
namespace {

TEST(OwnershipTest, ATeacherCannotTouchAnotherTeachersExamButTheCoursesTeachersAndOperatorsCan) {
  TempDir dir;
  {
    ChildServer seed(dir.path(), FastTestConfig(), /*demo=*/true);
    ASSERT_TRUE(seed.Start()) << seed.log();
    HttpClient teacher(seed.port());
    ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
    ASSERT_EQ(teacher.Post("/api/exams", TestExamToml("owned-exam")).status, 201);
    ASSERT_EQ(seed.Stop(SIGTERM), 0) << seed.log();
  }
  // A rival teacher of no course, and a colleague who teaches the demo course.
  std::ofstream(dir.path() + "/rival.csv") << "login,name,password,role\n"
                                              "rival,Rival Teacher,rival-password,teacher\n";
  std::ofstream(dir.path() + "/colleague.csv") << "login,name,password,role\n"
                                                  "colleague,Colleague,colleague-pw,teacher\n";
  const std::string config = dir.path() + "/pupitre.toml";
  const std::string store = dir.path() + "/store";
  ASSERT_EQ(RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                        dir.path() + "/rival.csv"})
                .exit_code,
            0);
  auto colleague_import = RunPupitre({"admin", "--config", config, "--data-dir", store, "user",
                                      "import", dir.path() + "/colleague.csv", "--course",
                                      "demo-course"});
  ASSERT_EQ(colleague_import.exit_code, 0) << colleague_import.output;

  ChildServer server(dir.path(), FastTestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient rival(server.port());
  ASSERT_EQ(rival.Login("rival", "rival-password").status, 200);
  // Re-importing (replacing the answer key), changing, publishing, releasing: all refused.
  auto replace = rival.Post("/api/exams", TestExamToml("owned-exam"));
  EXPECT_EQ(replace.status, 403) << replace.body;
  EXPECT_NE(replace.body.find("another teacher"), std::string::npos) << replace.body;
  EXPECT_EQ(rival.Put("/api/exams/owned-exam/settings", R"({"duration_minutes":90})").status, 403);
  EXPECT_EQ(rival.Post("/api/exams/owned-exam/publish").status, 403);
  EXPECT_EQ(rival.Post("/api/exams/owned-exam/release").status, 403);
  EXPECT_EQ(rival.Put("/api/exams/owned-exam/extra-time",
                      R"({"login":"student0001","minutes":10})").status, 403);
  EXPECT_EQ(rival.Get("/api/exams/owned-exam/attempts").status, 403);
  EXPECT_EQ(rival.Get("/api/exams/owned-exam").status, 404) << "nor read its answer key";
  auto list = rival.Get("/api/exams");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("owned-exam"), std::string::npos) << list.body.substr(0, 300);
  // Nor put a new exam into a course they do not teach.
  auto intrude = rival.Post("/api/exams", TestExamToml("rival-exam"));
  EXPECT_EQ(intrude.status, 403) << intrude.body;
  EXPECT_NE(intrude.body.find("you do not teach course 'demo-course'"), std::string::npos)
      << intrude.body;

  // The course's other teacher may; so may an operator.
  HttpClient colleague(server.port());
  ASSERT_EQ(colleague.Login("colleague", "colleague-pw").status, 200);
  EXPECT_EQ(colleague.Put("/api/exams/owned-exam/settings", R"({"duration_minutes":90})").status,
            200);
  HttpClient op(server.port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  EXPECT_EQ(op.Post("/api/exams/owned-exam/publish").status, 200);
  // The owner still owns it after the colleague's change.
  HttpClient teacher(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  EXPECT_EQ(teacher.Get("/api/exams/owned-exam/attempts").status, 200);
}

}  // namespace
}  // namespace pupitre::testkit
