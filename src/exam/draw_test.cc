// Random draws: each student is asked `pick` questions of each group, drawn from their attempt's
// seed; the same seed draws the same, every question of a group is drawn for someone, a
// question not drawn cannot be answered (nor score), and every paper is worth the same.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <map>
#include <set>
#include <string>

#include "exam/exam.h"
#include "exam/exam_json.h"

namespace pupitre::exam {
namespace {

Question TrueFalse(std::string id, std::string group = "", double points = 1) {
  Question q;
  q.id = std::move(id);
  q.type = QuestionType::kTrueFalse;
  q.text = "Is " + q.id + " true?";
  q.correct_bool = true;
  q.points = points;
  q.group = std::move(group);
  return q;
}

// Two questions for everyone; 2 of the 5 "easy" ones (1 point); 1 of the 3 "hard" (3 points).
ExamSpec DrawSpec() {
  ExamSpec spec;
  spec.id = "draws";
  spec.title = "Draws";
  spec.opens_ms = 1'795'420'800'000;
  spec.closes_ms = spec.opens_ms + 3'600'000;
  spec.duration_ms = 1'800'000;
  spec.questions = {TrueFalse("all-1"), TrueFalse("all-2")};
  for (int i = 1; i <= 5; ++i) spec.questions.push_back(TrueFalse("easy-" + std::to_string(i), "easy"));
  for (int i = 1; i <= 3; ++i) spec.questions.push_back(TrueFalse("hard-" + std::to_string(i), "hard", 3));
  spec.groups = {{"easy", 2, 10, ""}, {"hard", 1, 11, ""}};
  return spec;
}

TEST(DrawTest, EachAttemptIsAskedThePickOfEachGroupAndTheRestOfTheExam) {
  const ExamSpec spec = DrawSpec();
  EXPECT_EQ(GroupProblem(spec), "");
  EXPECT_EQ(spec.QuestionsAsked(), 5u);
  EXPECT_EQ(spec.MaxPoints(), 1 + 1 + 2 * 1 + 1 * 3);
  std::map<std::string, int> drawn;
  for (uint64_t seed = 1; seed <= 600; ++seed) {
    const AttemptOrder order = MakeOrder(spec, seed);
    ASSERT_EQ(order.questions.size(), 5u) << seed;
    std::map<std::string, int> per_group;
    for (int i : order.questions) {
      const Question& q = spec.questions[static_cast<size_t>(i)];
      ++per_group[q.group];
      ++drawn[q.id];
      EXPECT_TRUE(IsAsked(spec, seed, q));
    }
    EXPECT_EQ(per_group[""], 2);
    EXPECT_EQ(per_group["easy"], 2);
    EXPECT_EQ(per_group["hard"], 1);
    int asked = 0;
    for (const Question& q : spec.questions) asked += IsAsked(spec, seed, q) ? 1 : 0;
    EXPECT_EQ(asked, 5) << "IsAsked and MakeOrder agree";
    EXPECT_EQ(MakeOrder(spec, seed).questions, order.questions) << "the same seed draws the same";
  }
  // Every question of a group comes up, about as often as the others (600 draws: 240 each for
  // "easy", 200 each for "hard"; the bounds are far beyond chance).
  for (int i = 1; i <= 5; ++i) {
    const int n = drawn["easy-" + std::to_string(i)];
    EXPECT_GT(n, 150) << i;
    EXPECT_LT(n, 330) << i;
  }
  for (int i = 1; i <= 3; ++i) EXPECT_GT(drawn["hard-" + std::to_string(i)], 120) << i;
}

TEST(DrawTest, WithoutGroupsTheOrderIsTheOneBefore) {
  ExamSpec spec = DrawSpec();
  spec.groups.clear();
  for (Question& q : spec.questions) q.group.clear();
  spec.shuffle_questions = true;
  // The shuffle of an exam without groups is what it was before draws existed (attempts
  // started before an upgrade keep their order): a plain Fisher-Yates of every question.
  const AttemptOrder order = MakeOrder(spec, 42);
  EXPECT_EQ(order.questions.size(), spec.questions.size());
  std::set<int> all(order.questions.begin(), order.questions.end());
  EXPECT_EQ(all.size(), spec.questions.size());
}

TEST(DrawTest, AQuestionNotDrawnCannotBeAnswered) {
  const ExamSpec spec = DrawSpec();
  AttemptState state;
  state.seed = 7;
  state.deadline_ms = spec.opens_ms + 1'800'000;
  const TimePoint now = FromUnixMs(spec.opens_ms + 60'000);
  for (const Question& q : spec.questions) {
    auto r = ApplySave(state, spec, q.id, 1, boost::json::parse("true"), now, Millis(2000));
    if (IsAsked(spec, state.seed, q)) {
      EXPECT_TRUE(r.ok()) << q.id;
    } else {
      ASSERT_FALSE(r.ok()) << q.id;
      EXPECT_EQ(r.error().reason, "not_asked");
    }
  }
  const Score score = GradeAttempt(state, spec);
  EXPECT_EQ(score.total(), spec.MaxPoints()) << "all asked answered right: full marks, no more";
}

TEST(DrawTest, GroupsThatCannotBeFairAreRefused) {
  ExamSpec spec = DrawSpec();
  spec.groups[0].pick = 6;
  EXPECT_NE(GroupProblem(spec).find("picks 6 of its 5"), std::string::npos);
  spec = DrawSpec();
  spec.questions[3].points = 2;
  EXPECT_NE(GroupProblem(spec).find("same points"), std::string::npos);
  spec = DrawSpec();
  spec.questions[0].group = "missing";
  EXPECT_NE(GroupProblem(spec).find("does not declare"), std::string::npos);
  spec = DrawSpec();
  spec.groups.push_back({"easy", 1, 12, ""});
  EXPECT_NE(GroupProblem(spec).find("twice"), std::string::npos);
}

TEST(DrawTest, TheCanonicalFormKeepsGroups) {
  const ExamSpec spec = DrawSpec();
  auto back = FromCanonicalJson(ToCanonicalJson(spec));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->groups.size(), 2u);
  EXPECT_EQ(back->groups[1].id, "hard");
  EXPECT_EQ(back->groups[1].pick, 1);
  EXPECT_EQ(back->questions[9].group, "hard");
  for (uint64_t seed = 1; seed < 20; ++seed) {
    EXPECT_EQ(MakeOrder(*back, seed).questions, MakeOrder(spec, seed).questions);
  }
  ExamSpec plain = DrawSpec();
  plain.groups.clear();
  for (Question& q : plain.questions) q.group.clear();
  EXPECT_EQ(ToCanonicalJson(plain).find("group"), std::string::npos) << "the form of exams without draws is unchanged";
}

}  // namespace
}  // namespace pupitre::exam
