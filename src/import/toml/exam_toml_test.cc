#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "exam/exam.h"
#include "import/toml/exam_toml.h"

namespace pupitre::exam {
namespace {

using importers::ParseExamToml;

// Every raw string below starts on line 1: the first line is the one holding R"(.
constexpr const char* kValidExam = R"([exam]
id = "geo-101-final"
title = "Geography: final exam"
course = "geo-101"
opens = 2026-11-23T09:00:00+01:00
closes = 2026-11-23T12:00:00Z
duration_minutes = 90
shuffle_questions = true
shuffle_options = true
one_per_page = true

[[question]]
id = "capital"
type = "single"
text = "Capital of France?"
options = ["Lyon", "Paris", "Nice"]
answer = 1

[[question]]
id = "primes"
type = "multiple"
text = "Which are prime?"
points = 2.5
options = ["2", "4", "5", "9"]
answer = [2, 0]

[[question]]
id = "earth_round"
type = "truefalse"
text = "The Earth is round."
answer = true

[[question]]
id = "pi"
type = "numeric"
text = "Pi to two decimals?"
answer = 3.14
tolerance = 0.005

[[question]]
id = "Q-5"
type = "short"
text = "Largest ocean?"
answer = ["  The PACIFIC. ", "pacific", "Pacific Ocean"]

[[question]]
id = "essay"
type = "essay"
text = """
Discuss plate tectonics."""
points = 10
)";

// The header of a valid exam, 6 lines long, for tests about questions.
constexpr const char* kHeader = R"([exam]
id = "e"
title = "T"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 60
)";

std::vector<Problem> Problems(const std::string& text) {
  Result<ExamSpec> r = ParseExamToml(text);
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  return r.error().problems;
}

std::string Describe(const std::vector<Problem>& problems) {
  std::ostringstream out;
  for (const Problem& p : problems) out << "\n  line " << p.line << ": " << p.message;
  return out.str();
}

// True when a problem on `line` contains every one of `parts`.
bool Has(const std::vector<Problem>& problems, int line, std::vector<std::string> parts) {
  for (const Problem& p : problems) {
    if (p.line != line) continue;
    bool all = true;
    for (const std::string& part : parts) all = all && p.message.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

TEST(ParseExamTomlTest, ParsesEveryField) {
  Result<ExamSpec> r = ParseExamToml(kValidExam);
  ASSERT_TRUE(r.ok()) << r.error().message << Describe(r.error().problems);
  const ExamSpec& spec = *r;
  EXPECT_EQ(spec.id, "geo-101-final");
  EXPECT_EQ(spec.title, "Geography: final exam");
  EXPECT_EQ(spec.course_id, "geo-101");
  EXPECT_EQ(spec.opens_ms, 1'795'420'800'000) << "09:00+01:00 is 08:00Z";
  EXPECT_EQ(spec.closes_ms, 1'795'435'200'000);
  EXPECT_EQ(spec.duration_ms, 90 * 60'000);
  EXPECT_TRUE(spec.shuffle_questions);
  EXPECT_TRUE(spec.shuffle_options);
  EXPECT_TRUE(spec.one_per_page);
  ASSERT_EQ(spec.questions.size(), 6u);

  const Question& single = spec.questions[0];
  EXPECT_EQ(single.id, "capital");
  EXPECT_EQ(single.type, QuestionType::kSingle);
  EXPECT_EQ(single.text, "Capital of France?");
  EXPECT_EQ(single.points, 1) << "the default";
  EXPECT_EQ(single.options, (std::vector<std::string>{"Lyon", "Paris", "Nice"}));
  EXPECT_EQ(single.correct_options, (std::vector<int>{1}));
  EXPECT_EQ(single.line, 12);

  const Question& multiple = spec.questions[1];
  EXPECT_EQ(multiple.type, QuestionType::kMultiple);
  EXPECT_EQ(multiple.points, 2.5);
  EXPECT_EQ(multiple.correct_options, (std::vector<int>{0, 2})) << "sorted";
  EXPECT_EQ(multiple.line, 19);

  EXPECT_EQ(spec.questions[2].type, QuestionType::kTrueFalse);
  EXPECT_TRUE(spec.questions[2].correct_bool);

  const Question& numeric = spec.questions[3];
  EXPECT_EQ(numeric.type, QuestionType::kNumeric);
  EXPECT_EQ(numeric.numeric_answer, 3.14);
  EXPECT_EQ(numeric.numeric_tolerance, 0.005);

  const Question& text = spec.questions[4];
  EXPECT_EQ(text.id, "Q-5");
  EXPECT_EQ(text.type, QuestionType::kShortText);
  EXPECT_EQ(text.accepted, (std::vector<std::string>{"the pacific", "pacific", "pacific ocean"}))
      << "normalised, without duplicates";

  const Question& essay = spec.questions[5];
  EXPECT_EQ(essay.type, QuestionType::kEssay);
  EXPECT_EQ(essay.text, "Discuss plate tectonics.");
  EXPECT_EQ(essay.points, 10);
  EXPECT_DOUBLE_EQ(spec.MaxPoints(), 1 + 2.5 + 1 + 1 + 1 + 10);
}

TEST(ParseExamTomlTest, OptionalExamKeysDefault) {
  Result<ExamSpec> r = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "q1"
type = "essay"
text = "Why?"
)");
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  EXPECT_EQ(r->course_id, "");
  EXPECT_FALSE(r->shuffle_questions);
  EXPECT_FALSE(r->shuffle_options);
  EXPECT_FALSE(r->one_per_page);
}

// The example shipped for teachers must stay valid. It is found beside the sources; a build
// whose sources moved skips rather than fails.
TEST(ParseExamTomlTest, ShippedDemoExamIsValid) {
  const std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path() / "../../../examples/demo-exam.toml";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  Result<ExamSpec> r = ParseExamToml(text.str());
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  EXPECT_EQ(r->id, "demo-exam");
  EXPECT_EQ(r->course_id, "demo-course");
  std::vector<bool> seen(6);
  for (const Question& q : r->questions) seen[static_cast<int>(q.type)] = true;
  EXPECT_EQ(seen, std::vector<bool>(6, true)) << "the demo uses every question type";
}

TEST(ParseExamTomlTest, SyntaxErrorIsOneProblemWithItsLine) {
  Result<ExamSpec> r = ParseExamToml(R"([exam]
id = "e"
title = "unterminated
duration_minutes = 60
)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(r.error().message, "exam file has 1 problem(s)");
  ASSERT_EQ(r.error().problems.size(), 1u) << Describe(r.error().problems);
  EXPECT_EQ(r.error().problems[0].line, 3);
  EXPECT_NE(r.error().problems[0].message.find("syntax"), std::string::npos);
}

TEST(ParseExamTomlTest, RedefinedTableIsASyntaxError) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + "[exam]\n");
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_EQ(p[0].line, 7);
}

