// QTI items against 1EdTech's own examples (tests/fixtures/qti/README.md), graded as QTI's
// response processing scores them; what the exam model cannot say is reported, never dropped.
#include "import/qti/qti_item.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <gtest/gtest.h>

#include <string>

#include "testkit/fixtures.h"

namespace pupitre::importers {
namespace {

ExamQuestions Item(const std::string& path) {
  return ParseQtiItems(testkit::ReadFixture("qti/" + path), path);
}

double Grade(const exam::Question& q, const char* answer_json) {
  const boost::json::value answer = boost::json::parse(answer_json);
  EXPECT_TRUE(exam::ValidateAnswer(q, answer).ok()) << answer_json;
  return exam::GradeAnswer(q, answer).value_or(-1);
}

// "Composition of Water": map_response with a default of -2 and bounds 0..2 (QTI 2.1, 2.2, 3.0).
TEST(QtiItemTest, ChoiceMultipleIsScoredByItsMapping) {
  for (const char* path : {"v2p1/choice_multiple.xml", "v2p2/choice_multiple.xml",
                           "v3p0/composition_of_water_qti3.xml"}) {
    SCOPED_TRACE(path);
    const ExamQuestions made = Item(path);
    ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
    ASSERT_EQ(made.questions.size(), 1u);
    const exam::Question& q = made.questions[0];
    EXPECT_EQ(q.type, exam::QuestionType::kMultiple);
    EXPECT_EQ(q.text, "Which of the following elements are used to form water?");
    EXPECT_EQ(q.options, (std::vector<std::string>{"Hydrogen", "Helium", "Carbon", "Oxygen",
                                                   "Nitrogen", "Chlorine"}));
    EXPECT_EQ(q.points, 2) << "the mapping's upper bound";
    EXPECT_EQ(q.correct_options, (std::vector<int>{0, 3}));
    // QTI: the sum of the mapped values (H 1, O 1, Cl -1, any other -2), within 0 and 2.
    EXPECT_DOUBLE_EQ(Grade(q, "[0, 3]"), 2);
    EXPECT_DOUBLE_EQ(Grade(q, "[0]"), 1);
    EXPECT_DOUBLE_EQ(Grade(q, "[0, 3, 5]"), 1);
    EXPECT_DOUBLE_EQ(Grade(q, "[0, 3, 1]"), 0);
    EXPECT_DOUBLE_EQ(Grade(q, "[2, 4]"), 0);
  }
}

// "Richard III (Take 3)": "York" 1, "york" 0.5, compared with their case (QTI's default).
TEST(QtiItemTest, TextEntryMapsEachAnswerWithItsCase) {
  for (const char* path : {"v2p1/text_entry.xml", "v2p2/text_entry.xml"}) {
    SCOPED_TRACE(path);
    const ExamQuestions made = Item(path);
    ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
    const exam::Question& q = made.questions[0];
    EXPECT_EQ(q.type, exam::QuestionType::kShortText);
    EXPECT_NE(q.text.find("Made glorious summer by this sun of _____;"), std::string::npos) << q.text;
    EXPECT_EQ(q.text.find("Identify the missing word"), 0u) << q.text;
    EXPECT_TRUE(q.case_sensitive);
    EXPECT_EQ(q.points, 1);
    EXPECT_DOUBLE_EQ(Grade(q, "\"York\""), 1);
    EXPECT_DOUBLE_EQ(Grade(q, "\"york\""), 0.5);
    EXPECT_DOUBLE_EQ(Grade(q, "\"YORK\""), 0);
    EXPECT_DOUBLE_EQ(Grade(q, "\"Lancaster\""), 0);
  }
}

// "Characters and Plays": pairs worth 1, 0.5, 0.5 and 1; the QTI 3.0 copy writes map_response
// out rule by rule, as the specification does.
TEST(QtiItemTest, MatchGivesEachRightPairItsMappedShare) {
  for (const char* path : {"v2p1/match.xml", "v2p2/match.xml", "v3p0/match_qti3.xml"}) {
    SCOPED_TRACE(path);
    const ExamQuestions made = Item(path);
    ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
    const exam::Question& q = made.questions[0];
    EXPECT_EQ(q.type, exam::QuestionType::kMatching);
    EXPECT_EQ(q.options, (std::vector<std::string>{"Capulet", "Demetrius", "Lysander", "Prospero"}));
    EXPECT_EQ(q.match_choices,
              (std::vector<std::string>{"A Midsummer-Night's Dream", "Romeo and Juliet",
                                        "The Tempest"}));
    EXPECT_EQ(q.match_key, (std::vector<int>{1, 0, 0, 2}));
    EXPECT_EQ(q.points, 3);
    EXPECT_DOUBLE_EQ(Grade(q, "[1, 0, 0, 2]"), 3);
    EXPECT_DOUBLE_EQ(Grade(q, "[1, null, null, null]"), 1);
    EXPECT_DOUBLE_EQ(Grade(q, "[0, 0, 1, 1]"), 0.5);
  }
}

// "Grand Prix of Bahrain": the podium put in order, all or nothing (match_correct).
TEST(QtiItemTest, OrderIsAnOrderingQuestionScoredAllOrNothing) {
  const ExamQuestions made = Item("v2p2/order.xml");
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kOrdering);
  EXPECT_EQ(q.text.substr(0, 40), "The following F1 drivers finished on the");
  std::vector<std::string> right;
  std::string answer = "[";
  for (int i : q.order_key) {
    right.push_back(q.options[static_cast<size_t>(i)]);
    answer += (answer.size() > 1 ? "," : "") + std::to_string(i);
  }
  EXPECT_EQ(right, (std::vector<std::string>{"Michael Schumacher", "Rubens Barrichello", "Jenson Button"}));
  EXPECT_TRUE(q.all_or_nothing);
  EXPECT_DOUBLE_EQ(Grade(q, (answer + "]").c_str()), 1);
  const std::string swapped = fmt::format("[{},{},{}]", q.order_key[1], q.order_key[0], q.order_key[2]);
  EXPECT_DOUBLE_EQ(Grade(q, swapped.c_str()), 0);
}

// Richard III (Take 2): one menu within the quote, match_correct: a text with one gap.
TEST(QtiItemTest, AnInlineChoiceIsATextWithOneGap) {
  const ExamQuestions made = Item("v2p2/inline_choice.xml");
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kGaps);
  EXPECT_EQ(q.text,
            "Identify the missing word in this famous quote from Shakespeare's Richard III.\n"
            "Now is the winter of our discontent\nMade glorious summer by this sun of [[1]];\n"
            "And all the clouds that lour'd upon our house\nIn the deep bosom of the ocean buried.");
  EXPECT_EQ(q.gaps[0].choices, (std::vector<std::string>{"Gloucester", "Lancaster", "York"}));
  EXPECT_EQ(q.points, 1);
  EXPECT_DOUBLE_EQ(Grade(q, "[2]"), 1);
  EXPECT_DOUBLE_EQ(Grade(q, "[0]"), 0);
}

