// Homework against the real binary: a student hands in files and a text and gets a receipt
// (each file's SHA-256); replaces it before the due time; the teacher sees handed in / late /
// missing, downloads a file and every hand-in as a ZIP, grades and comments, gives it back; the
// times are enforced (late until the cut-off, marked late; refused after it, with a reason;
// extra time moves both).
#include <gtest/gtest.h>
#include <zip.h>

#include <chrono>
#include <fstream>
#include <string>

#include "testkit/course_fixture.h"
#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

namespace bhttp = boost::beast::http;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class HomeworkTest : public DemoServerTest {
 protected:
  void SetUp() override {
    DemoServerTest::SetUp();
    ASSERT_GE(sodium_init(), 0);
    ASSERT_EQ(teacher_->Post("/api/courses", R"({"id":"hist","title":"History"})").status, 201);
    HttpClient op(server_->port());
    ASSERT_EQ(op.Login("admin", "admin-demo").status, 200);
    ASSERT_EQ(op.Post("/api/admin/courses/hist/members",
                      R"({"logins":["student0002","student0003"],"role":"student"})")
                  .status,
              200);
    auto section = teacher_->Post("/api/courses/hist/sections", R"({"title":"Week 1"})");
    ASSERT_EQ(section.status, 201);
    section_ = section.json().at("section").at("id").as_int64();
  }

  // A homework due at `due_ms` (late until `cutoff_ms`, 0: none); returns its item id.
  int64_t Homework(int64_t due_ms, int64_t cutoff_ms, const std::string& allowed = "\"pdf\",\"txt\"") {
    auto r = teacher_->Post(
        "/api/courses/hist/sections/" + std::to_string(section_) + "/items",
        R"({"kind":"homework","title":"Essay","body":"Write about **1789**.","rules":{"due_ms":)" +
            std::to_string(due_ms) + R"(,"cutoff_ms":)" + std::to_string(cutoff_ms) +
            R"(,"max_points":20,"max_files":2,"allowed":[)" + allowed + R"(],"text":true}})");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().at("item").at("id").as_int64() : 0;
  }
  std::string Path(int64_t item) { return "/api/courses/hist/homework/" + std::to_string(item); }
  HttpResult HandIn(HttpClient& c, int64_t item, const std::string& json) {
    return c.Put(Path(item) + "/handin", json);
  }

  int64_t section_ = 0;
};