TEST(ParseExamTomlTest, MissingTitleIsReportedAtTheExamTable) {
  const std::vector<Problem> p = Problems(R"(# An exam
[exam]
id = "e"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 60

[[question]]
id = "q1"
type = "truefalse"
text = "Yes?"
answer = true
)");
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_TRUE(Has(p, 2, {"exam", "missing key \"title\""})) << Describe(p);
}

TEST(ParseExamTomlTest, BlankTitleAndBadIds) {
  const std::vector<Problem> p = Problems(R"([exam]
id = "Final Exam"
title = "   "
course = "GEO 101"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 60

[[question]]
id = "q 1"
type = "truefalse"
text = "Yes?"
answer = true
)");
  EXPECT_EQ(p.size(), 4u) << Describe(p);
  EXPECT_TRUE(Has(p, 2, {"id \"Final Exam\"", "a-z"})) << Describe(p);
  EXPECT_TRUE(Has(p, 3, {"\"title\" must not be empty"})) << Describe(p);
  EXPECT_TRUE(Has(p, 4, {"course \"GEO 101\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 10, {"question #1", "id \"q 1\""})) << Describe(p);
}

TEST(ParseExamTomlTest, UnknownTypeNamesIt) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "q1"
type = "mcq"
text = "Pick"
options = ["a", "b"]
answer = 0
)");
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_TRUE(Has(p, 10, {"question \"q1\": unknown type \"mcq\"", "single"})) << Describe(p);
}

TEST(ParseExamTomlTest, AnswerIndexOutOfRange) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "q3"
type = "single"
text = "Pick"
options = ["a", "b", "c"]
answer = 5

[[question]]
id = "q4"
type = "multiple"
text = "Pick some"
options = ["a", "b", "c"]
answer = [0,
          3,
          0]
)");
  ASSERT_EQ(p.size(), 3u) << Describe(p);
  EXPECT_EQ(p[0].line, 13);
  EXPECT_EQ(p[0].message, "question \"q3\": answer index 5 is out of range (3 options)");
  EXPECT_TRUE(Has(p, 21, {"question \"q4\": answer index 3 is out of range (3 options)"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 22, {"question \"q4\": answer index 0 is listed twice"})) << Describe(p);
}

TEST(ParseExamTomlTest, DuplicateQuestionId) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "q1"
type = "truefalse"
text = "One"
answer = true

[[question]]
id = "q1"
type = "truefalse"
text = "Two"
answer = false
)");
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_TRUE(Has(p, 15, {"question \"q1\": duplicate id (first used on line 9)"})) << Describe(p);
}

TEST(ParseExamTomlTest, UnknownKeysAreNamed) {
  const std::vector<Problem> p = Problems(R"(title = "Top"
[exam]
id = "e"
title = "T"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 60
shufle_options = true

[[question]]
id = "q1"
type = "truefalse"
text = "Yes?"
anwser = true
colour = "red"
)");
  EXPECT_TRUE(Has(p, 1, {"unknown top-level key \"title\"", "[exam]"})) << Describe(p);
  EXPECT_TRUE(Has(p, 8, {"exam: unknown key \"shufle_options\"", "\"shuffle_options\"?"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 14, {"question \"q1\": unknown key \"anwser\"", "did you mean \"answer\""}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 15, {"question \"q1\": unknown key \"colour\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 10, {"question \"q1\": missing key \"answer\""})) << Describe(p);
  EXPECT_EQ(p.size(), 5u) << Describe(p);
}

TEST(ParseExamTomlTest, ClosesMustBeAfterOpens) {
  const std::vector<Problem> p = Problems(R"([exam]
id = "e"
title = "T"
opens = 2026-11-23T12:00:00Z
closes = 2026-11-23T13:00:00+02:00
duration_minutes = 60

[[question]]
id = "q1"
type = "essay"
text = "Why?"
)");
  ASSERT_EQ(p.size(), 1u) << Describe(p) << "\n(13:00+02:00 is 11:00Z, before 12:00Z)";
  EXPECT_TRUE(Has(p, 5, {"\"closes\" must be later than \"opens\""})) << Describe(p);
}

TEST(ParseExamTomlTest, TimesNeedAnOffset) {
  const std::vector<Problem> p = Problems(R"([exam]
id = "e"
title = "T"
opens = 2026-11-23T08:00:00
closes = "2026-11-23T12:00:00Z"
duration_minutes = 1.5

[[question]]
id = "q1"
type = "essay"
text = "Why?"
)");
  ASSERT_EQ(p.size(), 3u) << Describe(p);
  EXPECT_TRUE(Has(p, 4, {"\"opens\" has no UTC offset", "2026-11-23T08:00:00Z"})) << Describe(p);
  EXPECT_TRUE(Has(p, 5, {"\"closes\" must be a date-time without quotes"})) << Describe(p);
  EXPECT_TRUE(Has(p, 6, {"\"duration_minutes\" must be a whole number"})) << Describe(p);
}

TEST(ParseExamTomlTest, KeysMustFitTheQuestionType) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "tf"
type = "truefalse"
text = "Yes?"
options = ["yes", "no"]
answer = "true"

[[question]]
id = "one"
type = "single"
text = "Pick"
options = ["a", "b"]
answer = [0]
tolerance = 0.5

[[question]]
id = "essay"
type = "essay"
text = "Why?"
answer = "Because."

[[question]]
id = "num"
type = "numeric"
text = "How many?"
tolerance = -1
points = 0
)");
  EXPECT_TRUE(Has(p, 12, {"question \"tf\": \"options\" is only for single, multiple and ordering"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 13, {"question \"tf\": \"answer\" must be true or false"})) << Describe(p);
  EXPECT_TRUE(Has(p, 20, {"question \"one\": \"answer\" must be one option index"})) << Describe(p);
  EXPECT_TRUE(Has(p, 21, {"question \"one\": \"tolerance\" is only for numeric"})) << Describe(p);
  EXPECT_TRUE(Has(p, 27, {"question \"essay\": essay questions have no \"answer\""}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 29, {"question \"num\": missing key \"answer\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 33, {"question \"num\": \"tolerance\" must not be negative"})) << Describe(p);
  EXPECT_TRUE(Has(p, 34, {"question \"num\": \"points\" must be greater than 0"})) << Describe(p);
  EXPECT_EQ(p.size(), 8u) << Describe(p);
}

