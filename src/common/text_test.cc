#include "common/text.h"

#include <gtest/gtest.h>

namespace pupitre {
namespace {

TEST(Utf8Test, AcceptsValidTextAndFindsTheFirstBadSequence) {
  EXPECT_FALSE(FirstInvalidUtf8("plain"));
  EXPECT_FALSE(FirstInvalidUtf8("Éloïse Ñúñez 日本語 \xF0\x9F\x8E\x93"));
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);            // never valid
  EXPECT_EQ(FirstInvalidUtf8("\xC3"), 0u);               // cut short
  EXPECT_EQ(FirstInvalidUtf8("x\xC0\xAF"), 1u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);       // overlong, 3 bytes
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\x80"), 0u);       // a surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);   // past U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("\xE9t\xE9"), 0u);          // Latin-1, not UTF-8
}

TEST(Utf8Test, ControlCharactersAreFound) {
  EXPECT_FALSE(HasControlCharacter("Anne-Marie O'Neil"));
  EXPECT_TRUE(HasControlCharacter(std::string_view("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("a\tb"));
  EXPECT_TRUE(HasControlCharacter("\x1b[31mred"));
  EXPECT_TRUE(HasControlCharacter("del\x7f"));
}

TEST(PercentDecodedTest, EscapesAreDecodedAndAStrayPercentKept) {
  EXPECT_EQ(PercentDecoded("images/my%20sign.png"), "images/my sign.png");
  EXPECT_EQ(PercentDecoded("%C3%A9t%c3%a9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(PercentDecoded("100%"), "100%");
  EXPECT_EQ(PercentDecoded("50%_off%2"), "50%_off%2");
  EXPECT_EQ(PercentDecoded("a+b"), "a+b");
}

TEST(ParseFiniteNumberTest, ReadsANumberAsWrittenAndNothingElse) {
  EXPECT_EQ(ParseFiniteNumber(" +2 "), 2.0);
  EXPECT_EQ(ParseFiniteNumber("-0.5"), -0.5);
  EXPECT_EQ(ParseFiniteNumber("1e3\n"), 1000.0);
  for (const char* bad : {"", " ", "+", "++1", "+-1", "inf", "-inf", "nan", "1e999", "0x10", "2 cm",
                          "3,5", "1.2.3"}) {
    EXPECT_FALSE(ParseFiniteNumber(bad)) << bad;
  }
  EXPECT_FALSE(ParseFiniteNumber(std::string(65, '1')));
  EXPECT_EQ(ParseFiniteNumber(std::string(64, '0')), 0.0);
}

}  // namespace
}  // namespace pupitre
