// The command line: config errors, account creation and CSV import, all or nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "testkit/child_server.h"
#include "testkit/http_client.h"

namespace pupitre::testkit {
namespace {

TEST(CliTest, ABadConfigStopsStartUpNamingTheKey) {
  TempDir dir;
  std::ofstream(dir.path() + "/bad.toml") << "[server]\nthreads = -3\n";
  auto r = RunPupitre({"serve", "--config", dir.path() + "/bad.toml", "--data-dir", dir.path()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("server.threads"), std::string::npos) << r.output;

  std::ofstream(dir.path() + "/typo.toml") << "[store]\nmax_bacth = 10\n";
  r = RunPupitre({"serve", "--config", dir.path() + "/typo.toml", "--data-dir", dir.path()});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("store.max_bacth: unknown key"), std::string::npos) << r.output;
}

TEST(CliTest, CsvImportIsAllOrNothingAndNamesEveryBadLine) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  std::ofstream(dir.path() + "/config.toml") << FastTestConfig();
  const std::string config = dir.path() + "/config.toml";
  std::ofstream(dir.path() + "/bad.csv") << "login,name,password\n"
                                            "ana,Ana Lima,correct-horse\n"
                                            "bo b,Bob,correct-horse\n"
                                            "carla,Carla,short\n";
  auto bad = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                         dir.path() + "/bad.csv"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("bad.csv:3:"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("bad.csv:4:"), std::string::npos) << bad.output;
  EXPECT_NE(bad.output.find("nothing was imported"), std::string::npos) << bad.output;

  std::ofstream(dir.path() + "/good.csv") << "login,name,password,role\n"
                                             "ana,Ana Lima,correct-horse,\n"
                                             "\"dupont\",\"Dupont, Jean\",battery-staple,teacher\n";
  auto good = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                          dir.path() + "/good.csv"});
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_NE(good.output.find("imported 2 account(s)"), std::string::npos) << good.output;

  // Importing the same file again fails as a whole: ana exists.
  auto again = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                           dir.path() + "/good.csv"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("ana"), std::string::npos) << again.output;

  ChildServer server(dir.path(), FastTestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient c(server.port());
  auto login = c.Login("dupont", "battery-staple");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(login.json().at("user").at("role").as_string(), "teacher");
  EXPECT_EQ(login.json().at("user").at("name").as_string(), "Dupont, Jean");
  EXPECT_EQ(c.Login("carla", "short").status, 401) << "a line of the failed import landed";
}

TEST(CliTest, CsvImportRefusesAnUnknownCourseAndLoginsThatDifferOnlyByCase) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  std::ofstream(dir.path() + "/config.toml") << FastTestConfig();
  const std::string config = dir.path() + "/config.toml";
  std::ofstream(dir.path() + "/class.csv") << "login,name,password\n"
                                              "Anna,Anna Lima,correct-horse\n";
  auto typo = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                          dir.path() + "/class.csv", "--course", "no-such-course"});
  EXPECT_EQ(typo.exit_code, 1) << typo.output;
  EXPECT_NE(typo.output.find("no course 'no-such-course'"), std::string::npos) << typo.output;
  auto ok = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                        dir.path() + "/class.csv"});
  ASSERT_EQ(ok.exit_code, 0) << ok.output << "\n(the failed import above must have added nothing)";
  // "anna" is the same account as "Anna".
  std::ofstream(dir.path() + "/twin.csv") << "login,name,password\n"
                                             "anna,Another Anna,correct-horse\n";
  auto twin = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                          dir.path() + "/twin.csv"});
  EXPECT_EQ(twin.exit_code, 1) << twin.output;
  EXPECT_NE(twin.output.find("already taken (as 'Anna')"), std::string::npos) << twin.output;
  auto missing = RunPupitre({"admin", "--config", config, "--data-dir", store, "user", "import",
                             dir.path() + "/no-such-file.csv"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("no-such-file.csv"), std::string::npos) << missing.output;
}

TEST(CliTest, AnAccountAddedWhileTheServerRunsCanLogIn) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  auto add = RunPupitre({"admin", "--config", dir.path() + "/pupitre.toml", "--data-dir",
                         dir.path() + "/store", "user", "add", "--login", "late.student",
                         "--password", "a-long-password", "--name", "Late Student"});
  ASSERT_EQ(add.exit_code, 0) << add.output;
  HttpClient c(server.port());
  EXPECT_EQ(c.Login("late.student", "a-long-password").status, 200);
  EXPECT_EQ(c.Login("late.student", "wrong-password!").status, 401);
}

}  // namespace
}  // namespace pupitre::testkit
