// An acknowledged hand-in survives a SIGKILL: killed right after the 200, the server comes back
// with the hand-in, its files byte for byte and its receipt's fingerprints.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "testkit/course_fixture.h"
#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

TEST(HandinCrashTest, AnAcknowledgedHandinIsThereAfterSigkillByteForByte) {
  ASSERT_GE(sodium_init(), 0);
  TempDir dir;
  auto server = std::make_unique<ChildServer>(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient teacher(server->port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  const int64_t due = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() +
                      3'600'000;
  auto item = teacher.Post("/api/courses/demo-course/sections/1/items",
                           R"({"kind":"homework","title":"Lab report","rules":{"due_ms":)" +
                               std::to_string(due) + R"(,"max_files":3}})");
  ASSERT_EQ(item.status, 201) << item.body;
  const std::string path =
      "/api/courses/demo-course/homework/" +
      std::to_string(item.json().at("item").at("id").as_int64());
  HttpClient student(server->port());
  ASSERT_EQ(student.Login("student0001", "student-demo").status, 200);
  const std::string report = Pattern(700 * 1024 + 11, 3);
  const std::string id = UploadAll(student, "report.pdf", report);
  ASSERT_FALSE(id.empty());
  auto r = student.Put(path + "/handin", R"({"text":"Done","uploads":[")" + id + R"("]})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(server->Stop(SIGKILL), -SIGKILL);  // at once after the acknowledgement

  ASSERT_TRUE(server->Start()) << server->log();
  HttpClient again(server->port());
  again.set_token(student.token());
  auto view = again.Get(path);
  ASSERT_EQ(view.status, 200) << view.body;
  const auto h = view.json().at("handin");
  EXPECT_EQ(h.at("text").as_string(), "Done");
  ASSERT_EQ(h.at("files").as_array().size(), 1u);
  EXPECT_EQ(h.at("files").at(0).at("sha256").as_string(), Sha256Hex(report));
  auto file = again.Get(std::string(h.at("files").at(0).at("url").as_string()));
  ASSERT_EQ(file.status, 200);
  EXPECT_TRUE(file.body == report) << "the file after the kill, byte for byte";
}

}  // namespace
}  // namespace pupitre::testkit
