// Images in questions over HTTP: a Moodle XML export's embedded pictures and a QTI content
// package's, imported with an exam (its TOML, or an upload) or into a course's bank, are kept as
// blobs and served by their name to who may read the question: the exam's teachers, the
// students who started it, the bank's teachers; nobody else, and nothing that is not one of the
// questions' images.
#include <gtest/gtest.h>
#include <sodium.h>

#include "testkit/exam_fixture.h"
#include "testkit/fixtures.h"
#include "testkit/zip_maker.h"

namespace pupitre::testkit {
namespace {

using QuestionImagesTest = DemoServerTest;

constexpr const char* kPngBase64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

std::string FlagXml() {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n<question type=\"truefalse\">"
      "<name><text>Flag</text></name><questiontext format=\"html\"><text><![CDATA[<p>Japan's "
      "flag?</p><img src=\"@@PLUGINFILE@@/dot.png\" alt=\"A red dot\">]]></text>"
      "<file name=\"dot.png\" encoding=\"base64\">{}</file></questiontext>"
      "<answer fraction=\"100\"><text>true</text></answer>"
      "<answer fraction=\"0\"><text>false</text></answer></question>\n</quiz>\n",
      kPngBase64);
}

std::string FlagExam() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format(
      "moodle_xml = '''\n{}'''\n[exam]\nid = \"flags\"\ntitle = \"Flags\"\ncourse = "
      "\"demo-course\"\nopens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\n"
      "duration_minutes = 30\n",
      FlagXml(), now - std::chrono::hours(1), now + std::chrono::hours(24));
}

TEST_F(QuestionImagesTest, AnExamsPicturesAreServedToWhoMayReadItsPaper) {
  auto imported = teacher_->Post("/api/exams", FlagExam());
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/flags/publish").status, 200);

  auto teacher_paper = teacher_->Get("/api/exams/flags/paper");
  ASSERT_EQ(teacher_paper.status, 200) << teacher_paper.body;
  const boost::json::value paper = teacher_paper.json();
  const auto& question = paper.at("questions").at(0);
  EXPECT_EQ(question.at("text").as_string(), "Japan's flag?\n\xEF\xBF\xBC");
  const std::string blob(question.at("images").at(0).at("blob").as_string());
  EXPECT_EQ(question.at("images").at(0).at("alt").as_string(), "A red dot");
  ASSERT_EQ(blob.size(), 64u);
  const std::string image = "/api/exams/flags/images/" + blob;

  auto got = teacher_->Get(image);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.headers["content-type"], "image/png");
  EXPECT_TRUE(got.body.starts_with("\x89PNG")) << "the picture's bytes";
  EXPECT_EQ(got.body.size(), 70u);

  auto student = Student(11);
  EXPECT_EQ(student->Get(image).status, 404) << "before the student started";
  ASSERT_EQ(student->Post("/api/exams/flags/start").status, 200);
  auto seen = student->Get(image);
  EXPECT_EQ(seen.status, 200);
  EXPECT_EQ(seen.body, got.body);
  EXPECT_EQ(student->Get("/api/exams/flags/images/" + std::string(64, 'a')).status, 404)
      << "not one of its images";
  EXPECT_EQ(student->Get("/api/exams/test-exam/images/" + blob).status, 404)
      << "an image of another exam";

  // Kept after a restart: the exam's model names the blob, the blob store holds it.
  server_->Stop(SIGTERM);
  ASSERT_TRUE(server_->Start()) << server_->log();
  EXPECT_EQ(Student(11)->Get(image).status, 200);
}

