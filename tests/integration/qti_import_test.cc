// QTI uploaded over HTTP: 1EdTech's BBQs package refused whole while items cannot be imported,
// then imported in part once the teacher says so (what was left out said); items imported into a
// draft whose window the teacher sets, taken by a student and graded as QTI scores them.
#include <gtest/gtest.h>

#include "testkit/exam_fixture.h"
#include "testkit/fixtures.h"

namespace pupitre::testkit {
namespace {

using QtiImportTest = DemoServerTest;

TEST_F(QtiImportTest, APackageWithItemsThatCannotBeImportedIsRefusedUnlessThePartIsAskedFor) {
  const std::string zip = ReadFixture("qti/BBQsTest.zip");
  auto refused = teacher_->Post("/api/exams/bbqs/qti", zip);
  ASSERT_EQ(refused.status, 422) << refused.body;
  const boost::json::value body = refused.json();
  const auto& problems = body.at("error").at("problems").as_array();
  EXPECT_EQ(problems.size(), 7u) << refused.body;
  EXPECT_EQ(problems[0].at("reason").as_string(), "bank");
  EXPECT_NE(refused.body.find("id-992e8bd3c9ac/hotspot-maximum.xml"), std::string::npos);
  EXPECT_EQ(teacher_->Get("/api/exams/bbqs").status, 404) << "nothing was stored";

  auto partial = teacher_->Post("/api/exams/bbqs/qti?partial=1&course=demo-course", zip);
  ASSERT_EQ(partial.status, 201) << partial.body;
  const boost::json::value made = partial.json();
  EXPECT_EQ(made.at("exam").at("question_count").as_int64(), 15) << partial.body;
  EXPECT_EQ(made.at("exam").at("title").as_string(), "BBQs test package");
  EXPECT_FALSE(made.at("exam").at("published").as_bool());
  EXPECT_EQ(made.at("left_out").as_array().size(), 7u);
  EXPECT_NE(partial.body.find("item matching-associate-trigDeriv: its pairs are made within one "
                              "list"),
            std::string::npos)
      << "the associate is a matching, said in a note";
  EXPECT_FALSE(made.at("notes").as_array().empty()) << "feedback left out is said";
  EXPECT_EQ(teacher_->Get("/api/exams/bbqs").status, 200);

  EXPECT_EQ(teacher_->Post("/api/exams/Bad_Id/qti", zip).status, 422);
  auto not_zip = teacher_->Post("/api/exams/bbqs2/qti", std::string("PK\x03\x04 truncated", 15));
  EXPECT_EQ(not_zip.status, 422) << not_zip.body;
  EXPECT_NE(not_zip.body.find("package_not_zip"), std::string::npos) << not_zip.body;
  auto student = Student(5);
  EXPECT_EQ(student->Post("/api/exams/bbqs3/qti", zip).status, 403);
}

TEST_F(QtiImportTest, ItemsBecomeADraftTakenAndGradedAsQtiScoresThem) {
  const std::string items =
      ReadFixture("qti/v2p1/choice_multiple.xml") + ReadFixture("qti/v3p0/match_qti3.xml");
  // Two XML documents one after the other: each item is read.
  std::string body = items;
  for (size_t at; (at = body.find("<?xml")) != std::string::npos;) {
    body.erase(at, body.find("?>", at) + 2 - at);
  }
  auto imported = teacher_->Post("/api/exams/water/qti?title=Water%20and%20plays&course=demo-course", body);
  ASSERT_EQ(imported.status, 201) << imported.body;
  EXPECT_EQ(imported.json().at("exam").at("title").as_string(), "Water and plays");
  EXPECT_EQ(imported.json().at("exam").at("max_points").to_number<double>(), 5.0) << imported.body;

  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto settings = teacher_->Put(
      "/api/exams/water/settings",
      fmt::format(R"({{"opens_ms":{},"closes_ms":{},"duration_minutes":30}})", now - 60'000,
                  now + 3'600'000));
  ASSERT_EQ(settings.status, 200) << settings.body;
  ASSERT_EQ(teacher_->Post("/api/exams/water/publish").status, 200);

  auto student = Student(6);
  auto started = student->Post("/api/exams/water/start");
  ASSERT_EQ(started.status, 200) << started.body;
  const int64_t attempt = started.json().at("attempt").at("id").as_int64();
  // Hydrogen and Chlorine: 1 - 1 = 0 of 2; Capulet and Prospero matched right: 1 + 1 of 3.
  ASSERT_EQ(Save(*student, attempt, "choiceMultiple", 1, "[0, 5]").status, 200);
  ASSERT_EQ(Save(*student, attempt, "qti3-match-01", 1, "[1, null, null, 2]").status, 200);
  ASSERT_EQ(student->Post(fmt::format("/api/attempts/{}/submit", attempt)).status, 200);
  auto graded = teacher_->Get(fmt::format("/api/attempts/{}", attempt));
  ASSERT_EQ(graded.status, 200);
  EXPECT_DOUBLE_EQ(graded.json().at("attempt").at("result").at("points").to_number<double>(), 2.0)
      << graded.body;
  // Exported as QTI 3.0, and imported again: the same questions and points.
  auto exported = teacher_->Get("/api/exams/water/qti.zip");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.body.substr(0, 4), std::string("PK\x03\x04", 4));
  auto again = teacher_->Post("/api/exams/water-again/qti", exported.body);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json().at("exam").at("question_count").as_int64(), 2);
  EXPECT_EQ(again.json().at("exam").at("max_points").to_number<double>(), 5.0);
  EXPECT_EQ(again.json().at("exam").at("title").as_string(), "Water and plays");
  EXPECT_NE(student->Get("/api/exams/water/qti.zip").status, 200);
}

}  // namespace
}  // namespace pupitre::testkit
