// The course space against the real binary: a teacher makes a course with a section, a page, a
// link and a file sent as a resumable upload (tus); the course's students read and download it
// (ranges and validators byte-exact); anyone else is told it does not exist; an upload resumes
// after the server is killed mid-transfer.
#include <gtest/gtest.h>
#include <signal.h>
#include <sodium.h>

#include <map>
#include <string>

#include "testkit/course_fixture.h"
#include "testkit/raw_socket.h"
#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

namespace bhttp = boost::beast::http;

class CourseSpaceTest : public DemoServerTest {
 protected:
  void SetUp() override {
    DemoServerTest::SetUp();
    ASSERT_GE(sodium_init(), 0);
    auto made = teacher_->Post("/api/courses", R"({"id":"bio-1","title":"Biology 1"})");
    ASSERT_EQ(made.status, 201) << made.body;
    HttpClient op(server_->port());
    ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
    auto added = op.Post("/api/admin/courses/bio-1/members", R"({"logins":["student0002"],"role":"student"})");
    ASSERT_EQ(added.status, 200) << added.body;
    auto section = teacher_->Post("/api/courses/bio-1/sections", R"({"title":"Week 1"})");
    ASSERT_EQ(section.status, 201) << section.body;
    section_ = section.json().at("section").at("id").as_int64();
  }

  // Uploads `bytes` in parts and makes a file item of it.
  HttpResult AddFile(HttpClient& c, const std::string& name, const std::string& bytes) {
    const std::string path = BeginUpload(c, bytes.size(), name);
    for (size_t at = 0; at < bytes.size(); at += 64 * 1024) {
      auto r = Patch(c, path, at, bytes.substr(at, 64 * 1024));
      EXPECT_EQ(r.status, 204) << r.body;
    }
    const std::string id = path.substr(path.rfind('/') + 1);
    return c.Post(ItemsPath(),
                  R"({"kind":"file","title":"Slides","upload":")" + id + R"("})");
  }
  std::string ItemsPath() const {
    return "/api/courses/bio-1/sections/" + std::to_string(section_) + "/items";
  }

  int64_t section_ = 0;
};

