// Incidents against the real binary: who may tell whom, what is refused and why, delivery to the
// event streams of the pages concerned only (and not to others), time added pushed to the exam
// page's stream, the public status page, and every version kept across a crash.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

class IncidentsTest : public DemoServerTest {
 protected:
  void SetUp() override {
    DemoServerTest::SetUp();
    admin_ = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(admin_->Login("admin", "admin-demo").status, 200);
  }
  std::unique_ptr<HttpClient> admin_;
};

constexpr const char* kExamIncident =
    R"({"severity":"warning","scope":{"kind":"exam","id":"test-exam"},"text_en":"Question 2 has a typo","text_fr":"La question 2 a une coquille"})";

TEST_F(IncidentsTest, WhoMayTellWhomAndWhatIsRefused) {
  auto student = Student(1);
  EXPECT_EQ(student->Post("/api/incidents", kExamIncident).status, 403) << "students do not post";
  // A teacher tells the people of their exam, not everyone nor a course.
  auto mine = teacher_->Post("/api/incidents", kExamIncident);
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_EQ(mine.json().at("incident").at("version").as_int64(), 1);
  EXPECT_EQ(teacher_->Post("/api/incidents", R"({"scope":"all","text_en":"Hello"})").status, 403);
  EXPECT_EQ(teacher_->Post("/api/incidents",
                           R"({"scope":{"kind":"course","id":"demo-course"},"text_en":"Hi"})")
                .status,
            403);
  // Clear refusals, each with its reason.
  auto no_text = admin_->Post("/api/incidents", R"({"scope":"all"})");
  EXPECT_EQ(no_text.status, 422);
  EXPECT_NE(no_text.body.find("needs a text"), std::string::npos) << no_text.body;
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"severity":"mild","text_en":"x"})").status, 422);
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"scope":{"kind":"exam","id":"nope"},"text_en":"x"})").status, 404);
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"scope":{"kind":"course","id":"nope"},"text_en":"x"})").status, 404);
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"scope":{"kind":"planet","id":"x"},"text_en":"x"})").status, 422);
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"scope":42,"text_en":"x"})").status, 400);
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"text_en":7})").status, 400);
  EXPECT_EQ(admin_->Post("/api/incidents", "not json").status, 400);
  EXPECT_EQ(admin_->Post("/api/incidents", R"({"text_en":"bell \u0007"})").status, 422);
  const std::string id = std::to_string(mine.json().at("incident").at("id").as_int64());
  EXPECT_EQ(admin_->Put("/api/incidents/999", R"({"resolved":true})").status, 404);
  EXPECT_EQ(admin_->Put("/api/incidents/abc", R"({"resolved":true})").status, 404);
  EXPECT_EQ(admin_->Put("/api/incidents/" + id, "{}").status, 400) << "nothing to change";
  EXPECT_EQ(student->Put("/api/incidents/" + id, R"({"resolved":true})").status, 403);
  ASSERT_EQ(teacher_->Put("/api/incidents/" + id, R"({"resolved":true})").status, 200);
  EXPECT_EQ(teacher_->Put("/api/incidents/" + id, R"({"resolved":true})").status, 409)
      << "a resolved incident is closed";
}

