// Moodle XML: Moodle's own fixture (tests/fixtures/moodle-xml/README.md), then each question
// type as Moodle exports it, graded as Moodle grades it; what is not imported is reported.
#include "import/moodle/moodle_xml.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "exam/exam_json.h"
#include "testkit/fixtures.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace pupitre::importers {
namespace {

std::string Fixture(const std::string& name) { return testkit::ReadFixture("moodle-xml/" + name); }

double Grade(const exam::Question& q, const char* answer_json) {
  return exam::GradeAnswer(q, boost::json::parse(answer_json)).value_or(-1);
}

TEST(MoodleXmlTest, MoodlesNestedCategoriesFixture) {
  const QuestionBank bank = ParseMoodleXml(Fixture("nested_categories_with_questions.xml"));
  EXPECT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  ASSERT_EQ(bank.questions.size(), 5u);
  const char* titles[] = {"Iota Question", "Kappa Essay Question", "Kappa Question",
                          "Lambda Question", "Mu Question"};
  const char* categories[] = {"$course$/Iota", "$course$/Iota/Kappa", "$course$/Iota/Kappa",
                              "$course$/Iota/Kappa/Lambda", "$course$/Iota/Mu"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(bank.questions[i].title, titles[i]);
    EXPECT_EQ(bank.questions[i].category, categories[i]);
  }
  EXPECT_EQ(bank.questions[0].kind, MoodleKind::kTrueFalse);
  EXPECT_TRUE(bank.questions[0].truth);
  EXPECT_EQ(bank.questions[0].line, 15);
  EXPECT_EQ(bank.questions[1].kind, MoodleKind::kEssay);
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_EQ(made.questions.size(), 5u);
  EXPECT_EQ(made.questions[0].text, "Testing Iota Question") << "its HTML made plain";
  EXPECT_EQ(made.questions[0].id, "Iota-Question");
  EXPECT_EQ(made.questions[1].type, exam::QuestionType::kEssay);
}

constexpr const char* kTypes = R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Colours</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which are <b>primary</b> colours?</p><ul><li>Pick&nbsp;two</li></ul>]]></text></questiontext>
    <defaultgrade>3</defaultgrade>
    <single>false</single>
    <answer fraction="50" format="html"><text><![CDATA[<p>Red</p>]]></text><feedback><text>Yes</text></feedback></answer>
    <answer fraction="50"><text>Blue</text></answer>
    <answer fraction="-100"><text>Green &amp; co</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Third</text></name>
    <questiontext format="plain_text"><text>A third?</text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>0.333</text></answer>
    <answer fraction="33.33333"><text>0.3</text></answer>
    <answer fraction="0"><text>3</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Capital</text></name>
    <questiontext format="html"><text>Capital of France?</text></questiontext>
    <usecase>0</usecase>
    <answer fraction="100"><text>Paris</text></answer>
    <answer fraction="50"><text>Lutece</text></answer>
  </question>
  <question type="numerical">
    <name><text>Pi</text></name>
    <questiontext format="html"><text>Pi?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance></answer>
    <answer fraction="50"><text>3</text><tolerance>0.2</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>Pairs</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
    <subquestion format="html"><text>Canada</text><answer><text>Ottawa</text></answer></subquestion>
    <subquestion format="html"><text>Italy</text><answer><text>Rome</text></answer></subquestion>
  </question>
  <question type="calculated">
    <name><text>Calculated</text></name>
    <questiontext format="html"><text>{a} + {b}?</text></questiontext>
  </question>
  <question type="truefalse">
    <name><text>Logo</text></name>
    <questiontext format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/logo.jpg"/> is Moodle's</p>]]></text>
      <file name="logo.jpg" encoding="base64">AAAA</file></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Case</text></name>
    <questiontext format="html"><text>Exact?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>Exact</text></answer>
  </question>
</quiz>
)";

TEST(MoodleXmlTest, EachTypeAsMoodleExportsItIsGradedAsMoodleGradesIt) {
  const QuestionBank bank = ParseMoodleXml(kTypes);
  ASSERT_EQ(bank.problems.size(), 1u);
  EXPECT_NE(bank.problems[0].message.find("calculated"), std::string::npos);
  EXPECT_EQ(bank.problems[0].line, 39);
  const ExamQuestions made = ToExamQuestions(bank);
  // An image: reported.
  ASSERT_EQ(made.problems.size(), 2u);
  ASSERT_EQ(made.questions.size(), 6u);

  const exam::Question& colours = made.questions[0];
  EXPECT_EQ(colours.type, exam::QuestionType::kMultiple);
  EXPECT_EQ(colours.text, "Which are primary colours?\n- Pick two");
  EXPECT_EQ(colours.points, 3);
  EXPECT_EQ(colours.options, (std::vector<std::string>{"Red", "Blue", "Green & co"}));
  EXPECT_DOUBLE_EQ(Grade(colours, "[0, 1]"), 3);
  EXPECT_DOUBLE_EQ(Grade(colours, "[0, 2]"), 0);
  EXPECT_DOUBLE_EQ(Grade(colours, "[1]"), 1.5);

  const exam::Question& third = made.questions[1];
  EXPECT_EQ(third.type, exam::QuestionType::kSingle);
  EXPECT_NEAR(Grade(third, "1"), 0.3333333, 1e-7);
  EXPECT_DOUBLE_EQ(Grade(third, "0"), 1);

  const exam::Question& capital = made.questions[2];
  EXPECT_DOUBLE_EQ(Grade(capital, "\"paris\""), 1);
  EXPECT_DOUBLE_EQ(Grade(capital, "\"Lutece\""), 0.5);

  const exam::Question& pi = made.questions[3];
  EXPECT_DOUBLE_EQ(Grade(pi, "3.145"), 1);
  EXPECT_DOUBLE_EQ(Grade(pi, "2.9"), 0.5);
  EXPECT_DOUBLE_EQ(Grade(pi, "2"), 0);

  const exam::Question& pairs = made.questions[4];
  EXPECT_EQ(pairs.type, exam::QuestionType::kMatching);
  EXPECT_EQ(pairs.options, (std::vector<std::string>{"Canada", "Italy"}));
  EXPECT_EQ(pairs.match_choices, (std::vector<std::string>{"Ottawa", "Rome"}));
  EXPECT_DOUBLE_EQ(Grade(pairs, "[0, 1]"), 1);
  EXPECT_DOUBLE_EQ(Grade(pairs, "[0, 0]"), 0.5);

  const exam::Question& exact = made.questions[5];  // <usecase>1: the case must match
  EXPECT_TRUE(exact.case_sensitive);
  EXPECT_DOUBLE_EQ(Grade(exact, "\" Exact. \""), 1);
  EXPECT_DOUBLE_EQ(Grade(exact, "\"exact\""), 0);
}