TEST_F(CourseSpaceTest, TheCoursesPeopleReadItAndNobodyElseSeesIt) {
  auto page = teacher_->Post(ItemsPath(), R"j({"kind":"page","title":"Read me",
      "body":"# Cells\n\nSee *chapter 2*.<script>alert(1)</script>[x](javascript:alert(1))"})j");
  ASSERT_EQ(page.status, 201) << page.body;
  auto link = teacher_->Post(ItemsPath(),
                             R"({"kind":"link","title":"Atlas","body":"https://example.org/atlas"})");
  ASSERT_EQ(link.status, 201) << link.body;
  auto bad_link = teacher_->Post(ItemsPath(),
                                 R"j({"kind":"link","title":"Bad","body":"javascript:alert(1)"})j");
  EXPECT_EQ(bad_link.status, 422);
  EXPECT_EQ(bad_link.json().at("error").at("reason").as_string(), "bad_url");

  auto enrolled = Student(2);
  auto outline = enrolled->Get("/api/courses/bio-1/outline");
  ASSERT_EQ(outline.status, 200) << outline.body;
  const auto o = outline.json();
  EXPECT_EQ(o.at("role").as_string(), "student");
  EXPECT_EQ(o.at("course").at("title").as_string(), "Biology 1");
  const auto& items = o.at("sections").at(0).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  const std::string html(items[0].at("html").as_string());
  EXPECT_NE(html.find("<h1>Cells</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<em>chapter 2</em>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_FALSE(items[0].as_object().contains("body")) << "the Markdown is for teachers";
  EXPECT_EQ(items[1].at("url").as_string(), "https://example.org/atlas");

  // A student of another course, and a student of this one who tries to edit.
  auto outsider = Student(1);
  auto hidden = outsider->Get("/api/courses/bio-1/outline");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.json().at("error").at("reason").as_string(), "no_course");
  EXPECT_EQ(enrolled->Post("/api/courses/bio-1/sections", R"({"title":"Mine"})").status, 403);
  EXPECT_EQ(outsider->Post("/api/courses/bio-1/sections", R"({"title":"Mine"})").status, 404);
  EXPECT_EQ(enrolled->Post("/api/courses", R"({"id":"x","title":"X"})").status, 403);

  // The course's teacher enrols students; the list of its people is theirs.
  auto add = teacher_->Post("/api/courses/bio-1/members", R"({"logins":["student0001"],"role":"student"})");
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(outsider->Get("/api/courses/bio-1/outline").status, 200) << "enrolled by the teacher";
  auto people = teacher_->Get("/api/courses/bio-1/members");
  ASSERT_EQ(people.status, 200);
  EXPECT_EQ(people.json().at("students").as_array().size(), 2u);
  EXPECT_EQ(people.json().at("teachers").at(0).at("login").as_string(), "teacher");
  EXPECT_EQ(enrolled->Get("/api/courses/bio-1/members").status, 403);
  EXPECT_EQ(enrolled->Post("/api/courses/bio-1/members", R"({"logins":["student0009"],"role":"student"})").status, 403);
}

TEST_F(CourseSpaceTest, AnExamItemNamesOneOfTheCoursesExams) {
  auto section = teacher_->Post("/api/courses/demo-course/sections", R"({"title":"Exams"})");
  ASSERT_EQ(section.status, 201);
  const std::string items = "/api/courses/demo-course/sections/" +
                            std::to_string(section.json().at("section").at("id").as_int64()) + "/items";
  auto made = teacher_->Post(items, R"({"kind":"exam","title":"The test","body":"test-exam"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const auto item = made.json().at("item");
  EXPECT_EQ(item.at("exam").at("id").as_string(), "test-exam");
  EXPECT_TRUE(item.at("exam").at("published").as_bool());
  EXPECT_TRUE(item.at("exam").at("closes_ms").is_int64());
  // Another course's exam, or none: refused with a reason.
  auto other = teacher_->Post(ItemsPath(), R"({"kind":"exam","title":"X","body":"test-exam"})");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_NE(other.body.find("exam_not_in_course"), std::string::npos);
  EXPECT_EQ(teacher_->Post(items, R"({"kind":"exam","title":"X","body":"no-such"})").status, 422);
  EXPECT_EQ(teacher_->Post(items, R"({"kind":"exam","title":"X","body":"../etc"})").status, 422);
  // A student of the course reads it with the exam's window.
  auto student = Student(3);
  auto outline = student->Get("/api/courses/demo-course/outline");
  ASSERT_EQ(outline.status, 200);
  EXPECT_NE(outline.body.find(R"("kind":"exam")"), std::string::npos);
  EXPECT_NE(outline.body.find(R"("title":"The test")"), std::string::npos);
}

TEST_F(CourseSpaceTest, AFileIsServedByteExactWithRangesAndValidators) {
  const std::string bytes = Pattern(300 * 1024 + 17);
  auto made = AddFile(*teacher_, "Cours 1 – été.pdf", bytes);
  ASSERT_EQ(made.status, 201) << made.body;
  const auto file = made.json().at("item").at("file");
  EXPECT_EQ(file.at("size").as_int64(), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(file.at("type").as_string(), "application/pdf");
  const std::string url(file.at("url").as_string());

  auto student = Student(2);
  auto whole = student->Get(url);
  ASSERT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.body == bytes) << "the file as it was uploaded, byte for byte";
  EXPECT_EQ(whole.headers["etag"], "\"" + Sha256Hex(bytes) + "\"");
  EXPECT_EQ(whole.headers["content-type"], "application/pdf");
  EXPECT_EQ(whole.headers["accept-ranges"], "bytes");
  EXPECT_EQ(whole.headers["x-content-type-options"], "nosniff");
  EXPECT_NE(whole.headers["content-disposition"].find("filename*=UTF-8''Cours%201%20%E2%80%93"),
            std::string::npos)
      << whole.headers["content-disposition"];

  auto part = student->Send(bhttp::verb::get, url, "", {{"Range", "bytes=100000-100099"}});
  ASSERT_EQ(part.status, 206);
  EXPECT_TRUE(part.body == bytes.substr(100000, 100)) << "the range, byte for byte";
  EXPECT_EQ(part.headers["content-range"],
            "bytes 100000-100099/" + std::to_string(bytes.size()));
  auto tail = student->Send(bhttp::verb::get, url, "", {{"Range", "bytes=-17"}});
  ASSERT_EQ(tail.status, 206);
  EXPECT_TRUE(tail.body == bytes.substr(bytes.size() - 17));
  auto beyond = student->Send(bhttp::verb::get, url, "", {{"Range", "bytes=999999999-"}});
  EXPECT_EQ(beyond.status, 416);
  EXPECT_EQ(beyond.headers["content-range"], "bytes */" + std::to_string(bytes.size()));
  auto same = student->Send(bhttp::verb::get, url, "", {{"If-None-Match", whole.headers["etag"]}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  auto head = student->Send(bhttp::verb::head, url);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-length"], std::to_string(bytes.size()));
  // The connection still works after a file (keep-alive, nothing left over).
  EXPECT_EQ(student->Get("/api/courses/bio-1/outline").status, 200);

  auto outsider = Student(1);
  EXPECT_EQ(outsider->Get(url).status, 404) << "a student of another course";
}

// A student who leaves in the middle of a download (a closed tab, a lost line): the server goes
// on (sendfile to a closed socket must not end the process with SIGPIPE).
TEST_F(CourseSpaceTest, ADownloadCutOffHalfWayLeavesTheServerServing) {
  const std::string bytes = Pattern(8 * 1024 * 1024, 3);
  auto made = AddFile(*teacher_, "film.mp4", bytes);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string url(made.json().at("item").at("file").at("url").as_string());
  auto student = Student(2);
  const std::string token = student->token();
  for (int round = 0; round < 5; ++round) {
    const int fd = ConnectLoopback(server_->port());
    ASSERT_GE(fd, 0);
    const int small = 4096;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ASSERT_TRUE(SendAll(fd, "GET " + url + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                                "\r\n\r\n"));
    char buf[2048];
    ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0) << "the download began";
    const linger reset{1, 0};  // close with a reset, mid-file
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
  }
  // Still serving, the same file whole.
  HttpClient probe(server_->port());
  ASSERT_EQ(probe.Get("/healthz").status, 200) << server_->log();
  auto again = student->Get(url);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body.size(), bytes.size());
}

TEST_F(CourseSpaceTest, AnUploadIsItsMakersAndRefusesWrongOffsets) {
  const std::string bytes = Pattern(1000);
  const std::string path = BeginUpload(*teacher_, bytes.size(), "notes.txt");
  ASSERT_FALSE(path.empty());
  ASSERT_EQ(Patch(*teacher_, path, 0, bytes.substr(0, 400)).status, 204);
  auto stale = Patch(*teacher_, path, 0, bytes.substr(0, 400));
  EXPECT_EQ(stale.status, 409) << "a part sent twice";
  EXPECT_EQ(stale.headers["upload-offset"], "400");
  auto too_long = Patch(*teacher_, path, 400, bytes.substr(400) + "extra");
  EXPECT_EQ(too_long.status, 422);
  auto head = teacher_->Send(bhttp::verb::head, path, "", kTus);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["upload-offset"], "400");
  EXPECT_EQ(head.headers["upload-length"], "1000");
  auto other = Student(2);
  EXPECT_EQ(other->Send(bhttp::verb::head, path, "", kTus).status, 404) << "not theirs";
  EXPECT_EQ(Patch(*other, path, 400, "x").status, 404);
  EXPECT_EQ(teacher_->Send(bhttp::verb::head, path).status, 412) << "no Tus-Resumable";
  // Not finished: it cannot become a file yet.
  const std::string id = path.substr(path.rfind('/') + 1);
  auto early = teacher_->Post(ItemsPath(), R"({"kind":"file","title":"N","upload":")" + id + R"("})");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(teacher_->Send(bhttp::verb::delete_, path, "", kTus).status, 204);
  EXPECT_EQ(teacher_->Send(bhttp::verb::head, path, "", kTus).status, 404);
  auto options = teacher_->Send(bhttp::verb::options, "/api/uploads");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers["tus-version"], "1.0.0");
  EXPECT_EQ(options.headers["tus-extension"], "creation,termination");
}

