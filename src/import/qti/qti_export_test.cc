// An exam exported as a QTI 3.0 package reads back (ReadQtiPackage) to the same questions,
// graded the same on every answer tried; what QTI says otherwise is listed in the package.
#include "import/qti/qti_export.h"

#include <zip.h>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <string>

#include "import/qti/qti_package.h"
#include "import/toml/exam_toml.h"

namespace pupitre::importers {
namespace {

constexpr const char* kExam = R"toml(
[exam]
id = "every-kind"
title = "Every kind: <tags> & \"quotes\""
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 45

[[question]]
id = "capital"
type = "single"
text = "Capital of Australia?"
points = 2
options = ["Sydney", "Canberra", "Perth"]
answer = 1
option_feedback = ["No: the largest city.", "Yes.", ""]

[[question]]
id = "world"
type = "description"
text = "The next questions are about the world."

[[question]]
id = "rivers"
type = "multiple"
text = "Which are rivers?"
options = ["Danube", "Alps", "Loire", "Sahara"]
answer = [0, 2]
shuffle_options = false

[[question]]
id = "primes"
type = "multiple"
text = "Which are prime?"
options = ["2", "4", "5"]
answer = [0, 2]
all_or_nothing = true
points = 3

[[question]]
id = "tf"
type = "truefalse"
text = "The Earth is round."
answer = true
answer_feedback = ["Yes: seen from space.", "It is round."]

[[question]]
id = "pi"
type = "numeric"
text = "Pi to two decimals?"
answer = 3.14
tolerance = 0.005
points = 1.5

[[question]]
id = "ten"
type = "numeric"
text = "Ten?"
answer = 10

[[question]]
id = "q1"
type = "essay"
text = "A question whose id is q1."

[[question]]
id = "1"
type = "essay"
text = "Its id becomes q1, which is taken: another one."

[[question]]
id = "2-ocean"
type = "short"
text = """Largest ocean?
Say its name."""
answer = ["Pacific", "the Pacific Ocean"]

[[question]]
id = "sodium"
type = "short"
text = "Symbol of sodium?"
case_sensitive = true
answer = "Na"
answer_feedback = ["From its Latin name, natrium."]

[[question]]
id = "essay"
type = "essay"
text = "Why?"
points = 4

[[question]]
id = "capitals"
type = "matching"
text = "Match"
points = 3
pairs = [["France", "Paris"], ["Italy", "Rome"], ["Spain", "Madrid"]]
distractors = ["Lisbon"]
shuffle_options = false

[[question]]
id = "sowing"
type = "ordering"
text = "Order the steps."
points = 2
options = ["Plough", "Harrow", "Sow"]
all_or_nothing = true

[[question]]
id = "seasons"
type = "ordering"
text = "From spring on."
points = 3
options = ["Spring", "Summer", "Autumn"]

[[question]]
id = "legend"
type = "gaps"
text = "The bandit killed her [[1]], burned her [[2]]\nand rode her [[3]] away in [[4]]."
points = 5
gaps = [{ choices = ["horse", "family", "castle"], answer = "family" },
        { answer = ["castle", "keep"], credit = [1, 0.5] },
        { answer = "Horse", case_sensitive = true, weight = 2 },
        { answer = 1066, tolerance = 2 }]

[[question]]
id = "pair"
type = "gaps"
text = "[[1]] is the capital of [[2]], [[3]] km from the sea."
points = 2
all_or_nothing = true
gaps = [{ choices = ["Lyon", "Paris"], answer = "Paris" }, { answer = "France" }, { answer = 180.5, tolerance = 20 }]
)toml";

// Answers to try on each question, by type.
std::vector<std::string> Tries(const exam::Question& q) {
  switch (q.type) {
    case exam::QuestionType::kSingle: return {"0", "1", "2"};
    case exam::QuestionType::kMultiple: return {"[0, 2]", "[0]", "[0, 1]", "[1, 3]", "[0, 1, 2, 3]", "[]"};
    case exam::QuestionType::kTrueFalse: return {"true", "false"};
    case exam::QuestionType::kNumeric: return {"3.14", "3.1449", "3.146", "10", "9.99", "5", "5.5", "7"};
    case exam::QuestionType::kShortText: return {"\"pacific\"", "\"The Pacific Ocean\"", "\"Na\"", "\"na\"", "\"Atlantic\""};
    case exam::QuestionType::kMatching: return {"[2, 3, 1]", "[2, null, null]", "[0, 0, 0]"};
    case exam::QuestionType::kOrdering: return {"[0, 1, 2]", "[0, 2, 1]", "[1, 0, 2]", "[1, 2, 0]", "[2, 0, 1]", "[2, 1, 0]"};
    case exam::QuestionType::kGaps:
      return {R"(["105"])", R"(["115"])", R"(["125"])", R"([1, "castle", "Horse", "1066"])", R"([0, "Keep.", "horse", "1068,0"])",
              R"([2, null, "Horse", "1069"])", R"([null, "CASTLE", null, null])",
              R"([1, "France", "160.5"])", R"([1, "france", "200"])", R"([0, "France", "180"])",
              R"([1, "France", "201"])", R"([1, null, null])"};
    default: return {};
  }
}

TEST(QtiExportTest, AnExportedExamReadsBackToTheSameQuestionsGradedTheSame) {
  auto spec = ParseExamToml(kExam);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  // A common mistake worth nothing before the right range (first match decides: 5 is wrong).
  exam::Question mistake;
  mistake.id = "mistake";
  mistake.type = exam::QuestionType::kNumeric;
  mistake.text = "Not five, but near it?";
  mistake.points = 2;
  mistake.numeric_answer = 5;
  mistake.numeric_tolerance = 1;
  mistake.numeric_answers = {{5, 0, 0}, {5, 1, 1}};
  spec->questions.push_back(mistake);
  // All or nothing with a number worth half before a number worth all (the first that holds
  // decides): 105 is worth half, so nothing; 115 is worth all.
  exam::Question near;
  near.id = "near";
  near.type = exam::QuestionType::kGaps;
  near.text = "About [[1]].";
  near.points = 2;
  near.all_or_nothing = true;
  near.gaps.resize(1);
  near.gaps[0].numbers = {{100, 10, 0.5}, {100, 20, 1}};
  ASSERT_EQ(exam::GapsProblem(near), "");
  spec->questions.push_back(near);
  spec->questions[0].fixed_options = {2};  // Perth keeps its place: a fixed choice
  const QtiExport exported = ExportQtiPackage(*spec);
  auto back = ReadQtiPackage(exported.zip);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->title, spec->title);
  for (const auto& p : back->made.problems) ADD_FAILURE() << p.message;
  for (const auto& n : back->made.notes) ADD_FAILURE() << "read back with a note: " << n.message;
  ASSERT_EQ(back->made.questions.size(), spec->questions.size());
  for (size_t i = 0; i < spec->questions.size(); ++i) {
    const exam::Question& a = spec->questions[i];
    const exam::Question& b = back->made.questions[i];
    SCOPED_TRACE(a.id);
    const std::string want = a.id == "2-ocean" ? "q2-ocean" : a.id == "1" ? "q1-2" : a.id;
    EXPECT_EQ(b.id, want) << "an id starts with a letter in QTI, and stays unique";
    EXPECT_EQ(b.text, a.text);
    EXPECT_EQ(b.points, a.points);
    if (a.type == exam::QuestionType::kTrueFalse) {
      EXPECT_EQ(b.type, exam::QuestionType::kSingle) << "a choice of True and False";
      EXPECT_EQ(exam::GradeAnswer(b, boost::json::parse("0")), a.points);
      EXPECT_EQ(b.option_feedback, a.answer_feedback) << "each answer's feedback, inline";
      continue;
    }
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.options, a.options);
    EXPECT_EQ(b.match_choices, a.match_choices);
    EXPECT_EQ(b.order_key, a.order_key);
    EXPECT_EQ(b.option_feedback, a.option_feedback);
    EXPECT_EQ(b.fixed_options, a.fixed_options) << "shuffle and fixed choices";
    EXPECT_EQ(b.case_sensitive, a.case_sensitive);
    // One gap all or nothing is one gap worth its share: read back either way, graded the same.
    if (a.gaps.size() != 1) EXPECT_EQ(b.all_or_nothing, a.all_or_nothing);
    ASSERT_EQ(b.gaps.size(), a.gaps.size());
    for (size_t k = 0; k < a.gaps.size(); ++k) {
      EXPECT_EQ(b.gaps[k].choices, a.gaps[k].choices) << "gap " << k + 1;
      EXPECT_EQ(b.gaps[k].accepted, a.gaps[k].accepted) << "gap " << k + 1;
      EXPECT_EQ(b.gaps[k].case_sensitive, a.gaps[k].case_sensitive) << "gap " << k + 1;
      ASSERT_EQ(b.gaps[k].numbers.size(), a.gaps[k].numbers.size()) << "gap " << k + 1;
      for (size_t i = 0; i < a.gaps[k].numbers.size(); ++i) {
        EXPECT_EQ(b.gaps[k].numbers[i].value, a.gaps[k].numbers[i].value);
        EXPECT_EQ(b.gaps[k].numbers[i].tolerance, a.gaps[k].numbers[i].tolerance);
      }
    }
    for (const std::string& answer : Tries(a)) {
      const boost::json::value v = boost::json::parse(answer);
      if (!exam::ValidateAnswer(a, v).ok()) continue;
      EXPECT_NEAR(exam::GradeAnswer(b, v).value_or(-1), exam::GradeAnswer(a, v).value_or(-1), 1e-9)
          << answer;
    }
  }
  // What QTI says otherwise is listed, in the package too.
  std::string notes;
  for (const auto& n : exported.notes) notes += n + "\n";
  EXPECT_NE(notes.find("question tf: true/false is a choice"), std::string::npos) << notes;
  EXPECT_NE(notes.find("question sodium: Pupitre also ignores extra spaces"), std::string::npos);
  EXPECT_NE(notes.find("question sodium: its feedback for each answer is not in the package"),
            std::string::npos)
      << notes;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(exported.zip.data(), exported.zip.size(), 0, &error);
  zip_t* zip = zip_open_from_source(src, ZIP_RDONLY, &error);
  ASSERT_NE(zip, nullptr);
  EXPECT_GE(zip_name_locate(zip, "pupitre-notes.txt", 0), 0);
  EXPECT_GE(zip_name_locate(zip, "items/q2-ocean.xml", 0), 0);
  zip_discard(zip);
  zip_error_fini(&error);
}