// Feedback written for each answer, as Moodle exports it: kept, and told to who gave it.
TEST(MoodleXmlTest, TheFeedbackForEachAnswerIsKept) {
  const QuestionBank bank = ParseMoodleXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Sky</text></name>
    <questiontext format="html"><text>The sky is green.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text>
      <feedback format="html"><text><![CDATA[<p>Look up: it is <b>blue</b>.</p>]]></text></feedback></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text>
      <feedback format="html"><text>Right.</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>Pi</text></name>
    <questiontext format="html"><text>Pi?</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.01</tolerance>
      <feedback format="html"><text>Well done.</text></feedback></answer>
    <answer fraction="50"><text>3</text><tolerance>0.2</tolerance>
      <feedback format="html"><text>Roughly.</text></feedback></answer>
    <answer fraction="0"><text>*</text>
      <feedback format="html"><text>Pi is about 3.14.</text></feedback></answer>
  </question>
  <question type="shortanswer">
    <name><text>Capital</text></name>
    <questiontext format="html"><text>Capital of France?</text></questiontext>
    <answer fraction="100"><text>Paris</text><feedback format="html"><text>Yes.</text></feedback></answer>
    <answer fraction="0"><text>Lyon</text><feedback format="html"><text>Its third city.</text></feedback></answer>
  </question>
</quiz>
)");
  ASSERT_TRUE(bank.problems.empty());
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 3u);
  const auto said = [](const exam::Question& q, const char* answer) {
    return exam::AnswerFeedback(q, boost::json::parse(answer));
  };
  const exam::Question& sky = made.questions[0];
  EXPECT_FALSE(sky.correct_bool);
  EXPECT_EQ(said(sky, "true"), "Look up: it is blue.");
  EXPECT_EQ(said(sky, "false"), "Right.");
  const exam::Question& pi = made.questions[1];
  EXPECT_EQ(said(pi, "3.141"), "Well done.");
  EXPECT_EQ(said(pi, "2.9"), "Roughly.");
  EXPECT_EQ(said(pi, "7"), "Pi is about 3.14.");
  EXPECT_DOUBLE_EQ(Grade(pi, "2.9"), 0.5);
  EXPECT_DOUBLE_EQ(Grade(pi, "7"), 0);
  const exam::Question& capital = made.questions[2];
  EXPECT_EQ(said(capital, "\" lyon \""), "Its third city.");
  EXPECT_DOUBLE_EQ(Grade(capital, "\"lyon\""), 0);
  EXPECT_EQ(said(capital, "\"Marseille\""), "");
  // The feedback lives in the stored question too.
  auto back = exam::FromCanonicalQuestion(exam::ToCanonicalQuestion(pi));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->answer_feedback, pi.answer_feedback);
  exam::Question damaged = pi;
  damaged.answer_feedback.resize(5);
  EXPECT_FALSE(exam::FromCanonicalQuestion(exam::ToCanonicalQuestion(damaged)).ok());
}

// Moodle's "description": a text among the questions, worth nothing, never answered.
TEST(MoodleXmlTest, ADescriptionIsATextToRead) {
  const QuestionBank bank = ParseMoodleXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="description">
    <name><text>Passage</text></name>
    <questiontext format="html"><text><![CDATA[<p>Read the <b>passage</b>.</p><p>Then answer.</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>0.0000000</defaultgrade>
  </question>
  <question type="essay">
    <name><text>Summary</text></name>
    <questiontext format="html"><text>Sum it up.</text></questiontext>
  </question>
</quiz>
)");
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 2u);
  EXPECT_EQ(made.questions[0].type, exam::QuestionType::kDescription);
  EXPECT_EQ(made.questions[0].id, "Passage");
  EXPECT_EQ(made.questions[0].text, "Read the passage.\nThen answer.");
  EXPECT_EQ(made.questions[0].points, 0);
}