TEST_F(HomeworkTest, HandInReplaceGradeAndReturn) {
  const int64_t item = Homework(NowMs() + 3'600'000, 0);
  auto student = Student(2);
  const std::string essay = Pattern(150 * 1024, 1);
  const std::string notes = "My notes\n";
  const std::string a = UploadAll(*student, "essay.pdf", essay);
  const std::string b = UploadAll(*student, "notes.txt", notes);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());

  // A type the homework does not take: refused, and the uploads are still there to use.
  const std::string exe = UploadAll(*student, "virus.exe", "MZ");
  auto refused = HandIn(*student, item, R"({"uploads":[")" + exe + R"("]})");
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.json().at("error").at("reason").as_string(), "file_type_refused");

  auto r = HandIn(*student, item,
                  R"({"text":"Liberté","uploads":[")" + a + R"(",")" + b + R"("]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto h = r.json().at("handin");
  EXPECT_EQ(h.at("version").as_int64(), 1);
  EXPECT_FALSE(h.at("late").as_bool());
  ASSERT_EQ(h.at("files").as_array().size(), 2u);
  EXPECT_EQ(h.at("files").at(0).at("sha256").as_string(), Sha256Hex(essay));
  EXPECT_EQ(h.at("files").at(1).at("sha256").as_string(), Sha256Hex(notes));
  auto receipt = student->Get(std::string(r.json().at("receipt_url").as_string()));
  ASSERT_EQ(receipt.status, 200);
  EXPECT_NE(receipt.body.find(Sha256Hex(essay)), std::string::npos) << receipt.body;
  EXPECT_NE(receipt.headers["content-disposition"].find("attachment"), std::string::npos);
  auto mine = student->Get(std::string(h.at("files").at(0).at("url").as_string()));
  ASSERT_EQ(mine.status, 200);
  EXPECT_TRUE(mine.body == essay);

  // Replaced before the due time: the essay kept, the notes replaced.
  const std::string notes2 = "Better notes\n";
  const std::string c = UploadAll(*student, "notes-v2.txt", notes2);
  auto again = HandIn(*student, item, R"({"text":"Égalité","keep":[0],"uploads":[")" + c + R"("]})");
  ASSERT_EQ(again.status, 200) << again.body;
  auto h2 = again.json().at("handin");
  EXPECT_EQ(h2.at("version").as_int64(), 2);
  EXPECT_EQ(h2.at("text").as_string(), "Égalité");
  ASSERT_EQ(h2.at("files").as_array().size(), 2u);
  EXPECT_EQ(h2.at("files").at(0).at("name").as_string(), "essay.pdf");
  EXPECT_EQ(h2.at("files").at(1).at("sha256").as_string(), Sha256Hex(notes2));

  // The teacher's list: one handed in, one missing.
  auto list = teacher_->Get(Path(item) + "/handins");
  ASSERT_EQ(list.status, 200) << list.body;
  const auto rows = list.json().at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("login").as_string(), "student0002");
  EXPECT_EQ(rows[0].at("state").as_string(), "handed_in");
  EXPECT_EQ(rows[1].at("state").as_string(), "missing");
  const int64_t user = rows[0].at("user_id").as_int64();
  const std::string file_url(rows[0].at("handin").at("files").at(0).at("url").as_string());
  auto file = teacher_->Get(file_url);
  ASSERT_EQ(file.status, 200) << file_url << " " << file.body;
  EXPECT_TRUE(file.body == essay) << "the teacher gets the student's file, byte for byte";
  EXPECT_EQ(student->Get(Path(item) + "/handins").status, 403) << "the list is for teachers";
  EXPECT_EQ(student->Get(Path(item) + "/handins/" + std::to_string(user) + "/files/0").status, 403);

  // Every hand-in as one ZIP: a folder per student, the files and the text.
  auto zip = teacher_->Get(Path(item) + "/handins.zip");
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.headers["content-type"], "application/zip");
  TempDir dir;
  const std::string zip_path = dir.path() + "/all.zip";
  std::ofstream(zip_path, std::ios::binary) << zip.body;
  int err = 0;
  zip_t* za = zip_open(zip_path.c_str(), ZIP_RDONLY, &err);
  ASSERT_NE(za, nullptr) << "not a ZIP: error " << err;
  EXPECT_EQ(zip_get_num_entries(za, 0), 3);
  auto read = [&](const std::string& name) {
    zip_stat_t st;
    if (zip_stat(za, name.c_str(), 0, &st) != 0) return std::string("<missing>");
    std::string out(st.size, '\0');
    zip_file_t* f = zip_fopen(za, name.c_str(), 0);
    zip_fread(f, out.data(), out.size());
    zip_fclose(f);
    return out;
  };
  EXPECT_TRUE(read("student0002 - Student 0002/essay.pdf") == essay);
  EXPECT_EQ(read("student0002 - Student 0002/notes-v2.txt"), notes2);
  EXPECT_EQ(read("student0002 - Student 0002/answer.txt"), "Égalité");
  zip_close(za);

  // Graded but kept back: the student sees nothing; given back: the grade and the comment.
  const std::string grade_path = Path(item) + "/handins/" + std::to_string(user) + "/grade";
  ASSERT_EQ(teacher_->Put(grade_path, R"({"points":15.5,"comment":"Bien.","returned":false})").status, 200);
  EXPECT_FALSE(student->Get(Path(item)).json().as_object().contains("grade"));
  EXPECT_EQ(teacher_->Put(grade_path, R"({"points":25,"comment":"","returned":true})").status, 422)
      << "beyond the maximum";
  ASSERT_EQ(teacher_->Put(grade_path, R"({"points":15.5,"comment":"Bien.","returned":true})").status, 200);
  auto view = student->Get(Path(item)).json();
  EXPECT_DOUBLE_EQ(view.at("grade").at("points").to_number<double>(), 15.5);
  EXPECT_EQ(view.at("grade").at("comment").as_string(), "Bien.");
  EXPECT_EQ(teacher_->Put(Path(item) + "/handin", R"({"text":"x"})").status, 403)
      << "teachers do not hand in";

  // The course's gradebook has the homework beside the exams, in JSON and in the CSV.
  auto book = teacher_->Get("/api/courses/hist/gradebook");
  ASSERT_EQ(book.status, 200) << book.body;
  const boost::json::value g = book.json();
  ASSERT_EQ(g.at("homework").as_array().size(), 1u);
  EXPECT_EQ(g.at("homework").at(0).at("title").as_string(), "Essay");
  const auto& students = g.at("students").as_array();
  ASSERT_EQ(students.size(), 2u);
  EXPECT_DOUBLE_EQ(students[0].at("homework").at(0).at("points").to_number<double>(), 15.5);
  EXPECT_EQ(students[1].at("homework").at(0).at("state").as_string(), "missing");
  auto csv = teacher_->Get("/api/courses/hist/gradebook.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(",Essay (max 20)\n"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",15.5\n"), std::string::npos) << csv.body;
  auto outsider = Student(1);
  EXPECT_EQ(outsider->Get(Path(item)).status, 404);
}

