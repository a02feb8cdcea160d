#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "exam/exam.h"

namespace pupitre::exam {
namespace {

boost::json::value Json(const char* text) { return boost::json::parse(text); }

Question Single() {
  Question q;
  q.id = "s";
  q.type = QuestionType::kSingle;
  q.points = 2;
  q.options = {"red", "green", "blue"};
  q.correct_options = {1};
  return q;
}

Question Multiple() {
  Question q;
  q.id = "m";
  q.type = QuestionType::kMultiple;
  q.points = 4;
  q.options = {"a", "b", "c", "d", "e"};
  q.correct_options = {0, 2};
  return q;
}

Question TrueFalse() {
  Question q;
  q.id = "tf";
  q.type = QuestionType::kTrueFalse;
  q.correct_bool = true;
  return q;
}

Question Numeric(double answer, double tolerance) {
  Question q;
  q.id = "n";
  q.type = QuestionType::kNumeric;
  q.points = 3;
  q.numeric_answer = answer;
  q.numeric_tolerance = tolerance;
  return q;
}

Question Short() {
  Question q;
  q.id = "t";
  q.type = QuestionType::kShortText;
  q.accepted = {"paris", "ville lumière"};
  return q;
}

Question Essay() {
  Question q;
  q.id = "e";
  q.type = QuestionType::kEssay;
  q.points = 5;
  return q;
}

// Right order: first, second, third, fourth (kept as options in another order).
Question Ordering(bool all_or_nothing) {
  Question q;
  q.id = "o";
  q.type = QuestionType::kOrdering;
  q.points = 4;
  q.options = {"third", "first", "fourth", "second"};
  q.order_key = {1, 3, 0, 2};
  q.all_or_nothing = all_or_nothing;
  return q;
}

bool Valid(const Question& q, const char* answer) { return ValidateAnswer(q, Json(answer)).ok(); }

double Grade(const Question& q, const char* answer) {
  std::optional<double> points = GradeAnswer(q, Json(answer));
  EXPECT_TRUE(points.has_value()) << "answer " << answer << " to " << q.id << " left ungraded";
  return points.value_or(-1);
}

TEST(ValidateAnswerTest, NullIsValidForEveryType) {
  for (const Question& q : {Single(), Multiple(), TrueFalse(), Numeric(1, 0), Short(), Essay()}) {
    EXPECT_TRUE(Valid(q, "null")) << QuestionTypeName(q.type);
  }
}

TEST(ValidateAnswerTest, Single) {
  const Question q = Single();
  EXPECT_TRUE(Valid(q, "0"));
  EXPECT_TRUE(Valid(q, "2"));
  EXPECT_FALSE(Valid(q, "3")) << "index past the last option";
  EXPECT_FALSE(Valid(q, "-1"));
  EXPECT_FALSE(Valid(q, "1.0")) << "an index is an integer";
  EXPECT_FALSE(Valid(q, "\"1\""));
  EXPECT_FALSE(Valid(q, "[1]"));
  EXPECT_FALSE(Valid(q, "18446744073709551615")) << "a huge unsigned index";
  const Status s = ValidateAnswer(q, Json("3"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid);
}

TEST(ValidateAnswerTest, Multiple) {
  const Question q = Multiple();
  EXPECT_TRUE(Valid(q, "[]")) << "no pick is a valid (empty) answer";
  EXPECT_TRUE(Valid(q, "[4, 0, 2]"));
  EXPECT_FALSE(Valid(q, "[0, 0]")) << "duplicate picks";
  EXPECT_FALSE(Valid(q, "[5]"));
  EXPECT_FALSE(Valid(q, "[-1]"));
  EXPECT_FALSE(Valid(q, "[\"a\"]"));
  EXPECT_FALSE(Valid(q, "1"));
}

TEST(ValidateAnswerTest, TrueFalseNumericAndText) {
  EXPECT_TRUE(Valid(TrueFalse(), "false"));
  EXPECT_FALSE(Valid(TrueFalse(), "\"true\""));
  EXPECT_FALSE(Valid(TrueFalse(), "1"));

  EXPECT_TRUE(Valid(Numeric(1, 0), "-3"));
  EXPECT_TRUE(Valid(Numeric(1, 0), "2.5e3"));
  EXPECT_FALSE(Valid(Numeric(1, 0), "\"2.5\""));

  EXPECT_TRUE(Valid(Short(), "\"Paris\""));
  EXPECT_FALSE(Valid(Short(), "42"));
  EXPECT_TRUE(Valid(Essay(), "\"\""));
  EXPECT_FALSE(Valid(Essay(), "{}"));
}

TEST(ValidateAnswerTest, TextLimitIs20000Bytes) {
  const boost::json::value at_limit(std::string(20'000, 'x'));
  const boost::json::value over(std::string(20'001, 'x'));
  EXPECT_TRUE(ValidateAnswer(Essay(), at_limit).ok());
  EXPECT_FALSE(ValidateAnswer(Essay(), over).ok());
  EXPECT_FALSE(ValidateAnswer(Short(), over).ok());
}

TEST(ValidateAnswerTest, OrderingGivesEveryItemOnce) {
  const Question q = Ordering(false);
  EXPECT_TRUE(Valid(q, "[1, 3, 0, 2]"));
  EXPECT_TRUE(Valid(q, "[0, 1, 2, 3]"));
  EXPECT_FALSE(Valid(q, "[1, 3, 0]")) << "every item";
  EXPECT_FALSE(Valid(q, "[1, 1, 0, 2]")) << "each once";
  EXPECT_FALSE(Valid(q, "[1, 3, 0, 4]"));
  EXPECT_FALSE(Valid(q, "[1, 3, 0, null]"));
  EXPECT_FALSE(Valid(q, "\"1302\""));
  EXPECT_TRUE(Valid(q, "null"));
}

TEST(GradeAnswerTest, OrderingGivesEachItemInItsPlaceItsShareOrAllOrNothing) {
  const Question q = Ordering(false);
  EXPECT_DOUBLE_EQ(Grade(q, "[1, 3, 0, 2]"), 4);
  EXPECT_DOUBLE_EQ(Grade(q, "[1, 3, 2, 0]"), 2) << "first and second in place";
  EXPECT_DOUBLE_EQ(Grade(q, "[3, 0, 1, 2]"), 1) << "fourth in place only";
  EXPECT_DOUBLE_EQ(Grade(q, "[0, 1, 2, 3]"), 0);
  EXPECT_DOUBLE_EQ(Grade(q, "null"), 0);
  const Question strict = Ordering(true);
  EXPECT_DOUBLE_EQ(Grade(strict, "[1, 3, 0, 2]"), 4);
  EXPECT_DOUBLE_EQ(Grade(strict, "[1, 3, 2, 0]"), 0);
}

TEST(GradeAnswerTest, Single) {
  EXPECT_EQ(Grade(Single(), "1"), 2);
  EXPECT_EQ(Grade(Single(), "0"), 0);
  EXPECT_EQ(Grade(Single(), "null"), 0);
}

TEST(GradeAnswerTest, MultipleGivesPartialCredit) {
  const Question q = Multiple();  // right: 0 and 2, worth 4
  EXPECT_EQ(Grade(q, "[0, 2]"), 4) << "all right picks";
  EXPECT_EQ(Grade(q, "[2, 0]"), 4) << "order does not matter";
  EXPECT_EQ(Grade(q, "[0]"), 2) << "half of the right picks";
  EXPECT_EQ(Grade(q, "[0, 2, 3]"), 2) << "(2 right - 1 wrong) / 2 right options";
  EXPECT_EQ(Grade(q, "[0, 3]"), 0) << "a wrong pick cancels a right one";
  EXPECT_EQ(Grade(q, "[1, 3, 4]"), 0) << "never negative";
  EXPECT_EQ(Grade(q, "[0, 1, 2, 3, 4]"), 0) << "ticking everything earns nothing";
  EXPECT_EQ(Grade(q, "[]"), 0);
}

TEST(GradeAnswerTest, TrueFalse) {
  EXPECT_EQ(Grade(TrueFalse(), "true"), 1);
  EXPECT_EQ(Grade(TrueFalse(), "false"), 0);
  Question no = TrueFalse();
  no.correct_bool = false;
  EXPECT_EQ(Grade(no, "false"), 1);
}

TEST(GradeAnswerTest, NumericWithinToleranceIncludingBoundaries) {
  const Question q = Numeric(2.5, 0.1);
  EXPECT_EQ(Grade(q, "2.5"), 3);
  EXPECT_EQ(Grade(q, "2.6"), 3) << "upper boundary, despite 2.6 - 2.5 > 0.1 in binary";
  EXPECT_EQ(Grade(q, "2.4"), 3) << "lower boundary";
  EXPECT_EQ(Grade(q, "2.6000001"), 0) << "just over the tolerance";
  EXPECT_EQ(Grade(q, "2.3999999"), 0);
  EXPECT_EQ(Grade(q, "-2.5"), 0);
}

TEST(GradeAnswerTest, NumericExact) {
  const Question q = Numeric(212, 0);
  EXPECT_EQ(Grade(q, "212"), 3) << "an integer JSON answer";
  EXPECT_EQ(Grade(q, "212.0"), 3);
  EXPECT_EQ(Grade(q, "212.001"), 0);
  EXPECT_EQ(Grade(Numeric(0.3, 0), "0.30000000000000004"), 3) << "0.1 + 0.2 is 0.3";
  EXPECT_EQ(Grade(Numeric(6.6e-34, 0), "6.7e-34"), 0) << "the slack is relative, not absolute";
}

// Moodle's units: the answer in metres; centimetres divided by their multiplier; no unit costs
// the penalty, of the points earned or of the question's.
TEST(GradeAnswerTest, NumericWithUnitsConvertsAndPenalisesAMissingUnit) {
  Question q = Numeric(2, 0.01);
  q.units = {{"m", 1}, {"cm", 100}, {"km", 0.001}};
  q.unit_penalty = 0.1;
  EXPECT_EQ(UnitsProblem(q), "");
  EXPECT_EQ(AnswersUnit(q), "m");
  EXPECT_TRUE(Valid(q, "2"));
  EXPECT_TRUE(Valid(q, R"({"value": 200, "unit": "cm"})"));
  EXPECT_TRUE(Valid(q, R"({"value": 2, "unit": null})"));
  EXPECT_FALSE(Valid(q, R"({"value": "2", "unit": "m"})"));
  EXPECT_FALSE(Valid(q, R"({"unit": "m"})"));
  const Status unknown = ValidateAnswer(q, Json(R"({"value": 2, "unit": "mm"})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "\"mm\" is not one of the question's units");
  EXPECT_FALSE(Valid(Numeric(2, 0), R"({"value": 2, "unit": null})")) << "no units: a number";

  EXPECT_DOUBLE_EQ(Grade(q, R"({"value": 2, "unit": "m"})"), 3);
  EXPECT_DOUBLE_EQ(Grade(q, R"({"value": 200, "unit": "cm"})"), 3);
  EXPECT_DOUBLE_EQ(Grade(q, R"({"value": 0.002, "unit": "km"})"), 3);
  EXPECT_DOUBLE_EQ(Grade(q, R"({"value": 2, "unit": "cm"})"), 0) << "2 cm is not 2 m";
  EXPECT_DOUBLE_EQ(Grade(q, "2"), 2.7) << "no unit: 10% of the points earned lost";
  EXPECT_DOUBLE_EQ(Grade(q, R"({"value": 2, "unit": null})"), 2.7);
  EXPECT_DOUBLE_EQ(Grade(q, "5"), 0) << "a wrong answer loses nothing more";
  q.numeric_answers = {{2, 0.01, 1}, {2, 0.5, 0.5}};
  EXPECT_DOUBLE_EQ(Grade(q, R"({"value": 250, "unit": "cm"})"), 1.5);
  EXPECT_DOUBLE_EQ(Grade(q, "2.4"), 1.35) << "half, less 10% of it";
  q.unit_penalty_of_max = true;  // 10% of the question's points
  EXPECT_DOUBLE_EQ(Grade(q, "2.4"), 1.2);
  q.unit_penalty = 0.8;
  EXPECT_DOUBLE_EQ(Grade(q, "2.4"), 0) << "never below 0";
  q.answer_feedback = {"Right.", "Close.", "Think in metres."};
  EXPECT_EQ(AnswerFeedback(q, Json(R"({"value": 240, "unit": "cm"})")), "Close.");
  EXPECT_EQ(AnswerFeedback(q, Json(R"({"value": 9, "unit": "km"})")), "Think in metres.");

  Question bad = q;
  bad.units.push_back({"m", 2});
  EXPECT_EQ(UnitsProblem(bad), "unit \"m\" is listed twice");
  bad.units = {{"a b", 1}};
  EXPECT_NE(UnitsProblem(bad), "");
  bad.units = {{"m", 0}};
  EXPECT_NE(UnitsProblem(bad), "");
  bad = Short();
  bad.units = {{"m", 1}};
  EXPECT_EQ(UnitsProblem(bad), "only numeric questions have units");
}

TEST(GradeAnswerTest, ShortTextIsNormalised) {
  const Question q = Short();
  EXPECT_EQ(Grade(q, "\"Paris\""), 1);
  EXPECT_EQ(Grade(q, "\"  PARIS. \""), 1);
  EXPECT_EQ(Grade(q, "\"Ville   Lumière!\""), 1) << "UTF-8 kept, space collapsed";
  EXPECT_EQ(Grade(q, "\"Pari\""), 0);
  EXPECT_EQ(Grade(q, "\"Paris, France\""), 0);
  EXPECT_EQ(Grade(q, "\"\""), 0);
}

// Accepted answers as patterns (Moodle's short answers): only when the question says so.
TEST(GradeAnswerTest, ShortAnswerPatternsMatchWhenTheQuestionHasWildcards) {
  Question q = Short();
  q.points = 2;
  q.accepted = {"*paris*", "*lyon*", R"(2\*3)"};
  q.credit = {1, 0.5, 1};
  EXPECT_DOUBLE_EQ(Grade(q, "\"*paris*\""), 2) << "without wildcards, stars are letters";
  EXPECT_DOUBLE_EQ(Grade(q, "\"I think Paris\""), 0);
  q.wildcards = true;
  EXPECT_DOUBLE_EQ(Grade(q, "\"I think Paris.\""), 2);
  EXPECT_DOUBLE_EQ(Grade(q, "\"  LYON  \""), 1);
  EXPECT_DOUBLE_EQ(Grade(q, "\"2*3\""), 2);
  EXPECT_DOUBLE_EQ(Grade(q, "\"2x3\""), 0);
  EXPECT_DOUBLE_EQ(Grade(q, "\"London\""), 0);
  // A pattern keeps its final punctuation; an answer matches with its own or, as a plain answer
  // does, without it (against the pattern without its own).
  q.accepted = {"u.s.*", "paris.", "*?"};
  q.credit = {1, 1, 0.5};
  EXPECT_DOUBLE_EQ(Grade(q, "\"U.S.\""), 2) << "as Moodle: the answer is only trimmed";
  EXPECT_DOUBLE_EQ(Grade(q, "\"u.s. army\""), 2);
  EXPECT_DOUBLE_EQ(Grade(q, "\"Paris\""), 2) << "final punctuation ignored, as a plain answer";
  EXPECT_DOUBLE_EQ(Grade(q, "\"Why?\""), 1);
  EXPECT_DOUBLE_EQ(Grade(q, "\"London\""), 0) << "\"*?\" asks for a final ?: never any answer";
  q.accepted = {"*"};
  q.credit = {};
  EXPECT_DOUBLE_EQ(Grade(q, "\"anything\""), 2);
  EXPECT_DOUBLE_EQ(Grade(q, "\" \""), 0) << "a blank answer is no answer";
}

TEST(GradeAnswerTest, EssayIsLeftToATeacherUnlessBlank) {
  EXPECT_EQ(GradeAnswer(Essay(), Json("\"A long answer.\"")), std::nullopt);
  EXPECT_EQ(GradeAnswer(Essay(), Json("null")), std::optional<double>(0.0));
}

}  // namespace
Question Gaps(bool all_or_nothing) {
  Question q;
  q.id = "g";
  q.type = QuestionType::kGaps;
  q.text = "Killed her [[1]], burned her [[2]], rode her [[3]].";
  q.points = 6;
  q.all_or_nothing = all_or_nothing;
  Gap family, castle, horse;
  SetGapMenu(family, {"horse", "family", "castle"}, {0, 1, 0});  // sorted: castle family horse
  castle.accepted = {"castle", "manor"};
  castle.credit = {1, 0.5};
  horse.accepted = {"Horse"};
  horse.case_sensitive = true;
  horse.weight = 4;  // two thirds of the points
  q.gaps = {family, castle, horse};
  EXPECT_EQ(GapsProblem(q), "");
  return q;
}

TEST(ValidateAnswerTest, GapsTakeAChoiceOrATextPerGap) {
  const Question q = Gaps(false);
  EXPECT_TRUE(Valid(q, R"([1, "castle", "Horse"])"));
  EXPECT_TRUE(Valid(q, R"([null, null, "x"])"));
  EXPECT_FALSE(Valid(q, R"([1, "castle"])")) << "one entry per gap";
  EXPECT_FALSE(Valid(q, R"([3, "castle", "Horse"])")) << "past the menu's choices";
  EXPECT_FALSE(Valid(q, R"(["family", "castle", "Horse"])")) << "a menu takes its index";
  EXPECT_FALSE(Valid(q, R"([1, 2, "Horse"])")) << "a typed gap takes text";
  EXPECT_FALSE(Valid(q, ("[1, \"" + std::string(1001, 'x') + "\", null]").c_str()));
}

TEST(GradeAnswerTest, EachGapEarnsItsShareOrAllOrNothing) {
  const Question q = Gaps(false);
  EXPECT_DOUBLE_EQ(Grade(q, R"([1, "castle", "Horse"])"), 6);
  EXPECT_DOUBLE_EQ(Grade(q, R"([1, " Manor. ", "Horse"])"), 5.5) << "1 + 0.5 + 4";
  EXPECT_DOUBLE_EQ(Grade(q, R"([1, "castle", "horse"])"), 2) << "the third is case-sensitive";
  EXPECT_DOUBLE_EQ(Grade(q, R"([0, null, "Horse"])"), 4);
  EXPECT_DOUBLE_EQ(Grade(q, "null"), 0);
  const Question all = Gaps(true);
  EXPECT_DOUBLE_EQ(Grade(all, R"([1, "castle", "Horse"])"), 6);
  EXPECT_DOUBLE_EQ(Grade(all, R"([1, "manor", "Horse"])"), 0) << "a gap earning half is not right";
  // The right answer, as the review shows it: the menu's right choice, the first accepted text.
  EXPECT_EQ(boost::json::serialize(GapsRightAnswer(q)), R"([1,"castle","Horse"])");
}

TEST(GapsProblemTest, TheTextMarksEachGapOnceInOrder) {
  Question q = Gaps(false);
  q.text = "[[1]] [[3]] [[2]]";
  EXPECT_NE(GapsProblem(q), "");
  q.text = "[[1]] [[2]]";
  EXPECT_NE(GapsProblem(q), "");
  q.text = "[[1]] [[2]] [[3]] [[4]]";
  EXPECT_NE(GapsProblem(q), "");
  q.text = "[[1]] [[2]] [[3]] and [[x]] [3]";
  EXPECT_EQ(GapsProblem(q), "");
  q.gaps[0].credit = {0, 0.5, 0};
  EXPECT_NE(GapsProblem(q), "") << "no choice earns the whole share";
  q = Gaps(false);
  q.type = QuestionType::kShortText;
  EXPECT_EQ(GapsProblem(q), "only a gaps question has gaps");
}

TEST(GradeAnswerTest, GapPatternsMatchWhenTheGapHasWildcards) {
  Question g = Gaps(false);
  g.gaps[1].accepted = {"*castle*", "manor"};
  EXPECT_DOUBLE_EQ(Grade(g, R"([1, "the castle", "Horse"])"), 5) << "no wildcards: 1 + 0 + 4";
  g.gaps[1].wildcards = true;
  EXPECT_DOUBLE_EQ(Grade(g, R"([1, "the castle", "Horse"])"), 6);
  EXPECT_DOUBLE_EQ(Grade(g, R"([1, "manor house", "Horse"])"), 5);
  EXPECT_DOUBLE_EQ(Grade(g, R"([1, "manor", "Horse"])"), 5.5);
}

}  // namespace pupitre::exam
