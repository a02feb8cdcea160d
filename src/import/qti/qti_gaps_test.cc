// QTI texts with gaps (inline choices, text entries) made gaps questions, scored as their own
// response processing scores them (run answer after answer): each gap its share, all or
// nothing, case as the rules compare it; what a gaps question cannot say is reported.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "import/qti/qti_item.h"

namespace pupitre::importers {
namespace {

// An item of QTI 2.1 with `declarations`, `body` and `processing` (its inside).
std::string Item(const std::string& declarations, const std::string& body,
                 const std::string& processing) {
  return fmt::format(
      R"(<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="it" title="T" adaptive="false" timeDependent="false">
{}
<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
<itemBody>{}</itemBody>
<responseProcessing{}</responseProcessing>
</assessmentItem>)",
      declarations, body, processing);
}

constexpr const char* kTwoEntries = R"(
<responseDeclaration identifier="A" cardinality="single" baseType="string">
  <correctResponse><value>Paris</value></correctResponse>
</responseDeclaration>
<responseDeclaration identifier="B" cardinality="single" baseType="string">
  <correctResponse><value>Rome</value></correctResponse>
  <mapping defaultValue="0"><mapEntry mapKey="Rome" mappedValue="2" caseSensitive="false"/>
  <mapEntry mapKey="Roma" mappedValue="1" caseSensitive="false"/></mapping>
</responseDeclaration>)";
constexpr const char* kTwoEntriesBody =
    R"(<p>France: <textEntryInteraction responseIdentifier="A"/>; Italy: <textEntryInteraction responseIdentifier="B"/>.</p>)";

exam::Question One(const std::string& xml) {
  const ExamQuestions made = ParseQtiItems(xml, "item.xml");
  EXPECT_TRUE(made.problems.empty()) << made.problems[0].message;
  EXPECT_EQ(made.questions.size(), 1u);
  return made.questions.empty() ? exam::Question{} : made.questions[0];
}

std::string Problem(const std::string& xml) {
  const ExamQuestions made = ParseQtiItems(xml, "item.xml");
  EXPECT_TRUE(made.questions.empty());
  return made.problems.empty() ? "" : made.problems[0].message;
}

double Grade(const exam::Question& q, const char* answer) {
  const boost::json::value a = boost::json::parse(answer);
  EXPECT_TRUE(exam::ValidateAnswer(q, a).ok()) << answer;
  return exam::GradeAnswer(q, a).value_or(-1);
}