TEST(ParseExamTomlTest, AnswerFeedbackIsOnePerAnswer) {
  auto spec = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "tf"
type = "truefalse"
text = "Round?"
answer = true
answer_feedback = ["Yes.", "Seen from space, it is round."]

[[question]]
id = "short"
type = "short"
text = "Largest ocean?"
answer = ["Pacific", "the Pacific Ocean"]
answer_feedback = ["Yes.", ""]

[[question]]
id = "num"
type = "numeric"
text = "Pi?"
answer = 3.14
tolerance = 0.01
answer_feedback = ["Yes.", "3.14, to two decimals."]
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const exam::Question& tf = spec->questions[0];
  EXPECT_EQ(exam::AnswerFeedback(tf, boost::json::parse("false")), "Seen from space, it is round.");
  const exam::Question& ocean = spec->questions[1];
  EXPECT_EQ(exam::AnswerFeedback(ocean, boost::json::parse("\"pacific\"")), "Yes.");
  const exam::Question& pi = spec->questions[2];
  EXPECT_EQ(exam::AnswerFeedback(pi, boost::json::parse("3.141")), "Yes.");
  EXPECT_EQ(exam::AnswerFeedback(pi, boost::json::parse("3")), "3.14, to two decimals.");
  EXPECT_EQ(exam::GradeAnswer(pi, boost::json::parse("3.145")), 1) << "graded as before";
  EXPECT_EQ(exam::GradeAnswer(pi, boost::json::parse("3.2")), 0);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "tf"
type = "truefalse"
text = "Round?"
answer = true
answer_feedback = ["Yes."]

[[question]]
id = "short"
type = "short"
text = "Ocean?"
answer = "Pacific"
answer_feedback = ["a", "b"]

[[question]]
id = "one"
type = "single"
text = "Pick"
options = ["a", "b"]
answer = 0
answer_feedback = ["a", "b"]

[[question]]
id = "num"
type = "numeric"
text = "How many?"
answer = 3
answer_feedback = "Yes."
)");
  EXPECT_TRUE(Has(p, 13, {"question \"tf\": \"answer_feedback\" has 1 entries; a truefalse question has 2"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 20, {"question \"short\": \"answer_feedback\" has 2 entries for 1 accepted"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 28, {"question \"one\": \"answer_feedback\" is only for truefalse, short and numeric"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 35, {"question \"num\": \"answer_feedback\" must be"})) << Describe(p);
  EXPECT_EQ(p.size(), 4u) << Describe(p);
}

TEST(ParseExamTomlTest, ADescriptionIsATextWithoutAnswerOrPoints) {
  auto spec = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "passage"
type = "description"
text = "Read this passage."

[[question]]
id = "q"
type = "essay"
text = "What does it say?"
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->questions[0].type, QuestionType::kDescription);
  EXPECT_EQ(spec->questions[0].points, 0);
  EXPECT_EQ(spec->MaxPoints(), 1);
  EXPECT_EQ(spec->QuestionsAsked(), 1u);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "passage"
type = "description"
text = "Read this."
points = 2
answer = "yes"
)");
  EXPECT_TRUE(Has(p, 12, {"question \"passage\": a description is worth no points"})) << Describe(p);
  EXPECT_TRUE(Has(p, 13, {"question \"passage\": a description has no \"answer\""})) << Describe(p);
  EXPECT_EQ(p.size(), 2u) << Describe(p);
}

TEST(ParseExamTomlTest, NumericQuestionsMayHaveUnits) {
  auto spec = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "door"
type = "numeric"
text = "How tall is the door?"
answer = 2
tolerance = 0.05
units = [["m", 1], ["cm", 100]]
unit_penalty = 0.25
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Question& door = spec->questions[0];
  ASSERT_EQ(door.units.size(), 2u);
  EXPECT_EQ(exam::GradeAnswer(door, boost::json::parse(R"({"value": 198, "unit": "cm"})")), 1);
  EXPECT_EQ(exam::GradeAnswer(door, boost::json::parse("2")), 0.75);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "a"
type = "numeric"
text = "?"
answer = 2
units = [["cm", 100]]

[[question]]
id = "b"
type = "numeric"
text = "?"
answer = 2
units = [["m", 1], ["m", 2]]

[[question]]
id = "c"
type = "numeric"
text = "?"
answer = 2
units = ["m"]

[[question]]
id = "d"
type = "short"
text = "?"
answer = "x"
units = [["m", 1]]

[[question]]
id = "e"
type = "numeric"
text = "?"
answer = 2
unit_penalty = 0.5

[[question]]
id = "f"
type = "numeric"
text = "?"
answer = 2
units = [["m", 1], ["km", 0]]
unit_penalty = 2
)");
  EXPECT_TRUE(Has(p, 13, {"question \"a\": one unit has the multiplier 1"})) << Describe(p);
  EXPECT_TRUE(Has(p, 20, {"question \"b\": unit \"m\" is listed twice"})) << Describe(p);
  EXPECT_TRUE(Has(p, 27, {"question \"c\": \"units\" must be"})) << Describe(p);
  EXPECT_TRUE(Has(p, 34, {"question \"d\": \"units\" is only for numeric questions"})) << Describe(p);
  EXPECT_TRUE(Has(p, 41, {"question \"e\": \"unit_penalty\" needs \"units\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 48, {"question \"f\": unit \"km\" needs a multiplier greater than 0"}))
      << Describe(p);
  EXPECT_EQ(p.size(), 6u) << Describe(p);
}

// An ordering question lists its items in their right order; each student orders them.
TEST(ParseExamTomlTest, AnOrderingQuestionListsItsItemsInTheirRightOrder) {
  auto spec = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "steps"
type = "ordering"
text = "Order the steps."
options = ["Plough", "Harrow", "Sow"]
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Question& steps = spec->questions[0];
  EXPECT_EQ(steps.type, exam::QuestionType::kOrdering);
  ASSERT_EQ(steps.order_key.size(), 3u);
  boost::json::array right;
  for (int i : steps.order_key) right.push_back(i);
  EXPECT_EQ(steps.options[static_cast<size_t>(steps.order_key[0])], "Plough");
  EXPECT_EQ(exam::GradeAnswer(steps, right), 1);
  EXPECT_FALSE(steps.all_or_nothing);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "steps"
type = "ordering"
text = "Order"
options = ["Plough", "Harrow", "Sow"]

[[question]]
id = "bad"
type = "ordering"
text = "?"
options = ["only"]
answer = [0]

[[question]]
id = "c"
type = "short"
text = "?"
answer = "x"
all_or_nothing = true
)");
  EXPECT_TRUE(Has(p, 18, {"question \"bad\": \"options\" needs at least 2 options, has 1"})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": ordering questions have no \"answer\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 26, {"question \"c\": \"all_or_nothing\" is only for multiple, matching, ordering and gaps"}))
      << Describe(p);
  EXPECT_EQ(p.size(), 3u) << Describe(p);
}

// An ordering question may be graded as Moodle's are (grading = one of its grading types' names);
// the key is checked: only for ordering, a known name, not with all_or_nothing.
TEST(ParseExamTomlTest, AnOrderingQuestionNamesItsGrading) {
  auto spec = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "steps"
type = "ordering"
text = "Order the steps."
options = ["Plough", "Harrow", "Sow"]
grading = "relative_to_correct"
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Question& steps = spec->questions[0];
  EXPECT_EQ(steps.ordering_grading, exam::OrderingGrading::kRelativeToCorrect);
  // Sow, Plough, Harrow: each item one place off (2 - 1 each of 2), Sow two off (0): 2/6.
  boost::json::array given;
  for (const char* item : {"Sow", "Plough", "Harrow"}) {
    given.push_back(std::find(steps.options.begin(), steps.options.end(), item) - steps.options.begin());
  }
  EXPECT_DOUBLE_EQ(*exam::GradeAnswer(steps, given), 2.0 / 6);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "lucky"
type = "ordering"
text = "Order"
options = ["Plough", "Harrow", "Sow"]
grading = "by_luck"

[[question]]
id = "both"
type = "ordering"
text = "Order"
options = ["Plough", "Harrow", "Sow"]
all_or_nothing = true
grading = "longest_ordered_subset"

[[question]]
id = "pick"
type = "single"
text = "?"
options = ["a", "b"]
answer = 0
grading = "absolute_position"
)");
  EXPECT_TRUE(Has(p, 13, {"question \"lucky\": \"grading\" must be absolute_position"})) << Describe(p);
  EXPECT_TRUE(Has(p, 21, {"question \"both\": an ordering question is graded all or nothing, or by"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 29, {"question \"pick\": \"grading\" is only for ordering questions"})) << Describe(p);
  EXPECT_EQ(p.size(), 3u) << Describe(p);
}