// Mathematics as MathType and Moodle's editors write it (MathML in the HTML) is written as
// linear text wherever it is, with a note; what text cannot say refuses its question.
TEST(MoodleXmlTest, MathematicsIsWrittenAsLinearText) {
  const QuestionBank bank = ParseMoodleXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Square</text></name>
    <questiontext format="html"><text><![CDATA[<p>Expand <math xmlns="http://www.w3.org/1998/Math/MathML"><msup><mrow><mo>(</mo><mi>x</mi><mo>+</mo><mn>1</mn><mo>)</mo></mrow><mn>2</mn></msup></math>&nbsp;:</p>]]></text></questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<math xmlns="http://www.w3.org/1998/Math/MathML"><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mn>2</mn><mi>x</mi><mo>+</mo><mn>1</mn></math>]]></text></answer>
    <answer fraction="0" format="html"><text><![CDATA[<math xmlns="http://www.w3.org/1998/Math/MathML"><msup><mi>x</mi><mn>2</mn></msup><mo>+</mo><mn>1</mn></math>]]></text>
      <feedback format="html"><text><![CDATA[Forgot <math><mn>2</mn><mi>x</mi></math>.]]></text></feedback></answer>
  </question>
  <question type="essay">
    <name><text>Isotope</text></name>
    <questiontext format="html"><text><![CDATA[<math><mmultiscripts><mi>C</mi><none/><none/><mprescripts/><mn>6</mn><mn>14</mn></mmultiscripts></math>?]]></text></questiontext>
  </question>
  <question type="essay">
    <name><text>Broken</text></name>
    <questiontext format="html"><text><![CDATA[<math><mi>x</mo></math>?]]></text></questiontext>
  </question>
</quiz>
)");
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.text, "Expand (x + 1)² :");
  EXPECT_EQ(q.options, (std::vector<std::string>{"x² + 2x + 1", "x² + 1"}));
  EXPECT_EQ(q.option_feedback, (std::vector<std::string>{"", "Forgot 2x."}));
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("question Square: its mathematics (MathML) is written as linear text"),
            std::string::npos)
      << made.notes[0].message;
  ASSERT_EQ(made.problems.size(), 2u);
  EXPECT_NE(made.problems[0].message.find("MathML <mmultiscripts> cannot be written as text"),
            std::string::npos)
      << made.problems[0].message;
  EXPECT_NE(made.problems[1].message.find("not well-formed XML"), std::string::npos)
      << made.problems[1].message;
}

// Moodle's ordering: the answers in their right order (each one's fraction its place), graded
// by Moodle's grading type (its name, or its number in older exports); one Moodle does not have
// is reported, and so is an ordering showing some of its items only.
TEST(MoodleXmlTest, AnOrderingIsGradedAsMoodleGradesIt) {
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(R"(<quiz>
  <question type="ordering">
    <name><text>Steps</text></name>
    <questiontext format="html"><text>Order the steps.</text></questiontext>
    <defaultgrade>3</defaultgrade>
    <layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>0</selectcount>
    <gradingtype>ABSOLUTE_POSITION</gradingtype>
    <answer fraction="3.0000000" format="html"><text><![CDATA[<p>Sow</p>]]></text></answer>
    <answer fraction="1.0000000" format="html"><text>Plough</text></answer>
    <answer fraction="2.0000000" format="html"><text>Harrow</text></answer>
  </question>
  <question type="ordering">
    <name><text>Strict</text></name>
    <questiontext format="html"><text>Order.</text></questiontext>
    <gradingtype>ALL_OR_NOTHING</gradingtype>
    <answer fraction="1"><text>A</text></answer><answer fraction="2"><text>B</text></answer>
  </question>
  <question type="ordering">
    <name><text>Relative</text></name>
    <questiontext format="html"><text>Order.</text></questiontext>
    <gradingtype>RELATIVE_NEXT_EXCLUDE_LAST</gradingtype>
    <answer fraction="1"><text>A</text></answer><answer fraction="2"><text>B</text></answer>
    <answer fraction="3"><text>C</text></answer>
  </question>
  <question type="ordering">
    <name><text>Numbered</text></name>
    <questiontext format="html"><text>Order.</text></questiontext>
    <gradingtype>7</gradingtype>
    <answer fraction="1"><text>A</text></answer><answer fraction="2"><text>B</text></answer>
  </question>
  <question type="ordering">
    <name><text>Lucky</text></name>
    <questiontext format="html"><text>Order.</text></questiontext>
    <gradingtype>RANDOM_GUESS</gradingtype>
    <answer fraction="1"><text>A</text></answer><answer fraction="2"><text>B</text></answer>
  </question>
  <question type="ordering">
    <name><text>Some</text></name>
    <questiontext format="html"><text>Order.</text></questiontext>
    <selecttype>RANDOM</selecttype><selectcount>2</selectcount>
    <answer fraction="1"><text>A</text></answer><answer fraction="2"><text>B</text></answer>
    <answer fraction="3"><text>C</text></answer>
  </question>
</quiz>)"));
  ASSERT_EQ(made.questions.size(), 4u);
  const exam::Question& steps = made.questions[0];
  EXPECT_EQ(steps.type, exam::QuestionType::kOrdering);
  EXPECT_EQ(steps.points, 3);
  std::vector<std::string> right;
  for (int i : steps.order_key) right.push_back(steps.options[static_cast<size_t>(i)]);
  EXPECT_EQ(right, (std::vector<std::string>{"Plough", "Harrow", "Sow"}));
  const auto answer = [&](std::initializer_list<const char*> items) {
    std::string out = "[";
    for (const char* item : items) {
      const auto at = std::find(steps.options.begin(), steps.options.end(), item);
      out += (out.size() > 1 ? "," : "") + std::to_string(at - steps.options.begin());
    }
    return out + "]";
  };
  EXPECT_DOUBLE_EQ(Grade(steps, answer({"Plough", "Harrow", "Sow"}).c_str()), 3);
  EXPECT_DOUBLE_EQ(Grade(steps, answer({"Plough", "Sow", "Harrow"}).c_str()), 1) << "one in place";
  EXPECT_FALSE(steps.all_or_nothing);
  EXPECT_TRUE(made.questions[1].all_or_nothing);
  const exam::Question& relative = made.questions[2];
  EXPECT_EQ(relative.ordering_grading, exam::OrderingGrading::kRelativeNextExcludingLast);
  std::vector<int> b_c_a;  // B then C right, A last with nothing after it: half of the pairs
  for (const char* item : {"B", "C", "A"}) {
    b_c_a.push_back(static_cast<int>(
        std::find(relative.options.begin(), relative.options.end(), item) - relative.options.begin()));
  }
  EXPECT_DOUBLE_EQ(
      Grade(relative, fmt::format("[{},{},{}]", b_c_a[0], b_c_a[1], b_c_a[2]).c_str()), 0.5);
  EXPECT_EQ(made.questions[3].ordering_grading, exam::OrderingGrading::kRelativeToCorrect);
  ASSERT_EQ(made.problems.size(), 2u);
  EXPECT_NE(made.problems[0].message.find("an ordering graded 'RANDOM_GUESS' is not imported"),
            std::string::npos)
      << made.problems[0].message;
  EXPECT_NE(made.problems[1].message.find("shows some of its items only"), std::string::npos)
      << made.problems[1].message;
}

