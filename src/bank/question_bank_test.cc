// A course's question bank: kept one setting a question, ids kept unique, categories as Moodle
// names them made readable, and exams made of chosen questions and categories drawn from.
#include "bank/question_bank.h"

#include <gtest/gtest.h>

#include "testkit/memory_settings.h"

namespace pupitre::bank {
namespace {

BankQuestion Q(std::string id, std::string category, double points = 1) {
  BankQuestion b;
  b.question.id = std::move(id);
  b.question.type = exam::QuestionType::kTrueFalse;
  b.question.text = "Is " + b.question.id + " true?";
  b.question.correct_bool = true;
  b.question.points = points;
  b.question.group = "from-the-file";
  b.category = std::move(category);
  b.format = "gift";
  b.added_ms = 1234;
  b.author_id = 7;
  return b;
}

std::vector<std::string> Ids(const std::vector<BankQuestion>& list) {
  std::vector<std::string> out;
  for (const auto& b : list) out.push_back(b.question.id);
  return out;
}

TEST(BankCategoryTest, MoodlesContextAndTopLevelsAreDropped) {
  EXPECT_EQ(BankCategory("$course$/top/Geography/Capitals"), "Geography/Capitals");
  EXPECT_EQ(BankCategory("$system$/Maths"), "Maths");
  EXPECT_EQ(BankCategory("top"), "");
  EXPECT_EQ(BankCategory(" Geography / Rivers /"), "Geography/Rivers");
  EXPECT_EQ(BankCategory("Stuff/top"), "Stuff/top") << "only a leading top level is Moodle's";
  EXPECT_EQ(BankCategory(""), "");
  const std::string long_one(150, 'a');
  EXPECT_LE(BankCategory(long_one + "/" + long_one).size(), 200u);
  EXPECT_EQ(BankCategory(std::string(199, 'a') + "\xC3\xA9").size(), 199u) << "never half a character";
}

TEST(QuestionBankTest, QuestionsAreKeptOneSettingEachWithUniqueIds) {
  testkit::MemorySettings settings;
  QuestionBank bank(settings);
  auto added = bank.Add("maths", {Q("q1", "Algebra"), Q("q2", ""), Q("q1", "Algebra")});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, (std::vector<std::string>{"q1", "q2", "q1-2"}));
  auto again = bank.Add("maths", {Q("q2", "Geometry")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, std::vector<std::string>{"q2-2"});
  EXPECT_TRUE(bank.Add("physics", {Q("q1", "")}).ok());

  const std::vector<BankQuestion> list = bank.List("maths");
  EXPECT_EQ(Ids(list), (std::vector<std::string>{"q2", "q1", "q1-2", "q2-2"})) << "by category, then id";
  EXPECT_EQ(list[1].category, "Algebra");
  EXPECT_EQ(list[1].format, "gift");
  EXPECT_EQ(list[1].added_ms, 1234);
  EXPECT_EQ(list[1].author_id, 7);
  EXPECT_EQ(list[1].question.text, "Is q1 true?");
  EXPECT_TRUE(list[1].question.correct_bool) << "the key is kept";
  EXPECT_EQ(list[1].question.group, "") << "a bank question belongs to no exam's group";
  EXPECT_EQ(settings.WithPrefix("bank/maths/").size(), 4u);
  EXPECT_EQ(bank.List("physics").size(), 1u) << "each course its own bank";

  ASSERT_TRUE(settings.Put("bank/maths/broken", "{not json").ok());
  std::vector<std::string> damaged;
  EXPECT_EQ(bank.List("maths", &damaged).size(), 4u);
  EXPECT_EQ(damaged, std::vector<std::string>{"broken"});
}

TEST(QuestionBankTest, AQuestionIsReplacedInPlaceKeepingItsIdDateAndCategory) {
  testkit::MemorySettings settings;
  QuestionBank bank(settings);
  ASSERT_TRUE(bank.Add("maths", {Q("q1", "Algebra"), Q("q2", "Algebra")}).ok());
  BankQuestion fixed = Q("typo-fixed", "");
  fixed.question.text = "Is two plus two four?";
  fixed.added_ms = 9999;
  fixed.format = "moodle_xml";
  auto replaced = bank.Replace("maths", "q1", fixed);
  ASSERT_TRUE(replaced.ok()) << replaced.error().message;
  EXPECT_EQ(replaced->question.id, "q1") << "the id stays, whatever the file calls it";
  EXPECT_EQ(replaced->category, "Algebra") << "no category in the file: the old one";
  EXPECT_EQ(replaced->added_ms, 1234);
  const auto list = bank.List("maths");
  ASSERT_EQ(Ids(list), (std::vector<std::string>{"q1", "q2"})) << "replaced, not added";
  EXPECT_EQ(list[0].question.text, "Is two plus two four?");
  EXPECT_EQ(list[0].format, "moodle_xml");
  EXPECT_EQ(list[0].question.group, "");

  BankQuestion moved = Q("q2", "Geometry");
  ASSERT_TRUE(bank.Replace("maths", "q2", moved).ok());
  EXPECT_EQ(bank.List("maths")[1].category, "Geometry") << "a category given is taken";

  auto missing = bank.Replace("maths", "q9", Q("q9", ""));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().reason, "not_in_bank");
  EXPECT_EQ(bank.List("maths").size(), 2u);
}

TEST(QuestionBankTest, RemovingIsAllOrNothing) {
  testkit::MemorySettings settings;
  QuestionBank bank(settings);
  ASSERT_TRUE(bank.Add("maths", {Q("a", ""), Q("b", "")}).ok());
  const Status unknown = bank.Remove("maths", {"a", "zzz"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().reason, "not_in_bank");
  EXPECT_EQ(bank.List("maths").size(), 2u) << "nothing removed";
  ASSERT_TRUE(bank.Remove("maths", {"a"}).ok());
  EXPECT_EQ(Ids(bank.List("maths")), std::vector<std::string>{"b"});
}

TEST(QuestionBankTest, ABankHasALimit) {
  testkit::MemorySettings settings;
  QuestionBank bank(settings);
  std::vector<BankQuestion> many;
  for (size_t i = 0; i < QuestionBank::kMaxQuestions; ++i) many.push_back(Q("q" + std::to_string(i), ""));
  ASSERT_TRUE(bank.Add("maths", many).ok());
  auto over = bank.Add("maths", {Q("one-more", "")});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().reason, "too_many_questions");
  EXPECT_EQ(bank.List("maths").size(), QuestionBank::kMaxQuestions);
}

ExamRecipe Recipe() {
  ExamRecipe r;
  r.id = "quiz";
  r.title = "Quiz";
  r.opens_ms = 1'000'000;
  r.closes_ms = 2'000'000;
  r.duration_ms = 600'000;
  return r;
}

TEST(QuestionBankTest, AnExamOfChosenQuestionsAndDraws) {
  testkit::MemorySettings settings;
  QuestionBank bank(settings);
  ASSERT_TRUE(bank.Add("geo", {Q("intro", ""), Q("paris", "Europe/Capitals", 2), Q("rome", "Europe/Capitals", 2),
                               Q("madrid", "Europe/Capitals", 2), Q("nile", "Rivers"), Q("amazon", "Rivers", 3)})
                  .ok());
  ExamRecipe r = Recipe();
  r.questions = {"intro", "rome"};
  r.draws = {{"Europe/Capitals", 1}};
  auto spec = bank.MakeExam("geo", r);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->id, "quiz");
  EXPECT_EQ(spec->course_id, "geo");
  EXPECT_EQ(spec->duration_ms, 600'000);
  ASSERT_EQ(spec->questions.size(), 4u) << "intro, rome, then the category's others";
  EXPECT_EQ(spec->questions[0].id, "intro");
  EXPECT_EQ(spec->questions[1].id, "rome");
  EXPECT_EQ(spec->questions[1].group, "") << "chosen: asked of everyone";
  ASSERT_EQ(spec->groups.size(), 1u);
  EXPECT_EQ(spec->groups[0].id, "capitals");
  EXPECT_EQ(spec->groups[0].pick, 1);
  EXPECT_EQ(spec->questions[2].group, "capitals");
  EXPECT_EQ(spec->questions[3].group, "capitals");
  EXPECT_EQ(exam::GroupProblem(*spec), "");
  EXPECT_EQ(spec->QuestionsAsked(), 3u);
  EXPECT_EQ(spec->MaxPoints(), 5);

  const auto reason = [&bank](const ExamRecipe& recipe) {
    auto made = bank.MakeExam("geo", recipe);
    return made.ok() ? std::string("ok") : made.error().reason;
  };
  ExamRecipe bad = Recipe();
  bad.questions = {"nowhere"};
  EXPECT_EQ(reason(bad), "not_in_bank");
  bad.questions = {"intro", "intro"};
  EXPECT_EQ(reason(bad), "question_repeated");
  bad.questions = {"paris", "rome", "madrid"};
  bad.draws = {{"Europe/Capitals", 1}};
  EXPECT_EQ(reason(bad), "empty_category") << "every question of it was chosen";
  bad.questions = {};
  bad.draws = {{"Europe/Capitals", 4}};
  EXPECT_EQ(reason(bad), "group_pick");
  bad.draws = {{"Rivers", 1}};
  EXPECT_EQ(reason(bad), "group_points_differ");
  bad.draws = {{"Europe/Capitals", 1}, {"Europe/Capitals", 1}};
  EXPECT_EQ(reason(bad), "group_repeated");
  bad.draws = {};
  EXPECT_EQ(reason(bad), "nothing_chosen");
  EXPECT_EQ(reason(Recipe()), "nothing_chosen");
}

// A description in a category drawn from is shown to whom chooses it, never drawn.
TEST(QuestionBankTest, ADrawLeavesTheCategorysDescriptionsOut) {
  testkit::MemorySettings settings;
  QuestionBank bank(settings);
  BankQuestion text = Q("map-intro", "Europe/Capitals", 0);
  text.question.type = exam::QuestionType::kDescription;
  text.question.group = "";
  ASSERT_TRUE(bank.Add("geo", {text, Q("paris", "Europe/Capitals"), Q("rome", "Europe/Capitals")}).ok());
  ExamRecipe r = Recipe();
  r.draws = {{"Europe/Capitals", 2}};
  auto spec = bank.MakeExam("geo", r);
  ASSERT_TRUE(spec.ok()) << spec.error().message << " (the description counted as drawable)";
  ASSERT_EQ(spec->questions.size(), 2u);
  EXPECT_EQ(exam::GroupProblem(*spec), "");
  r.questions = {"map-intro"};
  spec = bank.MakeExam("geo", r);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  ASSERT_EQ(spec->questions.size(), 3u);
  EXPECT_EQ(spec->questions[0].type, exam::QuestionType::kDescription);
  EXPECT_EQ(spec->questions[0].group, "");
  EXPECT_EQ(spec->QuestionsAsked(), 2u);
}

}  // namespace
}  // namespace pupitre::bank
