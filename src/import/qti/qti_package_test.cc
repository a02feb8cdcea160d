// QTI content packages: 1EdTech's BBQs test package read in its test's order, each of its 22
// items imported or reported; an item's pictures taken from the package; hostile archives
// refused with a reason.
#include "import/qti/qti_package.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "testkit/fixtures.h"
#include "testkit/zip_maker.h"

namespace pupitre::importers {
namespace {

using testkit::ZipOf;

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
  // Its items' pictures are links to another site: never fetched.
  EXPECT_NE(all.find("item order-mountains: picture 'http://farm3.static.flickr.com/"), std::string::npos)
      << all;
  EXPECT_NE(all.find("(never fetched)"), std::string::npos) << all;
  // In the test's order; each of the others reported (interactions not in the exam model,
  // several interactions in one item, templates, rules written out).
  std::vector<std::string> ids;
  for (const auto& q : made.questions) ids.push_back(q.id);
  EXPECT_EQ(
      ids, (std::vector<std::string>{
               "either-or-choice-root2", "essay-vacation", "jumble-gapMatch", "jumble-inlineChoice",
               "Likert-choice-questionSet", "matching-associate-trigDeriv",
               "matching-match-trigDeriv", "MultipleAnswer-choice-materials",
               "MultipleChoice-choice-polynomials", "order-maths", "ShortAnswer-extText-postcard",
               "text_entry-calculus", "text_entry-Lycidas", "TF-choice", "TheAnswer-001"}))
      << all;
  const auto question = [&](std::string_view id) -> const exam::Question& {
    return *std::find_if(made.questions.begin(), made.questions.end(),
                         [&](const exam::Question& q) { return q.id == id; });
  };
  // The lines of a proof put in order, each line in its place worth 1 of 4 (its processing
  // written out with qti-index), as an ordering question grades it.
  const exam::Question& proof = question("order-maths");
  EXPECT_EQ(proof.type, exam::QuestionType::kOrdering);
  EXPECT_EQ(proof.points, 4);
  EXPECT_FALSE(proof.all_or_nothing);
  ASSERT_EQ(proof.order_key.size(), 4u);
  boost::json::array right, two_swapped;
  for (int i : proof.order_key) right.push_back(i);
  two_swapped = right;
  std::swap(two_swapped[0], two_swapped[1]);
  EXPECT_EQ(exam::GradeAnswer(proof, right), 4);
  EXPECT_EQ(exam::GradeAnswer(proof, two_swapped), 2);
  // Three menus in a sentence, each right worth 1 (its processing written out, a score per
  // menu summed).
  const exam::Question& jumble = question("jumble-inlineChoice");
  EXPECT_EQ(jumble.type, exam::QuestionType::kGaps);
  EXPECT_EQ(jumble.text, "The bandit killed her [[1]] and burned her [[2]], then jumped on her "
                         "[[3]] and rode away.");
  ASSERT_EQ(jumble.gaps.size(), 3u);
  EXPECT_EQ(jumble.gaps[0].choices, (std::vector<std::string>{"castle", "family", "horse", "sword"}));
  EXPECT_EQ(jumble.points, 3);
  EXPECT_FALSE(jumble.all_or_nothing);
  EXPECT_EQ(exam::GradeAnswer(jumble, boost::json::parse("[1, 0, 2]")), 3);  // family, castle, horse
  EXPECT_EQ(exam::GradeAnswer(jumble, boost::json::parse("[1, 2, 3]")), 1);
  // The same legend with its words put in its gaps (a gap match): the whole right or nothing.
  const exam::Question& words = question("jumble-gapMatch");
  EXPECT_EQ(words.text, jumble.text);
  EXPECT_EQ(words.gaps[2].choices, jumble.gaps[2].choices);
  EXPECT_TRUE(words.all_or_nothing);
  EXPECT_EQ(words.points, 3);
  EXPECT_EQ(exam::GradeAnswer(words, boost::json::parse("[1, 0, 2]")), 3);
  EXPECT_EQ(exam::GradeAnswer(words, boost::json::parse("[1, 0, 3]")), 0);
  // A number below the question, its rule written out (42 scores 10, and sets feedback):
  // learnt by running it, a numeric question.
  const exam::Question& answer = question("TheAnswer-001");
  EXPECT_EQ(answer.type, exam::QuestionType::kNumeric);
  EXPECT_EQ(answer.text, "What is the answer to life, the universe and everything?");
  EXPECT_EQ(answer.points, 10);
  EXPECT_EQ(exam::GradeAnswer(answer, boost::json::parse("42")), 10);
  EXPECT_EQ(exam::GradeAnswer(answer, boost::json::parse("41")), 0);
  // Two entries in a line of Milton, each mapping its answers ("fresh fields" half right).
  const exam::Question& lycidas = question("text_entry-Lycidas");
  EXPECT_EQ(lycidas.type, exam::QuestionType::kGaps);
  EXPECT_NE(lycidas.text.find("To-morrow to [[1]], and [[2]].\""), std::string::npos) << lycidas.text;
  EXPECT_EQ(lycidas.points, 2);
  EXPECT_EQ(exam::GradeAnswer(lycidas, boost::json::parse(R"(["fresh woods", "pastures new"])")), 2);
  EXPECT_EQ(exam::GradeAnswer(lycidas, boost::json::parse(R"(["fresh fields", "pastures green"])")), 1);
  EXPECT_EQ(exam::GradeAnswer(lycidas, boost::json::parse(R"(["fresh woods", "meadows"])")), 1);
  // Mathematics (MathML) written as linear text, in the text, the choices and their feedback.
  const exam::Question& root2 = made.questions[0];
  EXPECT_EQ(root2.text, "√2 > 2\nIs this right or wrong?");
  EXPECT_EQ(root2.option_feedback, (std::vector<std::string>{"No, √2 < 2", "That's right, √2 < 2"}));
  EXPECT_EQ(question("matching-match-trigDeriv").options,
            (std::vector<std::string>{"d/dΘ(sin Θ)", "d/dΘ(cos Θ)", "d/dΘ(tan Θ)"}));
  EXPECT_EQ(question("matching-match-trigDeriv").match_choices,
            (std::vector<std::string>{"-sin Θ", "cos Θ", "sec² Θ"}));
  // The same derivatives paired within one list (an associate): the list split in two, each
  // pair its mapped value (1, 1 and 2).
  const exam::Question& paired = question("matching-associate-trigDeriv");
  EXPECT_EQ(paired.options, question("matching-match-trigDeriv").options);
  EXPECT_EQ(paired.match_choices, question("matching-match-trigDeriv").match_choices);
  EXPECT_EQ(paired.points, 4);
  EXPECT_EQ(exam::GradeAnswer(paired, boost::json::parse("[1, 0, 2]")), 4);  // cos, -sin, sec²
  EXPECT_EQ(exam::GradeAnswer(paired, boost::json::parse("[0, 1, 2]")), 2);
  EXPECT_EQ(question("MultipleChoice-choice-polynomials").options,
            (std::vector<std::string>{"sec² Θ", "x + 1001y", "x³ - 5x + 87", "1 - ζ²"}));
  // True/false as a choice, its feedback inside each choice kept as the choice's own.
  const exam::Question& tf = question("TF-choice");
  EXPECT_EQ(tf.fixed_options, (std::vector<int>{0, 1})) << "shuffle=\"false\": never shuffled";
  EXPECT_EQ(question("Likert-choice-questionSet").fixed_options.size(),
            question("Likert-choice-questionSet").options.size())
      << "a scale keeps its order";
  EXPECT_TRUE(question("MultipleChoice-choice-polynomials").fixed_options.empty());
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
  EXPECT_NE(notes.find("item MultipleChoice-choice-polynomials: its mathematics (MathML) is written "
                       "as linear text"),
            std::string::npos)
      << notes;
  EXPECT_EQ(notes.find("TF-choice"), std::string::npos) << notes;
}

TEST(QtiPackageTest, WithoutATestEveryItemResourceComesInTheManifestsOrder) {
  const std::string manifest = R"(<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>
    <resource identifier="b" type="imsqti_item_xmlv2p1" href="items/b.xml"/>
    <resource identifier="a" type="imsqti_item_xmlv2p1" href="./items/../items/a.xml"/>
    <resource identifier="w" type="webcontent" href="style.css"/>
  </resources></manifest>)";
  auto package = ReadQtiPackage(
      ZipOf({{"imsmanifest.xml", manifest}, {"items/a.xml", Item("a")}, {"items/b.xml", Item("b")}}));
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
      ZipOf({{"imsmanifest.xml", manifest}, {"tests/test.xml", test}, {"items/one.xml", Item("one")}}));
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
  auto package = ReadQtiPackage(ZipOf({{"imsmanifest.xml", manifest}, {"test.xml", test},
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

// The smallest PNG (one pixel) and a GIF's first bytes.
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(62, 'p');
const std::string kGif = "GIF89a" + std::string(20, 'g');

TEST(QtiPackageTest, AnItemsPicturesComeFromThePackage) {
  // 1EdTech's luggage item, as published, with the picture of the sign it shows beside it.
  const std::string manifest = R"(<manifest><resources>
    <resource identifier="luggage" type="imsqti_item_xmlv2p1" href="items/choice.xml"/>
    <resource identifier="pics" type="imsqti_item_xmlv2p1" href="items/pictures.xml"/>
  </resources></manifest>)";
  const std::string pictures = R"(<assessmentItem identifier="pictures">
    <responseDeclaration identifier="R" cardinality="single" baseType="string"/>
    <itemBody><p>Before <img src="../shared/my%20map.gif"/> and</p>
      <object type="image/png" data="images/sign.png">The sign again</object>
      <extendedTextInteraction responseIdentifier="R"><prompt>Compare them.
        <img src="./images/sign.png" alt="The sign"/></prompt></extendedTextInteraction>
    </itemBody></assessmentItem>)";
  auto package = ReadQtiPackage(ZipOf({{"imsmanifest.xml", manifest},
                                       {"items/choice.xml", testkit::ReadFixture("qti/v2p1/choice.xml")},
                                       {"items/images/sign.png", kPng},
                                       {"items/pictures.xml", pictures},
                                       {"shared/my map.gif", kGif}}));
  ASSERT_TRUE(package.ok()) << package.error().message;
  std::string all;
  for (const auto& p : package->made.problems) all += p.message + "\n";
  ASSERT_EQ(package->made.questions.size(), 2u) << all;

  const exam::Question& luggage = package->made.questions[0];
  EXPECT_EQ(luggage.text, "Look at the text in the picture.\n\xEF\xBF\xBC\nWhat does it say?");
  ASSERT_EQ(luggage.images.size(), 1u);
  EXPECT_EQ(luggage.images[0].content_type, "image/png");
  EXPECT_EQ(luggage.images[0].alt, "NEVER LEAVE LUGGAGE UNATTENDED");
  EXPECT_EQ(luggage.images[0].bytes, kPng);
  EXPECT_EQ(luggage.images[0].size, 70);
  EXPECT_EQ(exam::ImagesProblem(luggage, true), "");

  // Relative to the item, escapes decoded; an <object> of an image type is one too (its
  // content says what it shows), a picture without alt is named by its file; the prompt's
  // come after the body's, as the text has them.
  const exam::Question& essay = package->made.questions[1];
  EXPECT_EQ(essay.text, "Before \xEF\xBF\xBC and\n\xEF\xBF\xBC\nCompare them. \xEF\xBF\xBC");
  ASSERT_EQ(essay.images.size(), 3u);
  EXPECT_EQ(essay.images[0].content_type, "image/gif");
  EXPECT_EQ(essay.images[0].alt, "my map.gif");
  EXPECT_EQ(essay.images[1].alt, "The sign again");
  EXPECT_EQ(essay.images[2].alt, "The sign");
  EXPECT_EQ(exam::ImagesProblem(essay, true), "");
}

TEST(QtiPackageTest, APictureThatCannotBeTakenIsReportedWithItsItem) {
  const auto item = [](const std::string& id, const std::string& body) {
    return R"(<assessmentItem identifier=")" + id + R"(">
      <responseDeclaration identifier="R" cardinality="single" baseType="string"/>
      <itemBody>)" + body + R"(<extendedTextInteraction responseIdentifier="R"/></itemBody>
      </assessmentItem>)";
  };
  std::string many;
  for (int i = 0; i < 21; ++i) many += "<img src='a.png'/>";
  std::vector<std::pair<std::string, std::string>> files = {
      {"missing.xml", item("missing", "<p>See <img src='gone.png'/></p>")},
      {"link.xml", item("link", "<img src='https://example.org/a.png' alt='a'/>")},
      {"escape.xml", item("escape", "<img src='../../etc/passwd'/>")},
      {"svg.xml", item("svg", "<img src='a.svg'/>")},
      {"big.xml", item("big", "<img src='big.png'/>")},
      {"inline.xml", item("inline", "<img src='data:image/png;base64,iVBO'/>")},
      {"many.xml", item("many", many)},
      {"a.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"},
      {"a.png", kPng},
      {"big.png", kPng + std::string(exam::kMaxImageBytes, 'x')},
  };
  std::string manifest = "<manifest><resources>";
  for (const char* id : {"missing", "link", "escape", "svg", "big", "inline", "many"}) {
    manifest += fmt::format(R"(<resource identifier="{0}" type="imsqti_item_xmlv2p1" href="{0}.xml"/>)", id);
  }
  files.push_back({"imsmanifest.xml", manifest + "</resources></manifest>"});
  auto package = ReadQtiPackage(ZipOf(files));
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_TRUE(package->made.questions.empty());
  std::map<std::string, std::string> why;  // item file -> its problem
  for (const auto& p : package->made.problems) why[p.message.substr(0, p.message.find(':'))] = p.message;
  ASSERT_EQ(why.size(), 7u);
  EXPECT_NE(why["missing.xml"].find("picture 'gone.png': gone.png is not in the package"), std::string::npos)
      << why["missing.xml"];
  EXPECT_NE(why["link.xml"].find("is a link outside the package (never fetched)"), std::string::npos);
  EXPECT_NE(why["escape.xml"].find("its path leaves the package"), std::string::npos);
  EXPECT_NE(why["svg.xml"].find("is not a PNG, JPEG, GIF or WebP picture"), std::string::npos);
  EXPECT_NE(why["big.xml"].find("larger than 2 MiB"), std::string::npos) << why["big.xml"];
  EXPECT_NE(why["inline.xml"].find("(data:) is not imported yet"), std::string::npos);
  EXPECT_NE(why["many.xml"].find("more than 20 pictures"), std::string::npos);
}