// A matching question's items are HTML made plain once: a "<" written &lt; stays a "<".
TEST(MoodleXmlTest, AMatchingItemIsMadePlainOnce) {
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(R"(<quiz><question type="matching">
    <name><text>Signs</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
    <subquestion format="html"><text><![CDATA[<p>x &lt; 3 and y &gt; 2</p>]]></text><answer><text>both</text></answer></subquestion>
    <subquestion format="html"><text>x &amp;lt; 3 alone</text><answer><text>one</text></answer></subquestion>
  </question></quiz>)"));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  EXPECT_EQ(made.questions[0].options, (std::vector<std::string>{"x < 3 and y > 2", "x < 3 alone"}));
}

// A numerical question with units, as Moodle exports it: converted by each unit's multiplier,
// a missing unit costing <unitpenalty> of the grade earned (<unitgradingtype>1) or of the
// question's (2); with <showunits>3 Moodle uses no units at all, and neither does the exam.
TEST(MoodleXmlTest, NumericAnswersWithUnitsAreGradedAsMoodleGradesThem) {
  const QuestionBank bank = ParseMoodleXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name><text>Door</text></name>
    <questiontext format="html"><text>How tall is the door?</text></questiontext>
    <defaultgrade>2.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>2</text>
      <feedback format="html"><text></text></feedback><tolerance>0.05</tolerance></answer>
    <units>
      <unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>
      <unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit>
    </units>
    <unitgradingtype>1</unitgradingtype>
    <unitpenalty>0.2500000</unitpenalty>
    <showunits>2</showunits>
    <unitsleft>0</unitsleft>
  </question>
  <question type="numerical">
    <name><text>Whole</text></name>
    <questiontext format="html"><text>How tall, again?</text></questiontext>
    <answer fraction="100"><text>2</text><tolerance>0</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>
    <unitgradingtype>2</unitgradingtype>
    <unitpenalty>0.5</unitpenalty>
    <showunits>0</showunits>
  </question>
  <question type="numerical">
    <name><text>Plain</text></name>
    <questiontext format="html"><text>Two?</text></questiontext>
    <answer fraction="100"><text>2</text><tolerance>0</tolerance></answer>
    <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>
    <unitgradingtype>0</unitgradingtype>
    <showunits>3</showunits>
  </question>
</quiz>
)");
  ASSERT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 3u);
  const exam::Question& door = made.questions[0];
  ASSERT_EQ(door.units.size(), 2u);
  EXPECT_EQ(door.units[1].name, "cm");
  EXPECT_DOUBLE_EQ(Grade(door, R"({"value": 203, "unit": "cm"})"), 2);
  EXPECT_DOUBLE_EQ(Grade(door, "2"), 1.5) << "a quarter of the grade earned";
  EXPECT_DOUBLE_EQ(Grade(door, R"({"value": 2, "unit": "cm"})"), 0);
  const exam::Question& whole = made.questions[1];
  EXPECT_TRUE(whole.unit_penalty_of_max);
  EXPECT_DOUBLE_EQ(Grade(whole, "2"), 0.5) << "half of the question's grade";
  const exam::Question& plain = made.questions[2];
  EXPECT_TRUE(plain.units.empty()) << "Moodle shows and uses no units here";
  EXPECT_DOUBLE_EQ(Grade(plain, "2"), 1);
  // Kept in the stored question.
  auto back = exam::FromCanonicalQuestion(exam::ToCanonicalQuestion(door));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_DOUBLE_EQ(Grade(*back, "2"), 1.5);
  EXPECT_DOUBLE_EQ(Grade(*back, R"({"value": 200, "unit": "cm"})"), 2);
  exam::Question damaged = door;
  damaged.units[1].multiplier = -1;
  EXPECT_FALSE(exam::FromCanonicalQuestion(exam::ToCanonicalQuestion(damaged)).ok());
}

