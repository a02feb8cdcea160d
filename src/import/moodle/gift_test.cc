// The GIFT parser against Moodle's own fixtures and the results Moodle's tests expect of them
// (tests/fixtures/moodle-gift/README.md), then what becomes an exam question and what is reported.
#include "import/moodle/gift.h"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include "testkit/fixtures.h"


#include "exam/exam_json.h"

namespace pupitre::importers {
namespace {

std::string Fixture(const std::string& name) { return testkit::ReadFixture("moodle-gift/" + name); }

const MoodleQuestion* Titled(const QuestionBank& f, const std::string& title) {
  for (const auto& q : f.questions) {
    if (q.title == title) return &q;
  }
  return nullptr;
}

TEST(GiftTest, MoodlesFixtureGivesTheNineQuestionsMoodleImports) {
  const QuestionBank f = ParseGift(Fixture("questions.gift.txt"));
  EXPECT_TRUE(f.problems.empty()) << f.problems[0].line << ": " << f.problems[0].message;
  ASSERT_EQ(f.questions.size(), 9u) << "Moodle: \"Importing 9 questions from file\"";

  const MoodleQuestion* essay = Titled(f, "Q8");
  ASSERT_NE(essay, nullptr);
  EXPECT_EQ(essay->kind, MoodleKind::kEssay);
  EXPECT_EQ(essay->text, "How are you?");
  EXPECT_EQ(essay->line, 2);

  const MoodleQuestion* match = Titled(f, "Moodle activities");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->kind, MoodleKind::kMatching);
  EXPECT_EQ(match->format, "html");
  EXPECT_EQ(match->text, "Match the <b>activity</b> to the description.");
  ASSERT_EQ(match->answers.size(), 5u);
  EXPECT_EQ(match->answers[0].text, "An activity supporting asynchronous discussions.");
  EXPECT_EQ(match->answers[0].match, "Forum");
  EXPECT_EQ(match->answers[3].text, "A collection of web pages that anyone can add to or edit.");
  EXPECT_EQ(match->answers[4].text, "") << "an extra answer with no question";
  EXPECT_EQ(match->answers[4].match, "Chat");

  const MoodleQuestion* single = Titled(f, "Q2");
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->kind, MoodleKind::kMultipleChoice);
  EXPECT_EQ(single->text, "What's between orange and green in the spectrum?");
  ASSERT_EQ(single->answers.size(), 3u);
  EXPECT_EQ(single->answers[0].text, "yellow");
  EXPECT_EQ(single->answers[0].fraction, 1);
  EXPECT_EQ(single->answers[0].feedback, "right; good!");
  EXPECT_EQ(single->answers[1].feedback, "wrong, it's yellow") << "its [html] is read off";
  EXPECT_EQ(single->answers[2].text, "blue") << "its [plain] is read off";
  EXPECT_EQ(single->answers[2].fraction, 0);

  const MoodleQuestion* multi = Titled(f, "colours");
  ASSERT_NE(multi, nullptr);
  ASSERT_EQ(multi->answers.size(), 4u);
  const double fractions[] = {0.5, -1, 0.5, -1};
  for (size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(multi->answers[i].fraction, fractions[i]) << i;
  EXPECT_EQ(multi->answers[2].text, "off-beige");

  const MoodleQuestion* numeric = Titled(f, "Q5");
  ASSERT_NE(numeric, nullptr);
  EXPECT_EQ(numeric->kind, MoodleKind::kNumerical);
  ASSERT_EQ(numeric->answers.size(), 2u);
  EXPECT_EQ(numeric->answers[0].number, 3);
  EXPECT_EQ(numeric->answers[0].tolerance, 2);
  EXPECT_EQ(numeric->answers[0].fraction, 1);
  EXPECT_EQ(numeric->answers[1].text, "*") << "any other answer";
  EXPECT_EQ(numeric->answers[1].fraction, 0);
  EXPECT_EQ(numeric->answers[1].feedback, "Completely wrong");

  const MoodleQuestion* shortanswer = Titled(f, "Shortanswer");
  ASSERT_NE(shortanswer, nullptr);
  EXPECT_EQ(shortanswer->kind, MoodleKind::kShortAnswer);
  ASSERT_EQ(shortanswer->answers.size(), 3u);
  EXPECT_EQ(shortanswer->answers[1].text, "Cat");
  EXPECT_DOUBLE_EQ(shortanswer->answers[1].fraction, 0.5);
  EXPECT_EQ(shortanswer->answers[1].feedback, "What is it with Moodlers and cats?");
  EXPECT_EQ(shortanswer->answers[2].text, "*");
  EXPECT_EQ(shortanswer->answers[2].fraction, 0);

  // Moodle: correctanswer 0, feedbacktrue (to who answers true: wrong) "42 is the Ultimate
  // Answer.", feedbackfalse "You gave the right answer.".
  const MoodleQuestion* tf = Titled(f, "Q1");
  ASSERT_NE(tf, nullptr);
  EXPECT_EQ(tf->kind, MoodleKind::kTrueFalse);
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
      EXPECT_EQ(q.kind, MoodleKind::kTrueFalse);
    }
  }
  EXPECT_EQ(tsl, 2) << "{T} and {TRUE}";
}