TEST(ParseExamTomlTest, OptionsAreChecked) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "few"
type = "single"
text = "Pick"
options = ["only"]
answer = 0

[[question]]
id = "bad"
type = "multiple"
text = "Pick"
options = ["a", "", 3, "a"]
answer = [0]

[[question]]
id = "none"
type = "single"
text = "Pick"
answer = 0
)");
  EXPECT_TRUE(Has(p, 12, {"question \"few\": \"options\" needs at least 2 options, has 1"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": option 1 is empty"})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": option 2 must be a string"})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": option 3 repeats option 0"})) << Describe(p);
  EXPECT_TRUE(Has(p, 22, {"question \"none\": missing key \"options\""})) << Describe(p);
  EXPECT_EQ(p.size(), 5u) << Describe(p) << "\n(no range error without options to count)";
}

TEST(ParseExamTomlTest, MatchingQuestionsTakeTheirKeyFromPairs) {
  Result<ExamSpec> r = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "capitals"
type = "matching"
text = "Match each country with its capital."
points = 3
pairs = [["France", "Paris"], ["Italy", "Rome"], ["Spain", "Madrid"]]
distractors = ["Lisbon", "Paris"]
)");
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  const Question& q = r->questions[0];
  EXPECT_EQ(q.type, QuestionType::kMatching);
  EXPECT_EQ(q.options, (std::vector<std::string>{"France", "Italy", "Spain"}));
  // Sorted and listed once: the page's order never tells which goes with which.
  EXPECT_EQ(q.match_choices, (std::vector<std::string>{"Lisbon", "Madrid", "Paris", "Rome"}));
  EXPECT_EQ(q.match_key, (std::vector<int>{2, 3, 1}));
  // As Moodle: each item matched right earns its share; null is an item left unmatched.
  auto grade = [&](const char* json) {
    const boost::json::value answer = boost::json::parse(json);
    EXPECT_TRUE(ValidateAnswer(q, answer).ok()) << json;
    return GradeAnswer(q, answer).value_or(-1);
  };
  EXPECT_DOUBLE_EQ(grade("[2, 3, 1]"), 3);
  EXPECT_DOUBLE_EQ(grade("[2, 0, null]"), 1);
  EXPECT_DOUBLE_EQ(grade("[null, null, null]"), 0);
  EXPECT_DOUBLE_EQ(grade("[3, 2, 0]"), 0);
  for (const char* bad : {"[2, 3]", "[2, 3, 1, 0]", "[2, 3, 4]", "[2, 3, -1]", "[2, 3, \"1\"]", "2",
                          "{}"}) {
    EXPECT_FALSE(ValidateAnswer(q, boost::json::parse(bad)).ok()) << bad;
  }
  // The paper lists items and choices, never the key.
  const std::string paper = RenderPaperJson(*r);
  EXPECT_NE(paper.find(R"("choices":["Lisbon","Madrid","Paris","Rome"])"), std::string::npos)
      << paper;
  EXPECT_EQ(paper.find("match_key"), std::string::npos) << paper;
}

TEST(ParseExamTomlTest, CaseSensitiveShortAnswersKeepTheirCase) {
  Result<ExamSpec> r = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "sodium"
type = "short"
text = "Symbol of sodium?"
case_sensitive = true
answer = ["Na", " NA "]
)");
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  const Question& q = r->questions[0];
  EXPECT_EQ(q.accepted, (std::vector<std::string>{"Na", "NA"}));
  EXPECT_DOUBLE_EQ(GradeAnswer(q, boost::json::parse(R"("  Na.")")).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(GradeAnswer(q, boost::json::parse(R"("na")")).value_or(-1), 0);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "tf"
type = "truefalse"
text = "Yes?"
answer = true
case_sensitive = true

[[question]]
id = "s"
type = "short"
text = "Name?"
case_sensitive = "yes"
answer = "Ada"
)");
  EXPECT_TRUE(Has(p, 13, {"question \"tf\": \"case_sensitive\" is only for short questions"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"s\": \"case_sensitive\" must be true or false"}))
      << Describe(p);
  EXPECT_EQ(p.size(), 2u) << Describe(p);
}