// A question's pictures go into the package as files under images/ (one file however many
// questions show it) and read back in their places with their alt text; one that cannot be
// read is left out, and said.
TEST(QtiExportTest, PicturesTravelInThePackage) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
  const std::string gif = "GIF89a and more";
  const auto image = [](char blob, const char* type, const char* alt) {
    exam::QuestionImage i;
    i.blob = std::string(64, blob);
    i.content_type = type;
    i.alt = alt;
    i.size = 10;
    return i;
  };
  exam::ExamSpec spec;
  spec.id = "pictures";
  spec.title = "Pictures";
  exam::Question flag;
  flag.id = "flag";
  flag.type = exam::QuestionType::kTrueFalse;
  flag.text = "Japan's flag? \xEF\xBF\xBC\nOr \xEF\xBF\xBC\xEF\xBF\xBC, above.";
  flag.images = {image('a', "image/png", "A red dot"), image('b', "image/gif", "A cat"),
                 image('c', "image/png", "Gone")};
  flag.correct_bool = true;
  exam::Question again;
  again.id = "again";
  again.type = exam::QuestionType::kEssay;
  again.text = "\xEF\xBF\xBC\nDescribe it.";
  again.images = {image('a', "image/png", "The dot again")};
  exam::Question pick;  // pictures in its choices, after its text's
  pick.id = "pick";
  pick.type = exam::QuestionType::kSingle;
  pick.text = "Which one? \xEF\xBF\xBC";
  pick.options = {"\xEF\xBF\xBC", "A cat: \xEF\xBF\xBC", "Neither"};
  pick.images = {image('a', "image/png", "The dot"), image('a', "image/png", "A red dot"),
                 image('b', "image/gif", "A cat")};
  pick.correct_options = {1};
  spec.questions = {flag, again, pick};
  int reads = 0;
  const QtiImageReader read = [&](const exam::QuestionImage& i) -> Result<std::string> {
    ++reads;
    if (i.blob[0] == 'c') return Error::NotFound("no such blob");
    return i.content_type == "image/png" ? png : gif;
  };
  const QtiExport exported = ExportQtiPackage(spec, read);
  EXPECT_EQ(reads, 3) << "each picture read once";
  std::string notes;
  for (const auto& n : exported.notes) notes += n + "\n";
  EXPECT_NE(notes.find("question flag: picture \"Gone\" is left out: no such blob"), std::string::npos)
      << notes;
  auto back = ReadQtiPackage(exported.zip);
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const auto& p : back->made.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(back->made.questions.size(), 3u);
  const exam::Question& b = back->made.questions[0];
  EXPECT_EQ(b.text, "Japan's flag? \xEF\xBF\xBC\nOr \xEF\xBF\xBC, above.") << "the one left out has no mark";
  ASSERT_EQ(b.images.size(), 2u);
  EXPECT_EQ(b.images[0].bytes, png);
  EXPECT_EQ(b.images[0].alt, "A red dot");
  EXPECT_EQ(b.images[1].bytes, gif);
  EXPECT_EQ(b.images[1].content_type, "image/gif");
  const exam::Question& c = back->made.questions[1];
  EXPECT_EQ(c.text, "\xEF\xBF\xBC\nDescribe it.");
  ASSERT_EQ(c.images.size(), 1u);
  EXPECT_EQ(c.images[0].bytes, png);
  EXPECT_EQ(c.images[0].alt, "The dot again");
  const exam::Question& d = back->made.questions[2];
  EXPECT_EQ(d.text, pick.text);
  EXPECT_EQ(d.options, pick.options);
  ASSERT_EQ(d.images.size(), 3u);
  EXPECT_EQ(d.images[1].alt, "A red dot");
  EXPECT_EQ(d.images[1].bytes, png);
  EXPECT_EQ(d.images[2].alt, "A cat");
  EXPECT_EQ(d.images[2].bytes, gif);
  EXPECT_EQ(d.correct_options, pick.correct_options);
  // Without a reader (no blob store), every picture is left out and said.
  const QtiExport bare = ExportQtiPackage(spec);
  EXPECT_EQ(std::count_if(bare.notes.begin(), bare.notes.end(),
                          [](const std::string& n) { return n.find("is left out") != std::string::npos; }),
            7);
  // A choice whose picture is left out keeps its words: it reads back, not as an empty choice.
  auto bare_back = ReadQtiPackage(bare.zip);
  ASSERT_TRUE(bare_back.ok()) << bare_back.error().message;
  for (const auto& p : bare_back->made.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(bare_back->made.questions.size(), 3u);
  EXPECT_EQ(bare_back->made.questions[2].options,
            (std::vector<std::string>{"[A red dot]", "A cat: [A cat]", "Neither"}));
}

