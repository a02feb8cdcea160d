// Waves: groups of students with their own start offsets.
#include <gtest/gtest.h>

#include <string>

#include "exam/exam.h"
#include "import/toml/exam_toml.h"

namespace pupitre::exam {
namespace {

using importers::ParseExamToml;

std::string Exam(const std::string& extra_exam_keys, const std::string& waves) {
  return R"([exam]
id = "waves"
title = "Waves"
opens = 2026-11-23T09:00:00Z
closes = 2026-11-23T13:00:00Z
duration_minutes = 60
)" + extra_exam_keys +
         R"(
[[question]]
id = "q"
type = "truefalse"
text = "?"
answer = true
)" + waves;
}

TEST(WavesTest, ListedWavesAreParsedAndAssigned) {
  auto spec = ParseExamToml(Exam("", R"(
[[wave]]
name = "early birds"
offset_minutes = 0
students = ["ana", "bob"]

[[wave]]
name = "M to Z"
offset_minutes = 20
letters = "m-z"
)"));
  ASSERT_TRUE(spec.ok()) << spec.error().message
                         << (spec.error().problems.empty() ? "" : spec.error().problems[0].message);
  ASSERT_EQ(spec->waves.size(), 2u);
  EXPECT_EQ(spec->waves[1].first_letter, 'M');
  EXPECT_EQ(spec->waves[1].offset_ms, 20 * 60'000);

  auto bob = WaveFor(*spec, "bob", "Bob Zimmer", -1, 0);
  EXPECT_EQ(bob.index, 0) << "a listed login wins over the letters";
  EXPECT_EQ(bob.starts_ms, spec->opens_ms);
  auto zoe = WaveFor(*spec, "zoe", "Zoé van Moreau", -1, 0);
  EXPECT_EQ(zoe.index, 1) << "the family name is the last word";
  EXPECT_EQ(zoe.name, "M to Z");
  EXPECT_EQ(zoe.starts_ms, spec->opens_ms + 20 * 60'000);
  auto carl = WaveFor(*spec, "carl", "Carl Adams", -1, 0);
  EXPECT_EQ(carl.index, -1) << "in no wave: starts at the opening";
  EXPECT_EQ(carl.starts_ms, spec->opens_ms);
}

TEST(WavesTest, AutomaticWavesSplitTheCourseEvenly) {
  auto spec = ParseExamToml(Exam("auto_waves = 3\nwave_interval_minutes = 6\n", ""));
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  int count[3] = {0, 0, 0};
  for (int64_t rank = 0; rank < 12'000; ++rank) {
    auto w = WaveFor(*spec, "x", "X", rank, 12'000);
    ASSERT_GE(w.index, 0);
    ASSERT_LT(w.index, 3);
    ++count[w.index];
    EXPECT_EQ(w.starts_ms, spec->opens_ms + w.index * 6 * 60'000);
  }
  EXPECT_EQ(count[0], 4000);
  EXPECT_EQ(count[1], 4000);
  EXPECT_EQ(count[2], 4000);
}

TEST(WavesTest, BadWavesAreReportedWithTheirLines) {
  const std::string text = Exam("", R"(
[[wave]]
name = "both"
offset_minutes = 5
students = ["a"]
letters = "A-F"

[[wave]]
name = "backwards"
offset_minutes = -3
letters = "Z-A"
)");
  auto spec = ParseExamToml(text);
  ASSERT_FALSE(spec.ok());
  std::string all;
  for (const auto& p : spec.error().problems) all += std::to_string(p.line) + ": " + p.message + "\n";
  EXPECT_NE(all.find("wave \"both\": give either"), std::string::npos) << all;
  EXPECT_NE(all.find("offset_minutes"), std::string::npos) << all;
  EXPECT_NE(all.find("\"letters\" must be a range"), std::string::npos) << all;
  int offset_line = 1;
  for (size_t i = 0; i < text.find("offset_minutes = -3"); ++i) offset_line += text[i] == '\n';
  bool found = false;
  for (const auto& p : spec.error().problems) found |= p.line == offset_line;
  EXPECT_TRUE(found) << "no problem on line " << offset_line << ":\n" << all;
}

TEST(WavesTest, AutoWavesNeedAnIntervalAndExcludeListedWaves) {
  auto no_interval = ParseExamToml(Exam("auto_waves = 2\n", ""));
  ASSERT_FALSE(no_interval.ok());
  EXPECT_NE(no_interval.error().problems.at(0).message.find("wave_interval_minutes"),
            std::string::npos);
  auto both = ParseExamToml(Exam("auto_waves = 2\nwave_interval_minutes = 5\n",
                                 "[[wave]]\nname = \"w\"\noffset_minutes = 0\nletters = \"A-Z\"\n"));
  ASSERT_FALSE(both.ok());
}

}  // namespace
}  // namespace pupitre::exam
