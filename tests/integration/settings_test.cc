// The waiting rooms' settings live in the store. A data directory from before kept them as files:
// they are taken in once, and the files renamed so that they never come back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "testkit/child_server.h"
#include "testkit/http_client.h"
#include "testkit/stored_settings.h"

namespace pupitre::testkit {
namespace {

TEST(SettingsTest, OldSettingFilesAreTakenIntoTheStoreOnceAndRenamed) {
  TempDir dir;
  const std::string store = dir.path() + "/store";
  std::filesystem::create_directories(store);
  const std::string key(64, 'a');
  std::ofstream(store + "/waiting-room.key") << key << "\n";
  std::ofstream(store + "/admission.json") << R"({"demo-exam":{"paused":true,"max_rate":7}})"
                                           << "\n";
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();

  EXPECT_EQ(StoredSetting(store, "waiting_rooms.ticket_key").value_or(""), key)
      << "the old key was not kept: tickets issued before the upgrade would be refused";
  EXPECT_NE(access((store + "/waiting-room.key.imported").c_str(), F_OK), -1);
  EXPECT_EQ(access((store + "/waiting-room.key").c_str(), F_OK), -1)
      << "the old file is still there: it would be taken in again";
  // The operator's pause came along.
  HttpClient op(server.port());
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  auto admission = op.Get("/api/admin/exams/demo-exam/admission");
  ASSERT_EQ(admission.status, 200) << admission.body;
  EXPECT_TRUE(admission.json().at("paused").as_bool()) << admission.body;
  EXPECT_EQ(admission.json().at("max_rate").to_number<double>(), 7.0) << admission.body;

  // The operator lifts the pause; after a restart it stays lifted (nothing is taken in again).
  auto lifted = op.Put("/api/admin/exams/demo-exam/admission", R"({"paused":false})");
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  server.Stop(SIGTERM);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient op2(server.port());
  ASSERT_EQ(op2.Login("admin", "admin-demo").status, 200);
  auto again = op2.Get("/api/admin/exams/demo-exam/admission");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(again.json().at("paused").as_bool()) << "an old file came back: " << again.body;
}

}  // namespace
}  // namespace pupitre::testkit
