// QTI's response processing run on answers (qti_rules.h): NULL as QTI treats it, templates, and
// a budget that bounds every run, whatever the item.
#include "import/qti/qti_rules.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <string>

#include "import/qti/qti_declaration.h"
#include "import/qti/qti_names.h"

namespace pupitre::importers::qti {
namespace {

struct Item {
  explicit Item(const std::string& xml) {
    EXPECT_TRUE(doc.load_string(xml.c_str()));
    node = doc.first_child();
    for (const pugi::xml_node& d : Children(node, "responseDeclaration")) {
      EXPECT_EQ(ReadDeclaration(d, declarations), "");
    }
  }
  pugi::xml_document doc;
  pugi::xml_node node;
  Declarations declarations;
};

std::string WithRules(const std::string& declarations, const std::string& rules) {
  return fmt::format(
      R"(<assessmentItem><outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>{}<responseProcessing>{}</responseProcessing></assessmentItem>)",
      declarations, rules);
}

constexpr const char* kA = R"(<responseDeclaration identifier="A" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration>)";

// and(false, NULL) is false, or(true, NULL) true; and(true, NULL) is NULL, which is not true.
TEST(QtiRulesTest, AndOrTreatNullAsQtiDoes) {
  const auto score = [](const char* test) {
    Item item(WithRules(kA, fmt::format(R"(<responseCondition><responseIf>{}
      <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
      </responseIf><responseElse><setOutcomeValue identifier="SCORE"><baseValue baseType="float">2</baseValue></setOutcomeValue>
      </responseElse></responseCondition>)", test)));
    RuleRunner runner(item.node, item.declarations);
    Result<double> s = runner.Score({});  // A not given: NULL
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : -1;
  };
  const char* null = R"(<match><variable identifier="A"/><correct identifier="A"/></match>)";
  EXPECT_EQ(score(fmt::format(R"(<or><baseValue baseType="boolean">true</baseValue>{}</or>)", null).c_str()), 1);
  EXPECT_EQ(score(fmt::format(R"(<and><baseValue baseType="boolean">false</baseValue>{}</and>)", null).c_str()), 2);
  EXPECT_EQ(score(fmt::format(R"(<not><and><baseValue baseType="boolean">false</baseValue>{}</and></not>)", null).c_str()), 1);
  EXPECT_EQ(score(fmt::format(R"(<and><baseValue baseType="boolean">true</baseValue>{}</and>)", null).c_str()), 2)
      << "NULL: the else branch";
}

TEST(QtiRulesTest, TemplatesScoreTheResponse) {
  Item item(R"(<assessmentItem>)" + std::string(kA) +
            R"(<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct.xml"/></assessmentItem>)");
  RuleRunner runner(item.node, item.declarations);
  Responses right{{"A", RuleValue::Text("x")}};
  Responses wrong{{"A", RuleValue::Text("y")}};
  Result<double> unnamed = runner.Score(right);
  ASSERT_FALSE(unnamed.ok()) << "the template scores RESPONSE, not A";
  EXPECT_NE(unnamed.error().message.find("RESPONSE, which it does not declare"), std::string::npos);
  Item named(R"(<assessmentItem><responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>x</value></correctResponse></responseDeclaration><responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/></assessmentItem>)");
  RuleRunner template_runner(named.node, named.declarations);
  const auto score = [&](const Responses& r) {
    Result<double> s = template_runner.Score(r);
    return s.ok() ? *s : -1;
  };
  EXPECT_EQ(score({{"RESPONSE", RuleValue::Text("x")}}), 1);
  EXPECT_EQ(score({{"RESPONSE", RuleValue::Text("y")}}), 0);
  EXPECT_EQ(score(wrong), 0) << "RESPONSE not given: NULL";
}

// A mapping of 50,000 keys read 50,000 times stops at the budget with why, never hangs.
TEST(QtiRulesTest, EveryRunIsBoundedByItsBudget) {
  std::string mapping = R"(<responseDeclaration identifier="A" cardinality="single" baseType="string"><mapping defaultValue="0">)";
  for (int i = 0; i < 50'000; ++i) {
    mapping += fmt::format(R"(<mapEntry mapKey="k{}" mappedValue="1" caseSensitive="false"/>)", i);
  }
  mapping += "</mapping></responseDeclaration>";
  std::string sum = R"(<setOutcomeValue identifier="SCORE"><sum>)";
  for (int i = 0; i < 50'000; ++i) sum += R"(<mapResponse identifier="A"/>)";
  sum += "</sum></setOutcomeValue>";
  Item item(WithRules(mapping, sum));
  RuleRunner runner(item.node, item.declarations);
  Result<double> once = runner.Score({{"A", RuleValue::Text("K7")}});
  ASSERT_TRUE(once.ok()) << once.error().message;
  EXPECT_EQ(*once, 50'000) << "each lookup finds its key whatever the case";
  Result<double> more = runner.Score({{"A", RuleValue::Text("k8")}});
  for (int i = 0; i < 100 && more.ok(); ++i) more = runner.Score({{"A", RuleValue::Text("k8")}});
  ASSERT_FALSE(more.ok());
  EXPECT_NE(more.error().message.find("too long to read"), std::string::npos) << more.error().message;
}

}  // namespace
}  // namespace pupitre::importers::qti