// An assistant (here a student account of the school) grades the course's homework and edits
// nothing: no item, no extra time, no hand-in of their own; a person has one role per course.
TEST_F(HomeworkTest, AnAssistantGradesAndEditsNothing) {
  const int64_t item = Homework(NowMs() + 3'600'000, 0);
  auto student = Student(2);
  ASSERT_EQ(HandIn(*student, item, R"({"text":"Ma copie"})").status, 200);
  ASSERT_EQ(teacher_->Post("/api/courses/hist/members", R"({"logins":["student0006"],"role":"assistant"})").status, 200);
  EXPECT_EQ(teacher_->Post("/api/courses/hist/members", R"({"logins":["student0006"],"role":"tutor"})").status, 400);
  auto members = teacher_->Get("/api/courses/hist/members").json();
  ASSERT_EQ(members.at("assistants").as_array().size(), 1u);
  EXPECT_EQ(members.at("assistants").at(0).at("login").as_string(), "student0006");

  auto assistant = Student(6);
  auto outline = assistant->Get("/api/courses/hist/outline");
  ASSERT_EQ(outline.status, 200) << outline.body;
  EXPECT_EQ(outline.json().at("role").as_string(), "assistant");
  EXPECT_NE(assistant->Get("/api/courses").body.find("\"hist\""), std::string::npos) << "in their courses";
  EXPECT_EQ(assistant->Get(Path(item)).json().at("role").as_string(), "assistant");
  auto rows = assistant->Get(Path(item) + "/handins");
  ASSERT_EQ(rows.status, 200) << rows.body;
  const int64_t user = student->Get("/api/me").json().at("user").at("id").as_int64();
  const std::string base = Path(item) + "/handins/" + std::to_string(user);
  EXPECT_EQ(assistant->Put(base + "/grade", R"({"points":12,"comment":"Correct.","returned":true})").status, 200);
  EXPECT_DOUBLE_EQ(student->Get(Path(item)).json().at("grade").at("points").to_number<double>(), 12);
  // Nothing else.
  EXPECT_EQ(assistant->Put(base + "/extra-time", R"({"minutes":30})").status, 403);
  EXPECT_EQ(assistant->Post("/api/courses/hist/sections", R"({"title":"Mine"})").status, 403);
  EXPECT_EQ(HandIn(*assistant, item, R"({"text":"x"})").status, 403);
  EXPECT_EQ(assistant->Get("/api/courses/hist/members").status, 403);
  // Made a student again: no longer an assistant.
  ASSERT_EQ(teacher_->Post("/api/courses/hist/members", R"({"logins":["student0006"],"role":"student"})").status, 200);
  EXPECT_EQ(assistant->Get(Path(item) + "/handins").status, 403);
  EXPECT_EQ(teacher_->Get("/api/courses/hist/members").json().at("assistants").as_array().size(), 0u);
}

TEST_F(HomeworkTest, LateUntilTheCutOffThenClosedAndExtraTimeMovesBoth) {
  const int64_t now = NowMs();
  const int64_t late_ok = Homework(now - 3'600'000, now + 3'600'000);
  const int64_t closed = Homework(now - 7'200'000, now - 3'600'000);
  auto student = Student(2);
  auto late = HandIn(*student, late_ok, R"({"text":"Sorry, late."})");
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_TRUE(late.json().at("handin").at("late").as_bool());
  auto replace = HandIn(*student, late_ok, R"({"text":"Again"})");
  EXPECT_EQ(replace.status, 409);
  EXPECT_EQ(replace.json().at("error").at("reason").as_string(), "handin_final");
  auto shut = HandIn(*student, closed, R"({"text":"Too late"})");
  EXPECT_EQ(shut.status, 409);
  EXPECT_EQ(shut.json().at("error").at("code").as_string(), "deadline_passed");
  EXPECT_EQ(shut.json().at("error").at("reason").as_string(), "homework_closed");
  auto list = teacher_->Get(Path(late_ok) + "/handins").json();
  EXPECT_EQ(list.at("rows").at(0).at("state").as_string(), "late");
  EXPECT_EQ(list.at("counts").at("late").as_int64(), 1);

  // Three hours more for student0003: the closed homework is due for them in an hour.
  const int64_t user = list.at("rows").at(1).at("user_id").as_int64();
  ASSERT_EQ(teacher_->Put(Path(closed) + "/handins/" + std::to_string(user) + "/extra-time",
                          R"({"minutes":180})")
                .status,
            200);
  auto other = Student(3);
  auto in_time = HandIn(*other, closed, R"({"text":"With my extra time"})");
  ASSERT_EQ(in_time.status, 200) << in_time.body;
  EXPECT_FALSE(in_time.json().at("handin").at("late").as_bool());
  EXPECT_EQ(other->Get(Path(closed)).json().at("my_due_ms").as_int64(),
            now - 7'200'000 + 180 * 60'000);
  // Rules a teacher cannot give.
  auto bad = teacher_->Post("/api/courses/hist/sections/" + std::to_string(section_) + "/items",
                            R"({"kind":"homework","title":"X","rules":{"due_ms":)" +
                                std::to_string(now) + R"(,"cutoff_ms":)" +
                                std::to_string(now - 1000) + "}}");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json().at("error").at("reason").as_string(), "cutoff_before_due");
}

}  // namespace
}  // namespace pupitre::testkit
