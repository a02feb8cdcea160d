// The scan that keeps toml++'s recursion bounded: a hostile file is refused before parsing,
// with its line; a real exam file, however many dots or brackets its strings hold, passes.
#include "import/toml/nesting.h"

#include <gtest/gtest.h>

#include <string>

#include "import/toml/exam_toml.h"

namespace pupitre::importers {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(TomlNestingTest, KeysDottedFortyThousandDeepAreRefusedWithoutRecursing) {
  // The attack of the issue: about 80 KB, which overflowed an event loop's stack.
  const std::string text = "[exam]\n" + Repeat("a.", 40'000) + "b = 1\n";
  auto p = FindTooDeepNesting(text);
  ASSERT_TRUE(p.has_value()) << "a key 40,001 levels deep passed";
  EXPECT_EQ(p->line, 2);
  EXPECT_NE(p->message.find("dotted keys"), std::string::npos) << p->message;
  // And through the importer: an ordinary invalid-file answer, not a crash.
  auto r = ParseExamToml(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
}

TEST(TomlNestingTest, DeepTableHeadersAndDeepValuesAreRefused) {
  auto header = FindTooDeepNesting("# a header\n[" + Repeat("t.", 100'000) + "u]\n");
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->line, 2);
  auto arrays = FindTooDeepNesting("x = " + Repeat("[", 50'000) + Repeat("]", 50'000) + "\n");
  ASSERT_TRUE(arrays.has_value());
  auto tables = FindTooDeepNesting("x = " + Repeat("{a = ", 1'000) + "1" + Repeat("}", 1'000));
  ASSERT_TRUE(tables.has_value());
  auto inline_dotted = FindTooDeepNesting("x = {" + Repeat("k.", 100) + "v = 1}\n");
  ASSERT_TRUE(inline_dotted.has_value()) << "dotted keys inside an inline table passed";
}

TEST(TomlNestingTest, WhatRealFilesHoldPasses) {
  const std::string text =
      "[exam]\n"
      "id = \"x\"\n"
      "title = \"" + Repeat("a.b[c]{d}.", 500) + "\"\n"
      "opens = 2026-11-23T08:00:00.250Z\n"
      "numbers = [1.5, 2.25, 3.125, " + Repeat("4.5, ", 200) + "5.0]\n"
      "text = '''\n" + Repeat("[[ {{ a.b.c ]] }}\n", 100) + "'''\n"
      "quote = \"escaped \\\" [ { . \"\n"
      "literal = '" + Repeat("[.", 100) + "'\n"
      "site.name.short = \"three parts\"\n"
      "# a comment with [[[[ and a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g\n"
      "[[question]]\n"
      "options = [[1, 2], [3, 4]]\n";
  auto p = FindTooDeepNesting(text);
  EXPECT_FALSE(p.has_value()) << "line " << p->line << ": " << p->message;
  // Exactly the limit passes; one more does not.
  EXPECT_FALSE(FindTooDeepNesting(Repeat("k.", kMaxTomlNesting - 1) + "v = 1\n").has_value());
  EXPECT_TRUE(FindTooDeepNesting(Repeat("k.", kMaxTomlNesting) + "v = 1\n").has_value());
}

}  // namespace
}  // namespace pupitre::importers
