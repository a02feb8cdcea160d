// [[group]] tables and a question's `group`: random draws written in the exam file, and each
// way of writing them wrong named with its line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "import/toml/exam_toml.h"

namespace pupitre::importers {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHeader = R"([exam]
id = "e"
title = "T"
opens = 2026-11-23T08:00:00Z
closes = 2026-11-23T12:00:00Z
duration_minutes = 60
)";

std::string Question(const std::string& id, const std::string& group, int points = 1) {
  return "[[question]]\nid = \"" + id + "\"\ntype = \"truefalse\"\ntext = \"?\"\nanswer = true\npoints = " +
         std::to_string(points) + (group.empty() ? "" : "\ngroup = \"" + group + "\"") + "\n";
}

// "line N: message" for each problem, or "" when the file is taken.
std::string ProblemsOf(const std::string& text) {
  auto r = ParseExamToml(text);
  if (r.ok()) return "";
  std::string out;
  for (const Problem& p : r.error().problems) {
    out += "line " + std::to_string(p.line) + ": " + p.message + " [" + p.reason + "]\n";
  }
  return out;
}

TEST(GroupTomlTest, GroupsAndTheirQuestionsAreRead) {
  const std::string text = std::string(kHeader) + Question("all", "") + Question("a1", "easy") +
                           Question("a2", "easy") + Question("a3", "easy") + Question("h1", "hard", 3) +
                           Question("h2", "hard", 3) +
                           "[[group]]\nid = \"easy\"\npick = 2\n[[group]]\nid = \"hard\"\npick = 1\n";
  auto r = ParseExamToml(text);
  ASSERT_TRUE(r.ok()) << ProblemsOf(text);
  ASSERT_EQ(r->groups.size(), 2u);
  EXPECT_EQ(r->groups[0].id, "easy");
  EXPECT_EQ(r->groups[0].pick, 2);
  EXPECT_EQ(r->questions[1].group, "easy");
  EXPECT_EQ(r->QuestionsAsked(), 4u);
  EXPECT_EQ(r->MaxPoints(), 1 + 2 + 3);
}

TEST(GroupTomlTest, AGroupDrawsFromABanksCategory) {
  // A teacher's Moodle bank in GIFT, two categories; the exam asks 2 of the capitals (a
  // category named by its whole path or its last part) and every question of the other.
  // (gift = comes first: after a table's header, a key is that table's.)
  const std::string text =
      "gift = '''\n"
      "$CATEGORY: $course$/top/Geography/Capitals\n\n"
      "::fr::Capital of France? {=Paris}\n\n::it::Capital of Italy? {=Rome}\n\n"
      "::es::Capital of Spain? {=Madrid}\n\n"
      "$CATEGORY: $course$/top/Geography/Rivers\n\n"
      "::seine::The Seine flows through Paris. {T}\n'''\n" + std::string(kHeader) +
      "[[group]]\nid = \"capitals\"\npick = 2\ncategory = \"Capitals\"\n";
  auto r = ParseExamToml(text);
  ASSERT_TRUE(r.ok()) << ProblemsOf(text);
  ASSERT_EQ(r->questions.size(), 4u);
  EXPECT_EQ(r->questions[0].group, "capitals");
  EXPECT_EQ(r->questions[2].group, "capitals");
  EXPECT_EQ(r->questions[3].group, "") << "another category: asked of everyone";
  EXPECT_EQ(r->QuestionsAsked(), 3u);
  // A category that holds too few questions for the pick says so.
  std::string few = text;
  few.replace(few.find("pick = 2"), 8, "pick = 4");
  EXPECT_THAT(ProblemsOf(few), HasSubstr("picks 4 questions but has 3"));
}

TEST(GroupTomlTest, MistakesAreNamedWithTheirLine) {
  // A question in a group never declared.
  std::string p = ProblemsOf(std::string(kHeader) + Question("q", "missing"));
  EXPECT_THAT(p, HasSubstr("line 7: question \"q\": group \"missing\" is not declared")) << p;
  EXPECT_THAT(p, HasSubstr("[unknown_group]"));
  // A pick beyond the group's questions, and points that differ.
  p = ProblemsOf(std::string(kHeader) + Question("a", "g") + Question("b", "g", 2) +
                 "[[group]]\nid = \"g\"\npick = 3\n");
  EXPECT_THAT(p, HasSubstr("line 21: group \"g\": group \"g\" picks 3 questions but has 2 [group_pick]")) << p;
  EXPECT_THAT(p, HasSubstr("line 14: question \"b\": the questions of group \"g\" must all be worth the same points as \"a\""));
  // Declared twice, a bad id, a pick that is no whole number, unknown keys, not tables.
  p = ProblemsOf(std::string(kHeader) + Question("a", "g") +
                 "[[group]]\nid = \"g\"\npick = 1\n[[group]]\nid = \"g\"\npick = 1\n"
                 "[[group]]\nid = \"no spaces\"\npick = 0\ndraw = 2\n");
  EXPECT_THAT(p, HasSubstr("[group_repeated]")) << p;
  EXPECT_THAT(p, HasSubstr("[bad_group_id]"));
  EXPECT_THAT(p, HasSubstr("[pick_range]"));
  EXPECT_THAT(p, HasSubstr("[unknown_key]"));
  p = ProblemsOf(std::string(kHeader) + Question("a", "") + "group = 3\n");
  EXPECT_THAT(p, HasSubstr("wrong_type")) << "after a [[question]], group is the question's key: " << p;
  p = ProblemsOf(std::string("group = \"x\"\n") + kHeader + Question("a", ""));
  EXPECT_THAT(p, HasSubstr("[groups_not_tables]")) << p;
  p = ProblemsOf(std::string(kHeader) + Question("a", "bad id!"));
  EXPECT_THAT(p, HasSubstr("[bad_group_id]")) << p;
}

}  // namespace
}  // namespace pupitre::importers
