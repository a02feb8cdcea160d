// MathML as linear text: what a student would type, for each construct the QTI examples use,
// and a refusal for what text cannot say.
#include "import/mathml/mathml_text.h"

#include <gtest/gtest.h>

#include <string>

namespace pupitre::importers {
namespace {

MathText Linear(const std::string& inner) {
  pugi::xml_document doc;
  const std::string xml = "<math xmlns=\"http://www.w3.org/1998/Math/MathML\">" + inner + "</math>";
  EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
  return MathMlToText(doc.first_child());
}

std::string Text(const std::string& inner) {
  const MathText m = Linear(inner);
  EXPECT_EQ(m.why, "") << inner;
  return m.text;
}

TEST(MathMlTextTest, TokensAndOperatorsReadAsTyped) {
  // 1EdTech's polynomials item: its four choices.
  EXPECT_EQ(Text("<semantics><mrow><msup><mi>sec</mi><mn>2</mn></msup><mi>&#x398;</mi></mrow>"
                 "<annotation encoding=\"SnuggleTeX\">\\[ \\sec^2{\\theta} \\]</annotation></semantics>"),
            "sec² Θ");
  EXPECT_EQ(Text("<mrow><mi>x</mi><mo>+</mo><mn>1001</mn><mi>y</mi></mrow>"), "x + 1001y");
  EXPECT_EQ(Text("<mrow><msup><mi>x</mi><mn>3</mn></msup><mo>-</mo><mn>5</mn><mi>x</mi><mo>+</mo>"
                 "<mn>87</mn></mrow>"),
            "x³ - 5x + 87");
  EXPECT_EQ(Text("<mrow><mn>1</mn><mo>−</mo><msup><mi>ζ</mi><mn>2</mn></msup></mrow>"), "1 − ζ²");
  // A sign before an operand is not spaced; nor after an operator.
  EXPECT_EQ(Text("<mo>-</mo><mn>5</mn><mo>=</mo><mo>−</mo><mi>x</mi>"), "-5 = −x");
  EXPECT_EQ(Text("<mi>f</mi><mo>(</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>)</mo>"), "f(x, y)");
  EXPECT_EQ(Text("<mi>sin</mi><mo>&#x2061;</mo><mi>x</mi>"), "sin x");
  EXPECT_EQ(Text("<mn>2</mn><mo>&#x2062;</mo><mi>x</mi>"), "2x");
  EXPECT_EQ(Text("<mtext> if </mtext><mi>x</mi><mo>&gt;</mo><mn>0</mn>"), " if x > 0");
}

TEST(MathMlTextTest, ScriptsFractionsAndRoots) {
  EXPECT_EQ(Text("<msup><mi>x</mi><mrow><mi>n</mi><mo>+</mo><mn>1</mn></mrow></msup>"), "xⁿ⁺¹");
  EXPECT_EQ(Text("<msup><mi>e</mi><mrow><mn>2</mn><mi>x</mi></mrow></msup>"), "e^(2x)");
  EXPECT_EQ(Text("<msup><mi>e</mi><mi>x</mi></msup>"), "e^x");
  EXPECT_EQ(Text("<msub><mi>a</mi><mn>12</mn></msub>"), "a₁₂");
  EXPECT_EQ(Text("<msub><mi>a</mi><mi>k</mi></msub>"), "a_k");
  EXPECT_EQ(Text("<msubsup><mi>x</mi><mn>1</mn><mn>2</mn></msubsup>"), "x₁²");
  EXPECT_EQ(Text("<msup><mrow><mo>(</mo><mi>x</mi><mo>+</mo><mn>1</mn><mo>)</mo></mrow><mn>2</mn></msup>"),
            "(x + 1)²");
  EXPECT_EQ(Text("<msup><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mn>2</mn></msup>"), "(x + 1)²");
  EXPECT_EQ(Text("<mfrac><mn>1</mn><mn>2</mn></mfrac>"), "1/2");
  EXPECT_EQ(Text("<mfrac><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mrow><mi>x</mi><mo>−</mo><mn>1</mn></mrow></mfrac>"),
            "(x + 1)/(x − 1)");
  EXPECT_EQ(Text("<msqrt><mn>2</mn></msqrt><mo>&gt;</mo><mn>2</mn>"), "√2 > 2");
  EXPECT_EQ(Text("<msqrt><mi>x</mi><mo>+</mo><mn>1</mn></msqrt>"), "√(x + 1)");
  EXPECT_EQ(Text("<mroot><mi>x</mi><mn>3</mn></mroot>"), "∛x");
  EXPECT_EQ(Text("<mroot><mi>x</mi><mn>5</mn></mroot>"), "⁵√x");
  EXPECT_EQ(Text("<mfenced><mi>a</mi><mi>b</mi></mfenced>"), "(a, b)");
  EXPECT_EQ(Text("<mfenced open=\"[\" close=\"]\" separators=\";\"><mn>1</mn><mn>2</mn></mfenced>"),
            "[1; 2]");
  EXPECT_EQ(Text("<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi>"
                 "</munderover><mi>i</mi>"),
            "∑_(i = 1)^n i");
  EXPECT_EQ(Text("<mover accent=\"true\"><mi>x</mi><mo>¯</mo></mover>"), "x\u0304");
  EXPECT_EQ(Text("<mtable><mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr>"
                 "<mtr><mtd><mn>0</mn></mtd><mtd><mn>1</mn></mtd></mtr></mtable>"),
            "[1, 0; 0, 1]");
  EXPECT_EQ(Text("<mi>x</mi><mphantom><mn>0</mn></mphantom><mspace width=\"1em\"/><mi>y</mi>"),
            "x y");
}

TEST(MathMlTextTest, WhatTextCannotSayIsRefused) {
  EXPECT_EQ(Linear("<mmultiscripts><mi>F</mi><mn>1</mn><none/></mmultiscripts>").why,
            "MathML <mmultiscripts> cannot be written as text");
  EXPECT_EQ(Linear("<mglyph src=\"x.png\" alt=\"x\"/>").why, "MathML <mglyph> cannot be written as text");
  EXPECT_EQ(Linear("<mfrac><mn>1</mn></mfrac>").why, "MathML <mfrac> takes 2 arguments, not 1");
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<mrow>";
  for (int i = 0; i < 100; ++i) deep += "</mrow>";
  EXPECT_EQ(Linear(deep).why, "its mathematics nests deeper than 64 elements");
  EXPECT_EQ(Linear(deep).text, "");
}

}  // namespace
}  // namespace pupitre::importers
