// Hostile input against the real binary: nothing a user sends may crash the server.
#include <gtest/gtest.h>

#include <string>

#include "testkit/child_server.h"
#include "testkit/http_client.h"

namespace pupitre::testkit {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(HostileInputTest, AnExamFileNestedFortyThousandDeepIsRefusedAndTheServerStaysUp) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  HttpClient teacher(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  for (const std::string& file :
       {"[exam]\n" + Repeat("a.", 40'000) + "b = 1\n",    // dotted keys (~80 KB)
        "[" + Repeat("t.", 100'000) + "u]\nx = 1\n"}) {   // a table header (~200 KB)
    auto r = teacher.Post("/api/exams", file);
    EXPECT_EQ(r.status, 422) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("nested deeper"), std::string::npos) << r.body.substr(0, 300);
  }
  HttpClient probe(server.port());
  EXPECT_EQ(probe.Get("/healthz").status, 200) << "the server did not survive:\n" << server.log();
}

}  // namespace
}  // namespace pupitre::testkit
