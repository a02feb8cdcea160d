// Pictures in QTI items to order (orderInteraction's simpleChoice) and to match (a
// matchInteraction's first simpleMatchSet): each comes with its item, an ordering's shuffled
// with it; a picture in what an item is matched with is reported.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "import/qti/qti_export.h"
#include "import/qti/qti_item.h"
#include "import/qti/qti_package.h"

namespace pupitre::importers {
namespace {

// Each file a PNG of its own bytes (its name after the signature).
const QtiFileReader kFiles = [](std::string_view name) -> Result<std::string> {
  return std::string("\x89PNG\r\n\x1a\n", 8) + std::string(name);
};

TEST(QtiItemPicturesTest, ItemsToOrderAndToMatchBringTheirPictures) {
  const ExamQuestions made = ParseQtiItems(R"(<items>
<assessmentItem identifier="order">
  <responseDeclaration identifier="R" cardinality="ordered" baseType="identifier">
    <correctResponse><value>C</value><value>A</value><value>B</value></correctResponse></responseDeclaration>
  <itemBody><orderInteraction responseIdentifier="R"><prompt>Smallest first</prompt>
    <simpleChoice identifier="A"><img src="cat.png" alt="a cat"/></simpleChoice>
    <simpleChoice identifier="B">Horse <img src="horse.png"/></simpleChoice>
    <simpleChoice identifier="C"><img src="mouse.png" alt="a mouse"/></simpleChoice></orderInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
<assessmentItem identifier="match">
  <responseDeclaration identifier="R" cardinality="multiple" baseType="directedPair">
    <correctResponse><value>S1 T2</value><value>S2 T1</value></correctResponse></responseDeclaration>
  <itemBody><matchInteraction responseIdentifier="R" maxAssociations="2"><prompt>Match</prompt>
    <simpleMatchSet><simpleAssociableChoice identifier="S1" matchMax="1"><img src="jp.png" alt="A red dot"/></simpleAssociableChoice>
      <simpleAssociableChoice identifier="S2" matchMax="1">Maple leaf</simpleAssociableChoice></simpleMatchSet>
    <simpleMatchSet><simpleAssociableChoice identifier="T1" matchMax="2">Canada</simpleAssociableChoice>
      <simpleAssociableChoice identifier="T2" matchMax="2">Japan</simpleAssociableChoice></simpleMatchSet>
  </matchInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
<assessmentItem identifier="target">
  <responseDeclaration identifier="R" cardinality="multiple" baseType="directedPair">
    <correctResponse><value>S1 T1</value><value>S2 T2</value></correctResponse></responseDeclaration>
  <itemBody><matchInteraction responseIdentifier="R" maxAssociations="2"><prompt>Match</prompt>
    <simpleMatchSet><simpleAssociableChoice identifier="S1" matchMax="1">One</simpleAssociableChoice>
      <simpleAssociableChoice identifier="S2" matchMax="1">Two</simpleAssociableChoice></simpleMatchSet>
    <simpleMatchSet><simpleAssociableChoice identifier="T1" matchMax="2"><img src="one.png"/></simpleAssociableChoice>
      <simpleAssociableChoice identifier="T2" matchMax="2">2</simpleAssociableChoice></simpleMatchSet>
  </matchInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
<assessmentItem identifier="twins">
  <responseDeclaration identifier="R" cardinality="ordered" baseType="identifier">
    <correctResponse><value>A</value><value>B</value></correctResponse></responseDeclaration>
  <itemBody><orderInteraction responseIdentifier="R"><prompt>Order</prompt>
    <simpleChoice identifier="A"><img src="same.png"/></simpleChoice>
    <simpleChoice identifier="B"><img src="same.png"/></simpleChoice></orderInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem></items>)",
                                           "", kFiles);
  ASSERT_EQ(made.questions.size(), 2u);
  // The ordering: whatever order its items are shown in, each keeps its own words and picture.
  const exam::Question& order = made.questions[0];
  EXPECT_EQ(order.type, exam::QuestionType::kOrdering);
  ASSERT_EQ(order.images.size(), 3u);
  EXPECT_EQ(exam::ImagesProblem(order, /*stored_or_bytes=*/true), "");
  const char* right[] = {"[a mouse]", "[a cat]", "Horse [picture "};
  for (size_t r = 0; r < 3; ++r) {
    const size_t shown = static_cast<size_t>(order.order_key[r]);
    EXPECT_EQ(exam::OptionWords(order, shown).rfind(right[r], 0), 0u)
        << exam::OptionWords(order, shown);
  }
  EXPECT_EQ(order.images[static_cast<size_t>(order.order_key[2])].bytes.substr(8), "horse.png");
  EXPECT_EQ(order.images[static_cast<size_t>(order.order_key[2])].alt, "")
      << "an item's file name could tell the key";
  // The matching: its item's picture, its choices words.
  const exam::Question& match = made.questions[1];
  EXPECT_EQ(match.type, exam::QuestionType::kMatching);
  ASSERT_EQ(match.images.size(), 1u);
  EXPECT_EQ(exam::OptionWords(match, 0), "[A red dot]");
  EXPECT_EQ(match.match_choices, (std::vector<std::string>{"Canada", "Japan"}));
  EXPECT_EQ(exam::GradeAnswer(match, boost::json::parse("[1, 0]")).value_or(-1), 1);
  // A picture in what is matched with, and two items the same picture: reported.
  ASSERT_EQ(made.problems.size(), 2u);
  EXPECT_NE(made.problems[0].message.find("item target: a picture in what an item is matched with"),
            std::string::npos)
      << made.problems[0].message;
  EXPECT_NE(made.problems[1].message.find("item twins: two items to order read the same"),
            std::string::npos)
      << made.problems[1].message;
}

// Exported as a QTI package and read back, items to order and to match keep their pictures,
// each with its item; without the pictures (no blob store), each is its words, and no two
// items read the same.
TEST(QtiItemPicturesTest, ItemPicturesTravelInAnExportedPackage) {
  const std::string mark(exam::kImageMark);
  const auto image = [](char blob, const char* type, const char* alt) {
    exam::QuestionImage i;
    i.blob = std::string(64, blob);
    i.content_type = type;
    i.alt = alt;
    i.size = 10;
    return i;
  };
  exam::ExamSpec spec;
  spec.id = "items";
  spec.title = "Items";
  exam::Question order;
  order.id = "order";
  order.type = exam::QuestionType::kOrdering;
  order.text = "Smallest first";
  order.images = {image('a', "image/png", "a seed"), image('b', "image/gif", "")};
  exam::SetOrderingItems(order, {mark, "A sprout " + mark, "Tree"});
  exam::Question match;
  match.id = "match";
  match.type = exam::QuestionType::kMatching;
  match.text = "Match";
  match.images = {image('a', "image/png", "A red dot")};
  exam::SetMatchingPairs(match, {{mark, "Japan"}, {"Maple leaf", "Canada"}}, {});
  spec.questions = {order, match};
  const QtiImageReader read = [](const exam::QuestionImage& i) -> Result<std::string> {
    return i.content_type == "image/png" ? std::string("\x89PNG\r\n\x1a\n", 8) + "pixels"
                                         : std::string("GIF89a and more");
  };
  const auto right_words = [](const exam::Question& q) {
    std::vector<std::string> words;
    for (int shown : q.order_key) words.push_back(exam::OptionWords(q, static_cast<size_t>(shown)));
    return words;
  };
  auto back = ReadQtiPackage(ExportQtiPackage(spec, read).zip);
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const auto& p : back->made.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(back->made.questions.size(), 2u);
  const exam::Question& o = back->made.questions[0];
  ASSERT_EQ(o.images.size(), 2u);
  const std::vector<std::string> words = right_words(o);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0], "[a seed]");
  EXPECT_EQ(words[1].rfind("A sprout [picture ", 0), 0u) << words[1];
  EXPECT_EQ(words[2], "Tree");
  const exam::Question& m = back->made.questions[1];
  ASSERT_EQ(m.images.size(), 1u);
  EXPECT_EQ(exam::OptionWords(m, 0), "[A red dot]");
  EXPECT_EQ(m.images[0].bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // No blob store: the pictures are left out, each written as words.
  auto bare = ReadQtiPackage(ExportQtiPackage(spec).zip);
  ASSERT_TRUE(bare.ok()) << bare.error().message;
  for (const auto& p : bare->made.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(bare->made.questions.size(), 2u);
  const std::vector<std::string> bare_words = right_words(bare->made.questions[0]);
  ASSERT_EQ(bare_words.size(), 3u);
  EXPECT_EQ(bare_words[0], "[a seed]");
  EXPECT_EQ(bare_words[1].rfind("A sprout [picture ", 0), 0u) << bare_words[1];
  EXPECT_EQ(bare->made.questions[1].options[0], "[A red dot]");
}

}  // namespace
}  // namespace pupitre::importers