// "wildcards": the accepted answers are patterns, as Moodle's short answers ("*" any text).
TEST(ParseExamTomlTest, WildcardsMakeAcceptedAnswersPatterns) {
  Result<ExamSpec> r = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "capital"
type = "short"
text = "Which city?"
wildcards = true
answer = ["*Paris*", '2\*3']

[[question]]
id = "legend"
type = "gaps"
text = "She rode her [[1]] to the [[2]]."
gaps = [{ answer = "*horse", wildcards = true }, { answer = "castle*" }]
)");
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  const Question& q = r->questions[0];
  EXPECT_TRUE(q.wildcards);
  EXPECT_DOUBLE_EQ(GradeAnswer(q, boost::json::parse(R"("Paris, of course")")).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(GradeAnswer(q, boost::json::parse(R"("2*3")")).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(GradeAnswer(q, boost::json::parse(R"("2x3")")).value_or(-1), 0);
  const Question& legend = r->questions[1];
  EXPECT_DOUBLE_EQ(
      GradeAnswer(legend, boost::json::parse(R"(["white horse", "castle*"])")).value_or(-1), 1);
  EXPECT_DOUBLE_EQ(
      GradeAnswer(legend, boost::json::parse(R"(["white horse", "castles"])")).value_or(-1), 0.5)
      << "the second gap has no wildcards: its star is a star";

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "tf"
type = "truefalse"
text = "Yes?"
answer = true
wildcards = true

[[question]]
id = "s"
type = "short"
text = "Name?"
wildcards = 1
answer = "Ada"

[[question]]
id = "g"
type = "gaps"
text = "[[1]] and [[2]]"
gaps = [{ choices = ["a", "b"], answer = "a", wildcards = true },
        { answer = 3, wildcards = true }]
)");
  EXPECT_TRUE(Has(p, 13, {"question \"tf\": \"wildcards\" is only for short questions"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"s\": \"wildcards\" must be true or false"})) << Describe(p);
  EXPECT_TRUE(Has(p, 26, {"gap 1: \"wildcards\" is only for a gap of words typed in"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 27, {"gap 2: \"wildcards\" is only for a gap of words typed in"}))
      << Describe(p);
  EXPECT_EQ(p.size(), 4u) << Describe(p);
}

// A choice kept in its order ("shuffle_options = false": a scale, "all of the above") and its
// options numbered on the page (Moodle's answernumbering).
TEST(ParseExamTomlTest, AQuestionMayKeepItsOptionsInPlaceAndNumberThem) {
  Result<ExamSpec> r = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "scale"
type = "single"
text = "How sure are you?"
options = ["Not at all", "A little", "Quite", "Very"]
answer = 3
shuffle_options = false
numbering = "ABCD"

[[question]]
id = "pairs"
type = "matching"
text = "Match"
pairs = [["a", "1"], ["b", "2"]]
shuffle_options = false
)");
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  EXPECT_EQ(r->questions[0].fixed_options, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(r->questions[0].numbering, OptionNumbering::kUpperAlpha);
  EXPECT_EQ(r->questions[1].fixed_options, (std::vector<int>{0, 1}));
  const std::string paper = RenderPaperJson(*r);
  EXPECT_NE(paper.find(R"("numbering":"ABCD")"), std::string::npos) << paper;
  EXPECT_EQ(paper.find("fixed_options"), std::string::npos) << "the order comes with the attempt";

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"toml(
[[question]]
id = "s"
type = "short"
text = "Name?"
answer = "Ada"
shuffle_options = false
numbering = "abc"

[[question]]
id = "c"
type = "single"
text = "Which?"
options = ["x", "y"]
answer = 0
numbering = "a)"
shuffle_options = "no"
)toml");
  EXPECT_TRUE(Has(p, 13, {"question \"s\": \"shuffle_options\" is only for single, multiple and matching questions"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 14, {"question \"s\": \"numbering\" is only for single and multiple questions"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 22, {"question \"c\": \"numbering\" must be \"none\", \"abc\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 23, {"question \"c\": \"shuffle_options\" must be true or false"})) << Describe(p);
  EXPECT_EQ(p.size(), 4u) << Describe(p);
}

TEST(ParseExamTomlTest, AllOrNothingGivesThePointsOnlyWhenEveryPartIsRight) {
  Result<ExamSpec> r = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "primes"
type = "multiple"
text = "Which are prime?"
options = ["2", "4", "5"]
answer = [0, 2]
all_or_nothing = true

[[question]]
id = "capitals"
type = "matching"
text = "Match"
pairs = [["France", "Paris"], ["Italy", "Rome"]]
all_or_nothing = true
)");
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  auto grade = [&](size_t i, const char* json) {
    return GradeAnswer(r->questions[i], boost::json::parse(json)).value_or(-1);
  };
  EXPECT_DOUBLE_EQ(grade(0, "[2, 0]"), 1);
  EXPECT_DOUBLE_EQ(grade(0, "[0]"), 0) << "half right is wrong";
  EXPECT_DOUBLE_EQ(grade(0, "[0, 1, 2]"), 0);
  EXPECT_DOUBLE_EQ(grade(1, "[0, 1]"), 1);
  EXPECT_DOUBLE_EQ(grade(1, "[0, null]"), 0);
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "one"
type = "single"
text = "Pick"
options = ["a", "b"]
answer = 0
all_or_nothing = true
)");
  EXPECT_TRUE(Has(p, 14, {"\"all_or_nothing\" is only for multiple, matching, ordering and gaps"})) << Describe(p);
}

TEST(ParseExamTomlTest, MatchingProblemsAreNamed) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "few"
type = "matching"
text = "Match"
pairs = [["a", "b"]]
answer = 0

[[question]]
id = "bad"
type = "matching"
text = "Match"
pairs = [["a", "b"], ["a", "c"], [" ", "d"], ["e", ""]]
distractors = [1]

[[question]]
id = "shape"
type = "matching"
text = "Match"
pairs = ["a", "b"]

[[question]]
id = "none"
type = "matching"
text = "Match"

[[question]]
id = "one"
type = "single"
text = "Pick"
options = ["a", "b"]
answer = 0
pairs = [["a", "b"], ["c", "d"]]
)");
  EXPECT_TRUE(Has(p, 12, {"question \"few\": \"pairs\" needs at least 2 pairs, has 1"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 13, {"question \"few\": matching questions have no \"answer\""}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": the item \"a\" is listed twice"})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": a matching item is empty"})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"bad\": a matching choice is empty"})) << Describe(p);
  EXPECT_TRUE(Has(p, 20, {"question \"bad\": \"distractors\" must be an array of strings"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 26, {"question \"shape\": \"pairs\" must be an array of [item, choice]"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 28, {"question \"none\": missing key \"pairs\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 39, {"question \"one\": \"pairs\" is only for matching questions"}))
      << Describe(p);
  EXPECT_EQ(p.size(), 9u) << Describe(p);
}

TEST(ParseExamTomlTest, ExamNeedsItsTableAndQuestions) {
  std::vector<Problem> p = Problems("# nothing here\n");
  EXPECT_TRUE(Has(p, 1, {"missing [exam] table"})) << Describe(p);
  EXPECT_TRUE(Has(p, 1, {"no questions"})) << Describe(p);
  EXPECT_EQ(p.size(), 2u) << Describe(p);

  p = Problems(std::string(kHeader) + R"(
[question]
id = "q1"
)");
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_TRUE(Has(p, 8, {"[[question]]"})) << Describe(p);
}

TEST(ParseExamTomlTest, ReportsEveryProblemTogetherInLineOrder) {
  Result<ExamSpec> r = ParseExamToml(R"([exam]
id = "e"
opens = 2026-11-23T12:00:00Z
closes = 2026-11-23T08:00:00Z
duration_minutes = 0

[[question]]
id = "q1"
type = "single"
text = "Pick"
options = ["a", "b", "c"]
answer = 3

[[question]]
id = "q2"
type = "choice"
text = ""
answer = 1
extra = 1
)");
  ASSERT_FALSE(r.ok());
  const std::vector<Problem>& p = r.error().problems;
  EXPECT_EQ(r.error().message, "exam file has 7 problem(s)") << Describe(p);
  ASSERT_EQ(p.size(), 7u) << Describe(p);
  EXPECT_TRUE(Has(p, 1, {"missing key \"title\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 4, {"\"closes\" must be later"})) << Describe(p);
  EXPECT_TRUE(Has(p, 5, {"\"duration_minutes\" must be between 1 and"})) << Describe(p);
  EXPECT_TRUE(Has(p, 12, {"answer index 3 is out of range (3 options)"})) << Describe(p);
  EXPECT_TRUE(Has(p, 16, {"unknown type \"choice\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 17, {"\"text\" must not be empty"})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"unknown key \"extra\""})) << Describe(p);
  for (size_t i = 1; i < p.size(); ++i) {
    EXPECT_LE(p[i - 1].line, p[i].line) << "problems are sorted by line" << Describe(p);
  }
  for (const Problem& problem : p) {
    EXPECT_FALSE(problem.reason.empty()) << "no reason for: " << problem.message;
  }
}

