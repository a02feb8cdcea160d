// The GIFT parser against Moodle's own fixtures and the results Moodle's tests expect of them
// (tests/fixtures/moodle-gift/README.md), then what becomes an exam question and what is reported.
#include "import/gift/gift.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace pupitre::importers {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(PUPITRE_FIXTURES) + "/moodle-gift/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const GiftQuestion* Titled(const GiftFile& f, const std::string& title) {
  for (const auto& q : f.questions) {
    if (q.title == title) return &q;
  }
  return nullptr;
}

TEST(GiftTest, MoodlesFixtureGivesTheNineQuestionsMoodleImports) {
  const GiftFile f = ParseGift(Fixture("questions.gift.txt"));
  EXPECT_TRUE(f.problems.empty()) << f.problems[0].line << ": " << f.problems[0].message;
  ASSERT_EQ(f.questions.size(), 9u) << "Moodle: \"Importing 9 questions from file\"";

  const GiftQuestion* essay = Titled(f, "Q8");
  ASSERT_NE(essay, nullptr);
  EXPECT_EQ(essay->kind, GiftKind::kEssay);
  EXPECT_EQ(essay->text, "How are you?");
  EXPECT_EQ(essay->line, 2);

  const GiftQuestion* match = Titled(f, "Moodle activities");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->kind, GiftKind::kMatching);
  EXPECT_EQ(match->format, "html");
  EXPECT_EQ(match->text, "Match the <b>activity</b> to the description.");
  ASSERT_EQ(match->answers.size(), 5u);
  EXPECT_EQ(match->answers[0].text, "An activity supporting asynchronous discussions.");
  EXPECT_EQ(match->answers[0].match, "Forum");
  EXPECT_EQ(match->answers[3].text, "A collection of web pages that anyone can add to or edit.");
  EXPECT_EQ(match->answers[4].text, "") << "an extra answer with no question";
  EXPECT_EQ(match->answers[4].match, "Chat");

  const GiftQuestion* single = Titled(f, "Q2");
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->kind, GiftKind::kMultipleChoice);
  EXPECT_EQ(single->text, "What's between orange and green in the spectrum?");
  ASSERT_EQ(single->answers.size(), 3u);
  EXPECT_EQ(single->answers[0].text, "yellow");
  EXPECT_EQ(single->answers[0].fraction, 1);
  EXPECT_EQ(single->answers[0].feedback, "right; good!");
  EXPECT_EQ(single->answers[1].feedback, "wrong, it's yellow") << "its [html] is read off";
  EXPECT_EQ(single->answers[2].text, "blue") << "its [plain] is read off";
  EXPECT_EQ(single->answers[2].fraction, 0);

  const GiftQuestion* multi = Titled(f, "colours");
  ASSERT_NE(multi, nullptr);
  ASSERT_EQ(multi->answers.size(), 4u);
  const double fractions[] = {0.5, -1, 0.5, -1};
  for (size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(multi->answers[i].fraction, fractions[i]) << i;
  EXPECT_EQ(multi->answers[2].text, "off-beige");

  const GiftQuestion* numeric = Titled(f, "Q5");
  ASSERT_NE(numeric, nullptr);
  EXPECT_EQ(numeric->kind, GiftKind::kNumerical);
  ASSERT_EQ(numeric->answers.size(), 2u);
  EXPECT_EQ(numeric->answers[0].number, 3);
  EXPECT_EQ(numeric->answers[0].tolerance, 2);
  EXPECT_EQ(numeric->answers[0].fraction, 1);
  EXPECT_EQ(numeric->answers[1].text, "*") << "any other answer";
  EXPECT_EQ(numeric->answers[1].fraction, 0);
  EXPECT_EQ(numeric->answers[1].feedback, "Completely wrong");

  const GiftQuestion* shortanswer = Titled(f, "Shortanswer");
  ASSERT_NE(shortanswer, nullptr);
  EXPECT_EQ(shortanswer->kind, GiftKind::kShortAnswer);
  ASSERT_EQ(shortanswer->answers.size(), 3u);
  EXPECT_EQ(shortanswer->answers[1].text, "Cat");
  EXPECT_DOUBLE_EQ(shortanswer->answers[1].fraction, 0.5);
  EXPECT_EQ(shortanswer->answers[1].feedback, "What is it with Moodlers and cats?");
  EXPECT_EQ(shortanswer->answers[2].text, "*");
  EXPECT_EQ(shortanswer->answers[2].fraction, 0);

  // Moodle: correctanswer 0, feedbacktrue (to who answers true: wrong) "42 is the Ultimate
  // Answer.", feedbackfalse "You gave the right answer.".
  const GiftQuestion* tf = Titled(f, "Q1");
  ASSERT_NE(tf, nullptr);
  EXPECT_EQ(tf->kind, GiftKind::kTrueFalse);
  EXPECT_FALSE(tf->truth);
  EXPECT_EQ(tf->wrong_feedback, "42 is the Ultimate Answer.");
  EXPECT_EQ(tf->right_feedback, "You gave the right answer.");
  EXPECT_EQ(tf->general_feedback,
            "This is, of course, a Hitchiker's Guide to the Galaxy reference.");
  int tsl = 0;
  for (const auto& q : f.questions) {
    if (q.title == "2-08 TSL") {
      ++tsl;
      EXPECT_TRUE(q.truth);
      EXPECT_EQ(q.kind, GiftKind::kTrueFalse);
    }
  }
  EXPECT_EQ(tsl, 2) << "{T} and {TRUE}";
}

