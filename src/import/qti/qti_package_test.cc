// QTI content packages: 1EdTech's BBQs test package read in its test's order, each of its 22
// items imported or reported; hostile archives refused with a reason.
#include "import/qti/qti_package.h"

#include <zip.h>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "testkit/fixtures.h"

namespace pupitre::importers {
namespace {

// A ZIP made in memory of (path, content) pairs.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(out);
  zip_t* zip = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  EXPECT_NE(zip, nullptr);
  for (const auto& [path, content] : files) {
    zip_source_t* s = zip_source_buffer(zip, content.data(), content.size(), 0);
    EXPECT_GE(zip_file_add(zip, path.c_str(), s, ZIP_FL_OVERWRITE), 0);
  }
  EXPECT_EQ(zip_close(zip), 0);
  zip_stat_t stat;
  zip_source_stat(out, &stat);
  std::string bytes(stat.size, '\0');
  zip_source_open(out);
  zip_source_read(out, bytes.data(), bytes.size());
  zip_source_close(out);
  zip_source_free(out);
  zip_error_fini(&error);
  return bytes;
}

constexpr const char* kItem = R"(<assessmentItem identifier="ITEM">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>
  <itemBody><p>Why?</p><extendedTextInteraction responseIdentifier="RESPONSE"/></itemBody>
</assessmentItem>)";

std::string Item(const std::string& id) {
  std::string s = kItem;
  s.replace(s.find("ITEM"), 4, id);
  return s;
}

TEST(QtiPackageTest, OneEdTechsBbqsPackageComesInTheTestsOrder) {
  auto package = ReadQtiPackage(testkit::ReadFixture("qti/BBQsTest.zip"));
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_EQ(package->title, "BBQs test package");
  const ExamQuestions& made = package->made;
  // Every item is either a question or a problem naming its file: nothing is dropped.
  EXPECT_EQ(made.questions.size() + made.problems.size(), 22u);
  std::string all;
  for (const auto& p : made.problems) all += p.message + "\n";
  for (const char* refused : {"id-992e8bd3c9ac/hotspot-maximum.xml", "id-90b59b73c8e4/upload-file.xml",
                              "id-be3cd3bdd3d4/order-mountains.xml"}) {
    EXPECT_NE(all.find(refused), std::string::npos) << refused << " in\n" << all;
  }
  // In the test's order; each of the others reported (media, MathML, interactions not in the
  // exam model, several interactions in one item, templates, rules written out).
  std::vector<std::string> ids;
  for (const auto& q : made.questions) ids.push_back(q.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"essay-vacation", "Likert-choice-questionSet",
                                           "MultipleAnswer-choice-materials",
                                           "ShortAnswer-extText-postcard", "text_entry-calculus",
                                           "TF-choice"}))
      << all;
  // True/false as a choice, its feedback inside each choice kept as the choice's own.
  const exam::Question& tf = made.questions.back();
  EXPECT_EQ(tf.type, exam::QuestionType::kSingle);
  EXPECT_EQ(tf.text, "An octahedron has 12 faces.");
  EXPECT_EQ(tf.options, (std::vector<std::string>{"True", "False"}));
  EXPECT_EQ(tf.correct_options, std::vector<int>{1});
  ASSERT_EQ(tf.option_feedback.size(), 2u);
  EXPECT_EQ(tf.option_feedback[0], "No, an octahedron has 8 faces.");
  // Feedback the model has no place for is said, the question imported.
  std::string notes;
  for (const auto& n : made.notes) notes += n.message + "\n";
  EXPECT_NE(notes.find("MultipleAnswer-choice-materials"), std::string::npos) << notes;
  EXPECT_EQ(notes.find("TF-choice"), std::string::npos) << notes;
}

TEST(QtiPackageTest, WithoutATestEveryItemResourceComesInTheManifestsOrder) {
  const std::string manifest = R"(<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>
    <resource identifier="b" type="imsqti_item_xmlv2p1" href="items/b.xml"/>
    <resource identifier="a" type="imsqti_item_xmlv2p1" href="./items/../items/a.xml"/>
    <resource identifier="w" type="webcontent" href="style.css"/>
  </resources></manifest>)";
  auto package = ReadQtiPackage(
      Zip({{"imsmanifest.xml", manifest}, {"items/a.xml", Item("a")}, {"items/b.xml", Item("b")}}));
  ASSERT_TRUE(package.ok()) << package.error().message;
  ASSERT_EQ(package->made.questions.size(), 2u);
  EXPECT_EQ(package->made.questions[0].id, "b");
  EXPECT_EQ(package->made.questions[1].id, "a");
  EXPECT_TRUE(package->made.problems.empty());
}

