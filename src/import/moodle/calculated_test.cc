// Moodle's calculated questions as Moodle XML exports them: each variant a question computed as
// Moodle computes it, the variants one draw; what does not compute is reported.
#include "import/moodle/calculated.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "import/moodle/moodle_xml.h"

namespace pupitre::importers {
namespace {

double Grade(const exam::Question& q, const char* answer_json) {
  return exam::GradeAnswer(q, boost::json::parse(answer_json)).value_or(-1);
}

// A dataset as Moodle exports it, its items the values given.
std::string Dataset(const std::string& name, std::initializer_list<const char*> values,
                    const char* status = "private") {
  std::string items;
  int n = 0;
  for (const char* v : values) {
    items += "<dataset_item><number>" + std::to_string(++n) + "</number><value>" + v +
             "</value></dataset_item>\n";
  }
  return std::string("<dataset_definition><status><text>") + status +
         "</text></status><name><text>" + name +
         "</text></name><type>calculated</type><distribution><text>uniform</text>" +
         "</distribution><minimum><text>1</text></minimum><maximum><text>10</text></maximum>" +
         "<decimals><text>1</text></decimals><itemcount>" + std::to_string(n) +
         "</itemcount>\n<dataset_items>\n" + items + "</dataset_items><number_of_items>" +
         std::to_string(n) + "</number_of_items></dataset_definition>\n";
}

// Dataset items 1 to `count`, each its own number as its value.
std::string CountingItems(int count) {
  std::string items;
  for (int n = 1; n <= count; ++n) {
    items += "<dataset_item><number>" + std::to_string(n) + "</number><value>" + std::to_string(n) +
             "</value></dataset_item>";
  }
  return items;
}

std::string Answer(const char* fraction, const char* formula, const char* tolerance,
                   const char* type, const char* length = "2", const char* feedback = "",
                   const char* format = "1") {
  return std::string("<answer fraction=\"") + fraction + "\"><text>" + formula +
         "</text><tolerance>" + tolerance + "</tolerance><tolerancetype>" + type +
         "</tolerancetype><correctanswerformat>" + format +
         "</correctanswerformat><correctanswerlength>" + length +
         "</correctanswerlength><feedback format=\"html\"><text><![CDATA[" + feedback +
         "]]></text></feedback></answer>\n";
}

const std::string kSpeed = std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Physics</text></category></question>
  <question type="calculated">
    <name><text>Speed of a car</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>A car drives {d} km in {t} h. What is its average speed in km/h?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>{d} / {t} = {={d}/{t}} km/h.</p>]]></text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <synchronize>0</synchronize>
    <single>0</single>
    <answernumbering>abc</answernumbering>
    <shuffleanswers>0</shuffleanswers>
)") + Answer("100", "{d} / {t}", "0.01", "1", "2", "<p>Right: {={d}/{t}} km/h.</p>") +
                           Answer("50", "{t} / {d}", "0.5", "2") + R"(
    <unitgradingtype>0</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>3</showunits>
    <unitsleft>0</unitsleft>
    <dataset_definitions>
)" + Dataset("d", {"120", "250", "90"}) +
                           Dataset("t", {"1.5", "2", "0"}) + R"(
    </dataset_definitions>
  </question>
</quiz>
)";