// QTI shuffles a choice's list only when it says so, and never its fixed choices.
TEST(QtiItemTest, ChoicesKeepTheirPlaceUnlessShuffledAndNotFixed) {
  const auto fixed_of = [](const char* shuffle, const char* fixed_c) {
    const ExamQuestions made = ParseQtiItems(fmt::format(R"(<assessmentItem identifier="q">
  <responseDeclaration identifier="R" cardinality="single" baseType="identifier">
    <correctResponse><value>a</value></correctResponse>
  </responseDeclaration>
  <itemBody><choiceInteraction responseIdentifier="R" {} maxChoices="1">
    <prompt>Which?</prompt>
    <simpleChoice identifier="a">A</simpleChoice>
    <simpleChoice identifier="b">B</simpleChoice>
    <simpleChoice identifier="c" {}>None of these</simpleChoice>
  </choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>)",
                                                         shuffle, fixed_c),
                                             "q.xml");
    EXPECT_TRUE(made.problems.empty()) << made.problems[0].message;
    return made.questions.empty() ? std::vector<int>{-1} : made.questions[0].fixed_options;
  };
  EXPECT_EQ(fixed_of(R"(shuffle="true")", R"(fixed="true")"), std::vector<int>{2});
  EXPECT_EQ(fixed_of(R"(shuffle="true")", ""), std::vector<int>{});
  EXPECT_EQ(fixed_of(R"(shuffle="1")", R"(fixed="false")"), std::vector<int>{});
  EXPECT_EQ(fixed_of(R"(shuffle="false")", ""), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(fixed_of("", ""), (std::vector<int>{0, 1, 2})) << "QTI's default: not shuffled";
}