TEST(GiftTest, MoodlesExamplesParseWholeWithEscapesMissingWordsAndRanges) {
  const GiftFile f = ParseGift(Fixture("examples.txt"));
  EXPECT_TRUE(f.problems.empty()) << f.problems[0].line << ": " << f.problems[0].message;
  ASSERT_EQ(f.questions.size(), 43u);  // its 43 blocks, each a question
  // "Grant is {~buried =entombed ~living} in Grant's tomb." is a missing word.
  const GiftQuestion& blank = f.questions[1];
  EXPECT_TRUE(blank.missing_word);
  EXPECT_EQ(blank.text, "Grant is _____ in Grant's tomb.");
  EXPECT_EQ(blank.answers[1].text, "entombed");
  // {#3.141..3.142}: a range is its middle and half its width.
  int ranges = 0;
  for (const auto& q : f.questions) {
    if (q.kind == GiftKind::kNumerical && q.answers.size() == 1 &&
        q.answers[0].tolerance > 0.0004 && q.answers[0].tolerance < 0.0006 &&
        q.answers[0].number > 3.1414 && q.answers[0].number < 3.1416) {
      ++ranges;
    }
  }
  EXPECT_EQ(ranges, 2) << "{#3.1415:0.0005} and {#3.141..3.142}";
  // Escaped control characters are text.
  const GiftQuestion* control = Titled(f, "GIFT Control Characters");
  ASSERT_NE(control, nullptr);
  ASSERT_EQ(control->answers.size(), 6u);
  const char* texts[] = {"~", "=", "#", "{", "}", "\\"};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(control->answers[i].text, texts[i]) << i;
  EXPECT_EQ(control->answers[5].fraction, 1);
  EXPECT_EQ(control->answers[0].feedback, "~ is a control character.");
  // A text format named first.
  int markdown = 0;
  for (const auto& q : f.questions) markdown += q.format == "markdown" ? 1 : 0;
  EXPECT_EQ(markdown, 1);
  // Lines of a question's text are kept together; the title is read off.
  const GiftQuestion* kanji = Titled(f, "Kanji Origins");
  ASSERT_NE(kanji, nullptr);
  EXPECT_EQ(kanji->text, "Japanese characters originally\ncame from what country?");
}