TEST_F(CourseSpaceTest, AnUploadResumesAfterTheServerIsKilledMidTransfer) {
  const std::string bytes = Pattern(200 * 1024 + 3);
  const std::string path = BeginUpload(*teacher_, bytes.size(), "video.mp4");
  ASSERT_EQ(Patch(*teacher_, path, 0, bytes.substr(0, 128 * 1024)).status, 204);
  ASSERT_EQ(server_->Stop(SIGKILL), -SIGKILL);
  ASSERT_TRUE(server_->Start()) << server_->log();
  HttpClient again(server_->port());
  again.set_token(teacher_->token());
  auto head = again.Send(bhttp::verb::head, path, "", kTus);
  ASSERT_EQ(head.status, 200) << "the upload survived the kill";
  ASSERT_EQ(head.headers["upload-offset"], std::to_string(128 * 1024));
  ASSERT_EQ(Patch(again, path, 128 * 1024, bytes.substr(128 * 1024)).status, 204);
  const std::string id = path.substr(path.rfind('/') + 1);
  auto made = again.Post(ItemsPath(), R"({"kind":"file","title":"Clip","upload":")" + id + R"("})");
  ASSERT_EQ(made.status, 201) << made.body;
  auto got = again.Get(std::string(made.json().at("item").at("file").at("url").as_string()));
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(got.body == bytes) << "resumed, byte for byte";
  EXPECT_EQ(got.headers["content-type"], "video/mp4");
}

