// An attempt's timeline against the real binary: what the server saw (start, saves per minute
// with the journal's resends and the replays, the exam page's stream coming and going, the
// submission), for its teachers only, as JSON and CSV, and kept across a restart.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "testkit/exam_fixture.h"
#include "testkit/poll.h"

namespace pupitre::testkit {
namespace {

using TimelineTest = DemoServerTest;

// The kinds of an attempt's timeline, in order ("" when it cannot be read).
std::vector<std::string> Kinds(HttpClient& teacher, int64_t attempt) {
  auto r = teacher.Get("/api/attempts/" + std::to_string(attempt) + "/timeline");
  std::vector<std::string> out;
  if (r.status != 200) return out;
  const boost::json::value body = r.json();
  for (const auto& e : body.at("timeline").as_array()) {
    out.emplace_back(e.at("kind").as_string());
  }
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& kind) {
  return std::find(v.begin(), v.end(), kind) != v.end();
}

TEST_F(TimelineTest, TheTeacherSeesWhatTheServerReceivedAndWhen) {
  auto student = Student(1);
  const int64_t id = StartExam(*student);
  ASSERT_GT(id, 0);
  const std::string base = "/api/attempts/" + std::to_string(id);
  // The exam page's stream opens and is closed (the page went away).
  int events = 0;
  EXPECT_EQ(student->ReadEvents(base + "/events", {}, [&](const HttpClient::Event& e) {
    ++events;
    return e.name != "incidents";
  }, std::chrono::seconds(10)), 200);
  EXPECT_EQ(events, 1);
  // Three saves: one new, one resent by the journal after being offline, one replay.
  ASSERT_EQ(Save(*student, id, "num", 1, "41").status, 200);
  ASSERT_EQ(student->Put(base + "/answers/num", R"({"seq":2,"value":42,"resent":true})").status, 200);
  ASSERT_EQ(Save(*student, id, "num", 2, "42").status, 200);
  EXPECT_EQ(student->Put(base + "/answers/num", R"({"seq":3,"value":1,"resent":"yes"})").status, 400);
  ASSERT_EQ(student->Post(base + "/submit").status, 200);

  // Teachers only; the page's disconnection is seen within a second (the hub's sweep).
  EXPECT_EQ(student->Get(base + "/timeline").status, 403);
  std::vector<std::string> kinds;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 100'000 && std::chrono::steady_clock::now() < deadline; ++i) {
    kinds = Kinds(*teacher_, id);
    if (Has(kinds, "page_disconnected")) break;
    PollPause(std::chrono::milliseconds(100));
  }
  std::string all;
  for (const auto& k : kinds) all += k + " ";
  ASSERT_FALSE(kinds.empty()) << teacher_->Get(base + "/timeline").body;
  EXPECT_EQ(kinds.front(), "started");
  EXPECT_TRUE(Has(kinds, "page_connected"));
  EXPECT_TRUE(Has(kinds, "page_disconnected"));
  EXPECT_TRUE(Has(kinds, "submitted")) << all;
  EXPECT_LT(std::find(kinds.begin(), kinds.end(), "saves") - kinds.begin(),
            std::find(kinds.begin(), kinds.end(), "submitted") - kinds.begin()) << all;
  auto r = teacher_->Get(base + "/timeline");
  ASSERT_EQ(r.status, 200);
  const auto body = r.json();
  EXPECT_EQ(body.at("login").as_string(), StudentLogin(1));
  int saves = 0, resent = 0, replays = 0;
  for (const auto& e : body.at("timeline").as_array()) {
    if (e.at("kind") != "saves") continue;
    saves += static_cast<int>(e.at("data").at("saves").as_int64());
    resent += static_cast<int>(e.at("data").at("resent").as_int64());
    replays += static_cast<int>(e.at("data").at("replays").as_int64());
  }
  EXPECT_EQ(saves, 3);
  EXPECT_EQ(resent, 1);
  EXPECT_EQ(replays, 1);
  auto csv = teacher_->Get(base + "/timeline.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("time_utc,event,details\r\n", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("submitted by the student"), std::string::npos) << csv.body;
  EXPECT_EQ(teacher_->Get("/api/attempts/99999/timeline").status, 404);

  // A clean stop writes the minute still being counted: all of it is there after the restart.
  server_->Stop(SIGTERM);
  ChildServer again(dir_.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient teacher(again.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  auto after = Kinds(teacher, id);
  ASSERT_FALSE(after.empty());
  EXPECT_TRUE(Has(after, "saves"));
  EXPECT_TRUE(Has(after, "page_connected"));
  EXPECT_TRUE(Has(after, "submitted"));
}

}  // namespace
}  // namespace pupitre::testkit