TEST(QtiPackageTest, ATestsMissingItemsAreReportedAndItsDrawsKept) {
  const std::string manifest = R"(<manifest><resources>
    <resource identifier="t" type="imsqti_test_xmlv3p0" href="tests/test.xml"/>
  </resources></manifest>)";
  const std::string test = R"(<qti-assessment-test identifier="t" title="Final">
    <qti-test-part identifier="p"><qti-assessment-section identifier="s" title="S">
      <qti-selection select="1"/>
      <qti-assessment-item-ref identifier="i1" href="../items/one.xml"/>
      <qti-assessment-item-ref identifier="i2" href="../items/gone.xml"/>
      <qti-assessment-item-ref identifier="i3" href="../../etc/passwd"/>
    </qti-assessment-section></qti-test-part></qti-assessment-test>)";
  auto package = ReadQtiPackage(
      Zip({{"imsmanifest.xml", manifest}, {"tests/test.xml", test}, {"items/one.xml", Item("one")}}));
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_EQ(package->title, "Final");
  ASSERT_EQ(package->made.questions.size(), 1u);
  EXPECT_EQ(package->made.questions[0].id, "one");
  std::string all;
  for (const auto& p : package->made.problems) all += p.message + "\n";
  EXPECT_EQ(package->made.problems.size(), 2u) << all;
  EXPECT_NE(all.find("items/gone.xml is not in the package"), std::string::npos) << all;
  EXPECT_NE(all.find("outside the package"), std::string::npos) << all;
  // The section's selection is a draw: 1 of its items for each student.
  ASSERT_EQ(package->made.groups.size(), 1u);
  EXPECT_EQ(package->made.groups[0].id, "s");
  EXPECT_EQ(package->made.groups[0].pick, 1);
  EXPECT_EQ(package->made.questions[0].group, "s");
}

TEST(QtiPackageTest, DrawsPupitreCannotHonourAreReportedAndAskedOfEveryone) {
  const std::string manifest = R"(<manifest><resources>
    <resource identifier="t" type="imsqti_test_xmlv3p0" href="test.xml"/></resources></manifest>)";
  const std::string test = R"(<qti-assessment-test identifier="t" title="Final">
    <qti-test-part identifier="p"><qti-assessment-section identifier="outer" title="O">
      <qti-assessment-section identifier="big" title="B"><qti-selection select="3"/>
        <qti-assessment-item-ref identifier="i1" href="one.xml"/>
      </qti-assessment-section>
      <qti-assessment-section identifier="again" title="A">
        <qti-selection select="1" with-replacement="true"/>
        <qti-assessment-item-ref identifier="i2" href="two.xml"/>
      </qti-assessment-section>
    </qti-assessment-section></qti-test-part></qti-assessment-test>)";
  auto package = ReadQtiPackage(Zip({{"imsmanifest.xml", manifest}, {"test.xml", test},
                                     {"one.xml", Item("one")}, {"two.xml", Item("two")}}));
  ASSERT_TRUE(package.ok()) << package.error().message;
  std::string all;
  for (const auto& p : package->made.problems) all += p.message + "\n";
  EXPECT_NE(all.find("section big draws 3 of 1 items imported: its items are asked of everyone"),
            std::string::npos) << all;
  EXPECT_NE(all.find("with replacement"), std::string::npos) << all;
  EXPECT_TRUE(package->made.groups.empty());
  ASSERT_EQ(package->made.questions.size(), 2u);
  EXPECT_EQ(package->made.questions[0].group, "");
}

TEST(QtiPackageTest, HostileArchivesAreRefusedWithAReason) {
  EXPECT_EQ(ReadQtiPackage("not a zip at all").error().reason, "package_not_zip");
  EXPECT_EQ(ReadQtiPackage("").error().reason, "package_not_zip");
  EXPECT_EQ(ReadQtiPackage(Zip({{"a.xml", Item("a")}})).error().reason, "package_no_manifest");
  EXPECT_EQ(ReadQtiPackage(Zip({{"imsmanifest.xml", "<manifest"}})).error().reason,
            "package_no_manifest");
  // A file larger than a package file may be (it compresses to almost nothing: a ZIP bomb's
  // shape) is refused before it is inflated.
  const std::string manifest = R"(<manifest><resources>
    <resource identifier="a" type="imsqti_item_xmlv2p1" href="a.xml"/></resources></manifest>)";
  auto bomb = ReadQtiPackage(
      Zip({{"imsmanifest.xml", manifest}, {"a.xml", std::string(kMaxPackageFileBytes + 1, ' ')}}));
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.error().reason, "package_too_large");
  // A truncated archive.
  std::string cut = Zip({{"imsmanifest.xml", manifest}, {"a.xml", Item("a")}});
  cut.resize(cut.size() / 2);
  EXPECT_FALSE(ReadQtiPackage(cut).ok());
}

}  // namespace
}  // namespace pupitre::importers