// The pages say a problem in the reader's language from its reason and values.
TEST(ParseExamTomlTest, ProblemsNameTheirReasonAndValues) {
  using Params = std::vector<std::pair<std::string, std::string>>;
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "q3"
type = "single"
text = "Pick"
options = ["a", "b", "c"]
answer = 5

[[question]]
type = "single"
text = "No id"
options = ["a", "b"]
answer = "0"
)");
  ASSERT_EQ(p.size(), 3u) << Describe(p);
  EXPECT_EQ(p[0].reason, "answer_out_of_range");
  EXPECT_EQ(p[0].params, (Params{{"value", "5"}, {"count", "3"}, {"at", "question"}, {"name", "q3"}}));
  EXPECT_EQ(p[1].reason, "missing_key");
  EXPECT_EQ(p[1].params, (Params{{"key", "id"}, {"at", "question"}, {"number", "2"}}));
  EXPECT_EQ(p[1].message, "question #2: missing key \"id\"");
  EXPECT_EQ(p[2].reason, "wrong_type");
  EXPECT_EQ(p[2].params, (Params{{"key", "answer"},
                                 {"expected", "option_index"},
                                 {"found", "string"},
                                 {"at", "question"},
                                 {"number", "2"}}));
}

TEST(ParseExamTomlTest, ShortAnswerMustNormaliseToText) {
  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "s"
type = "short"
text = "Say it"
answer = ["ok", " ?! ", 7]

[[question]]
id = "t"
type = "short"
text = "Say it"
answer = []
)");
  EXPECT_TRUE(Has(p, 12, {"question \"s\": an accepted answer is empty once normalised"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 12, {"question \"s\": \"answer\" must be a string or an array of strings"}))
      << Describe(p);
  EXPECT_TRUE(Has(p, 18, {"question \"t\": \"answer\" must list at least one accepted answer"}))
      << Describe(p);
  EXPECT_EQ(p.size(), 3u) << Describe(p);
}

