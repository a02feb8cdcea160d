// The canonical form the store keeps: every field of the model comes back as it went in.
#include "exam/exam_json.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "import/toml/exam_toml.h"

namespace pupitre::exam {
namespace {

// One question of every type, waves by login and by letters, shuffling on.
constexpr const char* kExam = R"toml(
[exam]
id = "every-kind"
title = "Every kind of question: \"quoted\", é, 日本"
course = "c-1"
opens = 2026-11-23T08:00:00.250Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 45
shuffle_questions = true
shuffle_options = true
one_per_page = true

[[wave]]
name = "early"
offset_minutes = 0
students = ["ada", "bob"]

[[wave]]
name = "late"
offset_minutes = 30
letters = "M-Z"

[[question]]
id = "single"
type = "single"
text = "Pick B"
points = 1.5
options = ["A", "B", "C"]
answer = 1

[[question]]
id = "multi"
type = "multiple"
text = "Pick A and C"
options = ["A", "B", "C", "D"]
answer = [0, 2]
all_or_nothing = true
shuffle_options = false
numbering = "iii"

[[question]]
id = "tf"
type = "truefalse"
text = "True?"
answer = true

[[question]]
id = "num"
type = "numeric"
text = "Pi?"
answer = 3.14159
tolerance = 0.001

[[question]]
id = "short"
type = "short"
text = "Capital of France?"
answer = ["Paris", "paris "]

[[question]]
id = "short-case"
type = "short"
text = "Chemical symbol of sodium?"
case_sensitive = true
wildcards = true
answer = ["Na"]

[[question]]
id = "essay"
type = "essay"
text = "Explain."
points = 4

[[question]]
id = "match"
type = "matching"
text = "Capitals"
pairs = [["France", "Paris"], ["Italy", "Rome"]]
distractors = ["Lisbon"]

[[question]]
id = "order"
type = "ordering"
text = "Oldest first"
options = ["Rome", "Paris", "Lisbon"]
all_or_nothing = true

[[question]]
id = "legend"
type = "gaps"
text = "The bandit killed her [[1]] and burned her [[2]]."
points = 3
gaps = [{ choices = ["horse", "family", "castle"], answer = "family" },
        { answer = ["castle", "*manor*"], credit = [1, 0.25], case_sensitive = true, wildcards = true, weight = 2 }]
)toml";

ExamSpec Imported() {
  auto r = importers::ParseExamToml(kExam);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ExamSpec{};
}

TEST(ExamJsonTest, EveryFieldComesBackAsItWentIn) {
  const ExamSpec a = Imported();
  ASSERT_EQ(a.questions.size(), 10u);
  auto back = FromCanonicalJson(ToCanonicalJson(a));
  ASSERT_TRUE(back.ok()) << back.error().message;
  const ExamSpec& b = *back;
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.title, a.title);
  EXPECT_EQ(b.course_id, a.course_id);
  EXPECT_EQ(b.opens_ms, a.opens_ms);
  EXPECT_EQ(b.closes_ms, a.closes_ms);
  EXPECT_EQ(b.duration_ms, a.duration_ms);
  EXPECT_EQ(b.shuffle_questions, a.shuffle_questions);
  EXPECT_EQ(b.shuffle_options, a.shuffle_options);
  EXPECT_EQ(b.one_per_page, a.one_per_page);
  EXPECT_EQ(b.auto_waves, a.auto_waves);
  EXPECT_EQ(b.auto_wave_interval_ms, a.auto_wave_interval_ms);
  ASSERT_EQ(b.questions.size(), a.questions.size());
  for (size_t i = 0; i < a.questions.size(); ++i) {
    const Question& x = a.questions[i];
    const Question& y = b.questions[i];
    SCOPED_TRACE("question " + x.id);
    EXPECT_EQ(y.id, x.id);
    EXPECT_EQ(y.type, x.type);
    EXPECT_EQ(y.text, x.text);
    EXPECT_EQ(y.points, x.points);
    EXPECT_EQ(y.options, x.options);
    EXPECT_EQ(y.correct_options, x.correct_options);
    EXPECT_EQ(y.correct_bool, x.correct_bool);
    EXPECT_EQ(y.numeric_answer, x.numeric_answer) << "a double must survive exactly";
    EXPECT_EQ(y.numeric_tolerance, x.numeric_tolerance);
    EXPECT_EQ(y.accepted, x.accepted);
    EXPECT_EQ(y.case_sensitive, x.case_sensitive);
    EXPECT_EQ(y.wildcards, x.wildcards);
    EXPECT_EQ(y.fixed_options, x.fixed_options);
    EXPECT_EQ(y.numbering, x.numbering);
    EXPECT_EQ(y.all_or_nothing, x.all_or_nothing);
    EXPECT_EQ(y.match_choices, x.match_choices);
    EXPECT_EQ(y.match_key, x.match_key);
    EXPECT_EQ(y.order_key, x.order_key);
    ASSERT_EQ(y.gaps.size(), x.gaps.size());
    for (size_t k = 0; k < x.gaps.size(); ++k) {
      EXPECT_EQ(y.gaps[k].choices, x.gaps[k].choices);
      EXPECT_EQ(y.gaps[k].accepted, x.gaps[k].accepted);
      EXPECT_EQ(y.gaps[k].credit, x.gaps[k].credit);
      EXPECT_EQ(y.gaps[k].case_sensitive, x.gaps[k].case_sensitive);
      EXPECT_EQ(y.gaps[k].wildcards, x.gaps[k].wildcards);
      EXPECT_EQ(y.gaps[k].weight, x.gaps[k].weight);
    }
    EXPECT_EQ(y.line, x.line);
  }
  ASSERT_EQ(b.waves.size(), 2u);
  for (size_t i = 0; i < a.waves.size(); ++i) {
    EXPECT_EQ(b.waves[i].name, a.waves[i].name);
    EXPECT_EQ(b.waves[i].offset_ms, a.waves[i].offset_ms);
    EXPECT_EQ(b.waves[i].logins, a.waves[i].logins);
    EXPECT_EQ(b.waves[i].first_letter, a.waves[i].first_letter);
    EXPECT_EQ(b.waves[i].last_letter, a.waves[i].last_letter);
  }
  EXPECT_EQ(b.waves[1].first_letter, 'M');
  EXPECT_EQ(b.questions[7].match_key, (std::vector<int>{1, 2}));
  ASSERT_EQ(b.questions[8].order_key.size(), 3u);
  EXPECT_EQ(b.questions[8].options[static_cast<size_t>(b.questions[8].order_key[0])], "Rome");
  EXPECT_TRUE(b.questions[8].all_or_nothing);
  EXPECT_TRUE(b.questions[5].case_sensitive);
  EXPECT_TRUE(b.questions[5].wildcards);
  EXPECT_EQ(b.questions[1].fixed_options, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(b.questions[1].numbering, OptionNumbering::kLowerRoman);
  EXPECT_TRUE(b.questions[0].fixed_options.empty());
  EXPECT_FALSE(b.questions[4].wildcards);
  EXPECT_TRUE(b.questions[9].gaps[1].wildcards);
  EXPECT_FALSE(b.questions[9].gaps[0].wildcards);
  // The menu sorted (its order tells nothing), the right choice still the right one.
  EXPECT_EQ(b.questions[9].gaps[0].choices, (std::vector<std::string>{"castle", "family", "horse"}));
  EXPECT_EQ(b.questions[9].gaps[0].credit, (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(b.questions[9].gaps[1].weight, 2);
  EXPECT_TRUE(b.questions[1].all_or_nothing);
  EXPECT_EQ(b.questions[5].accepted, std::vector<std::string>{"Na"});
  // The same model, the same text: the paper rendered from it is the same too.
  EXPECT_EQ(ToCanonicalJson(b), ToCanonicalJson(a));
  EXPECT_EQ(RenderPaperJson(b), RenderPaperJson(a));
}

TEST(ExamJsonTest, NumbersSurviveToTheLastBit) {
  ExamSpec a = Imported();
  for (const double d : {0.1 + 0.2, 1.0 / 3.0, 5e-324, 1.7976931348623157e308, 123456789.123456789,
                         -0.0, 2.2250738585072014e-308}) {
    a.questions[3].numeric_answer = d;
    a.questions[3].numeric_tolerance = d / 7;
    a.questions[0].points = d;
    auto b = FromCanonicalJson(ToCanonicalJson(a));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(std::memcmp(&b->questions[3].numeric_answer, &d, sizeof d), 0) << d;
    EXPECT_EQ(b->questions[3].numeric_tolerance, d / 7) << d;
    EXPECT_EQ(b->questions[0].points, d) << d;
  }
}

// Stored before choices had pictures, an option could hold U+FFFC as written (pasted text):
// such a question still loads, the character made U+FFFD; so does an item to match or order.
// A choice's own pictures (more images than the text marks) are kept.
TEST(ExamJsonTest, AMarkInAnOptionStoredBeforeChoicePicturesIsNoPicture) {
  const std::string mark = std::string(kImageMark);
  Question pick;
  pick.id = "pick";
  pick.type = QuestionType::kSingle;
  pick.text = "Which?";
  pick.options = {"a" + mark, "b"};
  pick.correct_options = {1};
  auto back = FromCanonicalQuestion(ToCanonicalQuestion(pick));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->options[0], "a\xEF\xBF\xBD");
  EXPECT_EQ(ImagesProblem(*back), "");

  Question steps;
  steps.id = "steps";
  steps.type = QuestionType::kOrdering;
  steps.text = "Order";
  SetOrderingItems(steps, {"first" + mark, "second"});
  back = FromCanonicalQuestion(ToCanonicalQuestion(steps));
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const std::string& item : back->options) EXPECT_EQ(CountImageMarks(item), 0u) << item;
  EXPECT_EQ(ImagesProblem(steps), "its text and choices place 1 image(s) and it has 0");

  Question shown = pick;
  QuestionImage image;
  image.blob = std::string(64, 'c');
  image.content_type = "image/png";
  image.alt = "A";
  image.size = 10;
  shown.images = {image};
  back = FromCanonicalQuestion(ToCanonicalQuestion(shown));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->options[0], "a" + mark) << "a choice's picture stays";
  ASSERT_EQ(back->images.size(), 1u);
}

TEST(ExamJsonTest, AnythingElseIsRefusedWithAReason) {
  const std::string good = ToCanonicalJson(Imported());
  for (const std::string& bad :
       {std::string("not json"), std::string("[1,2]"), std::string("{}"),
        std::string(R"({"v":2})"),
        // A question's type this program does not know.
        [&] {
          std::string t = good;
          t.replace(t.find("\"truefalse\""), 11, "\"dice\"");
          return t;
        }(),
        // A number where a string belongs.
        [&] {
          std::string t = good;
          t.replace(t.find("\"title\":\""), 9, "\"title\":7,\"x\":\"");
          return t;
        }()}) {
    auto r = FromCanonicalJson(bad);
    ASSERT_FALSE(r.ok()) << "accepted: " << bad.substr(0, 80);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
    EXPECT_FALSE(r.error().message.empty());
  }
}

}  // namespace
}  // namespace pupitre::exam
