#include "exam/exam.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace pupitre::exam {
namespace {

using std::chrono::minutes;

constexpr int64_t kOpensMs = 1'795'420'800'000;  // 2026-11-23T08:00:00Z
constexpr int64_t kMinute = 60'000;

boost::json::value Json(const char* text) { return boost::json::parse(text); }

Question MakeQuestion(std::string id, QuestionType type, double points = 1) {
  Question q;
  q.id = std::move(id);
  q.type = type;
  q.text = "Text of " + q.id;
  q.points = points;
  return q;
}

// A four-hour window, an hour each, one question of every type.
ExamSpec MakeSpec() {
  ExamSpec spec;
  spec.id = "demo";
  spec.title = "Demo";
  spec.course_id = "course";
  spec.opens_ms = kOpensMs;
  spec.closes_ms = kOpensMs + 240 * kMinute;
  spec.duration_ms = 60 * kMinute;

  Question single = MakeQuestion("single", QuestionType::kSingle, 2);
  single.options = {"Lyon", "Paris", "Nice"};
  single.correct_options = {1};
  Question multiple = MakeQuestion("multiple", QuestionType::kMultiple, 2);
  multiple.options = {"2", "3", "4", "5"};
  multiple.correct_options = {0, 1, 3};
  Question tf = MakeQuestion("tf", QuestionType::kTrueFalse);
  tf.correct_bool = true;
  Question numeric = MakeQuestion("numeric", QuestionType::kNumeric);
  numeric.numeric_answer = 3.14;
  numeric.numeric_tolerance = 0.01;
  Question text = MakeQuestion("short", QuestionType::kShortText);
  text.accepted = {"secret-word"};
  Question essay = MakeQuestion("essay", QuestionType::kEssay, 5);
  spec.questions = {single, multiple, tf, numeric, text, essay};
  return spec;
}

ExamSpec MakeShuffledSpec(int question_count) {
  ExamSpec spec = MakeSpec();
  spec.questions.clear();
  for (int i = 0; i < question_count; ++i) {
    Question q = MakeQuestion("q" + std::to_string(i), QuestionType::kSingle);
    q.options = {"a", "b", "c", "d", "e"};
    q.correct_options = {0};
    spec.questions.push_back(q);
  }
  spec.questions.push_back(MakeQuestion("tf", QuestionType::kTrueFalse));
  spec.shuffle_questions = true;
  spec.shuffle_options = true;
  return spec;
}

bool IsPermutation(const std::vector<int>& v, size_t n) {
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(n);
  std::iota(identity.begin(), identity.end(), 0);
  return sorted == identity;
}

TEST(QuestionTypeTest, NamesRoundTrip) {
  for (QuestionType t : {QuestionType::kSingle, QuestionType::kMultiple, QuestionType::kTrueFalse,
                         QuestionType::kNumeric, QuestionType::kShortText, QuestionType::kEssay,
                         QuestionType::kMatching, QuestionType::kDescription,
                         QuestionType::kOrdering}) {
    EXPECT_EQ(ParseQuestionType(QuestionTypeName(t)), t) << QuestionTypeName(t);
  }
  EXPECT_EQ(QuestionTypeName(QuestionType::kShortText), "short");
  EXPECT_EQ(QuestionTypeName(QuestionType::kTrueFalse), "truefalse");
  EXPECT_EQ(ParseQuestionType("Single"), std::nullopt) << "names are case-sensitive";
  EXPECT_EQ(ParseQuestionType("mcq"), std::nullopt);
}

TEST(ExamSpecTest, FindQuestionAndMaxPoints) {
  const ExamSpec spec = MakeSpec();
  ASSERT_NE(spec.FindQuestion("numeric"), nullptr);
  EXPECT_EQ(spec.FindQuestion("numeric")->type, QuestionType::kNumeric);
  EXPECT_EQ(spec.FindQuestion("nope"), nullptr);
  EXPECT_DOUBLE_EQ(spec.MaxPoints(), 2 + 2 + 1 + 1 + 1 + 5);
}

// A description (a text to read among the questions): no answer, no points, never drawn.
TEST(ExamSpecTest, ADescriptionIsReadNotAnswered) {
  ExamSpec spec = MakeSpec();
  const double max = spec.MaxPoints();
  const size_t asked = spec.QuestionsAsked();
  Question text;
  text.id = "reading";
  text.type = QuestionType::kDescription;
  text.text = "Read this passage before the next questions.";
  text.points = 0;
  spec.questions.insert(spec.questions.begin(), text);
  EXPECT_DOUBLE_EQ(spec.MaxPoints(), max);
  EXPECT_EQ(spec.QuestionsAsked(), asked) << "a description is not a question asked";
  EXPECT_TRUE(ValidateAnswer(text, boost::json::value(nullptr)).ok());
  const Status answered = ValidateAnswer(text, boost::json::parse("\"my answer\""));
  ASSERT_FALSE(answered.ok());
  EXPECT_EQ(answered.error().message, "a description takes no answer");
  EXPECT_EQ(GradeAnswer(text, boost::json::value(nullptr)), 0.0);
  EXPECT_EQ(GroupProblem(spec), "");
  spec.questions[0].group = "pool";
  spec.groups = {{"pool", 1, 0, ""}};
  EXPECT_NE(GroupProblem(spec).find("description \"reading\" is in group \"pool\""), std::string::npos)
      << GroupProblem(spec);
}

// Items to order are kept in an order that tells nothing of the right one, and never shown in
// it: not in the paper, not on any attempt's page.
TEST(OrderingTest, TheRightOrderIsNeverTheOrderShown) {
  for (const std::vector<std::string>& items :
       std::vector<std::vector<std::string>>{{"a", "b"}, {"b", "a"}, {"1", "2", "3"}, {"x", "y", "z", "w"}}) {
    Question q;
    q.type = QuestionType::kOrdering;
    SetOrderingItems(q, items);
    ASSERT_EQ(q.options.size(), items.size());
    std::vector<std::string> right;
    for (int i : q.order_key) right.push_back(q.options[static_cast<size_t>(i)]);
    EXPECT_EQ(right, items) << "the key gives the items back in their right order";
    EXPECT_NE(q.options, items) << "kept in another order";
    // Each attempt shows its own order, even when the exam does not shuffle options: the
    // stored order comes from a hash anyone can compute.
    for (const bool shuffle : {true, false}) {
      ExamSpec spec;
      spec.shuffle_options = shuffle;
      spec.questions = {q};
      std::set<std::vector<int>> shown;
      for (uint64_t seed = 0; seed < 200; ++seed) {
        const AttemptOrder order = MakeOrder(spec, seed);
        ASSERT_EQ(order.options[0].size(), items.size());
        EXPECT_NE(order.options[0], q.order_key) << "seed " << seed;
        shown.insert(order.options[0]);
      }
      // Every order but the right one, over 200 attempts (2 items: the one other order).
      size_t orders = 1;
      for (size_t n = 2; n <= items.size(); ++n) orders *= n;
      EXPECT_EQ(shown.size(), orders - 1) << "shuffle_options " << shuffle;
    }
  }
}

TEST(ComputeDeadlineTest, StartPlusDurationPlusExtraCappedByClose) {
  const ExamSpec spec = MakeSpec();  // window 08:00-12:00, 60 minutes
  const TimePoint opens = FromUnixMs(kOpensMs);
  EXPECT_EQ(ComputeDeadline(spec, opens, Millis(0)), opens + minutes(60));
  EXPECT_EQ(ComputeDeadline(spec, opens + minutes(30), minutes(15)), opens + minutes(105))
      << "extra time is added to the attempt's own duration";
  EXPECT_EQ(ComputeDeadline(spec, opens + minutes(200), Millis(0)), opens + minutes(240))
      << "a late start ends when the window closes";
  EXPECT_EQ(ComputeDeadline(spec, opens + minutes(170), minutes(30)), opens + minutes(240))
      << "extra time does not reach past the window either";
  EXPECT_EQ(ComputeDeadline(spec, opens + minutes(180), Millis(0)), opens + minutes(240))
      << "exactly at the close";
}

TEST(NormaliseTextTest, TrimsCollapsesFoldsAndDropsFinalPunctuation) {
  EXPECT_EQ(NormaliseText("  Hello   World  "), "hello world");
  EXPECT_EQ(NormaliseText("\tNew\nYork\r\n"), "new york");
  EXPECT_EQ(NormaliseText("Paris."), "paris");
  EXPECT_EQ(NormaliseText("Paris?!..."), "paris");
  EXPECT_EQ(NormaliseText("Paris ."), "paris") << "space before the final punctuation";
  EXPECT_EQ(NormaliseText("St. Louis"), "st. louis") << "inner punctuation stays";
  EXPECT_EQ(NormaliseText("ÉCOLE"), "École") << "bytes >= 0x80 are left alone";
  EXPECT_EQ(NormaliseText("   "), "");
  EXPECT_EQ(NormaliseText("?!"), "");
  EXPECT_EQ(NormaliseText(""), "");
}

// Moodle's short-answer patterns: a run of stars any text, "\*" a star.
TEST(MatchesWildcardsTest, AStarIsAnyTextAndAnEscapedStarAStar) {
  EXPECT_TRUE(MatchesWildcards("*cat*", "a cat here"));
  EXPECT_TRUE(MatchesWildcards("*cat*", "cat"));
  EXPECT_FALSE(MatchesWildcards("*cat*", "a dog"));
  EXPECT_TRUE(MatchesWildcards("c*t", "ct"));
  EXPECT_TRUE(MatchesWildcards("c*t", "carrot"));
  EXPECT_FALSE(MatchesWildcards("c*t", "carrots")) << "the last run ends the text";
  EXPECT_FALSE(MatchesWildcards("c*t", "scat")) << "the first run begins it";
  EXPECT_TRUE(MatchesWildcards("a*b*c", "abc"));
  EXPECT_FALSE(MatchesWildcards("a*b*c", "acb"));
  EXPECT_TRUE(MatchesWildcards("a**c", "abc")) << "a run of stars is one";
  EXPECT_TRUE(MatchesWildcards("*", ""));
  EXPECT_FALSE(MatchesWildcards("aba*aba", "ababa")) << "the first and last runs do not overlap";
  EXPECT_TRUE(MatchesWildcards("aba*aba", "abaaba"));
  EXPECT_TRUE(MatchesWildcards(R"(2\*3)", "2*3"));
  EXPECT_FALSE(MatchesWildcards(R"(2\*3)", "2x3")) << "an escaped star is a star";
  EXPECT_TRUE(MatchesWildcards(R"(*\**)", "a*b"));
  EXPECT_FALSE(MatchesWildcards(R"(*\**)", "ab"));
  EXPECT_TRUE(MatchesWildcards(R"(a\b)", R"(a\b)")) << "another backslash is itself";
  EXPECT_TRUE(MatchesWildcards("paris", "paris"));
  EXPECT_FALSE(MatchesWildcards("paris", "paris!"));
  EXPECT_EQ(WildcardsLiteral(R"(2\*3)"), std::optional<std::string>("2*3"));
  EXPECT_EQ(WildcardsLiteral("paris"), std::optional<std::string>("paris"));
  EXPECT_EQ(WildcardsLiteral("par*"), std::nullopt);
  // Shown as the right answer as Moodle shows it.
  EXPECT_EQ(PatternShown("*paris*"), "paris");
  EXPECT_EQ(PatternShown("c*t"), "c t");
  EXPECT_EQ(PatternShown(R"(2\*3 **x)"), "2*3 x");
}

TEST(OptionNumberingTest, NamesAreMoodles) {
  for (const char* name : {"none", "abc", "ABCD", "123", "iii", "IIII"}) {
    const std::optional<OptionNumbering> n = ParseOptionNumbering(name);
    ASSERT_TRUE(n.has_value()) << name;
    EXPECT_EQ(OptionNumberingName(*n), name);
  }
  EXPECT_FALSE(ParseOptionNumbering("ABC").has_value());
  EXPECT_FALSE(ParseOptionNumbering("").has_value());
}

TEST(MakeOrderTest, IdentityWhenShufflingIsOff) {
  const ExamSpec spec = MakeSpec();
  const AttemptOrder order = MakeOrder(spec, 12345);
  EXPECT_EQ(order.questions, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  ASSERT_EQ(order.options.size(), spec.questions.size());
  EXPECT_EQ(order.options[0], (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(order.options[1], (std::vector<int>{0, 1, 2, 3}));
  for (size_t i = 2; i < spec.questions.size(); ++i) {
    EXPECT_TRUE(order.options[i].empty()) << "question " << i << " has no options";
  }
}

TEST(MakeOrderTest, SameSeedSameOrderAndAlwaysAPermutation) {
  const ExamSpec spec = MakeShuffledSpec(10);
  for (uint64_t seed : {0ULL, 1ULL, 42ULL, 0xFFFFFFFFFFFFFFFFULL}) {
    const AttemptOrder a = MakeOrder(spec, seed);
    const AttemptOrder b = MakeOrder(spec, seed);
    EXPECT_EQ(a.questions, b.questions) << "seed " << seed;
    EXPECT_EQ(a.options, b.options) << "seed " << seed;
    EXPECT_TRUE(IsPermutation(a.questions, spec.questions.size())) << "seed " << seed;
    ASSERT_EQ(a.options.size(), spec.questions.size());
    for (size_t i = 0; i < 10; ++i) {
      EXPECT_TRUE(IsPermutation(a.options[i], 5)) << "seed " << seed << " question " << i;
    }
    EXPECT_TRUE(a.options[10].empty()) << "true/false has no options to order";
  }
}

TEST(MakeOrderTest, DifferentSeedsGiveDifferentOrders) {
  const ExamSpec spec = MakeShuffledSpec(10);
  std::set<std::vector<int>> question_orders;
  std::set<std::vector<int>> first_option_orders;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const AttemptOrder order = MakeOrder(spec, seed);
    question_orders.insert(order.questions);
    first_option_orders.insert(order.options[0]);
  }
  // 11! orders: twenty seeds colliding more than once would mean the seed is ignored.
  EXPECT_GE(question_orders.size(), 19u);
  EXPECT_GT(first_option_orders.size(), 5u) << "options are shuffled too";
  EXPECT_NE(MakeOrder(spec, 1).questions, MakeOrder(spec, 2).questions);
}

TEST(MakeOrderTest, OptionsOnlyShuffleKeepsQuestionOrder) {
  ExamSpec spec = MakeShuffledSpec(10);
  spec.shuffle_questions = false;
  const AttemptOrder order = MakeOrder(spec, 7);
  std::vector<int> identity(spec.questions.size());
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(order.questions, identity);
  EXPECT_EQ(order.options, MakeOrder(MakeShuffledSpec(10), 7).options)
      << "the options' order does not depend on question shuffling";
}

// Options that keep their place (QTI's fixed choices, Moodle's shuffleanswers off) stay there
// while the others are shuffled among the rest of the places; all kept: never shuffled.
TEST(MakeOrderTest, FixedOptionsKeepTheirPlace) {
  ExamSpec spec = MakeShuffledSpec(2);
  spec.questions[0].fixed_options = {4};     // "e": "None of these", last
  spec.questions[1].fixed_options = {0, 1, 2, 3, 4};  // a scale, never shuffled
  std::set<std::vector<int>> seen;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const AttemptOrder order = MakeOrder(spec, seed);
    ASSERT_EQ(order.options[0].size(), 5u);
    EXPECT_EQ(order.options[0][4], 4) << "seed " << seed;
    EXPECT_EQ(order.options[1], (std::vector<int>{0, 1, 2, 3, 4})) << "seed " << seed;
    seen.insert(order.options[0]);
  }
  EXPECT_EQ(seen.size(), 24u) << "every order of the four others, and only those";
  spec.shuffle_options = false;
  EXPECT_EQ(MakeOrder(spec, 3).options[0], (std::vector<int>{0, 1, 2, 3, 4}));
}

class ApplySaveTest : public ::testing::Test {
 protected:
  ApplySaveTest() {
    state_.exam_id = spec_.id;
    state_.started_ms = kOpensMs;
    state_.deadline_ms = kOpensMs + 60 * kMinute;
  }

  Result<SaveOutcome> Save(std::string_view question, int64_t seq, const char* answer,
                           int64_t at_ms = kOpensMs + kMinute) {
    return ApplySave(state_, spec_, question, seq, Json(answer), FromUnixMs(at_ms), kGrace);
  }

  static constexpr Millis kGrace = Millis(5'000);
  ExamSpec spec_ = MakeSpec();
  AttemptState state_;
};

TEST_F(ApplySaveTest, StoresCompactJsonSeqAndTime) {
  Result<SaveOutcome> r = Save("multiple", 1, "[ 0,  3 ]", kOpensMs + 2 * kMinute);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, SaveOutcome::kApplied);
  const SavedAnswer& saved = state_.answers.at("multiple");
  EXPECT_EQ(saved.value_json, "[0,3]");
  EXPECT_EQ(saved.seq, 1);
  EXPECT_EQ(saved.saved_at_ms, kOpensMs + 2 * kMinute);
}

TEST_F(ApplySaveTest, ReplayIsStaleAndChangesNothing) {
  ASSERT_EQ(*Save("single", 3, "1"), SaveOutcome::kApplied);
  Result<SaveOutcome> replay = Save("single", 3, "2", kOpensMs + 5 * kMinute);
  ASSERT_TRUE(replay.ok()) << "a replay is still a success";
  EXPECT_EQ(*replay, SaveOutcome::kStale);
  EXPECT_EQ(state_.answers.at("single").value_json, "1");
  EXPECT_EQ(state_.answers.at("single").saved_at_ms, kOpensMs + kMinute);
}

TEST_F(ApplySaveTest, OutOfOrderSaveDoesNotOverwriteNewer) {
  ASSERT_EQ(*Save("short", 3, "\"third\""), SaveOutcome::kApplied);
  EXPECT_EQ(*Save("short", 2, "\"second\""), SaveOutcome::kStale);
  EXPECT_EQ(state_.answers.at("short").seq, 3);
  EXPECT_EQ(state_.answers.at("short").value_json, "\"third\"");
  EXPECT_EQ(*Save("short", 4, "null"), SaveOutcome::kApplied) << "clearing is a save too";
  EXPECT_EQ(state_.answers.at("short").value_json, "null");
}

TEST_F(ApplySaveTest, SequenceNumbersArePerQuestion) {
  ASSERT_EQ(*Save("single", 5, "0"), SaveOutcome::kApplied);
  EXPECT_EQ(*Save("tf", 1, "true"), SaveOutcome::kApplied);
}

TEST_F(ApplySaveTest, AFileAnswerCountsWhenItWasWrittenAndAlsoAfterTheSubmission) {
  state_.status = AttemptStatus::kSubmitted;
  EXPECT_FALSE(Save("tf", 1, "true").ok()) << "a save of a submitted attempt is refused";
  const int64_t deadline = state_.deadline_ms;
  auto in_time = ApplyFileAnswer(state_, spec_, "tf", 1, Json("true"),
                                 FromUnixMs(deadline + kGrace.count()), kGrace);
  ASSERT_TRUE(in_time.ok()) << in_time.error().message;
  EXPECT_EQ(*in_time, SaveOutcome::kApplied);
  EXPECT_EQ(state_.answers.at("tf").saved_at_ms, deadline + kGrace.count());
  auto late = ApplyFileAnswer(state_, spec_, "single", 1, Json("1"),
                              FromUnixMs(deadline + kGrace.count() + 1), kGrace);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kDeadlinePassed) << "written after the deadline";
  EXPECT_FALSE(state_.answers.count("single"));
  EXPECT_EQ(*ApplyFileAnswer(state_, spec_, "tf", 1, Json("false"), FromUnixMs(deadline), kGrace),
            SaveOutcome::kStale);
}

TEST_F(ApplySaveTest, GraceAfterDeadline) {
  const int64_t deadline = state_.deadline_ms;
  EXPECT_TRUE(Save("tf", 1, "true", deadline).ok());
  EXPECT_TRUE(Save("tf", 2, "true", deadline + 5'000).ok()) << "last moment of grace";
  Result<SaveOutcome> late = Save("tf", 3, "false", deadline + 5'001);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kDeadlinePassed);
  EXPECT_EQ(state_.answers.at("tf").seq, 2);
}

TEST_F(ApplySaveTest, SubmittedAttemptRejectsSaves) {
  state_.status = AttemptStatus::kSubmitted;
  Result<SaveOutcome> r = Save("tf", 1, "true", state_.deadline_ms + kMinute);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict) << "submission is checked before the deadline";
  EXPECT_TRUE(state_.answers.empty());
}

TEST_F(ApplySaveTest, RejectsUnknownQuestionMalformedAnswerAndBadSeq) {
  Result<SaveOutcome> unknown = Save("nope", 1, "1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  Result<SaveOutcome> malformed = Save("single", 1, "7");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalid);

  ASSERT_EQ(*Save("single", 2, "1"), SaveOutcome::kApplied);
  Result<SaveOutcome> zero = Save("single", 0, "1");
  ASSERT_FALSE(zero.ok()) << "seq starts at 1";
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalid);
  EXPECT_FALSE(Save("single", -1, "1").ok());
  EXPECT_EQ(state_.answers.at("single").seq, 2);
  EXPECT_EQ(state_.answers.size(), 1u);
}

TEST(GradeAttemptTest, AddsAutoAndManualPointsAndCountsUngradedEssays) {
  const ExamSpec spec = MakeSpec();
  AttemptState state;
  state.answers["single"] = {1, "1", 0};                // right: 2
  state.answers["multiple"] = {1, "[0,1,2]", 0};        // (2 - 1) / 3 of 2
  state.answers["tf"] = {1, "false", 0};                // wrong
  state.answers["numeric"] = {1, "3.149", 0};           // within 0.01: 1
  state.answers["short"] = {1, "\"Secret-Word.\"", 0};  // 1
  state.answers["essay"] = {1, "\"My essay\"", 0};

  Score score = GradeAttempt(state, spec);
  EXPECT_DOUBLE_EQ(score.auto_points, 2 + 2.0 / 3 + 0 + 1 + 1);
  EXPECT_EQ(score.manual_points, 0);
  EXPECT_EQ(score.ungraded_essays, 1);
  EXPECT_DOUBLE_EQ(score.max_points, 12);

  state.manual_points["essay"] = 3.5;
  score = GradeAttempt(state, spec);
  EXPECT_EQ(score.manual_points, 3.5);
  EXPECT_EQ(score.ungraded_essays, 0);
  EXPECT_DOUBLE_EQ(score.total(), 2 + 2.0 / 3 + 1 + 1 + 3.5);
}

TEST(GradeAttemptTest, UnansweredAndBlankAnswersEarnNothingAndNeedNoGrading) {
  const ExamSpec spec = MakeSpec();
  AttemptState state;
  Score score = GradeAttempt(state, spec);
  EXPECT_EQ(score.total(), 0);
  EXPECT_EQ(score.ungraded_essays, 0);
  EXPECT_DOUBLE_EQ(score.max_points, 12);

  state.answers["essay"] = {1, "null", 0};
  EXPECT_EQ(GradeAttempt(state, spec).ungraded_essays, 0);
  state.answers["essay"] = {2, "\"  \\n \"", 0};
  EXPECT_EQ(GradeAttempt(state, spec).ungraded_essays, 0) << "a blank essay needs no grade";
}

TEST(GradeAttemptTest, DamagedStoredValueEarnsNothing) {
  const ExamSpec spec = MakeSpec();
  AttemptState state;
  state.answers["single"] = {1, "{not json", 0};
  state.answers["tf"] = {1, "\"true\"", 0};
  EXPECT_EQ(GradeAttempt(state, spec).auto_points, 0);
}

TEST(RenderPaperJsonTest, HasMetadataAndQuestionsButNoKey) {
  const ExamSpec spec = MakeSpec();
  const std::string text = RenderPaperJson(spec);
  const boost::json::value paper = boost::json::parse(text);

  const boost::json::object& exam = paper.at("exam").as_object();
  EXPECT_EQ(exam.at("id").as_string(), "demo");
  EXPECT_EQ(exam.at("title").as_string(), "Demo");
  EXPECT_EQ(exam.at("course").as_string(), "course");
  EXPECT_EQ(exam.at("opens_ms").as_int64(), spec.opens_ms);
  EXPECT_EQ(exam.at("closes_ms").as_int64(), spec.closes_ms);
  EXPECT_EQ(exam.at("duration_ms").as_int64(), spec.duration_ms);
  EXPECT_EQ(exam.at("one_per_page").as_bool(), false);
  EXPECT_EQ(exam.at("question_count").as_int64(), 6);
  EXPECT_EQ(exam.at("max_points").as_int64(), 12) << "whole points are integers";

  const boost::json::array& questions = paper.at("questions").as_array();
  ASSERT_EQ(questions.size(), spec.questions.size());
  for (size_t i = 0; i < questions.size(); ++i) {
    const boost::json::object& q = questions[i].as_object();
    const Question& want = spec.questions[i];
    EXPECT_EQ(q.at("id").as_string(), want.id) << "spec order";
    EXPECT_EQ(q.at("type").as_string(), QuestionTypeName(want.type));
    EXPECT_EQ(q.at("text").as_string(), want.text);
    EXPECT_EQ(q.at("points").to_number<double>(), want.points);
    const bool has_options =
        want.type == QuestionType::kSingle || want.type == QuestionType::kMultiple;
    EXPECT_EQ(q.contains("options"), has_options) << want.id;
    for (const auto& [key, value] : q) {
      EXPECT_TRUE(key == "id" || key == "type" || key == "text" || key == "points" ||
                  key == "options")
          << "unexpected field \"" << key << "\" in question " << want.id;
    }
  }
  EXPECT_EQ(questions[0].at("options"), Json(R"(["Lyon", "Paris", "Nice"])"));

  for (const char* leak : {"answer", "tolerance", "accepted", "correct", "secret-word", "3.14"}) {
    EXPECT_EQ(text.find(leak), std::string::npos) << "the paper leaks \"" << leak << "\": " << text;
  }
}

TEST(RenderPaperJsonTest, FractionalPointsAndEscaping) {
  ExamSpec spec = MakeSpec();
  spec.questions.resize(1);
  spec.questions[0].points = 1.5;
  spec.questions[0].text = "Say \"hi\"\n<b>";
  const boost::json::value paper = boost::json::parse(RenderPaperJson(spec));
  EXPECT_EQ(paper.at("questions").at(0).at("points").as_double(), 1.5);
  EXPECT_EQ(paper.at("questions").at(0).at("text").as_string(), "Say \"hi\"\n<b>");
  EXPECT_EQ(paper.at("exam").at("max_points").as_double(), 1.5);
}

TEST(RenderPaperJsonTest, AnAttemptsPaperIsAJoinOfTheQuestionsAskedOnly) {
  const ExamSpec spec = MakeSpec();
  const PaperPieces pieces = RenderPaperPieces(spec);
  EXPECT_EQ(JoinPaper(pieces, nullptr), RenderPaperJson(spec)) << "every question: the same text";

  std::vector<bool> asked(spec.questions.size(), false);
  asked[1] = asked[3] = true;
  const boost::json::value some = boost::json::parse(JoinPaper(pieces, &asked));
  const boost::json::array& questions = some.at("questions").as_array();
  ASSERT_EQ(questions.size(), 2u);
  EXPECT_EQ(questions[0].at("id").as_string(), spec.questions[1].id);
  EXPECT_EQ(questions[1].at("id").as_string(), spec.questions[3].id);
  EXPECT_EQ(some.at("exam").at("id").as_string(), "demo");

  std::fill(asked.begin(), asked.end(), false);
  EXPECT_TRUE(boost::json::parse(JoinPaper(pieces, &asked)).at("questions").as_array().empty());
  asked.resize(1);  // shorter than the paper: the rest are not asked
  asked[0] = true;
  EXPECT_EQ(boost::json::parse(JoinPaper(pieces, &asked)).at("questions").as_array().size(), 1u);
}

}  // namespace
}  // namespace pupitre::exam