// Pictures as choices (Moodle exports each choice's files inside its answer): on the paper after
// the text's, served to the student who started, and named by their alt text in the results.
TEST_F(QuestionImagesTest, ChoicesThatArePicturesAreServedAndNamedInTheResults) {
  constexpr const char* kGifBase64 = "R0lGODlhAQABAAAAACw=";
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string exam = fmt::format(
      "moodle_xml = '''\n<quiz><question type=\"multichoice\"><name><text>Pick</text></name>"
      "<questiontext format=\"html\"><text>Which animal purrs?</text></questiontext>"
      "<single>true</single>"
      "<answer fraction=\"0\" format=\"html\"><text><![CDATA[<img src=\"@@PLUGINFILE@@/x.png\" "
      "alt=\"A dog\">]]></text><file name=\"x.png\" encoding=\"base64\">{}</file></answer>"
      "<answer fraction=\"100\" format=\"html\"><text><![CDATA[This: <img "
      "src=\"@@PLUGINFILE@@/x.png\" alt=\"A cat\">]]></text><file name=\"x.png\" "
      "encoding=\"base64\">{}</file></answer></question></quiz>\n'''\n"
      "[exam]\nid = \"purr\"\ntitle = \"Purr\"\ncourse = \"demo-course\"\n"
      "opens = {:%Y-%m-%dT%H:%M:%SZ}\ncloses = {:%Y-%m-%dT%H:%M:%SZ}\nduration_minutes = 30\n",
      kPngBase64, kGifBase64, now - std::chrono::hours(1), now + std::chrono::hours(24));
  auto imported = teacher_->Post("/api/exams", exam);
  ASSERT_EQ(imported.status, 201) << imported.body;
  ASSERT_EQ(teacher_->Post("/api/exams/purr/publish").status, 200);

  auto student = Student(12);
  auto started = student->Post("/api/exams/purr/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  auto paper = student->Get("/api/exams/purr/paper");
  ASSERT_EQ(paper.status, 200) << paper.body;
  const boost::json::value sheet = paper.json();
  const auto& question = sheet.at("questions").at(0);
  EXPECT_EQ(question.at("options").at(0).as_string(), "\xEF\xBF\xBC");
  EXPECT_EQ(question.at("options").at(1).as_string(), "This: \xEF\xBF\xBC");
  const auto& images = question.at("images").as_array();
  ASSERT_EQ(images.size(), 2u) << paper.body;
  EXPECT_EQ(images[0].at("alt").as_string(), "A dog");
  EXPECT_EQ(images[1].at("alt").as_string(), "A cat");
  auto dog = student->Get("/api/exams/purr/images/" + std::string(images[0].at("blob").as_string()));
  ASSERT_EQ(dog.status, 200);
  EXPECT_EQ(dog.headers["content-type"], "image/png");
  auto cat = student->Get("/api/exams/purr/images/" + std::string(images[1].at("blob").as_string()));
  ASSERT_EQ(cat.status, 200);
  EXPECT_EQ(cat.headers["content-type"], "image/gif") << "each choice's own x.png";
  EXPECT_EQ(paper.body.find("correct"), std::string::npos) << "a key on the paper: " << paper.body;

  ASSERT_EQ(Save(*student, attempt, "Pick", 1, "1").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  auto csv = teacher_->Get("/api/exams/purr/results.csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("This: [A cat]"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find("\xEF\xBF\xBC"), std::string::npos) << "a mark in the results: " << csv.body;
}

TEST_F(QuestionImagesTest, AnUploadAndABankKeepTheirPictures) {
  auto uploaded = teacher_->Post("/api/exams/flags2/import?course=demo-course", FlagXml());
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  auto preview = teacher_->Get("/api/exams/flags2/preview");
  ASSERT_EQ(preview.status, 200) << preview.body;
  const size_t at = preview.body.find("\"blob\":\"");
  ASSERT_NE(at, std::string::npos) << preview.body;
  const std::string blob = preview.body.substr(at + 8, 64);
  EXPECT_EQ(teacher_->Get("/api/exams/flags2/images/" + blob).status, 200);

  auto added = teacher_->Post("/api/courses/demo-course/bank", FlagXml());
  ASSERT_EQ(added.status, 201) << added.body;
  auto bank = teacher_->Get("/api/courses/demo-course/bank");
  ASSERT_EQ(bank.status, 200);
  EXPECT_NE(bank.body.find(blob), std::string::npos) << "the same bytes, the same blob";
  auto from_bank = teacher_->Get("/api/courses/demo-course/bank/images/" + blob);
  EXPECT_EQ(from_bank.status, 200);
  EXPECT_EQ(from_bank.headers["content-type"], "image/png");
  EXPECT_EQ(Student(3)->Get("/api/courses/demo-course/bank/images/" + blob).status, 403)
      << "a bank is its teachers'";
}

TEST_F(QuestionImagesTest, AQtiPackagesPicturesComeWithItsItems) {
  // 1EdTech's luggage item as published, and the picture of the sign it shows beside it.
  std::string png(128, '\0');
  size_t length = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(png.data()), png.size(), kPngBase64,
                              std::strlen(kPngBase64), nullptr, &length, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  png.resize(length);
  const std::string package = ZipOf(
      {{"imsmanifest.xml", R"(<manifest><resources><resource identifier="luggage"
          type="imsqti_item_xmlv2p1" href="items/choice.xml"/></resources></manifest>)"},
       {"items/choice.xml", ReadFixture("qti/v2p1/choice.xml")},
       {"items/images/sign.png", png}});
  auto uploaded = teacher_->Post("/api/exams/luggage/import?course=demo-course", package);
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  auto preview = teacher_->Get("/api/exams/luggage/preview");
  ASSERT_EQ(preview.status, 200) << preview.body;
  const boost::json::value paper = preview.json();
  const auto& question = paper.at("questions").at(0);
  EXPECT_EQ(question.at("text").as_string(),
            "Look at the text in the picture.\n\xEF\xBF\xBC\nWhat does it say?");
  EXPECT_EQ(question.at("images").at(0).at("alt").as_string(), "NEVER LEAVE LUGGAGE UNATTENDED");
  const std::string blob(question.at("images").at(0).at("blob").as_string());
  auto got = teacher_->Get("/api/exams/luggage/images/" + blob);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.headers["content-type"], "image/png");
  EXPECT_EQ(got.body, png);

  // Exported with its picture (QTI 3.0), and imported again: the same picture, the same blob.
  auto exported = teacher_->Get("/api/exams/luggage/qti.zip");
  ASSERT_EQ(exported.status, 200) << exported.body;
  auto again = teacher_->Post("/api/exams/luggage-again/import?course=demo-course", exported.body);
  ASSERT_EQ(again.status, 201) << again.body;
  auto again_preview = teacher_->Get("/api/exams/luggage-again/preview");
  ASSERT_EQ(again_preview.status, 200);
  const boost::json::value again_paper = again_preview.json();
  const auto& again_question = again_paper.at("questions").at(0);
  EXPECT_EQ(again_question.at("text"), question.at("text"));
  EXPECT_EQ(again_question.at("images"), question.at("images"));

  // The item alone: its picture is not in the upload, and the teacher is told so.
  auto alone = teacher_->Post("/api/exams/luggage2/import?course=demo-course",
                              ReadFixture("qti/v2p1/choice.xml"));
  EXPECT_EQ(alone.status, 422) << alone.body;
  EXPECT_NE(alone.body.find("upload the content package"), std::string::npos) << alone.body;
}

}  // namespace
}  // namespace pupitre::testkit