TEST(GiftTest, MoodlesExamplesParseWholeWithEscapesMissingWordsAndRanges) {
  const QuestionBank f = ParseGift(Fixture("examples.txt"));
  EXPECT_TRUE(f.problems.empty()) << f.problems[0].line << ": " << f.problems[0].message;
  ASSERT_EQ(f.questions.size(), 43u);  // its 43 blocks, each a question
  // "Grant is {~buried =entombed ~living} in Grant's tomb." is a missing word.
  const MoodleQuestion& blank = f.questions[1];
  EXPECT_TRUE(blank.missing_word);
  EXPECT_EQ(blank.text, "Grant is _____ in Grant's tomb.");
  EXPECT_EQ(blank.answers[1].text, "entombed");
  // {#3.141..3.142}: a range is its middle and half its width.
  int ranges = 0;
  for (const auto& q : f.questions) {
    if (q.kind == MoodleKind::kNumerical && q.answers.size() == 1 &&
        q.answers[0].tolerance > 0.0004 && q.answers[0].tolerance < 0.0006 &&
        q.answers[0].number > 3.1414 && q.answers[0].number < 3.1416) {
      ++ranges;
    }
  }
  EXPECT_EQ(ranges, 2) << "{#3.1415:0.0005} and {#3.141..3.142}";
  // Escaped control characters are text.
  const MoodleQuestion* control = Titled(f, "GIFT Control Characters");
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
  const MoodleQuestion* kanji = Titled(f, "Kanji Origins");
  ASSERT_NE(kanji, nullptr);
  EXPECT_EQ(kanji->text, "Japanese characters originally\ncame from what country?");
}

