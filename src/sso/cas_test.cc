// CAS 3.0 answers as LemonLDAP::NG writes them (tests/fixtures/lemonldap/, captured from the
// portal the integration tests start) and as the protocol's specification shows them.
#include "sso/cas.h"

#include <gtest/gtest.h>

#include "sso/identity.h"
#include "testkit/fixtures.h"

namespace pupitre::sso {
namespace {

TEST(CasTest, AddressesNameTheServiceEncoded) {
  const CasOptions o{"https://auth.school.fr/cas", "https://pupitre.school.fr/sso/cas/callback"};
  EXPECT_EQ(CasLoginUrl(o),
            "https://auth.school.fr/cas/login?service=https%3A%2F%2Fpupitre.school.fr%2Fsso%2Fcas%2F"
            "callback");
  EXPECT_EQ(CasValidateUrl(o, "ST-1a"),
            "https://auth.school.fr/cas/p3/serviceValidate?service=https%3A%2F%2Fpupitre.school.fr"
            "%2Fsso%2Fcas%2Fcallback&ticket=ST-1a");
  EXPECT_TRUE(IsCasTicket("ST-5ee6ec2a953ac95db3b7c1da627ba501"));
  for (const char* bad : {"", "ST-", "PT-1", "ST-a&b", "ST-../x", "ST-a b"}) {
    EXPECT_FALSE(IsCasTicket(bad)) << bad;
  }
}

TEST(CasTest, LemonLdapsSuccessGivesTheUserAndEveryAttributeValue) {
  auto who = ParseCasValidation(testkit::ReadFixture("lemonldap/cas-validate-success.xml"));
  ASSERT_TRUE(who.ok()) << who.error().message;
  EXPECT_EQ(who->user, "dwho");
  EXPECT_EQ(who->attributes.at("cn"), std::vector<std::string>{"Doctor Who"});
  EXPECT_EQ(who->attributes.at("groups").size(), 3u) << "users, timelords, timelords";
  MappingOptions o;
  o.role_attribute = "groups";
  o.teacher_values = {"timelords"};
  auto account = MapIdentity(*who, o);
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->login, "dwho");
  EXPECT_EQ(account->display_name, "Doctor Who");
  EXPECT_EQ(account->role, auth::Role::kTeacher);
  o.admin_values = {"users"};
  EXPECT_EQ(MapIdentity(*who, o)->role, auth::Role::kAdmin) << "an operator's value first";
  // Only who the school allows: a provider also knows parents and other schools' pupils.
  o.required_attribute = "groups";
  o.allowed_values = {"timelords"};
  EXPECT_TRUE(MapIdentity(*who, o).ok());
  o.allowed_values = {"pupils-of-this-school"};
  EXPECT_EQ(MapIdentity(*who, o).error().reason, "sso_not_allowed");
  o.required_attribute = "missing";
  EXPECT_EQ(MapIdentity(*who, o).error().reason, "sso_not_allowed");
}

TEST(CasTest, AFailureSaysTheServersCode) {
  auto refused = ParseCasValidation(testkit::ReadFixture("lemonldap/cas-validate-failure.xml"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "sso_refused");
  EXPECT_NE(refused.error().message.find("INVALID_TICKET"), std::string::npos);
  for (const char* junk : {"", "<html/>", "not xml", "<cas:serviceResponse xmlns:cas='x'/>"}) {
    auto r = ParseCasValidation(junk);
    ASSERT_FALSE(r.ok()) << junk;
    EXPECT_EQ(r.error().reason, "sso_unreadable") << junk;
  }
}

// The CAS 3.0 specification's example of a successful validation (Apereo, "CAS Protocol
// 3.0 Specification", section 2.5.7).
TEST(CasTest, TheSpecificationsExampleReads) {
  auto who = ParseCasValidation(R"(<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
 <cas:authenticationSuccess>
  <cas:user>username</cas:user>
  <cas:attributes>
    <cas:firstname>John</cas:firstname>
    <cas:lastname>Doe</cas:lastname>
    <cas:title>Mr.</cas:title>
    <cas:email>jdoe@example.org</cas:email>
    <cas:affiliation>staff</cas:affiliation>
    <cas:affiliation>faculty</cas:affiliation>
  </cas:attributes>
  <cas:proxyGrantingTicket>PGTIOU-84678-8a9d...</cas:proxyGrantingTicket>
 </cas:authenticationSuccess>
</cas:serviceResponse>)");
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->user, "username");
  EXPECT_EQ(who->attributes.at("affiliation"), (std::vector<std::string>{"staff", "faculty"}));
  MappingOptions o;
  o.login_attribute = "email";
  o.name_attribute = "lastname";
  o.role_attribute = "affiliation";
  o.teacher_values = {"faculty"};
  auto a = MapIdentity(*who, o);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->login, "jdoe@example.org");
  EXPECT_EQ(a->display_name, "Doe");
  EXPECT_EQ(a->role, auth::Role::kTeacher);
  o.login_attribute = "title";  // "Mr." is a login; "John Doe" would not be
  o.name_attribute = "";
  EXPECT_EQ(MapIdentity(*who, o)->display_name, "Mr.");
  o.login_attribute = "missing";
  EXPECT_EQ(MapIdentity(*who, o).error().reason, "sso_bad_login");
}

TEST(CasTest, LemonLdapsSingleLogoutNamesTheTicket) {
  auto ticket = ParseCasLogoutPost(testkit::ReadFixture("lemonldap/cas-logout-post.txt"));
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(*ticket, "ST-5ee6ec2a953ac95db3b7c1da627ba501b0cb3282056d866155e8ce8adf408199");
  EXPECT_FALSE(ParseCasLogoutPost("logoutRequest=%3Cx%3E").has_value());
  EXPECT_FALSE(ParseCasLogoutPost("other=1").has_value());
  EXPECT_FALSE(ParseCasLogoutPost("").has_value());
}

}  // namespace
}  // namespace pupitre::sso