TEST(QtiExportTest, ADrawIsASectionSelectingItsPickAndReadsBackAsOne) {
  auto spec = ParseExamToml(kExam);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  // The first two true/false-free questions of equal points form a draw of 1.
  std::vector<size_t> members;
  for (size_t i = 0; i < spec->questions.size() && members.size() < 2; ++i) {
    if (spec->questions[i].points == 1 && spec->questions[i].type != exam::QuestionType::kTrueFalse) {
      members.push_back(i);
    }
  }
  ASSERT_EQ(members.size(), 2u);
  for (size_t i : members) spec->questions[i].group = "pool";
  spec->groups = {{"pool", 1, 0, ""}};
  ASSERT_EQ(exam::GroupProblem(*spec), "");
  auto back = ReadQtiPackage(ExportQtiPackage(*spec).zip);
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const auto& p : back->made.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(back->made.groups.size(), 1u);
  EXPECT_EQ(back->made.groups[0].pick, 1);
  int in_group = 0;
  for (const auto& q : back->made.questions) in_group += q.group == back->made.groups[0].id ? 1 : 0;
  EXPECT_EQ(in_group, 2);
  EXPECT_EQ(back->made.questions.size(), spec->questions.size());
}

// QTI compares typed answers as written: a pattern (Moodle's "*" any text) is written as its
// words, said; an escaped star is a star.
TEST(QtiExportTest, PatternsAreWrittenAsTheirWordsAndSaid) {
  auto spec = ParseExamToml(R"toml(
[exam]
id = "patterns"
title = "Patterns"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 45

[[question]]
id = "city"
type = "short"
text = "Which city?"
wildcards = true
answer = ["*Paris*", '2\*3', "Lyon"]

[[question]]
id = "legend"
type = "gaps"
text = "She rode her [[1]]."
gaps = [{ answer = ["*horse*", 'a\*b'], wildcards = true }]

[[question]]
id = "author"
type = "short"
text = "Who wrote Hamlet?"
wildcards = true
answer = "*Shakespeare*"
)toml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const QtiExport exported = ExportQtiPackage(*spec);
  std::string notes;
  for (const auto& n : exported.notes) notes += n + "\n";
  EXPECT_NE(notes.find(R"(question city: the pattern "*paris*" (a * stands for any text) is written "paris", which QTI compares as written)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find(R"(question legend: gap 1's pattern "*horse*" (a * stands for any text) is written "horse")"),
            std::string::npos)
      << notes;
  auto back = ReadQtiPackage(exported.zip);
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const auto& p : back->made.problems) ADD_FAILURE() << p.message;
  ASSERT_EQ(back->made.questions.size(), 3u);
  EXPECT_EQ(back->made.questions[0].accepted, (std::vector<std::string>{"paris", "2*3", "lyon"}));
  EXPECT_FALSE(back->made.questions[0].wildcards);
  EXPECT_EQ(exam::GradeAnswer(back->made.questions[0], boost::json::parse(R"("2*3")")), 1);
  ASSERT_EQ(back->made.questions[1].gaps.size(), 1u);
  EXPECT_EQ(back->made.questions[1].gaps[0].accepted, (std::vector<std::string>{"horse", "a*b"}));
  // A question whose only answer is a pattern still has one: its words.
  EXPECT_EQ(exam::GradeAnswer(back->made.questions[2], boost::json::parse(R"("Shakespeare")")), 1);
}

}  // namespace
}  // namespace pupitre::importers
