#include "auth/users_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pupitre::auth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The line numbers of every problem reported, in order.
std::vector<int> LinesOf(const Error& e) {
  std::vector<int> lines;
  for (const Problem& p : e.problems) lines.push_back(p.line);
  return lines;
}

// The message reported for `line`, or "" when there is none.
std::string MessageAt(const Error& e, int line) {
  for (const Problem& p : e.problems) {
    if (p.line == line) return p.message;
  }
  return "";
}

TEST(UsersCsvTest, ThreeColumnsMakeStudents) {
  auto r = ParseUsersCsv(
      "login,name,password\n"
      "alice,Alice Martin,correct-horse\n"
      "bob,Bob Durand,battery-staple\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].login, "alice");
  EXPECT_EQ((*r)[0].display_name, "Alice Martin");
  EXPECT_EQ((*r)[0].password, "correct-horse");
  EXPECT_EQ((*r)[0].role, Role::kStudent);
  EXPECT_EQ((*r)[1].login, "bob");
  EXPECT_EQ((*r)[1].role, Role::kStudent);
}

TEST(UsersCsvTest, RoleColumnIsRead) {
  auto r = ParseUsersCsv(
      "login,name,password,role\n"
      "t1,Teacher One,password-1,teacher\n"
      "a1,Admin One,password-2,admin\n"
      "s1,Student One,password-3,student\n"
      "s2,Student Two,password-4,\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].role, Role::kTeacher);
  EXPECT_EQ((*r)[1].role, Role::kAdmin);
  EXPECT_EQ((*r)[2].role, Role::kStudent);
  EXPECT_EQ((*r)[3].role, Role::kStudent) << "an empty role means student";
}

TEST(UsersCsvTest, QuotedFieldsKeepCommasAndDoubledQuotes) {
  auto r = ParseUsersCsv(
      "login,name,password\n"
      "alice,\"Martin, Alice\",\"pass,word\"\n"
      "bob,\"Bob \"\"The Builder\"\" Durand\",\"\"\"quoted\"\"\"\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].display_name, "Martin, Alice");
  EXPECT_EQ((*r)[0].password, "pass,word");
  EXPECT_EQ((*r)[1].display_name, "Bob \"The Builder\" Durand");
  EXPECT_EQ((*r)[1].password, "\"quoted\"");
}

TEST(UsersCsvTest, CrLfLineEndingsAreStripped) {
  auto r = ParseUsersCsv(
      "login,name,password,role\r\n"
      "alice,Alice,password-1,teacher\r\n"
      "bob,Bob,password-2\r\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].role, Role::kTeacher) << "the role must not keep the \\r";
  EXPECT_EQ((*r)[1].password, "password-2") << "the password must not keep the \\r";
}

TEST(UsersCsvTest, LastLineWithoutNewlineAndBlankLinesAreFine) {
  auto r = ParseUsersCsv("login,name,password\n\nalice,Alice,password-1\n\nbob,Bob,password-2");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].password, "password-2");
}

TEST(UsersCsvTest, MissingHeaderFailsOnLineOne) {
  auto r = ParseUsersCsv("alice,Alice,password-1\nbob,Bob,password-2\n");
  ASSERT_FALSE(r.ok()) << "a file without its header must not be imported";
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  ASSERT_THAT(LinesOf(r.error()), ElementsAre(1));
  EXPECT_THAT(MessageAt(r.error(), 1), HasSubstr("header"));
}

TEST(UsersCsvTest, EmptyFileFails) {
  auto r = ParseUsersCsv("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalid);
  EXPECT_THAT(LinesOf(r.error()), ElementsAre(1));
}

TEST(UsersCsvTest, EveryBadLineIsReportedWithItsNumber) {
  auto r = ParseUsersCsv(
      "login,name,password,role\n"         // 1
      "good1,Good One,password-1\n"        // 2
      "bad-role,Bad Role,password-2,dean\n"  // 3: unknown role
      "short,Short,pw\n"                   // 4: password too short
      "good1,Again,password-3\n"           // 5: login already on line 2
      "\n"                                 // 6: blank, skipped but counted
      "two,fields\n"                       // 7: too few fields
      "a,b,password-4,student,extra\n"     // 8: too many fields
      "good2,Good Two,password-5\n");      // 9
  ASSERT_FALSE(r.ok()) << "a file with bad lines must not be imported at all";
  const Error& e = r.error();
  EXPECT_EQ(e.code, ErrorCode::kInvalid);
  EXPECT_THAT(LinesOf(e), ElementsAre(3, 4, 5, 7, 8)) << e.message;
  EXPECT_THAT(MessageAt(e, 3), HasSubstr("dean"));
  EXPECT_THAT(MessageAt(e, 4), HasSubstr("password"));
  EXPECT_THAT(MessageAt(e, 5), HasSubstr("good1"));
  EXPECT_THAT(MessageAt(e, 7), HasSubstr("found 2"));
  EXPECT_THAT(MessageAt(e, 8), HasSubstr("found 5"));
  EXPECT_THAT(e.message, HasSubstr("5 problem"));
  EXPECT_THAT(e.message, HasSubstr("nothing was imported"));
}

TEST(UsersCsvTest, LineNumbersCountCrLfLines) {
  auto r = ParseUsersCsv(
      "login,name,password\r\n"
      "alice,Alice,password-1\r\n"
      "\r\n"
      "alice,Alice Again,password-2\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(LinesOf(r.error()), ElementsAre(4));
}

TEST(UsersCsvTest, UnterminatedQuoteIsReported) {
  auto r = ParseUsersCsv(
      "login,name,password\n"
      "alice,\"Alice,password-1\n"
      "bob,Bob,password-2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(LinesOf(r.error()), ElementsAre(2));
  EXPECT_THAT(MessageAt(r.error(), 2), HasSubstr("quote"));
}

TEST(UsersCsvTest, BadLoginIsReported) {
  auto r = ParseUsersCsv(
      "login,name,password\n"
      "alice smith,Alice,password-1\n"
      ",Nobody,password-2\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(LinesOf(r.error()), ElementsAre(2, 3));
  EXPECT_THAT(MessageAt(r.error(), 2), HasSubstr("login"));
}

TEST(UsersCsvTest, AByteOrderMarkBeforeTheHeaderIsIgnored) {
  auto r = ParseUsersCsv("\xEF\xBB\xBFlogin,name,password\nana,Ana,correct-horse\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].login, "ana");
}

}  // namespace
}  // namespace pupitre::auth

namespace pupitre::auth {
namespace {

TEST(UsersCsvHostileTest, InvalidUtf8ControlCharactersAndCaseTwinsAreRefusedWithTheirLine) {
  auto latin1 = ParseUsersCsv("login,name,password\nanna,Ana\xEFs,a-long-password\n");
  ASSERT_FALSE(latin1.ok());
  ASSERT_EQ(latin1.error().problems.size(), 1u);
  EXPECT_EQ(latin1.error().problems[0].line, 2);
  EXPECT_NE(latin1.error().problems[0].message.find("UTF-8"), std::string::npos);

  auto control = ParseUsersCsv("login,name,password\nbob,\"Bob\x1b[2J\",a-long-password\n");
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error().problems.at(0).line, 2);
  EXPECT_NE(control.error().problems[0].message.find("control character"), std::string::npos);

  auto twins = ParseUsersCsv(
      "login,name,password\nAnna,Anna A,a-long-password\nanna,Anna B,a-long-password\n");
  ASSERT_FALSE(twins.ok());
  EXPECT_EQ(twins.error().problems.at(0).line, 3);
  EXPECT_NE(twins.error().problems[0].message.find("ignoring case"), std::string::npos);

  auto fine = ParseUsersCsv("login,name,password\nelo,Éloïse Dupré,a-long-password\n");
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(fine->at(0).display_name, "Éloïse Dupré");
}

}  // namespace
}  // namespace pupitre::auth