TEST(ParseExamTomlTest, PointsAreBoundedSoThatNoTotalIsInfinite) {
  // Two essays worth 1e308 each used to put "max_points": Infinity (not JSON) in exam lists.
  for (const char* points : {"1e308", "10001", "0", "-1"}) {
    SCOPED_TRACE(points);
    const std::string bad = std::string(kValidExam) +
                            "\n[[question]]\nid = \"huge\"\ntype = \"essay\"\ntext = \"?\"\npoints = " +
                            points + "\n";
    Result<ExamSpec> r = ParseExamToml(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(Describe(r.error().problems).find("\"points\" must be greater than 0 and at most"),
              std::string::npos)
        << Describe(r.error().problems);
  }
  const std::string fine = std::string(kValidExam) +
                           "\n[[question]]\nid = \"big\"\ntype = \"essay\"\ntext = \"?\"\npoints = 10000\n";
  Result<ExamSpec> r = ParseExamToml(fine);
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  EXPECT_TRUE(std::isfinite(r->MaxPoints()));
}

// ---------------------------------------------------------------- settings changes
// A draft's settings change as the server makes it: applied to the model the file was
// imported into (the teacher's file itself is never rewritten).

// kValidExam with a wave, so that a change is seen to keep everything, not just the settings.
std::string ExamWithWave() {
  return std::string(kValidExam) +
         "\n[[wave]]\nname = \"late\"\noffset_minutes = 30\nstudents = [\"alice\"]\n";
}

ExamSpec ParseOrDie(const std::string& text) {
  Result<ExamSpec> r = ParseExamToml(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message + Describe(r.error().problems))
                      << "\nin:\n"
                      << text;
  return r.ok() ? *r : ExamSpec{};
}

Result<ExamSpec> ChangeSettings(std::string_view toml, const SettingsChange& change) {
  auto spec = ParseExamToml(toml);
  if (!spec.ok()) return spec.take_error();
  return ApplySettings(*spec, change);
}

std::string Describe(const Result<ExamSpec>& r) {
  return r.ok() ? "opens_ms " + std::to_string(r->opens_ms) + ", closes_ms " +
                      std::to_string(r->closes_ms) + ", duration_ms " +
                      std::to_string(r->duration_ms)
                : r.error().message;
}

TEST(ExamSettingsTest, ChangedSettingsParseBackWithEverythingElseIntact) {
  const ExamSpec before = ParseOrDie(ExamWithWave());
  SettingsChange change;
  change.opens_ms = 1'800'000'000'000;  // 2027-01-15T08:00:00Z
  change.closes_ms = *change.opens_ms + 3 * 3'600'000;
  change.duration_ms = 45 * 60'000;
  change.one_per_page = false;

  Result<ExamSpec> text = ChangeSettings(ExamWithWave(), change);
  ASSERT_TRUE(text.ok()) << text.error().message;
  const ExamSpec after = *text;

  EXPECT_EQ(after.opens_ms, *change.opens_ms);
  EXPECT_EQ(after.closes_ms, *change.closes_ms);
  EXPECT_EQ(after.duration_ms, 45 * 60'000);
  EXPECT_FALSE(after.one_per_page) << "kValidExam had one_per_page = true";

  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.title, before.title);
  EXPECT_EQ(after.course_id, before.course_id);
  EXPECT_EQ(after.shuffle_questions, before.shuffle_questions);
  EXPECT_EQ(after.shuffle_options, before.shuffle_options);
  ASSERT_EQ(after.questions.size(), before.questions.size()) << Describe(text);
  for (size_t i = 0; i < before.questions.size(); ++i) {
    const Question& a = after.questions[i];
    const Question& b = before.questions[i];
    SCOPED_TRACE("question " + b.id);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.points, b.points);
    EXPECT_EQ(a.options, b.options);
    EXPECT_EQ(a.correct_options, b.correct_options);
    EXPECT_EQ(a.correct_bool, b.correct_bool);
    EXPECT_EQ(a.numeric_answer, b.numeric_answer);
    EXPECT_EQ(a.numeric_tolerance, b.numeric_tolerance);
    EXPECT_EQ(a.accepted, b.accepted);
  }
  ASSERT_EQ(after.waves.size(), 1u) << Describe(text);
  EXPECT_EQ(after.waves[0].name, "late");
  EXPECT_EQ(after.waves[0].offset_ms, 30 * 60'000);
  EXPECT_EQ(after.waves[0].logins, std::vector<std::string>{"alice"});
}

TEST(ExamSettingsTest, UnsetFieldsAreKept) {
  const ExamSpec before = ParseOrDie(kValidExam);
  SettingsChange only_duration;
  only_duration.duration_ms = 120 * 60'000;
  Result<ExamSpec> text = ChangeSettings(kValidExam, only_duration);
  ASSERT_TRUE(text.ok()) << text.error().message;
  const ExamSpec after = *text;
  EXPECT_EQ(after.duration_ms, 120 * 60'000);
  EXPECT_EQ(after.opens_ms, before.opens_ms) << "opens was not part of the change";
  EXPECT_EQ(after.closes_ms, before.closes_ms) << "closes was not part of the change";
  EXPECT_TRUE(after.one_per_page) << "one_per_page was not part of the change";
}

// The route takes Unix milliseconds: whatever it is given comes back, to the millisecond, from
// 1970 on; before 1970 is refused (no exam is that old, and no clock sum may go negative).
TEST(ExamSettingsTest, TimesKeepTheirMilliseconds) {
  SettingsChange before_1970;
  before_1970.opens_ms = -1'500;
  EXPECT_FALSE(ChangeSettings(kValidExam, before_1970).ok());
  for (const int64_t opens : {int64_t{1'800'000'000'123}, int64_t{1'500}}) {
    SCOPED_TRACE("opens_ms = " + std::to_string(opens));
    SettingsChange change;
    change.opens_ms = opens;
    change.closes_ms = opens + 7'200'999;
    Result<ExamSpec> text = ChangeSettings(kValidExam, change);
    ASSERT_TRUE(text.ok()) << text.error().message;
    const ExamSpec after = *text;
    EXPECT_EQ(after.opens_ms, opens) << Describe(text);
    EXPECT_EQ(after.closes_ms, opens + 7'200'999) << Describe(text);
  }
}

// Pupitre takes years 1970 to 9999: an instant beyond is refused, never wrapped around
// into another date.
TEST(ExamSettingsTest, InstantsBeyondYear9999AreRefused) {
  constexpr int64_t kLast = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
  SettingsChange last;
  last.closes_ms = kLast;
  Result<ExamSpec> text = ChangeSettings(kValidExam, last);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->closes_ms, kLast);

  for (const int64_t ms :
       {kLast + 1, int64_t{1'000'000'000'000'000'000}, std::numeric_limits<int64_t>::max() / 2,
        std::numeric_limits<int64_t>::max()}) {
    SettingsChange change;
    change.closes_ms = ms;
    Result<ExamSpec> r = ChangeSettings(kValidExam, change);
    ASSERT_FALSE(r.ok()) << "closes_ms " << ms << " became " << Describe(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_NE(r.error().message.find("closes"), std::string::npos) << r.error().message;
  }
  SettingsChange before_year_0;
  before_year_0.opens_ms = std::numeric_limits<int64_t>::min();
  Result<ExamSpec> r = ChangeSettings(kValidExam, before_year_0);
  ASSERT_FALSE(r.ok()) << Describe(r);
  EXPECT_NE(r.error().message.find("opens"), std::string::npos) << r.error().message;
}

TEST(ExamSettingsTest, ClosesNotAfterOpensIsInvalidAndSaysSo) {
  const ExamSpec before = ParseOrDie(kValidExam);
  SettingsChange equal;
  equal.opens_ms = 1'800'000'000'000;
  equal.closes_ms = 1'800'000'000'000;
  SettingsChange closes_before_old_opens;  // only closes: compared with the file's opens
  closes_before_old_opens.closes_ms = before.opens_ms - 60'000;
  for (const SettingsChange& change : {equal, closes_before_old_opens}) {
    Result<ExamSpec> r = ChangeSettings(kValidExam, change);
    ASSERT_FALSE(r.ok()) << "accepted a window that closes before it opens:\n" << Describe(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_NE(r.error().message.find("closes"), std::string::npos)
        << "the message does not name \"closes\": " << r.error().message;
  }
}

TEST(ExamSettingsTest, DurationMustBeAWholePositiveNumberOfMinutes) {
  const int64_t kYearAndAMinute = (366 * 24 * 60 + 1) * int64_t{60'000};
  for (const int64_t ms :
       {int64_t{90'000}, int64_t{1}, int64_t{0}, int64_t{-60'000}, kYearAndAMinute}) {
    SettingsChange change;
    change.duration_ms = ms;
    Result<ExamSpec> r = ChangeSettings(kValidExam, change);
    ASSERT_FALSE(r.ok()) << "accepted a duration of " << ms << " ms:\n" << Describe(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << ms << " ms";
    EXPECT_NE(r.error().message.find("duration"), std::string::npos)
        << ms << " ms: the message does not name the duration: " << r.error().message;
  }
}

TEST(ExamSettingsTest, AFileWithoutAnExamTableIsInvalid) {
  SettingsChange change;
  change.one_per_page = true;
  for (const char* text : {"[[question]]\nid = \"q\"\n", "[exam\n"}) {
    Result<ExamSpec> r = ChangeSettings(text, change);
    ASSERT_FALSE(r.ok()) << "rewrote: " << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid) << text;
  }
}

// Questions in Moodle's GIFT, in a text at the top of the file (import/moodle/gift.h).
TEST(ParseExamTomlTest, QuestionsMayBeWrittenInGift) {
  const std::string gift = "gift = \"\"\"\n"                         // line 1
                           "::q1:: Two plus two? {#4}\n"            // 2
                           "\n"                                     // 3
                           "The sun rises in the east.{T}\n"        // 4
                           "\"\"\"\n";                              // 5
  const std::string questions = "[[question]]\nid = \"q1\"\ntype = \"essay\"\ntext = \"Why?\"\n";
  Result<ExamSpec> r = ParseExamToml(gift + kHeader + questions);  // header: lines 6 to 11
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  ASSERT_EQ(r->questions.size(), 3u);
  EXPECT_EQ(r->questions[0].id, "q1");
  EXPECT_EQ(r->questions[1].id, "q1-2") << "an id already taken gets a suffix";
  EXPECT_EQ(r->questions[1].type, QuestionType::kNumeric);
  EXPECT_EQ(r->questions[1].line, 2);
  EXPECT_EQ(r->questions[2].type, QuestionType::kTrueFalse);
  EXPECT_EQ(r->questions[2].line, 4);

  // What GIFT cannot make a question of is a problem at its line in the file.
  const std::string refused = "gift = \"\"\"\nTwo plus two? {#4}\n\nPair {=a -> b}\n\"\"\"\n";
  const std::vector<Problem> p = Problems(refused + kHeader);
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_TRUE(Has(p, 4, {"GIFT, line 3", "a matching question needs two pairs at least"}))
      << Describe(p);
  EXPECT_EQ(p[0].reason, "bank");
  EXPECT_TRUE(Has(Problems(std::string("gift = 3\n") + kHeader), 1, {"\"gift\" is a text"}));

  // In a literal text ('''), GIFT's escapes reach it as written.
  Result<ExamSpec> escaped = ParseExamToml(
      std::string("gift = '''\nWhich equals 5? {~ \\= 2 + 2 = \\= 2 + 3}\n'''\n") + kHeader);
  ASSERT_TRUE(escaped.ok()) << Describe(escaped.error().problems);
  ASSERT_EQ(escaped->questions.size(), 1u);
  EXPECT_EQ(escaped->questions[0].options, (std::vector<std::string>{"= 2 + 2", "= 2 + 3"}));
  EXPECT_EQ(escaped->questions[0].correct_options, std::vector<int>{1});
}

// Questions exported by Moodle as Moodle XML, likewise.
TEST(ParseExamTomlTest, QuestionsMayBeMoodleXml) {
  const std::string xml =
      "moodle_xml = '''\n"
      "<quiz><question type=\"truefalse\"><name><text>Sun</text></name>\n"
      "<questiontext format=\"html\"><text><![CDATA[<p>The sun rises in the east.</p>]]></text>"
      "</questiontext>\n<answer fraction=\"100\"><text>true</text></answer>"
      "<answer fraction=\"0\"><text>false</text></answer></question>\n"
      "<question type=\"ddmarker\"><name><text>Calc</text></name></question></quiz>\n"
      "'''\n";
  const std::vector<Problem> p = Problems(xml + kHeader);
  ASSERT_EQ(p.size(), 1u) << Describe(p);
  EXPECT_TRUE(Has(p, 5, {"Moodle XML, line 4", "ddmarker"})) << Describe(p);
  Result<ExamSpec> r = ParseExamToml(xml.substr(0, xml.find("<question type=\"ddmarker\"")) +
                                     "</quiz>\n'''\n" + kHeader);
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  ASSERT_EQ(r->questions.size(), 1u);
  EXPECT_EQ(r->questions[0].id, "Sun");
  EXPECT_EQ(r->questions[0].text, "The sun rises in the east.");
  EXPECT_TRUE(r->questions[0].correct_bool);
}

// A Moodle calculated question in an exam file: its variants are one draw, one for each student.
TEST(ParseExamTomlTest, AMoodleCalculatedQuestionIsADrawOfItsVariants) {
  const std::string xml =
      "moodle_xml = '''\n"
      "<quiz><question type=\"calculated\"><name><text>Double</text></name>\n"
      "<questiontext format=\"plain\"><text>Twice {x}?</text></questiontext>\n"
      "<answer fraction=\"100\"><text>2*{x}</text><tolerance>0</tolerance>"
      "<tolerancetype>2</tolerancetype></answer>\n"
      "<dataset_definitions><dataset_definition><name><text>x</text></name>"
      "<itemcount>3</itemcount><dataset_items>"
      "<dataset_item><number>1</number><value>4</value></dataset_item>"
      "<dataset_item><number>2</number><value>7</value></dataset_item>"
      "<dataset_item><number>3</number><value>9</value></dataset_item></dataset_items>"
      "</dataset_definition></dataset_definitions></question></quiz>\n'''\n";
  Result<ExamSpec> r = ParseExamToml(xml + kHeader);
  ASSERT_TRUE(r.ok()) << Describe(r.error().problems);
  ASSERT_EQ(r->questions.size(), 3u);
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].id, "Double");
  EXPECT_EQ(r->groups[0].pick, 1);
  for (const Question& q : r->questions) EXPECT_EQ(q.group, "Double") << q.id;
  EXPECT_EQ(r->questions[1].id, "Double-v2");
  EXPECT_EQ(r->questions[1].text, "Twice 7?");
  EXPECT_EQ(r->questions[1].numeric_answer, 14);
}

}  // namespace
// A gaps question marks its gaps in its text; each is a menu with its right choice, or typed in
// with its accepted answers (and what each earns).
TEST(ParseExamTomlTest, AGapsQuestionMarksItsGapsInItsText) {
  auto spec = ParseExamToml(std::string(kHeader) + R"(
[[question]]
id = "legend"
type = "gaps"
text = "The bandit killed her [[1]] and burned her [[2]]."
points = 4

[[question.gaps]]
choices = ["horse", "family", "castle"]
answer = "family"

[[question.gaps]]
answer = ["Castle", "manor"]
credit = [1, 0.5]

[[question]]
id = "date"
type = "gaps"
text = "Hastings was fought in [[1]]."
gaps = [{ answer = 1066, tolerance = 1 }]
)");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Question& q = spec->questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kGaps);
  ASSERT_EQ(q.gaps.size(), 2u);
  EXPECT_EQ(q.gaps[0].choices, (std::vector<std::string>{"castle", "family", "horse"}));
  EXPECT_EQ(q.gaps[1].accepted, (std::vector<std::string>{"castle", "manor"}));
  EXPECT_EQ(exam::GradeAnswer(q, boost::json::parse(R"([1, "castle"])")), 4);
  EXPECT_EQ(exam::GradeAnswer(q, boost::json::parse(R"([1, "MANOR."])")), 3);
  EXPECT_EQ(exam::GradeAnswer(q, boost::json::parse(R"([0, null])")), 0);
  EXPECT_EQ(exam::GradeAnswer(q, boost::json::parse(R"([null, "castle"])")), 2);
  const Question& date = spec->questions[1];
  ASSERT_EQ(date.gaps[0].numbers.size(), 1u);
  EXPECT_EQ(exam::GradeAnswer(date, boost::json::parse(R"([" 1067 "])")), 1);
  EXPECT_EQ(exam::GradeAnswer(date, boost::json::parse(R"(["1068"])")), 0);
  EXPECT_EQ(exam::GradeAnswer(date, boost::json::parse(R"(["one thousand"])")), 0);

  const std::vector<Problem> p = Problems(std::string(kHeader) + R"(
[[question]]
id = "marks"
type = "gaps"
text = "[[2]] before [[1]]"
gaps = [{ answer = "a" }, { answer = "b" }]

[[question]]
id = "menu"
type = "gaps"
text = "A [[1]] B"
answer = "x"
gaps = [{ choices = ["a", "a"], answer = "a" }]

[[question]]
id = "right"
type = "gaps"
text = "A [[1]] B [[2]]"
gaps = [{ choices = ["a", "b"], answer = "c" }, { answer = "d", credit = [0.5], colour = 1 },
        { answer = 3, tolerance = -1 }]

[[question]]
id = "short"
type = "short"
text = "?"
answer = "x"
gaps = []

[[question]]
id = "none"
type = "gaps"
text = "Nothing"
)");
  EXPECT_TRUE(Has(p, 11, {"question \"marks\": its text must mark gaps [[1]] to [[2]], each once and in order"})) << Describe(p);
  EXPECT_TRUE(Has(p, 18, {"question \"menu\": gaps questions have no \"answer\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 19, {"question \"menu\": gap 1: \"choices\" must list 2 or more different choices"})) << Describe(p);
  EXPECT_TRUE(Has(p, 25, {"question \"right\": gap 1: the answer \"c\" is not one of its choices"})) << Describe(p);
  EXPECT_TRUE(Has(p, 25, {"question \"right\": gap 2: \"credit\" must give one number from 0 to 1 per accepted answer, the best 1"})) << Describe(p);
  EXPECT_TRUE(Has(p, 25, {"question \"right\": unknown key \"colour\""})) << Describe(p);
  EXPECT_TRUE(Has(p, 26, {"question \"right\": gap 3: \"tolerance\" must not be negative"})) << Describe(p);
  EXPECT_TRUE(Has(p, 33, {"question \"short\": \"gaps\" is only for gaps questions"})) << Describe(p);
  EXPECT_TRUE(Has(p, 35, {"question \"none\": missing key \"gaps\""})) << Describe(p);
}

}  // namespace pupitre::exam