// A picture embedded in a question's text (Moodle exports it as a base64 <file>): the text
// marks its place, the question carries its bytes (the route keeps them as a blob), its alt
// text kept. A picture not in the file, a sound, or an SVG is reported, not imported.
TEST(MoodleXmlTest, ImagesEmbeddedInTheTextComeWithTheQuestion) {
  constexpr const char* kPng =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  const QuestionBank bank = ParseMoodleXml(fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <name><text>Flag</text></name>
    <questiontext format="html"><text><![CDATA[<p>Is this the flag of Japan?</p><p><img src="@@PLUGINFILE@@/red%20dot.png" alt="A red dot" width="40"></p>]]></text>
      <file name="red dot.png" path="/" encoding="base64">{}</file></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="essay">
    <name><text>Elsewhere</text></name>
    <questiontext format="html"><text><![CDATA[<img src="https://example.org/x.png">]]></text></questiontext>
  </question>
  <question type="essay">
    <name><text>Drawing</text></name>
    <questiontext format="html"><text><![CDATA[Look: <img src="@@PLUGINFILE@@/d.svg">]]></text>
      <file name="d.svg" encoding="base64">PHN2Zy8+</file></questiontext>
  </question>
  <question type="essay">
    <name><text>Sound</text></name>
    <questiontext format="html"><text><![CDATA[Listen: <audio src="@@PLUGINFILE@@/a.mp3"></audio>]]></text>
      <file name="a.mp3" encoding="base64">AAAA</file></questiontext>
  </question>
</quiz>
)", kPng));
  ASSERT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& flag = made.questions[0];
  EXPECT_EQ(flag.text, "Is this the flag of Japan?\n" + std::string(exam::kImageMark));
  ASSERT_EQ(flag.images.size(), 1u);
  EXPECT_EQ(flag.images[0].content_type, "image/png");
  EXPECT_EQ(flag.images[0].alt, "A red dot");
  EXPECT_EQ(flag.images[0].size, 70);
  EXPECT_TRUE(flag.images[0].bytes.starts_with("\x89PNG"));
  EXPECT_EQ(exam::ImagesProblem(flag), "an image is not stored") << "until its bytes are a blob";
  EXPECT_EQ(exam::ImagesProblem(flag, /*stored_or_bytes=*/true), "");
  exam::Question stored = flag;
  stored.images[0].blob = std::string(64, 'a');
  stored.images[0].bytes.clear();
  EXPECT_EQ(exam::ImagesProblem(stored), "");
  auto back = exam::FromCanonicalQuestion(exam::ToCanonicalQuestion(stored));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->images[0].blob, stored.images[0].blob);
  EXPECT_TRUE(back->images[0].bytes.empty());
  EXPECT_NE(exam::PaperQuestionJson(stored).at("images").at(0).at("alt").as_string(), "");

  ASSERT_EQ(made.problems.size(), 3u);
  EXPECT_NE(made.problems[0].message.find("image 'https://example.org/x.png' is not in the file"),
            std::string::npos) << made.problems[0].message;
  EXPECT_NE(made.problems[1].message.find("image 'd.svg' is not a PNG, JPEG, GIF or WebP"),
            std::string::npos) << made.problems[1].message;
  EXPECT_NE(made.problems[2].message.find("sounds, videos and other media"), std::string::npos)
      << made.problems[2].message;
}

// A choice that shows a picture (Moodle exports its file inside the <answer>): the choice's text
// marks it, after the question text's own, each choice's files its own (two choices may both
// hold an "image.png"). Graded as any choice; a picture in feedback is written as words, said.
TEST(MoodleXmlTest, PicturesInChoicesComeWithTheirChoices) {
  constexpr const char* kPng =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  constexpr const char* kGif = "R0lGODlhAQABAAAAACw=";
  const QuestionBank bank = ParseMoodleXml(fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>Flags</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which is the flag of Japan? <img src="@@PLUGINFILE@@/map.png" alt="A map"></p>]]></text>
      <file name="map.png" path="/" encoding="base64">{0}</file></questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/image.png" alt="A red dot on white"></p>]]></text>
      <file name="image.png" path="/" encoding="base64">{0}</file>
      <feedback format="html"><text>Yes</text></feedback></answer>
    <answer fraction="0" format="html"><text><![CDATA[<p>This one: <img src="@@PLUGINFILE@@/image.png"></p>]]></text>
      <file name="image.png" path="/" encoding="base64">{1}</file>
      <feedback format="html"><text></text></feedback></answer>
    <answer fraction="0" format="html"><text>Neither</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Lost</text></name>
    <questiontext format="html"><text>Which?</text></questiontext>
    <answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/gone.png">]]></text></answer>
    <answer fraction="0" format="html"><text>B</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Told</text></name>
    <questiontext format="html"><text>Which?</text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>See <img src="@@PLUGINFILE@@/m.png" alt="the map"></p>]]></text>
      <file name="m.png" encoding="base64">{0}</file></generalfeedback>
    <answer fraction="100" format="html"><text>A</text>
      <feedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/f.png">]]></text>
        <file name="f.png" encoding="base64">{0}</file></feedback></answer>
    <answer fraction="0" format="html"><text>B</text></answer>
  </question>
