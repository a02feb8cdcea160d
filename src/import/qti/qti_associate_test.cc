// QTI's associateInteraction (pairs made within one list) asked as a matching: its list split in
// two where its right pairs allow, graded as its own processing scores the pairs.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "import/qti/qti_item.h"
#include "testkit/fixtures.h"

namespace pupitre::importers {
namespace {

double Grade(const exam::Question& q, const char* answer_json) {
  const boost::json::value answer = boost::json::parse(answer_json);
  EXPECT_TRUE(exam::ValidateAnswer(q, answer).ok()) << answer_json;
  return exam::GradeAnswer(q, answer).value_or(-1);
}

// A QTI 2.1 associate item of `choices` (simpleAssociableChoice elements), its right pairs
// (value elements) and its mapping's entries, scored by `rp_template`.
std::string Associate(const std::string& choices, const std::string& right,
                      const std::string& entries = "",
                      const std::string& rp_template = "map_response",
                      const std::string& base_type = "pair") {
  return fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="pairs" title="Pairs">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="{}">
    <correctResponse>{}</correctResponse>
    <mapping defaultValue="0">{}</mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <associateInteraction responseIdentifier="RESPONSE" maxAssociations="4">
      <prompt>Pair them.</prompt>
      {}
    </associateInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/{}"/>
</assessmentItem>)",
                     base_type, right, entries, choices, rp_template);
}

// 1EdTech's "Shakespearian Rivals": three pairs of rivals hidden in six characters, the first
// pair worth 2 and the others 1.
TEST(QtiAssociateTest, ShakespeareanRivalsAreAMatchingScoredByTheirMapping) {
  const ExamQuestions made =
      ParseQtiItems(testkit::ReadFixture("qti/v2p1/associate.xml"), "v2p1/associate.xml");
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kMatching);
  EXPECT_EQ(q.text.substr(0, 48), "Hidden in this list of characters from famous Sh");
  // The first of each right pair in the list is an item, matched with its rival.
  EXPECT_EQ(q.options, (std::vector<std::string>{"Antonio", "Capulet", "Demetrius"}));
  EXPECT_EQ(q.match_choices, (std::vector<std::string>{"Lysander", "Montague", "Prospero"}));
  EXPECT_EQ(q.match_key, (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(q.points, 4);
  EXPECT_DOUBLE_EQ(Grade(q, "[2, 1, 0]"), 4);
  EXPECT_DOUBLE_EQ(Grade(q, "[2, null, null]"), 2);  // Antonio and Prospero: 2 of 4
  EXPECT_DOUBLE_EQ(Grade(q, "[0, 1, 2]"), 1);        // Capulet and Montague only
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("its list is split in two, 3 items (one of each right "
                                       "pair) each matched with one of the other 3 choices"),
            std::string::npos)
      << made.notes[0].message;
}

// A choice in several right pairs is what each of its partners is matched with; a choice in no
// right pair stays a choice (a distractor); a pair may be written either way round, in the
// correct response and in the mapping.
TEST(QtiAssociateTest, AChoiceInSeveralPairsIsWhatItsPartnersAreMatchedWith) {
  const ExamQuestions made = ParseQtiItems(
      Associate(
          R"(<simpleAssociableChoice identifier="cat" matchMax="1">Cat</simpleAssociableChoice>
      <simpleAssociableChoice identifier="M" matchMax="2">Mammal</simpleAssociableChoice>
      <simpleAssociableChoice identifier="owl" matchMax="1">Owl</simpleAssociableChoice>
      <simpleAssociableChoice identifier="B" matchMax="2">Bird</simpleAssociableChoice>
      <simpleAssociableChoice identifier="F" matchMax="2">Fish</simpleAssociableChoice>
      <simpleAssociableChoice identifier="dog" matchMax="1">Dog</simpleAssociableChoice>
      <simpleAssociableChoice identifier="eagle" matchMax="1">Eagle</simpleAssociableChoice>)",
          "<value>M cat</value><value>owl B</value><value>dog  M</value><value>B eagle</value>"
          "<value>cat M</value>",
          R"(<mapEntry mapKey="cat M" mappedValue="1"/><mapEntry mapKey="M dog" mappedValue="1"/>
                   <mapEntry mapKey="owl B" mappedValue="1"/><mapEntry mapKey="eagle B" mappedValue="1"/>)"),
      "animals.xml");
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kMatching);
  EXPECT_EQ(q.options, (std::vector<std::string>{"Cat", "Owl", "Dog", "Eagle"}));
  EXPECT_EQ(q.match_choices, (std::vector<std::string>{"Bird", "Fish", "Mammal"}));
  EXPECT_EQ(q.match_key, (std::vector<int>{2, 0, 2, 0}));
  EXPECT_EQ(q.points, 4);
  EXPECT_DOUBLE_EQ(Grade(q, "[2, 0, 2, 0]"), 4);
  EXPECT_DOUBLE_EQ(Grade(q, "[2, 1, 1, 0]"), 2);
  // All or nothing under match_correct.
  const ExamQuestions all =
      ParseQtiItems(Associate(R"(<simpleAssociableChoice identifier="a">A</simpleAssociableChoice>
      <simpleAssociableChoice identifier="b">B</simpleAssociableChoice>
      <simpleAssociableChoice identifier="c">C</simpleAssociableChoice>
      <simpleAssociableChoice identifier="d">D</simpleAssociableChoice>)",
                              "<value>d a</value><value>b c</value>", "", "match_correct"),
                    "letters.xml");
  ASSERT_TRUE(all.problems.empty()) << all.problems[0].message;
  const exam::Question& letters = all.questions[0];
  EXPECT_EQ(letters.options, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(letters.match_choices, (std::vector<std::string>{"C", "D"}));
  EXPECT_TRUE(letters.all_or_nothing);
  EXPECT_DOUBLE_EQ(Grade(letters, "[1, 0]"), 1);
  EXPECT_DOUBLE_EQ(Grade(letters, "[1, 1]"), 0);
}

