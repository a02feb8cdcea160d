// A teacher's upload made a draft, whatever Moodle or QTI wrote: the format is told by the bytes
// (a ZIP, XML whose root is <quiz>, other XML, or text), and what cannot be imported refuses the
// upload unless the teacher asks for the rest. Moodle's own test fixtures (tests/fixtures/).
#include <gtest/gtest.h>

#include "import/qti/qti_exam.h"
#include "testkit/fixtures.h"

namespace pupitre::importers {
namespace {

QtiExamOptions Options(bool partial) { return {"bank", "", "", partial, 1'800'000'000'000}; }

TEST(UploadTest, MoodlesGiftAndXmlBanksAreToldApartAndImported) {
  const std::string gift = testkit::ReadFixture("moodle-gift/questions.gift.txt");
  auto whole = MakeQtiExam(gift, Options(false));
  ASSERT_TRUE(whole.ok()) << "every question of Moodle's fixture is taken";
  EXPECT_EQ(whole->format, "gift");
  EXPECT_EQ(whole->spec.questions.size(), 9u);
  // With a question that does not parse (two answer lists), the upload is refused unless the
  // teacher takes the rest.
  const std::string with_bad = gift + "\n\n::Two lists:: {=a} and {=b}\n";
  auto refused = MakeQtiExam(with_bad, Options(false));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "exam_file_problems");
  ASSERT_EQ(refused.error().problems.size(), 1u);
  EXPECT_EQ(refused.error().problems[0].params[0].second, "GIFT");
  auto made = MakeQtiExam(with_bad, Options(true));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->format, "gift");
  EXPECT_EQ(made->spec.questions.size(), 9u);
  EXPECT_EQ(made->left_out.size(), 1u);

  const std::string xml = testkit::ReadFixture("moodle-xml/nested_categories_with_questions.xml");
  auto from_xml = MakeQtiExam(xml, Options(true));
  ASSERT_TRUE(from_xml.ok()) << from_xml.error().message;
  EXPECT_EQ(from_xml->format, "moodle_xml");
  EXPECT_EQ(from_xml->spec.questions.size(), 5u);
  EXPECT_TRUE(from_xml->left_out.empty());

  auto bom = MakeQtiExam("\xEF\xBB\xBF\n::q1::2+2? {#4}\n", Options(false));
  ASSERT_TRUE(bom.ok()) << bom.error().message;
  EXPECT_EQ(bom->format, "gift");
  auto declared = MakeQtiExam("<?xml version=\"1.0\"?>\n<!-- a bank -->\n<quiz><question type=\"truefalse\">"
                              "<name><text>tf</text></name><questiontext format=\"html\"><text>Sky blue?</text>"
                              "</questiontext><answer fraction=\"100\"><text>true</text></answer>"
                              "<answer fraction=\"0\"><text>false</text></answer></question></quiz>",
                              Options(false));
  ASSERT_TRUE(declared.ok()) << declared.error().message;
  EXPECT_EQ(declared->format, "moodle_xml");
  EXPECT_EQ(MakeQtiExam("\xff\xfe not text", Options(true)).error().reason, "bad_upload");
}

}  // namespace
}  // namespace pupitre::importers
