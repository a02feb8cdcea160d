// Two nodes on one PostgreSQL, each reached directly: what is not tied to one exam (people,
// passwords, sessions, courses and their content, announcements, the operator's switches)
// changed on one node is what the other serves, without a restart (cluster/change_feed.h).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "testkit/course_fixture.h"
#include "testkit/exam_fixture.h"
#include "testkit/poll.h"
#include "testkit/postgres_server.h"

namespace pupitre::testkit {
namespace {

class SharedStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PostgresServer* pg = SharedPostgres();
    ASSERT_NE(pg, nullptr);
    db_ = pg->CreateDatabase(std::string("shared_") +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (int i = 0; i < 2; ++i) {
      const std::string name = "n" + std::to_string(i + 1);
      const std::string dir = dir_.path() + "/" + name;
      std::filesystem::create_directories(dir);
      nodes_.push_back(std::make_unique<ChildServer>(
          dir,
          FastTestConfig() + fmt::format("[store]\nbackend = \"postgres\"\npostgres = \"{}\"\n"
                                         "[cluster]\nnode = \"{}\"\nlease_ms = 3000\n",
                                         db_, name),
          /*demo=*/i == 0));
      ASSERT_TRUE(nodes_.back()->Start()) << nodes_.back()->log();
    }
  }

  int port(int node) const { return nodes_[static_cast<size_t>(node)]->port(); }