TEST(QtiPackageTest, HostileArchivesAreRefusedWithAReason) {
  EXPECT_EQ(ReadQtiPackage("not a zip at all").error().reason, "package_not_zip");
  EXPECT_EQ(ReadQtiPackage("").error().reason, "package_not_zip");
  EXPECT_EQ(ReadQtiPackage(ZipOf({{"a.xml", Item("a")}})).error().reason, "package_no_manifest");
  EXPECT_EQ(ReadQtiPackage(ZipOf({{"imsmanifest.xml", "<manifest"}})).error().reason,
            "package_no_manifest");
  // A file larger than a package file may be (it compresses to almost nothing: a ZIP bomb's
  // shape) is refused before it is inflated.
  const std::string manifest = R"(<manifest><resources>
    <resource identifier="a" type="imsqti_item_xmlv2p1" href="a.xml"/></resources></manifest>)";
  auto bomb = ReadQtiPackage(
      ZipOf({{"imsmanifest.xml", manifest}, {"a.xml", std::string(kMaxPackageFileBytes + 1, ' ')}}));
  ASSERT_FALSE(bomb.ok());
  EXPECT_EQ(bomb.error().reason, "package_too_large");
  // A truncated archive.
  std::string cut = ZipOf({{"imsmanifest.xml", manifest}, {"a.xml", Item("a")}});
  cut.resize(cut.size() / 2);
  EXPECT_FALSE(ReadQtiPackage(cut).ok());
}

}  // namespace
}  // namespace pupitre::importers