TEST(CalculatedTest, EachVariantIsANumericQuestionAndTheyAreOneDraw) {
  const QuestionBank bank = ParseMoodleXml(kSpeed);
  // Variant 3 divides by zero: reported at the question's line, the others imported.
  ASSERT_EQ(bank.problems.size(), 1u);
  EXPECT_EQ(bank.problems[0].line, 4);
  EXPECT_NE(bank.problems[0].message.find("variant 3 (d = 90, t = 0)"), std::string::npos)
      << bank.problems[0].message;
  EXPECT_NE(bank.problems[0].message.find("divides by zero"), std::string::npos);
  ASSERT_EQ(bank.questions.size(), 2u);
  EXPECT_EQ(bank.questions[0].variant, 1);
  EXPECT_EQ(bank.questions[1].variant, 2);

  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_EQ(made.questions.size(), 2u);
  ASSERT_EQ(made.groups.size(), 1u);
  EXPECT_EQ(made.groups[0].id, "Speed-of-a-car");
  EXPECT_EQ(made.groups[0].pick, 1);
  const exam::Question& one = made.questions[0];
  const exam::Question& two = made.questions[1];
  EXPECT_EQ(one.id, "Speed-of-a-car-v1");
  EXPECT_EQ(two.id, "Speed-of-a-car-v2");
  EXPECT_EQ(one.group, "Speed-of-a-car");
  EXPECT_EQ(two.group, "Speed-of-a-car");
  EXPECT_EQ(one.type, exam::QuestionType::kNumeric);
  EXPECT_EQ(one.points, 2);
  EXPECT_EQ(one.text, "A car drives 120 km in 1.5 h. What is its average speed in km/h?");
  EXPECT_EQ(two.text, "A car drives 250 km in 2 h. What is its average speed in km/h?");
  EXPECT_EQ(one.feedback, "120 / 1.5 = 80 km/h.");
  // The key: 80 within 1% (relative); 120/1.5's second answer within 0.5 (nominal) for half.
  EXPECT_DOUBLE_EQ(one.numeric_answer, 80);
  EXPECT_DOUBLE_EQ(one.numeric_tolerance, 0.8);
  EXPECT_DOUBLE_EQ(two.numeric_answer, 125);
  EXPECT_DOUBLE_EQ(two.numeric_tolerance, 1.25);
  EXPECT_EQ(Grade(one, "80.7"), 2);
  EXPECT_EQ(Grade(one, "81"), 0);
  EXPECT_EQ(Grade(one, "0.3"), 1);  // 1.5/120 = 0.0125, within 0.5
  EXPECT_EQ(Grade(two, "124"), 2);
  EXPECT_EQ(Grade(two, "80"), 0);
  ASSERT_FALSE(one.answer_feedback.empty());
  EXPECT_EQ(one.answer_feedback[0], "Right: 80.00 km/h.");  // written with its 2 decimals
  // Filed in a bank under a category of their own, from which an exam draws one.
  ASSERT_EQ(made.categories.size(), 2u);
  EXPECT_EQ(made.categories[0], "$course$/top/Physics");
  EXPECT_EQ(made.categories[1], made.categories[0]);
  ASSERT_EQ(made.subcategories.size(), 2u);
  EXPECT_EQ(made.subcategories[0], "Speed of a car");
  EXPECT_EQ(made.subcategories[1], "Speed of a car");
  // The teacher is told once.
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("2 variant(s)"), std::string::npos) << made.notes[0].message;
  EXPECT_NE(made.notes[0].message.find("one drawn for each student"), std::string::npos);
}

TEST(CalculatedTest, CalculatedMultiGivesChoicesWrittenAsMoodleWritesThem) {
  const std::string xml = R"(<quiz>
  <question type="calculatedmulti">
    <name><text>Area</text></name>
    <questiontext format="html"><text><![CDATA[<p>A rectangle of {w} m by {h} m: its area?</p>]]></text></questiontext>
    <defaultgrade>1</defaultgrade>
    <synchronize>0</synchronize>
    <single>1</single>
)" + Answer("100", "{={w}*{h}} m²", "0.01", "1", "1") +
                          Answer("0", "{=2*({w}+{h})} m²", "0.01", "1", "1") +
                          Answer("0", "{={w}*{h}*100} m²", "0.01", "1", "3", "", "2") +
                          "<dataset_definitions>" + Dataset("w", {"3", "4.5"}) +
                          Dataset("h", {"2", "2"}) + "</dataset_definitions></question></quiz>";
  const QuestionBank bank = ParseMoodleXml(xml);
  ASSERT_TRUE(bank.problems.empty()) << bank.problems[0].message;
  const ExamQuestions made = ToExamQuestions(bank);
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 2u);
  const exam::Question& one = made.questions[0];
  EXPECT_EQ(one.type, exam::QuestionType::kSingle);
  EXPECT_EQ(one.text, "A rectangle of 3 m by 2 m: its area?");
  EXPECT_EQ(one.options, (std::vector<std::string>{"6.0 m²", "10.0 m²", "600 m²"}));
  EXPECT_EQ(one.correct_options, (std::vector<int>{0}));
  EXPECT_EQ(made.questions[1].options, (std::vector<std::string>{"9.0 m²", "13.0 m²", "900 m²"}));
  EXPECT_EQ(made.questions[1].group, "Area");
}