TEST(QtiAssociateTest, WhatAMatchingCannotAskIsReportedWithItsItem) {
  const std::string four = R"(<simpleAssociableChoice identifier="a">A</simpleAssociableChoice>
      <simpleAssociableChoice identifier="b">B</simpleAssociableChoice>
      <simpleAssociableChoice identifier="c">C</simpleAssociableChoice>
      <simpleAssociableChoice identifier="d">D</simpleAssociableChoice>)";
  const std::string two_pairs = "<value>a b</value><value>c d</value>";
  const struct {
    std::string xml, why;
  } kCases[] = {
      // A chain: b and c are each in two pairs, so neither can be an item nor both targets.
      {Associate(four, "<value>a b</value><value>b c</value><value>c d</value>", "",
                 "match_correct"),
       "b and c are each in several right pairs: a matching cannot ask it"},
      {Associate(four, "<value>a a</value><value>c d</value>"),
       "its correct response pairs a with itself"},
      {Associate(four, "<value>a z</value><value>c d</value>"), "z is no choice"},
      {Associate(four, "<value>a</value><value>c d</value>"),
       "its correct response a is not a pair"},
      {Associate(four, two_pairs,
                 R"(<mapEntry mapKey="a b" mappedValue="1"/><mapEntry mapKey="c d" mappedValue="1"/>
                    <mapEntry mapKey="a c" mappedValue="0.5"/>)"),
       "its mapping scores wrong matches"},
      {Associate(four, two_pairs, R"(<mapEntry mapKey="b a" mappedValue="1"/>)"),
       "its mapping gives a right match no credit"},
      {Associate(four, two_pairs, "", "match_correct", "identifier"),
       "an associate interaction's response is not of pairs"},
      // A directed pair's "b a" is not "a b": an associate's pairs are either way round.
      {Associate(four, two_pairs, "", "match_correct", "directedPair"),
       "an associate interaction's response is not of pairs"},
      {Associate(four, "", "", "match_correct"),
       "an associate interaction without a correctResponse"},
      {Associate(four, "<value>a b</value>", "", "match_correct"),
       "a matching question needs two pairs at least"},
      // b would be a choice of the menus, which hold words only.
      {Associate(R"(<simpleAssociableChoice identifier="a">A</simpleAssociableChoice>
      <simpleAssociableChoice identifier="b"><img src="b.png" alt="bee"/></simpleAssociableChoice>
      <simpleAssociableChoice identifier="c">C</simpleAssociableChoice>
      <simpleAssociableChoice identifier="d">D</simpleAssociableChoice>)",
                 two_pairs, "", "match_correct"),
       "a picture in what an item is matched with is not imported yet (b is matched with"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.why);
    const ExamQuestions made = ParseQtiItems(c.xml, "pairs.xml");
    EXPECT_TRUE(made.questions.empty());
    ASSERT_EQ(made.problems.size(), 1u);
    EXPECT_NE(made.problems[0].message.find("pairs.xml: item pairs: " + c.why), std::string::npos)
        << made.problems[0].message;
    EXPECT_GT(made.problems[0].line, 1);
  }
}

}  // namespace
}  // namespace pupitre::importers
