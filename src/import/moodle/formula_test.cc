// Moodle's calculated formulas: read as PHP reads them, written as Moodle writes them.
#include "import/moodle/formula.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

namespace pupitre::importers {
namespace {

double Value(std::string_view formula, const Wildcards& values = {}) {
  Result<double> v = EvaluateFormula(formula, values);
  EXPECT_TRUE(v.ok()) << formula << ": " << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v : std::nan("");
}

std::string Why(std::string_view formula, const Wildcards& values = {}) {
  Result<double> v = EvaluateFormula(formula, values);
  EXPECT_FALSE(v.ok()) << formula << " gave " << (v.ok() ? *v : 0);
  return v.ok() ? "" : v.error().message;
}

TEST(FormulaTest, OperatorsBindAsInPhp) {
  EXPECT_EQ(Value("2 + 3 * 4"), 14);
  EXPECT_EQ(Value("(2 + 3) * 4"), 20);
  EXPECT_EQ(Value("10 / 4"), 2.5);
  EXPECT_EQ(Value("10 - 4 - 3"), 3);  // left to right
  EXPECT_EQ(Value("-2**2"), -4);      // ** binds tighter than a leading minus
  EXPECT_EQ(Value("2**-1"), 0.5);     // and takes a signed exponent
  EXPECT_EQ(Value("2**3**2"), 512);   // right to left
  EXPECT_EQ(Value("- -3"), 3);
  EXPECT_EQ(Value("7.9 % 2"), 1);  // % on the integer parts
  EXPECT_EQ(Value("-7 % 3"), -1);  // the sign of the left one
  EXPECT_EQ(Value(".5 + 5. + 1e3 + 2E-1"), 1005.7);
  EXPECT_EQ(Value(" \t1\n"), 1);
}

TEST(FormulaTest, WildcardsAreTheirValuesInParentheses) {
  const Wildcards values{{"a", {-3, "-3"}}, {"b", {2, "2"}}, {"mass_kg", {1.5, "1.5"}}};
  EXPECT_EQ(Value("{a} + {b}", values), -1);
  EXPECT_EQ(Value("{a}**2", values), 9);  // (-3)**2, as Moodle substitutes "(-3)"
  EXPECT_EQ(Value("{b}-{a}", values), 5);
  EXPECT_EQ(Value("2*{mass_kg}", values), 3);
  EXPECT_NE(Why("{a} + {c}", values).find("{c} has no values"), std::string::npos);
}

TEST(FormulaTest, MoodlesFunctionsWithAnyCase) {
  EXPECT_DOUBLE_EQ(Value("pi()"), std::numbers::pi);
  EXPECT_EQ(Value("SQRT(16) + Abs(-2)"), 6);
  EXPECT_DOUBLE_EQ(Value("log(8, 2)"), 3);
  EXPECT_DOUBLE_EQ(Value("log(exp(2))"), 2);
  EXPECT_EQ(Value("round(2.5)"), 3);  // half away from zero
  EXPECT_EQ(Value("round(-2.5)"), -3);
  EXPECT_EQ(Value("round(1.955, 2)"), 1.96);  // PHP's pre-rounding: 195.49999... is 195.5
  EXPECT_EQ(Value("round(1234, -2)"), 1200);
  EXPECT_EQ(Value("max(1, 5, 3) - min(4, 2)"), 3);
  EXPECT_EQ(Value("fmod(7.5, 2)"), 1.5);
  EXPECT_EQ(Value("pow(2, 10)"), 1024);
  EXPECT_DOUBLE_EQ(Value("atan2(1, 1)"), std::numbers::pi / 4);
  EXPECT_DOUBLE_EQ(Value("deg2rad(180)"), std::numbers::pi);
  EXPECT_DOUBLE_EQ(Value("rad2deg(pi())"), 180);
  EXPECT_EQ(Value("floor(2.7) + ceil(2.1)"), 5);
}

TEST(FormulaTest, WhatDoesNotComputeSaysWhy) {
  EXPECT_NE(Why("{a} ^ 2", {{"a", {2, "2"}}}).find("exclusive or"), std::string::npos);
  EXPECT_NE(Why("1 < 2").find("comparison"), std::string::npos);
  EXPECT_NE(Why("1 ? 2 : 3").find("comparison"), std::string::npos);
  EXPECT_NE(Why("1 / 0").find("divides by zero"), std::string::npos);
  EXPECT_NE(Why("5 % 0.5").find("remainder by zero"), std::string::npos);
  EXPECT_NE(Why("sqrt(-1)").find("not a finite number"), std::string::npos);
  EXPECT_NE(Why("10 ** 400").find("not a finite number"), std::string::npos);
  EXPECT_NE(Why("system(1)").find("'system'"), std::string::npos);
  EXPECT_NE(Why("decbin(3)").find("'decbin'"), std::string::npos);
  EXPECT_NE(Why("sin(1, 2)").find("takes 1 argument"), std::string::npos);
  EXPECT_NE(Why("max(1)").find("2 or more"), std::string::npos);
  EXPECT_NE(Why("pi(1)").find("takes 0"), std::string::npos);
  EXPECT_NE(Why("2 +").find("ends too soon"), std::string::npos);
  EXPECT_NE(Why("2 3").find("character 3"), std::string::npos);
  EXPECT_NE(Why("3--2").find("unexpected"), std::string::npos);  // PHP's decrement
  EXPECT_NE(Why("x + 1").find("'x'"), std::string::npos);
  EXPECT_NE(Why("   ").find("empty"), std::string::npos);
  EXPECT_NE(Why("010 + 1").find("octal"), std::string::npos);
  EXPECT_EQ(Value("0.5 + 0 + 0e1"), 0.5);
  EXPECT_NE(Why("1e").find("unexpected 'e'"), std::string::npos);  // PHP reads a constant e
  EXPECT_NE(Why(std::string(200, '(') + "1" + std::string(200, ')')).find("deeper"),
            std::string::npos);
  EXPECT_NE(Why(std::string(3000, '1')).find("longer"), std::string::npos);
  // A long run of minus signs, each a level: refused, never a stack overflow.
  std::string minus;
  for (int i = 0; i < 900; ++i) minus += "- ";
  EXPECT_NE(Why(minus + "1").find("deeper"), std::string::npos);
}

TEST(FormulaTest, KeysAreWrittenAsMoodleWritesThem) {
  EXPECT_EQ(FormatCalculated(3.14159, 2, 1), "3.14");
  EXPECT_EQ(FormatCalculated(80, 2, 1), "80.00");
  // Significant figures, Moodle's own steps.
  EXPECT_EQ(FormatCalculated(1234.5678, 3, 2), "1230");
  EXPECT_EQ(FormatCalculated(0.012345, 3, 2), "0.0123");
  EXPECT_EQ(FormatCalculated(-0.5, 2, 2), "-0.50");
  EXPECT_EQ(FormatCalculated(123456, 3, 2), "1.23e5");
  EXPECT_EQ(FormatCalculated(0.00012345, 2, 2), "1.2e-4");
  EXPECT_EQ(FormatCalculated(999.96, 4, 2), "1000");  // rounded up a power of ten
  EXPECT_EQ(FormatCalculated(0, 3, 2), "0");
}

TEST(FormulaTest, TextsShowValuesAndComputedFormulas) {
  const Wildcards values{{"d", {120, "120"}}, {"t", {1.5, "1.50"}}};
  Result<std::string> text =
      ReplaceExpressions("A car drives {d} km in {t} h: {={d}/{t}} km/h. {x} {= {y} stays", values);
  ASSERT_TRUE(text.ok()) << text.error().message;
  // A value as its dataset writes it; a wildcard without values, and what is no formula, as
  // written.
  EXPECT_EQ(*text, "A car drives 120 km in 1.50 h: 80 km/h. {x} {= {y} stays");
  Result<std::string> key = ReplaceExpressions("{={d}/{t}} km/h", values, AnswerFormat{2, 1});
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "80.00 km/h");
  EXPECT_EQ(*ReplaceExpressions("{=0.1 + 0.2} {=10**20} {=1/3}", {}),
            "0.3 1.0E+20 0.33333333333333");
  Result<std::string> bad = ReplaceExpressions("{={d}/0}", values);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("divides by zero"), std::string::npos);
  std::string many;
  for (int i = 0; i < 101; ++i) many += "{=1}";
  Result<std::string> crowded = ReplaceExpressions(many, {});
  ASSERT_FALSE(crowded.ok());
  EXPECT_NE(crowded.error().message.find("more than 100"), std::string::npos);
  const std::vector<std::string> used = WildcardsIn("{a} {b} {a} {=x} { c} {d e} {f>}");
  EXPECT_EQ(used, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace pupitre::importers