TEST(CalculatedTest, GeometricTolerancesAndSynchronisedDatasetsAreNoted) {
  const std::string xml = R"(<quiz><question type="calculatedsimple">
    <name><text>Growth</text></name>
    <questiontext format="plain"><text>{x} doubled?</text></questiontext>
    <synchronize>1</synchronize>
)" + Answer("100", "2*{x}", "0.1", "3") +
                          "<dataset_definitions>" + Dataset("x", {"10", "-5"}, "shared") +
                          "</dataset_definitions></question></quiz>";
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(xml));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 2u);
  // 20 within a factor of 1.1: 18.18... to 22, as Moodle's interval.
  const exam::Question& one = made.questions[0];
  EXPECT_EQ(one.text, "10 doubled?");
  EXPECT_EQ(Grade(one, "18.2"), 1);
  EXPECT_EQ(Grade(one, "21.9"), 1);
  EXPECT_EQ(Grade(one, "18.1"), 0);
  EXPECT_EQ(Grade(one, "22.1"), 0);
  // -10: from -11 to -9.09... (Moodle's interval, from -9.09 to -11, holds nothing)
  EXPECT_EQ(Grade(made.questions[1], "-10.9"), 1);
  EXPECT_EQ(Grade(made.questions[1], "-9.05"), 0);
  ASSERT_EQ(made.notes.size(), 2u);
  EXPECT_NE(made.notes[0].message.find("geometric"), std::string::npos) << made.notes[0].message;
  EXPECT_NE(made.notes[0].message.find("synchronised"), std::string::npos) << made.notes[0].message;
  EXPECT_NE(made.notes[1].message.find("2 variant(s)"), std::string::npos) << made.notes[1].message;
}

TEST(CalculatedTest, WhatDoesNotComputeIsReportedAtItsLine) {
  auto problem = [](const std::string& answers, const std::string& datasets) {
    const QuestionBank bank = ParseMoodleXml(
        "<quiz>\n<question type=\"calculated\"><name><text>C</text></name>"
        "<questiontext><text>{a}?</text></questiontext>" +
        answers + "<dataset_definitions>" + datasets + "</dataset_definitions></question></quiz>");
    EXPECT_TRUE(bank.questions.empty());
    if (bank.problems.size() != 1)
      return std::string("problems: ") + std::to_string(bank.problems.size());
    EXPECT_EQ(bank.problems[0].line, 2);
    return bank.problems[0].message;
  };
  const std::string a = Dataset("a", {"1", "2"});
  EXPECT_NE(problem(Answer("100", "{a}^2", "0.01", "1"), a).find("exclusive or"),
            std::string::npos);
  EXPECT_NE(problem(Answer("100", "{a}+{b}", "0.01", "1"), a).find("{b} has no dataset"),
            std::string::npos);
  EXPECT_NE(problem(Answer("100", "{a}", "0.01", "1"), "").find("without datasets"),
            std::string::npos);
  EXPECT_NE(problem(Answer("100", "{a}", "0.01", "4"), a).find("<tolerancetype>"),
            std::string::npos);
  EXPECT_NE(problem(Answer("100", "{a}", "0.01", "1", "99"), a).find("<correctanswerlength>"),
            std::string::npos);
  EXPECT_NE(problem(Answer("100", "{a}", "-1", "1"), a).find("<tolerance>"), std::string::npos);
  EXPECT_NE(problem(Answer("100", "{a}", "0.01", "1"), Dataset("a", {"one"})).find("'one'"),
            std::string::npos);
  EXPECT_NE(problem(Answer("100", "1/({a}-{a})", "0.01", "1"), a).find("none of its 2 variants"),
            std::string::npos);
  EXPECT_NE(problem("", a).find("without an answer"), std::string::npos);
}