TEST_F(CourseSpaceTest, TeachersRenameMoveAndDeleteAndItLastsARestart) {
  auto second = teacher_->Post("/api/courses/bio-1/sections", R"({"title":"Week 2"})");
  const int64_t week2 = second.json().at("section").at("id").as_int64();
  auto a = teacher_->Post(ItemsPath(), R"({"kind":"page","title":"A","body":"a"})");
  auto b = teacher_->Post(ItemsPath(), R"({"kind":"page","title":"B","body":"b"})");
  const int64_t a_id = a.json().at("item").at("id").as_int64();
  const int64_t b_id = b.json().at("item").at("id").as_int64();
  // B first, then A moves to week 2; week 2 moves first and is renamed.
  ASSERT_EQ(teacher_->Put("/api/courses/bio-1/items/" + std::to_string(b_id) + "/place",
                          R"({"section":)" + std::to_string(section_) + R"(,"position":0})").status, 200);
  ASSERT_EQ(teacher_->Put("/api/courses/bio-1/items/" + std::to_string(a_id) + "/place",
                          R"({"section":)" + std::to_string(week2) + R"(,"position":0})").status, 200);
  ASSERT_EQ(teacher_->Put("/api/courses/bio-1/sections/" + std::to_string(week2),
                          R"({"title":"Week 0","position":0})").status, 200);
  auto edited = teacher_->Put("/api/courses/bio-1/items/" + std::to_string(b_id),
                              R"({"title":"B2","body":"**bold**"})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json().at("item").at("html").as_string(), "<p><strong>bold</strong></p>\n");
  ASSERT_EQ(server_->Stop(SIGKILL), -SIGKILL);
  ASSERT_TRUE(server_->Start()) << server_->log();
  HttpClient t(server_->port());
  t.set_token(teacher_->token());
  auto o = t.Get("/api/courses/bio-1/outline").json();
  const auto& sections = o.at("sections").as_array();
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].at("title").as_string(), "Week 0");
  EXPECT_EQ(sections[0].at("items").at(0).at("title").as_string(), "A");
  EXPECT_EQ(sections[1].at("items").at(0).at("title").as_string(), "B2");
  ASSERT_EQ(t.Send(bhttp::verb::delete_, "/api/courses/bio-1/sections/" + std::to_string(week2)).status, 200);
  auto after = t.Get("/api/courses/bio-1/outline").json();
  ASSERT_EQ(after.at("sections").as_array().size(), 1u);
  EXPECT_EQ(t.Get("/api/courses/bio-1/outline").json().at("sections").at(0).at("items").as_array().size(), 1u);
}

}  // namespace
}  // namespace pupitre::testkit