</quiz>
)", kPng, kGif));
  ASSERT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_EQ(made.questions.size(), 2u);
  const exam::Question& flags = made.questions[0];
  const std::string mark(exam::kImageMark);
  EXPECT_EQ(flags.type, exam::QuestionType::kSingle);
  EXPECT_EQ(flags.text, "Which is the flag of Japan? " + mark);
  EXPECT_EQ(flags.options, (std::vector<std::string>{mark, "This one: " + mark, "Neither"}));
  ASSERT_EQ(flags.images.size(), 3u);
  EXPECT_EQ(flags.images[0].alt, "A map");
  EXPECT_EQ(flags.images[1].alt, "A red dot on white");
  EXPECT_EQ(flags.images[1].content_type, "image/png");
  EXPECT_EQ(flags.images[2].alt, "") << "a choice's file's name could tell the key";
  EXPECT_EQ(flags.images[2].content_type, "image/gif") << "the second choice's own image.png";
  EXPECT_EQ(flags.correct_options, std::vector<int>{0});
  EXPECT_EQ(exam::ImagesProblem(flags, /*stored_or_bytes=*/true), "");
  EXPECT_EQ(exam::OptionWords(flags, 1), "This one: [picture 2]");
  EXPECT_EQ(exam::OptionWords(flags, 2), "Neither");
  // Stored and read back, the choices keep their pictures.
  exam::Question stored = flags;
  for (auto& image : stored.images) {
    image.blob = std::string(64, 'b');
    image.bytes.clear();
  }
  auto back = exam::FromCanonicalQuestion(exam::ToCanonicalQuestion(stored));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->options, flags.options);
  EXPECT_EQ(back->images.size(), 3u);
  // A picture a choice's text marks must be there: one too few is refused.
  exam::Question short_one = stored;
  short_one.images.pop_back();
  EXPECT_EQ(exam::ImagesProblem(short_one), "its text and choices place 3 image(s) and it has 2");

  ASSERT_EQ(made.problems.size(), 1u);
  EXPECT_NE(made.problems[0].message.find("a choice's image '@@PLUGINFILE@@/gone.png' is not in the file"),
            std::string::npos) << made.problems[0].message;
  const exam::Question& told = made.questions[1];
  EXPECT_EQ(told.option_feedback, (std::vector<std::string>{"[picture]", ""}));
  EXPECT_EQ(told.feedback, "See [the map]");
  EXPECT_TRUE(told.images.empty());
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("question Told: the pictures of its feedback are left out"),
            std::string::npos) << made.notes[0].message;
}

TEST(MoodleXmlTest, WhatIsNotMoodleXmlIsOneProblemWithItsLine) {
  const QuestionBank broken = ParseMoodleXml("<quiz>\n<question type=\"essay\">\n</quiz>\n");
  ASSERT_EQ(broken.problems.size(), 1u);
  EXPECT_EQ(broken.problems[0].line, 3);
  EXPECT_NE(broken.problems[0].message.find("not XML"), std::string::npos);
  const QuestionBank other = ParseMoodleXml("<html><body/></html>");
  ASSERT_EQ(other.problems.size(), 1u);
  EXPECT_NE(other.problems[0].message.find("<quiz>"), std::string::npos);
  // Entities from outside are never fetched: a DOCTYPE's entity stays unresolved.
  const QuestionBank doctype = ParseMoodleXml(
      "<!DOCTYPE quiz [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<quiz><question "
      "type=\"essay\"><questiontext format=\"plain_text\"><text>&x;</text></questiontext>"
      "</question></quiz>");
  for (const auto& q : doctype.questions) EXPECT_EQ(q.text.find("root:"), std::string::npos);
}

// Moodle's own "select missing words" fixture: each place of the text a menu of its group's
// choices (cat, sat, mat and the distractors dog and table), each place right its share, as
// Moodle grades it.
TEST(MoodleXmlTest, SelectMissingWordsIsAGapsQuestionGradedPlaceByPlace) {
  const QuestionBank bank = ParseMoodleXml(Fixture("gapselect_testquestion.moodle.xml"));
  ASSERT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kGaps);
  EXPECT_EQ(q.text, "The [[1]] [[2]] on the [[3]].");
  EXPECT_EQ(made.categories[0], "$course$/Default for C1");
  ASSERT_EQ(q.gaps.size(), 3u);
  const std::vector<std::string> menu{"cat", "dog", "mat", "sat", "table"};
  for (const exam::Gap& g : q.gaps) EXPECT_EQ(g.choices, menu);
  EXPECT_EQ(q.points, 1);
  const auto grade = [&](const char* answer) {
    return exam::GradeAnswer(q, boost::json::parse(answer)).value_or(-1);
  };
  EXPECT_DOUBLE_EQ(grade("[0, 3, 2]"), 1);  // cat sat mat
  EXPECT_DOUBLE_EQ(grade("[1, 3, 4]"), 1.0 / 3);  // dog sat table
  EXPECT_DOUBLE_EQ(grade("[null, null, 2]"), 1.0 / 3);
  EXPECT_EQ(q.feedback, "The cat sat on the mat.");
}

// Drag and drop into text reads the same (each gap a menu, said in a note); places are
// renumbered in the text's order, groups make separate menus, and a place naming no choice is
// reported at its line.
TEST(MoodleXmlTest, DragAndDropIntoTextBecomesMenusOfEachGroup) {
  const QuestionBank bank = ParseMoodleXml(R"(<quiz>
  <question type="ddwtos">
    <name><text>Animals</text></name>
    <questiontext format="html"><text><![CDATA[<p>A [[3]] barks, a [[1]] meows, [[1]] again.</p>]]></text></questiontext>
    <dragbox><text>cat</text><group>1</group></dragbox>
    <dragbox><text>cow</text><group>1</group></dragbox>
    <dragbox><text>dog</text><group>2</group></dragbox>
    <dragbox><text>wolf</text><group>2</group><infinite/></dragbox>
  </question>
  <question type="gapselect">
    <name><text>Broken</text></name>
    <questiontext format="html"><text>A [[5]].</text></questiontext>
    <selectoption><text>x</text><group>1</group></selectoption>
    <selectoption><text>y</text><group>1</group></selectoption>
  </question>
</quiz>)");
  ASSERT_EQ(bank.problems.size(), 1u);
  EXPECT_EQ(bank.problems[0].line, 10);
  EXPECT_NE(bank.problems[0].message.find("[[5]] names no choice (the question has 2)"),
            std::string::npos)
      << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.text, "A [[1]] barks, a [[2]] meows, [[3]] again.");
  EXPECT_EQ(q.gaps[0].choices, (std::vector<std::string>{"dog", "wolf"}));
  EXPECT_EQ(q.gaps[1].choices, (std::vector<std::string>{"cat", "cow"}));
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(q, boost::json::parse("[0, 0, 1]")).value_or(-1), 2.0 / 3);
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("dragged into the text in Moodle"), std::string::npos);
}