TEST_F(IncidentsTest, ThePagesConcernedAreToldAndOthersAreNot) {
  auto student = Student(1);
  const int64_t attempt = StartExam(*student);
  ASSERT_GT(attempt, 0);
  std::vector<HttpClient::Event> seen;
  bool posted = false;
  int status = student->ReadEvents("/api/events", {}, [&](const HttpClient::Event& e) {
    seen.push_back(e);
    if (e.name == "incidents" && !posted) {
      posted = true;
      // While the stream is open: an incident of their exam, then time added to their attempt.
      EXPECT_EQ(teacher_->Post("/api/incidents", kExamIncident).status, 201);
      EXPECT_EQ(teacher_->Post("/api/exams/test-exam/time", R"({"minutes":5})").status, 200);
    }
    return e.name != "attempt";
  }, std::chrono::seconds(20));
  EXPECT_EQ(status, 200);
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen[0].name, "incidents");
  EXPECT_EQ(seen[0].data, R"({"incidents":[]})");
  ASSERT_EQ(seen[1].name, "incident") << "the first pushed must be the student's exam's";
  EXPECT_NE(seen[1].data.find("Question 2 has a typo"), std::string::npos) << seen[1].data;
  EXPECT_NE(seen[1].data.find("La question 2 a une coquille"), std::string::npos);
  EXPECT_EQ(seen.back().name, "attempt");
  EXPECT_EQ(seen.back().data, R"({"exam_id":"test-exam"})");

  // Someone in no course of that exam is not told of it, only of what is for everyone. Pushes
  // keep their order on one stream: had the exam's reached them, it would come first.
  auto add = RunPupitre({"admin", "--config", dir_.path() + "/pupitre.toml", "--data-dir",
                         dir_.path() + "/store", "user", "add", "--login", "outsider",
                         "--password", "a-long-password", "--name", "Out Sider"});
  ASSERT_EQ(add.exit_code, 0) << add.output;
  HttpClient outsider(server_->port());
  ASSERT_EQ(outsider.Login("outsider", "a-long-password").status, 200);
  std::vector<HttpClient::Event> theirs;
  outsider.ReadEvents("/api/events", {}, [&](const HttpClient::Event& e) {
    theirs.push_back(e);
    if (e.name == "incidents") {
      EXPECT_EQ(teacher_->Post("/api/incidents", kExamIncident).status, 201);
      EXPECT_EQ(admin_->Post("/api/incidents", R"({"scope":"all","text_en":"For everyone"})").status, 201);
    }
    return e.name != "incident";
  }, std::chrono::seconds(20));
  ASSERT_EQ(theirs.size(), 2u);
  EXPECT_EQ(theirs[0].data, R"({"incidents":[]})") << "the exam's first incident is not theirs";
  EXPECT_NE(theirs[1].data.find("For everyone"), std::string::npos) << theirs[1].data;

  // A page opening now gets what concerns it on connecting; the list says the same.
  auto list = student->Get("/api/incidents");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json().at("incidents").as_array().size(), 3u) << list.body;
  EXPECT_EQ(outsider.Get("/api/incidents").json().at("incidents").as_array().size(), 1u);
  // The public page shows only what is for everyone.
  ASSERT_EQ(admin_->Post("/api/incidents", R"({"scope":"all","severity":"info","text_fr":"Maintenance à 18 h <b>"})").status, 201);
  // Rendered once a second: asked until it shows both for everyone.
  bool on_status = false;
  HttpClient visitor(server_->port());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int i = 0; i < 100'000 && !on_status && std::chrono::steady_clock::now() < deadline; ++i) {
    auto page = visitor.Get("/status.json");
    on_status = page.status == 200 && page.json().at("incidents").as_array().size() == 2;
  }
  ASSERT_TRUE(on_status);
  auto html = visitor.Get("/status?lang=fr");
  EXPECT_NE(html.body.find("Maintenance à 18 h &lt;b&gt;"), std::string::npos) << "escaped";
  EXPECT_EQ(html.body.find("Question 2"), std::string::npos) << "an exam's incident is private";
}

TEST_F(IncidentsTest, EveryVersionOutlivesACrash) {
  auto posted = admin_->Post("/api/incidents", R"({"scope":"all","text_en":"Slow saves"})");
  ASSERT_EQ(posted.status, 201);
  const std::string id = std::to_string(posted.json().at("incident").at("id").as_int64());
  ASSERT_EQ(admin_->Put("/api/incidents/" + id, R"({"severity":"critical","text_fr":"Lent"})").status, 200);
  ASSERT_EQ(admin_->Put("/api/incidents/" + id, R"({"resolved":true})").status, 200);
  server_->Stop(SIGKILL);
  ChildServer again(dir_.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(again.Start()) << again.log();
  HttpClient admin(again.port());
  ASSERT_EQ(admin.Login("admin", "admin-demo").status, 200);
  auto history = admin.Get("/api/incidents/history");
  ASSERT_EQ(history.status, 200);
  const boost::json::value body = history.json();
  const auto& list = body.at("incidents").as_array();
  ASSERT_EQ(list.size(), 1u);
  const auto& versions = list.at(0).at("versions").as_array();
  ASSERT_EQ(versions.size(), 3u) << history.body;
  EXPECT_EQ(versions.at(0).at("severity").as_string(), "warning");
  EXPECT_EQ(versions.at(1).at("severity").as_string(), "critical");
  EXPECT_EQ(versions.at(1).at("text").at("fr").as_string(), "Lent");
  EXPECT_EQ(versions.at(1).at("text").at("en").as_string(), "Slow saves");
  EXPECT_TRUE(versions.at(2).at("resolved").as_bool());
  EXPECT_EQ(HttpClient(again.port()).Get("/api/incidents/history").status, 401);
}

}  // namespace
}  // namespace pupitre::testkit