TEST(CalculatedTest, AtMostAHundredVariants) {
  const std::string items = CountingItems(150);
  const std::string xml =
      "<quiz><question type=\"calculated\"><name><text>Many</text></name>"
      "<questiontext><text>{n}+1?</text></questiontext>" +
      Answer("100", "{n}+1", "0", "2") +
      "<dataset_definitions><dataset_definition><name><text>n</text></name>"
      "<itemcount>150</itemcount><dataset_items>" +
      items +
      "</dataset_items></dataset_definition></dataset_definitions>"
      "</question></quiz>";
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(xml));
  ASSERT_EQ(made.problems.size(), 1u);
  EXPECT_NE(made.problems[0].message.find("at most 100 variants"), std::string::npos);
  ASSERT_EQ(made.questions.size(), static_cast<size_t>(kMaxVariants));
  EXPECT_EQ(made.questions.back().id, "Many-v100");
  EXPECT_DOUBLE_EQ(made.questions.back().numeric_answer, 101);
  EXPECT_EQ(made.questions.back().numeric_tolerance, 0);
}

// Two calculated questions on one line (a file without line breaks) are two draws; what refuses
// every variant of one is said once.
TEST(CalculatedTest, EachQuestionIsADrawAndAReasonIsSaidOnce) {
  const std::string a = Dataset("a", {"1", "2", "3"});
  const std::string xml =
      "<quiz><question type=\"calculated\"><name><text>Same</text></name>"
      "<questiontext><text>{a}?</text></questiontext>" +
      Answer("100", "{a}", "0", "2") + "<dataset_definitions>" + a +
      "</dataset_definitions></question><question type=\"calculated\"><name><text>Same</text>"
      "</name><questiontext><text>{a} again?</text></questiontext>" +
      Answer("0", "", "0", "2") + Answer("100", "2*{a}", "0", "2") + "<dataset_definitions>" + a +
      "</dataset_definitions></question><question type=\"calculated\"><name><text>Loss</text>"
      "</name><questiontext><text>{a}?</text></questiontext>" +
      Answer("-50", "{a}", "0", "2") + "<dataset_definitions>" + a +
      "</dataset_definitions></question></quiz>";
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(xml));
  ASSERT_EQ(made.questions.size(), 6u);
  ASSERT_EQ(made.groups.size(), 2u);
  EXPECT_EQ(made.groups[0].id, "Same");
  EXPECT_EQ(made.groups[1].id, "Same-2");
  EXPECT_EQ(made.questions[3].id, "Same-2-v1");
  EXPECT_EQ(made.questions[3].group, "Same-2");
  EXPECT_EQ(made.subcategories[3], "Same (2)") << "its own category in a bank";
  // An empty answer is Moodle's "*" (any other answer), here worth nothing: the key is 2*{a}.
  EXPECT_EQ(made.questions[4].numeric_answer, 4);
  // Every variant of Loss refused for one reason: one problem, no draw, no note of it.
  ASSERT_EQ(made.problems.size(), 1u);
  EXPECT_NE(made.problems[0].message.find("3 variants (1 ... 3)"), std::string::npos)
      << made.problems[0].message;
  EXPECT_EQ(made.notes.size(), 2u);
  for (const BankProblem& n : made.notes) EXPECT_EQ(n.message.find("Loss"), std::string::npos);
}