TEST(QtiItemTest, WhatTheExamModelCannotSayIsReportedWithItsItem) {
  const struct {
    const char* path;
    const char* why;
  } kCases[] = {
      // A picture of a sign: a file of the item's package, which is not there.
      {"v2p1/choice.xml",
       "picture 'images/sign.png' is a file of its package: upload the content package"},
      {"v3p0/unattended_luggage_qti3.xml", "picture 'images/sign.png' is a file of its package"},
      {"v2p1/extended_text.xml", "picture 'images/postcard.png' is a file"},  // a postcard
      {"v3p0/extended_text_qti3.xml", "is a file of its package"},
      // Richard III (Take 1): each wrong pair takes a point away, which a gap cannot say.
      {"v2p2/gap_match.xml", "its mapping gives -1 for each pair it does not name"},
      // Eleven entries of which one is scored: the others have no key.
      {"v3p0/text_entry_qti3.xml", "gap 2 has no correct response and no mapping"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.path);
    const ExamQuestions made = Item(c.path);
    EXPECT_TRUE(made.questions.empty());
    ASSERT_EQ(made.problems.size(), 1u);
    EXPECT_NE(made.problems[0].message.find(c.why), std::string::npos) << made.problems[0].message;
    EXPECT_NE(made.problems[0].message.find(c.path), std::string::npos) << "names its file";
    EXPECT_GT(made.problems[0].line, 1);
  }
}

TEST(QtiItemTest, TemplatesWrittenOutAndMaxScoreGiveThePoints) {
  // match_correct written out, worth 4 when right; a multiple choice right in every part only.
  const ExamQuestions made = ParseQtiItems(R"(<?xml version="1.0"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="primes">
  <qti-response-declaration identifier="R1" cardinality="multiple" base-type="identifier">
    <qti-correct-response><qti-value>a</qti-value><qti-value>c</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-item-body>
    <qti-choice-interaction response-identifier="R1" max-choices="0">
      <qti-prompt>Which are <em>prime</em>?</qti-prompt>
      <qti-simple-choice identifier="a">2</qti-simple-choice>
      <qti-simple-choice identifier="b">4</qti-simple-choice>
      <qti-simple-choice identifier="c">5</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing>
    <qti-response-condition>
      <qti-response-if>
        <qti-match><qti-variable identifier="R1"/><qti-correct identifier="R1"/></qti-match>
        <qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">4</qti-base-value></qti-set-outcome-value>
      </qti-response-if>
      <qti-response-else>
        <qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">0</qti-base-value></qti-set-outcome-value>
      </qti-response-else>
    </qti-response-condition>
  </qti-response-processing>
</qti-assessment-item>
<assessmentItem identifier="pi">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">
    <correctResponse><value>3.14</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">
    <defaultValue><value>2.5</value></defaultValue>
  </outcomeDeclaration>
  <itemBody><p>Pi is <textEntryInteraction responseIdentifier="RESPONSE"/>.</p></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
<assessmentItem identifier="custom">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>
  <itemBody><textEntryInteraction responseIdentifier="RESPONSE"/></itemBody>
  <responseProcessing><setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue></responseProcessing>
</assessmentItem>)");
  ASSERT_EQ(made.questions.size(), 2u);
  const exam::Question& primes = made.questions[0];
  EXPECT_EQ(primes.id, "primes");
  EXPECT_EQ(primes.text, "Which are prime?");
  EXPECT_EQ(primes.points, 4);
  EXPECT_TRUE(primes.all_or_nothing);
  EXPECT_DOUBLE_EQ(Grade(primes, "[0, 2]"), 4);
  EXPECT_DOUBLE_EQ(Grade(primes, "[0]"), 0);
  const exam::Question& pi = made.questions[1];
  EXPECT_EQ(pi.type, exam::QuestionType::kNumeric);
  EXPECT_EQ(pi.text, "Pi is _____.");
  EXPECT_EQ(pi.points, 2.5);
  EXPECT_DOUBLE_EQ(Grade(pi, "3.14"), 2.5);
  ASSERT_EQ(made.problems.size(), 1u);
  EXPECT_NE(made.problems[0].message.find("item custom: response processing written out"),
            std::string::npos)
      << made.problems[0].message;
  EXPECT_EQ(made.problems[0].line, 37);
}

// An item without an interaction is a text to read (a stimulus, instructions): a description.
TEST(QtiItemTest, AnItemWithoutInteractionIsADescription) {
  const ExamQuestions made = ParseQtiItems(
      "<qti-assessment-item xmlns=\"http://www.imsglobal.org/xsd/imsqtiasi_v3p0\" identifier=\"intro\" "
      "title=\"Intro\" adaptive=\"false\" time-dependent=\"false\">"
      "<qti-item-body><p>Read the passage.</p><p>The questions follow.</p></qti-item-body>"
      "</qti-assessment-item>");
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  EXPECT_EQ(made.questions[0].type, exam::QuestionType::kDescription);
  EXPECT_EQ(made.questions[0].text, "Read the passage.\nThe questions follow.");
  EXPECT_EQ(made.questions[0].points, 0);
  const ExamQuestions empty = ParseQtiItems(
      "<assessmentItem identifier=\"x\"><itemBody><p> </p></itemBody></assessmentItem>");
  ASSERT_EQ(empty.problems.size(), 1u);
  EXPECT_NE(empty.problems[0].message.find("no interaction and no text"), std::string::npos)
      << empty.problems[0].message;
}

