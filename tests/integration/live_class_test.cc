// Live classes against the real binary and a stand-in BigBlueButton server (Python, checking
// every call's checksum as the API documentation specifies): a teacher schedules a class; at its
// time students and the teacher are given signed ways in that the server accepts (viewer and
// moderator); the meeting is created once for everyone; attendance is kept; the teacher ends it
// and its recording is listed. Beyond the server's declared capacity students wait in line and go
// in as seats free. A server that fails, or refuses our checksums, is said clearly (503,
// live_engine_down), never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "testkit/bbb_standin.h"
#include "testkit/child_server.h"
#include "testkit/exam_fixture.h"
#include "testkit/http_client.h"
#include "testkit/metrics_text.h"
#include "testkit/poll.h"

namespace pupitre::testkit {
namespace {

constexpr char kSecret[] = "8cd8ef52e8e101574e400365b55e11a6";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Reason(const HttpResult& r) {
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("error")) return "";
  auto* reason = v.at("error").as_object().if_contains("reason");
  return reason && reason->is_string() ? std::string(reason->as_string()) : "";
}

class LiveClassTest : public ::testing::Test {
 protected:
  // Starts the stand-in (with `engine_secret`) and the server (with kSecret), a course with
  // students 2 to 6, and a live class starting in 5 minutes (open now).
  void Start(int64_t capacity, const std::string& engine_secret = kSecret) {
    bbb_ = std::make_unique<BbbStandin>(engine_secret, "sha1");
    ASSERT_TRUE(bbb_->Start()) << "the stand-in did not start (python3?)";
    const std::string secret_file = dir_.path() + "/bbb-secret";
    std::ofstream(secret_file) << kSecret << "\n";
    const std::string config =
        FastTestConfig() + "[live]\nbbb_url = \"" + bbb_->api_url() + "\"\nbbb_secret_file = \"" +
        secret_file + "\"\nchecksum = \"sha1\"\npoll_seconds = 1\njoin_rate = 50\n" +
        "timeout_ms = 3000\nmax_participants = " + std::to_string(capacity) + "\n";
    server_ = std::make_unique<ChildServer>(dir_.path(), config, /*demo=*/true);
    ASSERT_TRUE(server_->Start()) << server_->log();
    teacher_ = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(teacher_->Login("teacher", "teacher-demo").status, 200);
    ASSERT_EQ(teacher_->Post("/api/courses", R"({"id":"maths","title":"Maths"})").status, 201);
    HttpClient op(server_->port());
    ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
    ASSERT_EQ(op.Post("/api/admin/courses/maths/members",
                      R"({"logins":["student0002","student0003","student0004","student0005"],)"
                      R"("role":"student"})")
                  .status,
              200);
    auto section = teacher_->Post("/api/courses/maths/sections", R"({"title":"Live"})");
    ASSERT_EQ(section.status, 201);
    auto item = teacher_->Post(
        "/api/courses/maths/sections/" +
            std::to_string(section.json().at("section").at("id").as_int64()) + "/items",
        R"({"kind":"live","title":"Fractions, live","body":"Bring a pencil.","live":{"start_ms":)" +
            std::to_string(NowMs() + 5 * 60'000) + R"(,"duration_min":45,"record":true}})");
    ASSERT_EQ(item.status, 201) << item.body;
    EXPECT_EQ(item.json().at("item").at("live").at("phase").as_string(), "open");
    path_ = "/api/courses/maths/live/" + std::to_string(item.json().at("item").at("id").as_int64());
  }

  std::unique_ptr<HttpClient> Student(int i) {
    auto c = std::make_unique<HttpClient>(server_->port());
    EXPECT_EQ(c->Login(StudentLogin(i), "student-demo").status, 200);
    return c;
  }

  // Follows a way in as the browser would: the stand-in checks it and lets the person in.
  HttpResult Follow(const std::string& url) {
    const std::string prefix = "http://127.0.0.1:" + std::to_string(bbb_->port());
    EXPECT_EQ(url.rfind(prefix + "/bigbluebutton/api/join?", 0), 0u) << url;
    HttpClient browser(bbb_->port());
    return browser.Get(url.substr(prefix.size()));
  }

  boost::json::array Calls() {
    HttpClient c(bbb_->port());
    return c.Get("/_standin/calls").json().as_array();
  }

  TempDir dir_;
  std::unique_ptr<BbbStandin> bbb_;
  std::unique_ptr<ChildServer> server_;
  std::unique_ptr<HttpClient> teacher_;
  std::string path_;
};

TEST_F(LiveClassTest, StudentsAndTheTeacherGoInWithSignedLinksAndAttendanceIsKept) {
  Start(/*capacity=*/0);
  auto ana = Student(2);
  auto v = ana->Get(path_);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.json().at("phase").as_string(), "open");
  EXPECT_TRUE(v.json().at("engine").as_bool());
  EXPECT_TRUE(v.json().at("mine").is_null());

  auto cal = ana->Get("/api/calendar");
  ASSERT_EQ(cal.status, 200);
  EXPECT_NE(cal.body.find(R"("kind":"live")"), std::string::npos) << "in the student's calendar";
  EXPECT_NE(cal.body.find("#/live/maths/"), std::string::npos) << cal.body;

  auto j = ana->Post(path_ + "/join");
  ASSERT_EQ(j.status, 200) << j.body;
  auto in = Follow(std::string(j.json().at("url").as_string()));
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_NE(in.body.find("<p id='role'>VIEWER</p>"), std::string::npos) << in.body;
  EXPECT_NE(in.body.find("Fractions, live"), std::string::npos) << "the meeting has the title";

  auto t = teacher_->Post(path_ + "/join");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_NE(Follow(std::string(t.json().at("url").as_string())).body.find("MODERATOR"),
            std::string::npos);
  ASSERT_EQ(Student(3)->Post(path_ + "/join").status, 200);
  ASSERT_EQ(ana->Post(path_ + "/join").status, 200) << "joining again (a reload) works";

  // Someone of another course, and a made-up class, are not told it exists.
  EXPECT_EQ(Student(9)->Post(path_ + "/join").status, 404);
  EXPECT_EQ(ana->Get("/api/courses/maths/live/999999").status, 404);

  int creates = 0;
  for (const auto& call : Calls()) {
    EXPECT_TRUE(call.at("checksum_ok").as_bool()) << boost::json::serialize(call);
    if (call.at("call").as_string() == "create") ++creates;
  }
  EXPECT_EQ(creates, 1) << "one meeting for every join";

  auto att = teacher_->Get(path_ + "/attendance");
  ASSERT_EQ(att.status, 200) << att.body;
  const auto attendance = att.json();
  EXPECT_EQ(attendance.at("joined").as_int64(), 2);
  for (const auto& row : attendance.at("students").as_array()) {
    if (row.at("login").as_string() == StudentLogin(2)) {
      EXPECT_EQ(row.at("attended").at("joins").as_int64(), 2);
    }
    if (row.at("login").as_string() == StudentLogin(4)) EXPECT_TRUE(row.at("attended").is_null());
  }
  auto csv = teacher_->Get(path_ + "/attendance.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(StudentLogin(4) + ",") , std::string::npos);
  EXPECT_NE(csv.body.find(",no,"), std::string::npos) << csv.body;
  EXPECT_EQ(ana->Get(path_ + "/attendance").status, 403) << "the teacher's only";
  EXPECT_EQ(ana->Post(path_ + "/end").status, 403);

  auto end = teacher_->Post(path_ + "/end");
  ASSERT_EQ(end.status, 200) << end.body;
  auto late = Student(4)->Post(path_ + "/join");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(Reason(late), "live_ended");
  auto recs = ana->Get(path_ + "/recordings");
  ASSERT_EQ(recs.status, 200) << recs.body;
  const auto recordings = recs.json();
  ASSERT_EQ(recordings.at("recordings").as_array().size(), 1u);
  EXPECT_NE(recordings.at("recordings").at(0).at("url").as_string().find("/playback/"),
            std::string::npos);
  for (const auto& call : Calls()) EXPECT_TRUE(call.at("checksum_ok").as_bool());
}

TEST_F(LiveClassTest, BeyondTheServersCapacityStudentsWaitInLineAndGoInAsSeatsFree) {
  Start(/*capacity=*/2);
  auto a = Student(2), b = Student(3), c = Student(4);
  auto ja = a->Post(path_ + "/join"), jb = b->Post(path_ + "/join");
  ASSERT_EQ(ja.status, 200) << ja.body;
  ASSERT_EQ(jb.status, 200) << jb.body;
  ASSERT_EQ(Follow(std::string(ja.json().at("url").as_string())).status, 200);
  ASSERT_EQ(Follow(std::string(jb.json().at("url").as_string())).status, 200);
  auto jc = c->Post(path_ + "/join");
  ASSERT_EQ(jc.status, 202) << jc.body;
  EXPECT_EQ(jc.json().at("waiting").at("position").as_int64(), 1);
  EXPECT_TRUE(jc.json().at("waiting").at("full").as_bool()) << "no seat: no estimate";
  EXPECT_EQ(c->Get(path_).json().at("waiting").at("position").as_int64(), 1);
  EXPECT_EQ(MetricValue(HttpClient(server_->port()).Get("/metrics").body, "pupitre_live_waiting"), 1);

  // The server lists both; then one leaves and the one in line goes in.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (teacher_->Get(path_).json().at("present").as_int64() < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    PollPause(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(teacher_->Get(path_).json().at("present").as_int64(), 2);
  HttpClient(bbb_->port())
      .Get("/_standin/leave?meetingID=pupitre-maths-" + path_.substr(path_.rfind('/') + 1) +
           "&userID=" + std::to_string(a->Get("/api/me").json().at("user").at("id").as_int64()));
  HttpResult now;
  while (std::chrono::steady_clock::now() < deadline) {
    now = c->Post(path_ + "/join");
    if (now.status != 202) break;
    PollPause(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(Follow(std::string(now.json().at("url").as_string())).status, 200);
}

TEST_F(LiveClassTest, AServerThatFailsOrRefusesOurChecksumsIsSaidClearly) {
  Start(/*capacity=*/0, /*engine_secret=*/"another-secret-entirely");
  auto j = Student(2)->Post(path_ + "/join");
  EXPECT_EQ(j.status, 503) << j.body;
  EXPECT_EQ(Reason(j), "live_engine_down");
  ASSERT_FALSE(Calls().empty());
  EXPECT_FALSE(Calls().at(0).at("checksum_ok").as_bool()) << "the stand-in checked, and refused";
  EXPECT_NE(server_->log().find("checksumError"), std::string::npos) << "the log says why";
  EXPECT_FALSE(Student(3)->Get(path_).json().at("engine_up").as_bool());
  EXPECT_EQ(MetricValue(HttpClient(server_->port()).Get("/metrics").body,
                         "pupitre_live_engine_up"), 0);
  // A server that is gone altogether: an answer within the timeout, not a hang.
  bbb_->Stop();
  auto gone = Student(3)->Post(path_ + "/join");
  EXPECT_EQ(gone.status, 503);
  EXPECT_EQ(Reason(gone), "live_engine_down");
}

}  // namespace
}  // namespace pupitre::testkit