TEST(CalculatedTest, WhatWouldNotBeANumberOrTooManyIsReported) {
  const std::string items = CountingItems(150);
  auto file = [&](const char* formula, const char* tolerance) {
    return ParseMoodleXml(
        "<quiz><question type=\"calculated\"><name><text>Big</text></name>"
        "<questiontext><text>{n}?</text></questiontext>" +
        Answer("100", formula, tolerance, "1") +
        "<dataset_definitions><dataset_definition><name><text>n</text></name>"
        "<itemcount>150</itemcount><dataset_items>" +
        items + "</dataset_items></dataset_definition></dataset_definitions></question></quiz>");
  };
  const QuestionBank huge = file("{n}*1e300", "1e300");
  ASSERT_EQ(huge.problems.size(), 1u);
  EXPECT_NE(huge.problems[0].message.find("not a finite number"), std::string::npos)
      << huge.problems[0].message;
  // Items a dataset lacks (its <itemcount> beyond them): said once.
  const QuestionBank short_of = ParseMoodleXml(
      "<quiz><question type=\"calculated\"><name><text>Few</text></name>"
      "<questiontext><text>{n}?</text></questiontext>" +
      Answer("100", "{n}", "0", "2") +
      "<dataset_definitions><dataset_definition><name><text>n</text></name>"
      "<itemcount>5</itemcount><dataset_items><dataset_item><number>1</number><value>1</value>"
      "</dataset_item><dataset_item><number>2</number><value>2</value></dataset_item>"
      "</dataset_items></dataset_definition></dataset_definitions></question></quiz>");
  EXPECT_EQ(short_of.questions.size(), 2u);
  ASSERT_EQ(short_of.problems.size(), 1u);
  EXPECT_NE(short_of.problems[0].message.find("3 variant(s) from 3 to 5: a dataset ({n} first)"),
            std::string::npos)
      << short_of.problems[0].message;
  const QuestionBank many = file("{n}", "0");
  EXPECT_EQ(many.questions.size(), 100u);
  ASSERT_EQ(many.problems.size(), 1u);
  EXPECT_NE(many.problems[0].message.find("variants 101 to 150"), std::string::npos)
      << many.problems[0].message;
}

TEST(CalculatedTest, ChoicesWithoutAFormatAreInTheTextsAndShowOtherBracesAsWritten) {
  const std::string xml = R"(<quiz><question type="calculatedmulti">
    <name><text>Sum</text></name>
    <questiontext format="html"><text><![CDATA[<p>{a} + {a}?</p>]]></text></questiontext>
    <single>1</single>
    <answer fraction="100"><text><![CDATA[<b>{={a}*2}</b> {units}]]></text><correctanswerformat>1</correctanswerformat><correctanswerlength>0</correctanswerlength></answer>
    <answer fraction="0"><text><![CDATA[<b>{={a}*3}</b>]]></text><correctanswerformat>1</correctanswerformat><correctanswerlength>0</correctanswerlength></answer>
    <dataset_definitions>)" +
                          Dataset("a", {"2"}) + "</dataset_definitions></question></quiz>";
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(xml));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  EXPECT_EQ(made.questions[0].options, (std::vector<std::string>{"4 {units}", "6"}));
}

// A file's few bytes never become many times that in questions: its variants hold 16 MiB of
// text at most together, the rest reported.
TEST(CalculatedTest, AFilesVariantsHoldABoundedAmountOfText) {
  const std::string items = CountingItems(20);
  const std::string xml =
      "<quiz><question type=\"calculated\"><name><text>Long</text></name>"
      "<questiontext format=\"plain\"><text>" +
      std::string(2'000'000, 'w') + "{n}?</text></questiontext>" + Answer("100", "{n}", "0", "2") +
      "<dataset_definitions><dataset_definition><name><text>n</text></name>"
      "<itemcount>20</itemcount><dataset_items>" +
      items +
      "</dataset_items></dataset_definition></dataset_definitions>"
      "</question></quiz>";
  const QuestionBank bank = ParseMoodleXml(xml);
  EXPECT_EQ(bank.questions.size(), 8u);
  ASSERT_EQ(bank.problems.size(), 1u);
  EXPECT_NE(bank.problems[0].message.find("variants 9 to 20"), std::string::npos)
      << bank.problems[0].message;
}

}  // namespace
}  // namespace pupitre::importers