// A cloze (embedded answers), with the text of Moodle's multianswer.xml fixture (its pictures
// left out): four menus and a short answer, each worth its weight (1), each answer its
// percentage; the answers' feedback left out, and said.
TEST(MoodleXmlTest, AClozeIsAGapsQuestionGradedAsMoodleGradesIt) {
  const QuestionBank bank = ParseMoodleXml(R"(<quiz>
  <question type="cloze">
    <name><text>cloze</text></name>
    <questiontext format="html"><text><![CDATA[<p>Match the following cities with the correct state,</p>
<p>California or Arizona<br />* San Francisco: {1:MULTICHOICE:=California#OK~Arizona#Wrong}<br />* Tucson: {1:MULTICHOICE:California#Wrong~%100%Arizona#OK}<br />* Los Angeles: {1:MULTICHOICE:=California#OK~Arizona#Wrong}<br />* Phoenix: {1:MULTICHOICE:%0%California#Wrong~=Arizona#OK}<br />The capital of France is {1:SHORTANSWER:%100%Paris#Congratulations!<br />~%50%Marseille#No, that is the second largest city in France (after<br />Paris).~*#Wrong answer. The capital of France is Paris, of course.}.</p>]]></text></questiontext>
  </question>
  <question type="cloze">
    <name><text>entities</text></name>
    <questiontext format="html"><text><![CDATA[<p>{1:MC:=caf&#233;~th&#233;} or {1:SA:%0%London~=Paris~%50%*}</p>]]></text></questiontext>
  </question>
  <question type="cloze">
    <name><text>wildcard</text></name>
    <questiontext format="html"><text>{1:SA:=Par*~%50%2\*3}</text></questiontext>
  </question>
  <question type="cloze">
    <name><text>weights</text></name>
    <questiontext format="html"><text>{2:SAC:=H\{2\}O~%25%h2o} is {:MCV:=water~fire} ({:SA:=a \~ b}) at {1:NUMERICAL:=100:0.5~%50%99:2~*#No}</text></questiontext>
  </question>
</quiz>)");
  ASSERT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 4u);
  // A '*' inside an answer is Moodle's wildcard, any text there; "\*" a star.
  const exam::Question& wildcard = made.questions[2];
  EXPECT_TRUE(wildcard.gaps[0].wildcards);
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(wildcard, boost::json::parse(R"(["Parisian"])")).value_or(-1),
                   1);
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(wildcard, boost::json::parse(R"(["2*3"])")).value_or(-1), 0.5);
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(wildcard, boost::json::parse(R"(["23"])")).value_or(-1), 0);
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(wildcard, boost::json::parse(R"(["Lyon"])")).value_or(-1), 0);
  // An entity's '#' is not a feedback's; an answer worth nothing still decides first.
  const exam::Question& entities = made.questions[1];
  EXPECT_EQ(entities.gaps[0].choices, (std::vector<std::string>{"café", "thé"}));
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(entities, boost::json::parse(R"([0, "london"])")).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(entities, boost::json::parse(R"([1, "Paris"])")).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(exam::GradeAnswer(entities, boost::json::parse(R"([1, "Rome"])")).value_or(-1), 0.5);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kGaps);
  EXPECT_EQ(q.text, "Match the following cities with the correct state,\nCalifornia or Arizona\n"
                    "* San Francisco: [[1]]\n* Tucson: [[2]]\n* Los Angeles: [[3]]\n"
                    "* Phoenix: [[4]]\nThe capital of France is [[5]].");
  EXPECT_EQ(q.points, 5);
  ASSERT_EQ(q.gaps.size(), 5u);
  EXPECT_EQ(q.gaps[1].choices, (std::vector<std::string>{"Arizona", "California"}));
  EXPECT_EQ(q.gaps[4].accepted, (std::vector<std::string>{"paris", "marseille", "*"}))
      << "any other answer: worth nothing, said last";
  const auto grade = [](const exam::Question& x, const char* answer) {
    return exam::GradeAnswer(x, boost::json::parse(answer)).value_or(-1);
  };
  EXPECT_DOUBLE_EQ(grade(q, R"([1, 0, 1, 0, "Paris"])"), 5);
  EXPECT_DOUBLE_EQ(grade(q, R"([1, 0, 1, 0, "marseille"])"), 4.5);
  EXPECT_DOUBLE_EQ(grade(q, R"([0, 1, 0, 1, "Lyon"])"), 0);
  ASSERT_GE(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("the feedback of its gaps' answers is left out"),
            std::string::npos);
  // Weights (2, then 1 by default), escapes (\{ \} \~), case (SAC), buttons made a menu.
  const exam::Question& w = made.questions[3];
  EXPECT_EQ(w.text, "[[1]] is [[2]] ([[3]]) at [[4]]");
  EXPECT_EQ(w.points, 5);
  EXPECT_TRUE(w.gaps[0].case_sensitive);
  EXPECT_EQ(w.gaps[0].accepted, (std::vector<std::string>{"H{2}O", "h2o"}));
  EXPECT_EQ(w.gaps[2].accepted, std::vector<std::string>{"a ~ b"});
  EXPECT_DOUBLE_EQ(grade(w, R"(["H{2}O", 1, "A ~ B", "100,4"])"), 5);
  EXPECT_DOUBLE_EQ(grade(w, R"(["h{2}o", 1, null, "98"])"), 1.5) << "98 is within 2 of 99: half";
  EXPECT_DOUBLE_EQ(grade(w, R"(["h2o", 0, null, "96"])"), 0.5);
  EXPECT_NE(made.notes.back().message.find("shown as buttons in Moodle are a menu here"),
            std::string::npos);
}

// Moodle's own broken cloze questions: each refused at its line, as Moodle refuses them.
TEST(MoodleXmlTest, BrokenClozeQuestionsAreRefusedAtTheirLines) {
  const QuestionBank bank = ParseMoodleXml(Fixture("broken_cloze_questions.xml"));
  EXPECT_TRUE(bank.questions.empty());
  ASSERT_EQ(bank.problems.size(), 5u);
  const struct {
    int line;
    const char* why;
  } kWant[] = {{4, "a cloze without embedded answers"},
               {20, "gap 1 (MULTICHOICE) has no answers"},
               {36, "gap 1 offers fewer than 2 choices"},
               {52, "gap 1 has no answer worth 100%"},
               {68, "gap 1: 'zero' is not a number with a tolerance"}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(bank.problems[i].line, kWant[i].line);
    EXPECT_NE(bank.problems[i].message.find(kWant[i].why), std::string::npos) << bank.problems[i].message;
  }
}

// <shuffleanswers> off keeps a choice's answers (a matching's items) in their place when the
// exam shuffles options; <answernumbering> numbers them on the page; a numbering Moodle does
// not know is said.
TEST(MoodleXmlTest, ShuffleAndNumberingAreKept) {
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(R"(<quiz>
  <question type="multichoice">
    <name><text>Scale</text></name>
    <questiontext format="html"><text>How sure?</text></questiontext>
    <single>true</single><shuffleanswers>false</shuffleanswers><answernumbering>iii</answernumbering>
    <answer fraction="0"><text>Not</text></answer>
    <answer fraction="100"><text>Very</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Shuffled</text></name>
    <questiontext format="html"><text>Which?</text></questiontext>
    <single>true</single><shuffleanswers>1</shuffleanswers><answernumbering>ABCD</answernumbering>
    <answer fraction="100"><text>A</text></answer>
    <answer fraction="0"><text>B</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Odd</text></name>
    <questiontext format="html"><text>Odd?</text></questiontext>
    <single>true</single><answernumbering>a)</answernumbering>
    <answer fraction="100"><text>A</text></answer>
    <answer fraction="0"><text>B</text></answer>
  </question>
  <question type="matching">
    <name><text>Pairs</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
    <shuffleanswers>0</shuffleanswers>
    <subquestion format="html"><text>Canada</text><answer><text>Ottawa</text></answer></subquestion>
    <subquestion format="html"><text>Italy</text><answer><text>Rome</text></answer></subquestion>
  </question>
  <question type="multichoice">
    <name><text>Plain</text></name>
    <questiontext format="html"><text>Plain?</text></questiontext>
    <single>true</single><shuffleanswers>yes</shuffleanswers>
    <answer fraction="100"><text>A</text></answer>
    <answer fraction="0"><text>B</text></answer>
  </question>
  <question type="matching">
    <name><text>Loose</text></name>
    <questiontext format="html"><text>Match</text></questiontext>
    <subquestion format="html"><text>Canada</text><answer><text>Ottawa</text></answer></subquestion>
    <subquestion format="html"><text>Italy</text><answer><text>Rome</text></answer></subquestion>
  </question>
</quiz>)"));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 6u);
  EXPECT_TRUE(made.questions[4].fixed_options.empty()) << "any word but false or 0 is true";
  EXPECT_EQ(made.questions[0].fixed_options, (std::vector<int>{0, 1}));
  EXPECT_EQ(made.questions[0].numbering, exam::OptionNumbering::kLowerRoman);
  EXPECT_TRUE(made.questions[1].fixed_options.empty());
  EXPECT_EQ(made.questions[1].numbering, exam::OptionNumbering::kUpperAlpha);
  // Without <shuffleanswers>, Moodle's import keeps a choice's answers in place.
  EXPECT_EQ(made.questions[2].fixed_options, (std::vector<int>{0, 1}));
  EXPECT_EQ(made.questions[2].numbering, exam::OptionNumbering::kNone);
  EXPECT_EQ(made.questions[4].numbering, exam::OptionNumbering::kLowerAlpha) << "absent: abc";
  EXPECT_TRUE(made.questions[5].fixed_options.empty()) << "a matching is shuffled when it says nothing";
  EXPECT_EQ(made.questions[3].fixed_options, (std::vector<int>{0, 1}));
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("question Odd: its answer numbering 'a)' is not one of "
                                       "Moodle's: its answers are not numbered"),
            std::string::npos)
      << made.notes[0].message;
}

}  // namespace
}  // namespace pupitre::importers