TEST(GiftTest, WhatIsNotGiftIsReportedWithItsLine) {
  const GiftFile f = ParseGift(
      "::Open:: Is this closed? {=yes\n\n"        // line 1: never closed
      "Two lists {=a} and {=b}\n\n"               // line 3
      "::Untitled\n\n"                            // line 5: title never closed
      "Pick {~%200%a ~b}\n\n"                     // line 7: a weight past 100
      "How much? {#twelve}\n\n"                   // line 9
      "Fine? {T}\n");
  ASSERT_EQ(f.problems.size(), 5u);
  const int lines[] = {1, 3, 5, 7, 9};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(f.problems[i].line, lines[i]) << f.problems[i].message;
  EXPECT_NE(f.problems[4].message.find("twelve"), std::string::npos);
  ASSERT_EQ(f.questions.size(), 1u) << "the good question is kept";
  EXPECT_EQ(f.questions[0].line, 11);
}

TEST(GiftTest, CategoriesApplyToWhatFollows) {
  const GiftFile f = ParseGift("$CATEGORY: $course$/Maths/Algebra\n\n2+2? {#4}\n\n"
                               "$CATEGORY: Physics\nc? {=light speed}\n");
  ASSERT_EQ(f.questions.size(), 2u);
  EXPECT_EQ(f.questions[0].category, "$course$/Maths/Algebra");
  EXPECT_EQ(f.questions[1].category, "Physics");
  EXPECT_EQ(f.questions[1].line, 6);
}

TEST(GiftTest, ExamQuestionsAreMadeWhereTheModelGradesTheSameAndTheRestIsReported) {
  const GiftQuestions made = ToExamQuestions(ParseGift(Fixture("questions.gift.txt")));
  // Essay, single choice, the two {T}/{TRUE}: imported. Matching, partial credit weights that
  // grade otherwise, the numerical and short answer with a * answer, true/false with feedback
  // per answer: reported.
  ASSERT_EQ(made.questions.size(), 4u);
  EXPECT_EQ(made.questions[0].id, "Q8");
  EXPECT_EQ(made.questions[0].type, exam::QuestionType::kEssay);
  EXPECT_EQ(made.questions[1].id, "Q2");
  EXPECT_EQ(made.questions[1].type, exam::QuestionType::kSingle);
  EXPECT_EQ(made.questions[1].correct_options, std::vector<int>{0});
  ASSERT_EQ(made.questions[1].option_feedback.size(), 3u);
  EXPECT_EQ(made.questions[2].id, "2-08-TSL");
  EXPECT_EQ(made.questions[3].id, "2-08-TSL-2") << "ids are unique";
  EXPECT_TRUE(made.questions[3].correct_bool);
  ASSERT_EQ(made.problems.size(), 5u);
  for (const auto& p : made.problems) EXPECT_NE(p.message.find("not imported"), std::string::npos);

  const GiftQuestions more = ToExamQuestions(ParseGift(
      "Pick two {~%50%a ~%50%b ~%-50%c ~%-50%d}\n\n"
      "Range? {#3.141..3.142}\n\n"
      "Say hi {=hello =Hi  there}\n\n"
      "Just a text.\n"));
  ASSERT_EQ(more.questions.size(), 3u);
  EXPECT_EQ(more.questions[0].type, exam::QuestionType::kMultiple)
      << "right answers sharing the credit, wrong ones taking a share: graded the same";
  EXPECT_EQ(more.questions[0].correct_options, (std::vector<int>{0, 1}));
  EXPECT_DOUBLE_EQ(more.questions[1].numeric_answer, 3.1415);
  EXPECT_NEAR(more.questions[1].numeric_tolerance, 0.0005, 1e-12);
  EXPECT_EQ(more.questions[2].accepted, (std::vector<std::string>{"hello", "hi there"}));
  EXPECT_EQ(more.questions[2].id, "q3");
  ASSERT_EQ(more.problems.size(), 1u);
  EXPECT_EQ(more.problems[0].line, 7) << "a description";
}

}  // namespace
}  // namespace pupitre::importers