TEST(GiftTest, WhatIsNotGiftIsReportedWithItsLine) {
  const QuestionBank f = ParseGift(
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

// U+FFFC marks where a question's image stands: one written in a file (or by an entity) is
// made U+FFFD, never taken for an image (found by the fuzzer).
TEST(GiftTest, AnImageMarkInTheTextIsNotAnImage) {
  const ExamQuestions made = ToExamQuestions(
      ParseGift("Odd \xEF\xBF\xBC here? {T}\n\n[html]And &#xFFFC; there? {F}\n"));
  ASSERT_EQ(made.questions.size(), 2u);
  EXPECT_EQ(made.questions[0].text, "Odd \xEF\xBF\xBD here?");
  EXPECT_EQ(made.questions[1].text, "And \xEF\xBF\xBD there?");
  for (const auto& q : made.questions) EXPECT_EQ(exam::ImagesProblem(q), "");
}

// GIFT's [html] texts may hold MathML: written as linear text, with a note.
TEST(GiftTest, MathematicsInHtmlIsWrittenAsLinearText) {
  const ExamQuestions made = ToExamQuestions(ParseGift(
      "::Half::[html]<math><mfrac><mn>1</mn><mn>2</mn></mfrac></math> of 10? {=5 ~2 ~<math><msqrt><mn>10</mn></msqrt></math>}\n"));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  EXPECT_EQ(made.questions[0].text, "1/2 of 10?");
  EXPECT_EQ(made.questions[0].options, (std::vector<std::string>{"5", "2", "√10"}));
  ASSERT_EQ(made.notes.size(), 1u);
  EXPECT_NE(made.notes[0].message.find("question Half: its mathematics"), std::string::npos);
  // What text cannot say refuses its question, in the text as in an answer.
  const ExamQuestions refused = ToExamQuestions(ParseGift(
      "[html]<math><mglyph src='x.png'/></math>? {T}\n\n[html]Which? {=<math><mfrac><mn>1</mn></mfrac></math> ~2}\n"));
  EXPECT_TRUE(refused.questions.empty());
  ASSERT_EQ(refused.problems.size(), 2u);
  EXPECT_NE(refused.problems[0].message.find("MathML <mglyph> cannot be written as text"), std::string::npos)
      << refused.problems[0].message;
  EXPECT_NE(refused.problems[1].message.find("MathML <mfrac> takes 2 arguments"), std::string::npos)
      << refused.problems[1].message;
}

TEST(GiftTest, CategoriesApplyToWhatFollows) {
  const QuestionBank f = ParseGift("$CATEGORY: $course$/Maths/Algebra\n\n2+2? {#4}\n\n"
                               "$CATEGORY: Physics\nc? {=light speed}\n");
  ASSERT_EQ(f.questions.size(), 2u);
  EXPECT_EQ(f.questions[0].category, "$course$/Maths/Algebra");
  EXPECT_EQ(f.questions[1].category, "Physics");
  EXPECT_EQ(f.questions[1].line, 6);
}

double Grade(const exam::Question& q, const char* answer_json) {
  return exam::GradeAnswer(q, boost::json::parse(answer_json)).value_or(-1);
}

// A short answer's '*' is any text there, as Moodle matches it; "\*" is a star (GIFT does not
// escape it: it reaches Moodle's short answer as written).
TEST(GiftTest, AStarInAShortAnswerIsAnyText) {
  const ExamQuestions made = ToExamQuestions(
      ParseGift("Who wrote Hamlet? {=*Shakespeare* =%50%2\\*3}\n\nCapital? {=Paris =%0%*}\n"));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 2u);
  const exam::Question& hamlet = made.questions[0];
  EXPECT_EQ(hamlet.type, exam::QuestionType::kShortText);
  EXPECT_TRUE(hamlet.wildcards);
  EXPECT_EQ(hamlet.accepted, (std::vector<std::string>{"*shakespeare*", "2\\*3"}));
  EXPECT_DOUBLE_EQ(Grade(hamlet, "\"William Shakespeare, 1600\""), 1);
  EXPECT_DOUBLE_EQ(Grade(hamlet, "\"2*3\""), 0.5);
  EXPECT_DOUBLE_EQ(Grade(hamlet, "\"2x3\""), 0);
  EXPECT_DOUBLE_EQ(Grade(hamlet, "\"Marlowe\""), 0);
  // "*" alone (any other answer) needs no wildcards: the question keeps its plain rule.
  EXPECT_FALSE(made.questions[1].wildcards);
  EXPECT_DOUBLE_EQ(Grade(made.questions[1], "\"Lyon\""), 0);
  EXPECT_DOUBLE_EQ(Grade(made.questions[1], "\"paris\""), 1);
}

TEST(GiftTest, ExamQuestionsAreGradedAsMoodleGradesThemAndTheRestIsReported) {
  const ExamQuestions made = ToExamQuestions(ParseGift(Fixture("questions.gift.txt")));
  // Every question of Moodle's fixture: the essay, the single choice, the multiple response
  // (its weights as credit), the matching (its extra answer a distractor), the numeric, the
  // short answer and the true/false with feedback for each answer, the two {T}/{TRUE}.
  ASSERT_EQ(made.questions.size(), 9u);
  EXPECT_TRUE(made.problems.empty());
  EXPECT_EQ(made.questions[0].id, "Q8");
  EXPECT_EQ(made.questions[0].type, exam::QuestionType::kEssay);
  EXPECT_EQ(made.questions[1].id, "Moodle-activities");
  const exam::Question& single = made.questions[2];
  EXPECT_EQ(single.id, "Q2");
  EXPECT_EQ(single.type, exam::QuestionType::kSingle);
  EXPECT_EQ(single.correct_options, std::vector<int>{0});
  EXPECT_TRUE(single.credit.empty()) << "one right answer: the plain rule";
  ASSERT_EQ(single.option_feedback.size(), 3u);
  const exam::Question& colours = made.questions[3];
  EXPECT_EQ(colours.type, exam::QuestionType::kMultiple);
  EXPECT_EQ(colours.correct_options, (std::vector<int>{0, 2}));
  EXPECT_EQ(colours.credit, (std::vector<double>{0.5, -1, 0.5, -1}));
  // Moodle: the sum of the picked answers' fractions, kept within 0 and 1.
  EXPECT_DOUBLE_EQ(Grade(colours, "[0, 2]"), 1);
  EXPECT_DOUBLE_EQ(Grade(colours, "[0]"), 0.5);
  EXPECT_DOUBLE_EQ(Grade(colours, "[0, 1]"), 0);
  EXPECT_DOUBLE_EQ(Grade(colours, "[0, 1, 2]"), 0);
  const exam::Question* matching = &made.questions[1];
  ASSERT_EQ(matching->type, exam::QuestionType::kMatching);
  EXPECT_EQ(matching->text, "Match the activity to the description.");
  ASSERT_EQ(matching->options.size(), 4u);
  EXPECT_EQ(matching->options[0], "An activity supporting asynchronous discussions.");
  ASSERT_EQ(matching->match_choices.size(), 5u) << "four answers and the distractor, Chat";
  EXPECT_EQ(matching->match_choices[matching->match_key[0]], "Forum");
  EXPECT_EQ(std::count(matching->match_choices.begin(), matching->match_choices.end(), "Chat"), 1);
  // Moodle: each subquestion matched right earns its share.
  std::string half = "[";
  for (size_t i = 0; i < 4; ++i) {
    half += (i ? ", " : "") + std::to_string(i < 2 ? matching->match_key[i] : (matching->match_key[i] + 1) % 5);
  }
  EXPECT_DOUBLE_EQ(Grade(*matching, (half + "]").c_str()), 0.5 * matching->points);
  // Moodle's test: Q5 is 3 within 2, and "*" (any other answer) says "Completely wrong".
  const exam::Question& q5 = made.questions[4];
  ASSERT_EQ(q5.type, exam::QuestionType::kNumeric);
  ASSERT_EQ(q5.numeric_answers.size(), 1u);
  EXPECT_DOUBLE_EQ(q5.numeric_answers[0].value, 3);
  EXPECT_DOUBLE_EQ(q5.numeric_answers[0].tolerance, 2);
  EXPECT_EQ(q5.answer_feedback, (std::vector<std::string>{"", "Completely wrong"}));
  EXPECT_DOUBLE_EQ(Grade(q5, "4.5"), 1);
  EXPECT_DOUBLE_EQ(Grade(q5, "6"), 0);
  EXPECT_EQ(exam::AnswerFeedback(q5, boost::json::parse("6")), "Completely wrong");
  EXPECT_EQ(exam::AnswerFeedback(q5, boost::json::parse("2")), "");
  // Moodle's test: Frog 100% "Good!", Cat 50% "What is it with Moodlers and cats?", * 0%
  // "Completely wrong".
  const exam::Question& animal = made.questions[5];
  ASSERT_EQ(animal.type, exam::QuestionType::kShortText);
  EXPECT_EQ(animal.accepted, (std::vector<std::string>{"frog", "cat", "*"}));
  EXPECT_EQ(animal.credit, (std::vector<double>{1, 0.5, 0}));
  ASSERT_EQ(animal.answer_feedback.size(), 3u);
  EXPECT_DOUBLE_EQ(Grade(animal, "\"cat\""), 0.5);
  EXPECT_EQ(exam::AnswerFeedback(animal, boost::json::parse("\"Frog\"")), "Good!");
  EXPECT_EQ(exam::AnswerFeedback(animal, boost::json::parse("\"cat\"")),
            "What is it with Moodlers and cats?");
  EXPECT_EQ(exam::AnswerFeedback(animal, boost::json::parse("\"dog\"")), "Completely wrong");
  EXPECT_EQ(exam::AnswerFeedback(animal, boost::json::parse("null")), "") << "nothing answered";
  // Moodle's test: FALSE is right; the feedback for a wrong answer ("true") comes first in GIFT,
  // then the right one's; the general feedback after ####.
  const exam::Question& q1 = made.questions[6];
  ASSERT_EQ(q1.type, exam::QuestionType::kTrueFalse);
  EXPECT_FALSE(q1.correct_bool);
  EXPECT_EQ(exam::AnswerFeedback(q1, boost::json::parse("true")), "42 is the Ultimate Answer.");
  EXPECT_EQ(exam::AnswerFeedback(q1, boost::json::parse("false")), "You gave the right answer.");
  EXPECT_EQ(q1.feedback, "This is, of course, a Hitchiker's Guide to the Galaxy reference.");
  EXPECT_EQ(made.questions[7].id, "2-08-TSL");
  EXPECT_EQ(made.questions[8].id, "2-08-TSL-2") << "ids are unique";
  EXPECT_TRUE(made.questions[8].correct_bool);
  EXPECT_TRUE(made.questions[8].answer_feedback.empty());

  // From Moodle's documented examples (examples.txt), graded as Moodle grades them.
  const ExamQuestions more = ToExamQuestions(ParseGift(
      "Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}\n\n"
      "When was Ulysses S. Grant born? {#\n    =1822:0\n    =%50%1822:2}\n\n"
      "Jesus Christ was from {\n =Nazareth\n =%75%Nazereth\n =%25%Bethlehem}.\n\n"
      "What two people are entombed in Grant's tomb? {\n ~No one\n ~%50%Grant\n"
      " ~%50%Grant's wife\n ~Grant's father }\n\n"
      "Range? {#3.141..3.142}\n\n"
      "Say hi {=hello =Hi  there}\n\n"
      "Just a text.\n"));
  ASSERT_EQ(more.questions.size(), 7u);
  const exam::Question& difficult = more.questions[0];
  EXPECT_EQ(difficult.type, exam::QuestionType::kSingle) << "a list with an = answer";
  EXPECT_EQ(difficult.correct_options, std::vector<int>{2});
  EXPECT_DOUBLE_EQ(Grade(difficult, "1"), 0.5);
  EXPECT_DOUBLE_EQ(Grade(difficult, "2"), 1);
  EXPECT_DOUBLE_EQ(Grade(difficult, "0"), 0);
  const exam::Question& born = more.questions[1];
  EXPECT_DOUBLE_EQ(Grade(born, "1822"), 1);
  EXPECT_DOUBLE_EQ(Grade(born, "1823.5"), 0.5);
  EXPECT_DOUBLE_EQ(Grade(born, "1830"), 0);
  const exam::Question& town = more.questions[2];
  EXPECT_EQ(town.text, "Jesus Christ was from _____.");
  EXPECT_DOUBLE_EQ(Grade(town, "\"nazareth\""), 1);
  EXPECT_DOUBLE_EQ(Grade(town, "\"Nazereth\""), 0.75);
  EXPECT_DOUBLE_EQ(Grade(town, "\"Rome\""), 0);
  const exam::Question& tomb = more.questions[3];
  EXPECT_EQ(tomb.type, exam::QuestionType::kMultiple) << "no = answer";
  EXPECT_DOUBLE_EQ(Grade(tomb, "[1, 2]"), 1);
  EXPECT_DOUBLE_EQ(Grade(tomb, "[0, 1, 2, 3]"), 1) << "Moodle: wrong answers worth 0 take nothing";
  EXPECT_DOUBLE_EQ(Grade(tomb, "[1, 3]"), 0.5);
  EXPECT_DOUBLE_EQ(more.questions[4].numeric_answer, 3.1415);
  EXPECT_NEAR(more.questions[4].numeric_tolerance, 0.0005, 1e-12);
  EXPECT_EQ(more.questions[5].accepted, (std::vector<std::string>{"hello", "hi there"}));
  EXPECT_TRUE(more.questions[5].credit.empty());
  EXPECT_EQ(more.questions[5].id, "q6");
  // A text without answers: a description, read among the questions, worth nothing.
  const exam::Question& text = more.questions[6];
  EXPECT_EQ(text.type, exam::QuestionType::kDescription);
  EXPECT_EQ(text.text, "Just a text.");
  EXPECT_EQ(text.points, 0);
  EXPECT_EQ(text.line, 22);
  EXPECT_TRUE(more.problems.empty());

  // Credit survives the store's canonical form.
  exam::ExamSpec spec;
  spec.id = "e";
  spec.title = "T";
  spec.opens_ms = 1;
  spec.closes_ms = 2;
  spec.duration_ms = 1;
  spec.questions = more.questions;
  auto back = exam::FromCanonicalJson(exam::ToCanonicalJson(spec));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->questions[0].credit, difficult.credit);
  ASSERT_EQ(back->questions[1].numeric_answers.size(), 2u);
  EXPECT_DOUBLE_EQ(back->questions[1].numeric_answers[1].credit, 0.5);
  EXPECT_DOUBLE_EQ(Grade(back->questions[2], "\"Nazereth\""), 0.75);
  EXPECT_EQ(back->questions[6].type, exam::QuestionType::kDescription);
  EXPECT_DOUBLE_EQ(back->MaxPoints(), spec.MaxPoints());
  EXPECT_EQ(back->QuestionsAsked(), 6u) << "a description is not a question asked";
}

}  // namespace
}  // namespace pupitre::importers