  TempDir dir_;
  std::string db_;
  std::vector<std::unique_ptr<ChildServer>> nodes_;
};

TEST_F(SharedStateTest, ACourseEditedOnOneNodeIsServedAsEditedByTheOther) {
  HttpClient t1(port(0)), t2(port(1)), op(port(0));
  ASSERT_EQ(t1.Login("teacher", "teacher-demo").status, 200);
  ASSERT_EQ(t2.Login("teacher", "teacher-demo").status, 200);
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  ASSERT_EQ(t1.Post("/api/courses", R"({"id":"geo","title":"Geography"})").status, 201);
  auto added = op.Post("/api/admin/courses/geo/members",
                       R"({"logins":["student0003"],"role":"student"})");
  ASSERT_EQ(added.status, 200) << added.body;
  auto section = t1.Post("/api/courses/geo/sections", R"({"title":"Rivers"})");
  ASSERT_EQ(section.status, 201) << section.body;
  const int64_t sid = section.json().at("section").at("id").as_int64();
  auto page = t1.Post(fmt::format("/api/courses/geo/sections/{}/items", sid),
                      R"({"kind":"page","title":"The Loire","body":"The *longest* river."})");
  ASSERT_EQ(page.status, 201) << page.body;

  // The student, on the other node, sees the new course, its section and its page.
  HttpClient s2(port(1));
  ASSERT_EQ(s2.Login("student0003", "student-demo").status, 200);
  std::string outline;
  EXPECT_TRUE(Eventually([&] {
    auto r = s2.Get("/api/courses/geo/outline");
    outline = r.body;
    return r.status == 200 && r.body.find("The Loire") != std::string::npos;
  })) << outline;
  EXPECT_NE(outline.find("Rivers"), std::string::npos) << outline;

  // An edit and a deletion on the second node reach the first.
  const int64_t item = page.json().at("item").at("id").as_int64();
  auto edited = t2.Put(fmt::format("/api/courses/geo/items/{}", item),
                       R"({"title":"La Loire","body":"Le plus long fleuve."})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  HttpClient s1(port(0));
  ASSERT_EQ(s1.Login("student0003", "student-demo").status, 200);
  EXPECT_TRUE(Eventually([&] {
    auto r = s1.Get("/api/courses/geo/outline");
    outline = r.body;
    return r.status == 200 && r.body.find("La Loire") != std::string::npos;
  })) << outline;

  // An announcement posted on one node is listed, unread, on the other.
  auto posted = t1.Post("/api/courses/geo/announcements", R"({"title":"Field trip on Friday"})");
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_TRUE(Eventually([&] {
    auto r = s2.Get("/api/courses/geo/announcements");
    outline = r.body;
    return r.status == 200 && r.body.find("Field trip on Friday") != std::string::npos;
  })) << outline;
}

TEST_F(SharedStateTest, PasswordsLogoutsAndDisabledAccountsHoldOnEveryNode) {
  // A session opened on node 1 is used on node 2; the password changes on node 1.
  HttpClient student(port(0));
  ASSERT_EQ(student.Login("student0004", "student-demo").status, 200);
  HttpClient same_on_2(port(1));
  same_on_2.set_token(student.token());
  ASSERT_EQ(same_on_2.Get("/api/me").status, 200) << "node 2 reads a session node 1 opened";
  auto changed = student.Post("/api/me/password",
                              R"({"current":"student-demo","new":"a-new-password-4"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  // Logins are not tried again and again (failed ones are throttled): an announcement posted
  // on node 1 after the change is awaited on node 2 instead; the feed applies changes in
  // commit order, so the password is there by then.
  HttpClient op1(port(0));
  ASSERT_EQ(op1.Login("admin", "admin-demo").status, 200);
  ASSERT_EQ(op1.Post("/api/announcements", R"({"title":"Marker one"})").status, 201);
  HttpClient reader(port(1));
  ASSERT_EQ(reader.Login("student0006", "student-demo").status, 200);
  EXPECT_TRUE(Eventually([&] {
    auto r = reader.Get("/api/announcements");
    return r.status == 200 && r.body.find("Marker one") != std::string::npos;
  }));
  HttpClient fresh(port(1));
  EXPECT_EQ(fresh.Login("student0004", "a-new-password-4").status, 200)
      << "node 2 knows the new password";
  HttpClient old(port(1));
  EXPECT_EQ(old.Login("student0004", "student-demo").status, 401) << "and not the old one";

  // A logout on node 1 ends the session on node 2 too.
  ASSERT_EQ(student.Post("/api/logout").status, 200);
  EXPECT_TRUE(Eventually([&] { return same_on_2.Get("/api/me").status == 401; }));

  // An account disabled on node 2 can no longer act on node 1.
  HttpClient other(port(0));
  ASSERT_EQ(other.Login("student0005", "student-demo").status, 200);
  HttpClient op(port(1));
  ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
  ASSERT_EQ(op.Put("/api/admin/users/student0005/disabled", R"({"disabled":true})").status, 200);
  EXPECT_TRUE(Eventually([&] { return other.Get("/api/me").status == 401; }));
  HttpClient again(port(0));
  EXPECT_NE(again.Login("student0005", "student-demo").status, 200);

  // The operator's under-attack switch, set on node 2, holds on node 1.
  ASSERT_EQ(op.Put("/api/admin/attack", R"({"mode":"on"})").status, 200);
  std::string state;
  EXPECT_TRUE(Eventually([&] {
    auto r = op1.Get("/api/admin/attack");
    state = r.body;
    return r.status == 200 && r.json().at("mode").as_string() == "on";
  })) << state;
  // And the course door's hold.
  ASSERT_EQ(op.Put("/api/admin/course-door", R"({"hold":true})").status, 200);
  EXPECT_TRUE(Eventually([&] {
    auto r = op1.Get("/api/admin/course-door");
    state = r.body;
    return r.status == 200 && r.json().at("held").as_bool();
  })) << state;
}

// Files are shared too: an upload begun on one node goes on on the other (each part may reach
// any node), the file is made an item on the first, and both serve its bytes.
TEST_F(SharedStateTest, AFileUploadedThroughBothNodesIsServedByEach) {
  HttpClient t1(port(0)), t2(port(1));
  ASSERT_EQ(t1.Login("teacher", "teacher-demo").status, 200);
  t2.set_token(t1.token());
  auto section = t1.Post("/api/courses/demo-course/sections", R"({"title":"Files"})");
  ASSERT_EQ(section.status, 201) << section.body;
  const int64_t sid = section.json().at("section").at("id").as_int64();
  // 1.5 MiB of varied bytes: more than one part in the store.
  std::string bytes(3 * 512 * 1024, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) % 251);
  const std::string path = BeginUpload(t1, bytes.size(), "notes.bin");
  ASSERT_FALSE(path.empty());
  const size_t half = bytes.size() / 2;
  auto first = Patch(t1, path, 0, bytes.substr(0, half));
  ASSERT_EQ(first.status, 204) << first.body;
  std::string seen;
  EXPECT_TRUE(Eventually([&] {  // node 2 learns of the upload through the change feed
    auto r = Patch(t2, path, half, bytes.substr(half));
    seen = std::to_string(r.status) + " " + r.body;
    return r.status == 204;
  })) << "the second part, on node 2: " << seen;
  const std::string id = path.substr(path.rfind('/') + 1);
  auto item = t1.Post(fmt::format("/api/courses/demo-course/sections/{}/items", sid),
                      R"({"kind":"file","title":"Notes","upload":")" + id + R"("})");
  ASSERT_EQ(item.status, 201) << item.body;
  const int64_t item_id = item.json().at("item").at("id").as_int64();
  const std::string file = fmt::format("/api/courses/demo-course/items/{}/file", item_id);
  HttpClient s1(port(0)), s2(port(1));
  ASSERT_EQ(s1.Login("student0007", "student-demo").status, 200);
  s2.set_token(s1.token());
  auto on1 = s1.Get(file);
  ASSERT_EQ(on1.status, 200);
  EXPECT_TRUE(on1.body == bytes) << "node 1 serves the file as uploaded";
  HttpResult on2;
  EXPECT_TRUE(Eventually([&] {
    on2 = s2.Get(file);
    return on2.status == 200;
  })) << on2.status << " " << on2.body;
  EXPECT_EQ(on2.body.size(), bytes.size());
  EXPECT_TRUE(on2.body == bytes) << "node 2 fetched it from the store, byte for byte";
}

}  // namespace
}  // namespace pupitre::testkit