// A question's text and its choices have pictures in the exam model (the choice's after the
// text's); one in feedback is written as what it shows (the model keeps no picture there); a
// sound is never taken for a picture.
TEST(QtiItemTest, APictureInAChoiceComesWithItAndOneInFeedbackIsWords) {
  const QtiFileReader files = [](std::string_view) -> Result<std::string> {
    return std::string("\x89PNG\r\n\x1a\n........", 16);
  };
  const ExamQuestions made = ParseQtiItems(R"(<items>
<assessmentItem identifier="choice">
  <responseDeclaration identifier="R" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse></responseDeclaration>
  <itemBody><choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Which?</prompt>
    <simpleChoice identifier="A"><img src="a.png" alt="A red square"/></simpleChoice>
    <simpleChoice identifier="B">B <img src="b.png"/></simpleChoice></choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
<assessmentItem identifier="feedback">
  <responseDeclaration identifier="R" cardinality="single" baseType="string"/>
  <itemBody><p>Why?</p><extendedTextInteraction responseIdentifier="R"/></itemBody>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="x"><img src="a.png"/></modalFeedback>
</assessmentItem>
<assessmentItem identifier="sound">
  <responseDeclaration identifier="R" cardinality="single" baseType="string"/>
  <itemBody><object type="audio/mpeg" data="a.mp3">Listen</object>
    <extendedTextInteraction responseIdentifier="R"/></itemBody>
</assessmentItem></items>)", "", files);
  ASSERT_EQ(made.questions.size(), 2u);
  const exam::Question& choice = made.questions[0];
  EXPECT_EQ(choice.options, (std::vector<std::string>{std::string(exam::kImageMark),
                                                      "B " + std::string(exam::kImageMark)}));
  ASSERT_EQ(choice.images.size(), 2u);
  EXPECT_EQ(choice.images[0].alt, "A red square");
  EXPECT_EQ(choice.images[1].alt, "") << "a choice's file's name could tell the key";
  EXPECT_EQ(exam::ImagesProblem(choice, /*stored_or_bytes=*/true), "");
  EXPECT_EQ(exam::OptionWords(choice, 0), "[A red square]");
  EXPECT_EQ(exam::OptionWords(choice, 1), "B [picture 2]");
  EXPECT_EQ(made.questions[1].type, exam::QuestionType::kEssay) << "its feedback's picture, words";
  EXPECT_TRUE(made.questions[1].images.empty());
  ASSERT_EQ(made.problems.size(), 1u);
  EXPECT_NE(made.problems[0].message.find("item sound: object (a sound, a video"), std::string::npos)
      << made.problems[0].message;
  // Without the package's files, a choice's picture cannot be read: said so.
  const ExamQuestions alone = ParseQtiItems(R"(<assessmentItem identifier="choice">
  <responseDeclaration identifier="R" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse></responseDeclaration>
  <itemBody><choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Which?</prompt>
    <simpleChoice identifier="A"><img src="a.png" alt="A"/></simpleChoice>
    <simpleChoice identifier="B">B</simpleChoice></choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>)");
  ASSERT_EQ(alone.problems.size(), 1u);
  EXPECT_NE(alone.problems[0].message.find("upload the content package"), std::string::npos)
      << alone.problems[0].message;
}

TEST(QtiItemTest, WhatIsNotQtiIsOneProblemWithItsLine) {
  const ExamQuestions broken = ParseQtiItems("<assessmentItem>\n<itemBody>\n</assessmentItem>");
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_NE(broken.problems[0].message.find("not XML"), std::string::npos);
  EXPECT_EQ(broken.problems[0].line, 3);
  const ExamQuestions other = ParseQtiItems("<quiz/>");
  ASSERT_EQ(other.problems.size(), 1u);
  EXPECT_NE(other.problems[0].message.find("no QTI item"), std::string::npos);
  // Entities from outside are never fetched.
  const ExamQuestions doctype = ParseQtiItems(
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><assessmentItem identifier=\"a\">"
      "<responseDeclaration identifier=\"R\" cardinality=\"single\" baseType=\"string\"/>"
      "<itemBody><p>&e;</p><extendedTextInteraction responseIdentifier=\"R\"/></itemBody>"
      "</assessmentItem>");
  for (const auto& q : doctype.questions) EXPECT_EQ(q.text.find("root:"), std::string::npos);
}

}  // namespace
}  // namespace pupitre::importers