// Each entry scored apart and summed: A by match (case counts), B by its mapping (case does not).
TEST(QtiGapsTest, EachEntryScoredApartEarnsItsShare) {
  const exam::Question q = One(Item(kTwoEntries, kTwoEntriesBody, R"(>
  <responseCondition><responseIf><match><variable identifier="A"/><correct identifier="A"/></match>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition>
  <responseCondition><responseIf><not><isNull><variable identifier="B"/></isNull></not>
    <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><mapResponse identifier="B"/></sum></setOutcomeValue>
  </responseIf></responseCondition>)"));
  EXPECT_EQ(q.type, exam::QuestionType::kGaps);
  EXPECT_EQ(q.text, "France: [[1]]; Italy: [[2]].");
  EXPECT_EQ(q.points, 3);
  EXPECT_FALSE(q.all_or_nothing);
  ASSERT_EQ(q.gaps.size(), 2u);
  EXPECT_TRUE(q.gaps[0].case_sensitive) << "match compares exactly";
  EXPECT_FALSE(q.gaps[1].case_sensitive) << "the mapping says case does not matter";
  EXPECT_EQ(q.gaps[0].weight, 1);
  EXPECT_EQ(q.gaps[1].weight, 2);
  EXPECT_DOUBLE_EQ(Grade(q, R"(["Paris", "rome"])"), 3);
  EXPECT_DOUBLE_EQ(Grade(q, R"(["paris", "Roma"])"), 1);
  EXPECT_DOUBLE_EQ(Grade(q, R"([null, "Rome"])"), 2);
}

// Both right or nothing: the right answers of each gap are those that keep the whole right.
TEST(QtiGapsTest, BothRightOrNothingIsAllOrNothing) {
  const exam::Question q = One(Item(kTwoEntries, kTwoEntriesBody, R"(>
  <responseCondition><responseIf>
    <and><match><variable identifier="A"/><correct identifier="A"/></match>
         <gte><mapResponse identifier="B"/><baseValue baseType="float">1</baseValue></gte></and>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">4</baseValue></setOutcomeValue>
  </responseIf><responseElse>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>
  </responseElse></responseCondition>)"));
  EXPECT_TRUE(q.all_or_nothing);
  EXPECT_EQ(q.points, 4);
  EXPECT_EQ(q.gaps[1].accepted, (std::vector<std::string>{"rome", "roma"}));
  EXPECT_DOUBLE_EQ(Grade(q, R"(["Paris", "ROMA"])"), 4);
  EXPECT_DOUBLE_EQ(Grade(q, R"(["Paris", "Milano"])"), 0);
}

// One menu alone, scored by the match_correct template: a text with one gap.
TEST(QtiGapsTest, OneMenuByTheTemplateIsOneGap) {
  const exam::Question q = One(
      Item(R"(
<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
  <correctResponse><value>G</value></correctResponse>
</responseDeclaration>)",
           R"(<p>Paris is in <inlineChoiceInteraction responseIdentifier="RESPONSE" shuffle="true">
  <inlineChoice identifier="I">Italy</inlineChoice><inlineChoice identifier="G">France</inlineChoice>
</inlineChoiceInteraction>.</p>)",
           R"( template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct">)"));
  EXPECT_EQ(q.text, "Paris is in [[1]].");
  EXPECT_EQ(q.gaps[0].choices, (std::vector<std::string>{"France", "Italy"}));
  EXPECT_EQ(q.points, 1);
  EXPECT_DOUBLE_EQ(Grade(q, "[0]"), 1);
  EXPECT_DOUBLE_EQ(Grade(q, "[1]"), 0);
}

TEST(QtiGapsTest, WhatAGapsQuestionCannotSayIsReported) {
  // Either right scores: the gaps are scored together, neither each its share nor all or nothing.
  EXPECT_NE(Problem(Item(kTwoEntries, kTwoEntriesBody, R"(>
  <responseCondition><responseIf>
    <or><match><variable identifier="A"/><correct identifier="A"/></match>
        <match><variable identifier="B"/><correct identifier="B"/></match></or>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition>)"))
                .find("scores the gaps together"),
            std::string::npos);
  // Rules Pupitre does not run are named.
  EXPECT_NE(Problem(Item(kTwoEntries, kTwoEntriesBody, R"(>
  <responseCondition><responseIf>
    <substring caseSensitive="false"><variable identifier="A"/><baseValue baseType="string">Par</baseValue></substring>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition>)"))
                .find("uses substring, which Pupitre does not read yet"),
            std::string::npos);
  // An answer matching nothing scores: not a gap's share.
  EXPECT_NE(Problem(Item(kTwoEntries, kTwoEntriesBody, R"(>
  <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>)"))
                .find("scores 1 for answers that match nothing"),
            std::string::npos);
  // A rule that loops on itself cannot: every run is bounded (here, nesting).
  std::string deep = "<sum>";
  for (int i = 0; i < 80; ++i) deep += "<sum>";
  deep += R"(<baseValue baseType="float">1</baseValue>)";
  for (int i = 0; i < 81; ++i) deep += "</sum>";
  EXPECT_NE(Problem(Item(kTwoEntries, kTwoEntriesBody,
                         "><setOutcomeValue identifier=\"SCORE\">" + deep + "</setOutcomeValue>"))
                .find("nests deeper than 64"),
            std::string::npos);
}

// Words put in gaps (gapMatch), each pair mapped: each gap a menu of the words, its share its
// best pair; a gap left out of the correct response of a match_correct is reported.
TEST(QtiGapsTest, AGapMatchIsAMenuOfItsWordsInEachGap) {
  const std::string words = R"(<gapMatchInteraction responseIdentifier="RESPONSE">
  <gapText identifier="W" matchMax="1">winter</gapText><gapText identifier="S" matchMax="1">summer</gapText>
  <gapText identifier="A" matchMax="1">autumn</gapText>
  <p>Now is the <gap identifier="G1"/> of our discontent, made glorious <gap identifier="G2"/>.</p>
</gapMatchInteraction>)";
  const exam::Question q = One(
      Item(R"(
<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">
  <correctResponse><value>W G1</value><value>S G2</value></correctResponse>
  <mapping defaultValue="0"><mapEntry mapKey="W G1" mappedValue="1"/><mapEntry mapKey="A G1" mappedValue="0.5"/>
  <mapEntry mapKey="S G2" mappedValue="2"/></mapping>
</responseDeclaration>)",
           words,
           R"( template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response">)"));
  EXPECT_EQ(q.type, exam::QuestionType::kGaps);
  EXPECT_EQ(q.text, "Now is the [[1]] of our discontent, made glorious [[2]].");
  EXPECT_EQ(q.gaps[0].choices, (std::vector<std::string>{"autumn", "summer", "winter"}));
  EXPECT_EQ(q.points, 3);
  EXPECT_DOUBLE_EQ(Grade(q, "[2, 1]"), 3);
  EXPECT_DOUBLE_EQ(Grade(q, "[0, 1]"), 2.5);
  EXPECT_DOUBLE_EQ(Grade(q, "[1, 0]"), 0);

  EXPECT_NE(
      Problem(
          Item(
              R"(
<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">
  <correctResponse><value>W G1</value></correctResponse>
</responseDeclaration>)",
              words,
              R"( template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct">)"))
          .find("gap 2 is left empty in its correct response"),
      std::string::npos);
}

// Numbers typed in: each within the tolerance its rules compare it with (a number, or its
// correct response); a number read otherwise, or a key '*', is reported.
TEST(QtiGapsTest, ANumberGapTakesTheToleranceItsRulesCompareItWith) {
  const std::string numbers = R"(
<responseDeclaration identifier="A" cardinality="single" baseType="float">
  <correctResponse><value>1066</value></correctResponse>
</responseDeclaration>
<responseDeclaration identifier="B" cardinality="single" baseType="string">
  <correctResponse><value>Hastings</value></correctResponse>
</responseDeclaration>)";
  const std::string body =
      R"(<p>In <textEntryInteraction responseIdentifier="A"/> at <textEntryInteraction responseIdentifier="B"/>.</p>)";
  const exam::Question q = One(Item(numbers, body, R"(>
  <responseCondition><responseIf>
    <equal toleranceMode="absolute" tolerance="2"><variable identifier="A"/><correct identifier="A"/></equal>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition>
  <responseCondition><responseIf><match><variable identifier="B"/><correct identifier="B"/></match>
    <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum></setOutcomeValue>
  </responseIf></responseCondition>)"));
  ASSERT_EQ(q.gaps.size(), 2u);
  ASSERT_EQ(q.gaps[0].numbers.size(), 1u);
  EXPECT_EQ(q.gaps[0].numbers[0].tolerance, 2);
  EXPECT_DOUBLE_EQ(Grade(q, R"(["1067,5", "Hastings"])"), 2);
  EXPECT_DOUBLE_EQ(Grade(q, R"(["1069", "Hastings"])"), 1);

  EXPECT_NE(Problem(Item(numbers, body, R"(>
  <responseCondition><responseIf><lt><variable identifier="A"/><baseValue baseType="float">1100</baseValue></lt>
    <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
  </responseIf></responseCondition>)"))
                .find("gap 1 is read by lt"),
            std::string::npos);
  const std::string star = R"(
<responseDeclaration identifier="A" cardinality="single" baseType="string">
  <mapping defaultValue="0"><mapEntry mapKey="*" mappedValue="1"/></mapping>
</responseDeclaration>
<responseDeclaration identifier="B" cardinality="single" baseType="string">
  <correctResponse><value>x</value></correctResponse>
</responseDeclaration>)";
  EXPECT_NE(Problem(Item(star, body, R"( template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response">)"))
                .find("gap 1 accepts the answer \"*\""),
            std::string::npos);
}

}  // namespace
}  // namespace pupitre::importers
