// Pictures in a Moodle XML matching question's items and in an ordering question's items: each
// comes with its item (an ordering's shuffled with it), named in words where no picture fits.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "import/moodle/moodle_xml.h"

namespace pupitre::importers {
namespace {

constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+"
    "M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
constexpr const char* kGif = "R0lGODlhAQABAAAAACw=";

TEST(ItemPicturesTest, AnItemToMatchShowsItsPicture) {
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(fmt::format(R"(<quiz>
  <question type="matching">
    <name><text>Flags</text></name>
    <questiontext format="html"><text>Match each flag with its country.</text></questiontext>
    <subquestion format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/jp.png" alt="A red dot"></p>]]></text>
      <file name="jp.png" encoding="base64">{0}</file><answer><text>Japan</text></answer></subquestion>
    <subquestion format="html"><text><![CDATA[<p>Stripes <img src="@@PLUGINFILE@@/fr.gif"></p>]]></text>
      <file name="fr.gif" encoding="base64">{1}</file><answer><text>France</text></answer></subquestion>
    <subquestion format="html"><text>Maple leaf</text><answer><text>Canada</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Peru</text></answer></subquestion>
  </question>
</quiz>)",
                                                                        kPng, kGif)));
  ASSERT_TRUE(made.problems.empty()) << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  EXPECT_EQ(q.type, exam::QuestionType::kMatching);
  ASSERT_EQ(q.options.size(), 3u);
  ASSERT_EQ(q.images.size(), 2u);
  EXPECT_EQ(q.images[0].content_type, "image/png");
  EXPECT_EQ(q.images[0].alt, "A red dot");
  EXPECT_EQ(q.images[1].content_type, "image/gif");
  EXPECT_EQ(q.images[1].alt, "") << "never its file's name: it could tell the key";
  EXPECT_EQ(exam::ImagesProblem(q, /*stored_or_bytes=*/true), "");
  EXPECT_EQ(exam::OptionWords(q, 0), "[A red dot]");
  EXPECT_EQ(exam::OptionWords(q, 1), "Stripes [picture 2]");
  EXPECT_EQ(exam::OptionWords(q, 2), "Maple leaf");
  EXPECT_EQ(q.match_choices, (std::vector<std::string>{"Canada", "France", "Japan", "Peru"}));
  EXPECT_EQ(exam::GradeAnswer(q, boost::json::parse("[2, 1, 0]")).value_or(-1), 1);
}

TEST(ItemPicturesTest, ItemsToOrderKeepTheirPicturesWhenShuffled) {
  const ExamQuestions made = ToExamQuestions(ParseMoodleXml(fmt::format(R"(<quiz>
  <question type="ordering">
    <name><text>Growth</text></name>
    <questiontext format="html"><text>Put the stages in order.</text></questiontext>
    <answer fraction="1" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png" alt="seed">]]></text>
      <file name="a.png" encoding="base64">{0}</file></answer>
    <answer fraction="2" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/b.gif" alt="sprout">]]></text>
      <file name="b.gif" encoding="base64">{1}</file></answer>
    <answer fraction="3" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/c.jpg" alt="tree">]]></text>
      <file name="c.jpg" encoding="base64">/9j/4A==</file></answer>
  </question>
  <question type="ordering">
    <name><text>Same</text></name>
    <questiontext format="html"><text>Order these.</text></questiontext>
    <answer fraction="1" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text>
      <file name="a.png" encoding="base64">{0}</file></answer>
    <answer fraction="2" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text>
      <file name="a.png" encoding="base64">{0}</file></answer>
  </question>
</quiz>)",
                                                                        kPng, kGif)));
  // Two items that are the same picture read the same: refused.
  ASSERT_EQ(made.problems.size(), 1u);
  EXPECT_NE(made.problems[0].message.find("read the same"), std::string::npos)
      << made.problems[0].message;
  ASSERT_EQ(made.questions.size(), 1u);
  const exam::Question& q = made.questions[0];
  ASSERT_EQ(q.options.size(), 3u);
  ASSERT_EQ(q.images.size(), 3u);
  EXPECT_EQ(exam::ImagesProblem(q, /*stored_or_bytes=*/true), "");
  // Whatever order they are shown in (never the right one), each item is the right one's
  // picture: were the pictures not shuffled with their items, one at least would not be.
  const char* right[] = {"[seed]", "[sprout]", "[tree]"};
  ASSERT_EQ(q.order_key.size(), 3u);
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(exam::OptionWords(q, static_cast<size_t>(q.order_key[r])), right[r]) << r;
  }
  EXPECT_NE(q.order_key, (std::vector<int>{0, 1, 2})) << "never shown in the right order";
  const std::string answer =
      fmt::format("[{}, {}, {}]", q.order_key[0], q.order_key[1], q.order_key[2]);
  EXPECT_EQ(exam::GradeAnswer(q, boost::json::parse(answer)).value_or(-1), 1);
}

}  // namespace
}  // namespace pupitre::importers
