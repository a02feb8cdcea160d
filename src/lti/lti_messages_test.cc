// LTI 1.3 messages: the login initiation read as hostile input, the authorization request the
// specification lists, launches' claims (each required one missing in turn), the deep linking
// answer and the scores as 1EdTech writes them.
#include "lti/lti_messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace pupitre::lti {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

Platform Moodle() {
  return {"https://moodle.school.fr", "tool-42", {"1"}, "https://moodle.school.fr/mod/lti/auth.php",
          "https://moodle.school.fr/mod/lti/certs.php", "https://moodle.school.fr/mod/lti/token.php"};
}

json::object ResourceLaunch() {
  return {{"iss", "https://moodle.school.fr"},
          {"sub", "7"},
          {"name", "Rose Tyler"},
          {"email", "rose@school.fr"},
          {kClaimVersion, "1.3.0"},
          {kClaimMessageType, "LtiResourceLinkRequest"},
          {kClaimDeploymentId, "1"},
          {kClaimTargetLinkUri, "https://pupitre.school.fr/lti/launch"},
          {kClaimResourceLink, {{"id", "rl-1"}, {"title", "Mid-term"}}},
          {kClaimRoles, json::array{"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"}},
          {kClaimContext, {{"id", "c-1"}, {"title", "History 2nde B"}}},
          {kClaimCustom, {{"exam", "history-mid"}, {"n", 3}}},
          {kClaimAgsEndpoint,
           {{"scope", json::array{std::string(kScopeScore)}},
            {"lineitem", "https://moodle.school.fr/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1"}}}};
}

TEST(LtiMessagesTest, TheLoginInitiationNamesThisPlatformAndATarget) {
  std::map<std::string, std::string> p{{"iss", "https://moodle.school.fr"},
                                       {"login_hint", "7"},
                                       {"target_link_uri", "https://pupitre.school.fr/lti/launch"},
                                       {"lti_message_hint", "{\"cmid\":4}"},
                                       {"client_id", "tool-42"},
                                       {"lti_deployment_id", "1"}};
  auto login = ReadLoginInitiation(p, Moodle());
  ASSERT_TRUE(login.ok()) << login.error().message;
  const std::string url = AuthRequestUrl(Moodle(), *login, "https://pupitre.school.fr/lti/launch", "S", "N");
  EXPECT_EQ(url, "https://moodle.school.fr/mod/lti/auth.php?scope=openid&response_type=id_token"
                 "&response_mode=form_post&prompt=none&client_id=tool-42&redirect_uri=https%3A%2F%2F"
                 "pupitre.school.fr%2Flti%2Flaunch&login_hint=7&state=S&nonce=N"
                 "&lti_message_hint=%7B%22cmid%22%3A4%7D");
  auto refused = [&](const std::string& key, const std::string& value) {
    auto q = p;
    if (value.empty()) q.erase(key); else q[key] = value;
    auto r = ReadLoginInitiation(q, Moodle());
    return r.ok() ? std::string("taken") : r.error().reason;
  };
  EXPECT_EQ(refused("iss", ""), "lti_bad_login");
  EXPECT_EQ(refused("login_hint", ""), "lti_bad_login");
  EXPECT_EQ(refused("target_link_uri", ""), "lti_bad_login");
  EXPECT_EQ(refused("target_link_uri", "javascript:alert(1)"), "lti_bad_login");
  EXPECT_EQ(refused("iss", "https://other.lms"), "lti_unknown_platform");
  EXPECT_EQ(refused("client_id", "someone-else"), "lti_unknown_platform");
  EXPECT_EQ(refused("lti_deployment_id", "9"), "lti_unknown_platform");
  EXPECT_EQ(refused("client_id", ""), "taken") << "client_id is optional";
  EXPECT_EQ(refused("login_hint", std::string(5000, 'x')), "lti_bad_login");
}

TEST(LtiMessagesTest, AResourceLinkLaunchSaysWhoFromWhichLinkAndWhereScoresGo) {
  auto launch = ReadLaunch(ResourceLaunch(), Moodle());
  ASSERT_TRUE(launch.ok()) << launch.error().message;
  EXPECT_EQ(launch->kind, Launch::Kind::kResourceLink);
  EXPECT_EQ(launch->sub, "7");
  EXPECT_EQ(launch->resource_link_id, "rl-1");
  EXPECT_EQ(launch->custom.at("exam"), "history-mid");
  EXPECT_EQ(launch->custom.count("n"), 0u) << "strings only";
  EXPECT_EQ(launch->context_title, "History 2nde B");
  EXPECT_FALSE(launch->IsInstructor());
  EXPECT_EQ(ScoresUrl(launch->ags_lineitem),
            "https://moodle.school.fr/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1");

  json::object teacher = ResourceLaunch();
  teacher[kClaimRoles] = json::array{"http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"};
  EXPECT_TRUE(ReadLaunch(teacher, Moodle())->IsInstructor());

  auto refusal = [](json::object claims) {
    auto r = ReadLaunch(claims, Moodle());
    if (r.ok()) return std::string("taken");
    EXPECT_EQ(r.error().reason, "lti_bad_launch");
    return r.error().message;
  };
  auto without = [](std::string_view key) {
    json::object c = ResourceLaunch();
    c.erase(key);
    return c;
  };
  auto with = [](std::string_view key, json::value v) {
    json::object c = ResourceLaunch();
    c[key] = std::move(v);
    return c;
  };
  EXPECT_THAT(refusal(without(kClaimVersion)), HasSubstr("version"));
  EXPECT_THAT(refusal(with(kClaimVersion, "1.1")), HasSubstr("version"));
  EXPECT_THAT(refusal(with(kClaimMessageType, "LtiSubmissionReviewRequest")), HasSubstr("message type"));
  EXPECT_THAT(refusal(without(kClaimDeploymentId)), HasSubstr("deployment"));
  EXPECT_THAT(refusal(with(kClaimDeploymentId, "2")), HasSubstr("not registered"));
  EXPECT_THAT(refusal(without(kClaimResourceLink)), HasSubstr("resource link"));
  EXPECT_THAT(refusal(without(kClaimRoles)), HasSubstr("roles"));
  EXPECT_THAT(refusal(without("sub")), HasSubstr("sub"));
}

TEST(LtiMessagesTest, DeepLinkingIsAnsweredWithSignedLinksToExams) {
  json::object claims = ResourceLaunch();
  claims.erase(kClaimResourceLink);
  claims[kClaimMessageType] = "LtiDeepLinkingRequest";
  claims[kClaimDeepLinkingSettings] = {
      {"deep_link_return_url", "https://moodle.school.fr/mod/lti/contentitem_return.php?course=2"},
      {"accept_types", json::array{"ltiResourceLink"}},
      {"accept_presentation_document_targets", json::array{"window"}},
      {"accept_multiple", false},
      {"data", "opaque-42"}};
  auto request = ReadLaunch(claims, Moodle());
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->kind, Launch::Kind::kDeepLinking);
  EXPECT_FALSE(request->accepts_several);
  const json::object answer = DeepLinkingResponse(
      Moodle(), *request, {{"Mid-term", "https://pupitre.school.fr/lti/launch", "history-mid", 20}},
      "n-1", 1'800'000'000);
  EXPECT_EQ(answer.at("iss").as_string(), "tool-42");
  EXPECT_EQ(answer.at("aud").as_string(), "https://moodle.school.fr");
  EXPECT_EQ(answer.at(kClaimMessageType).as_string(), "LtiDeepLinkingResponse");
  EXPECT_EQ(answer.at(kClaimDeepLinkingData).as_string(), "opaque-42") << "echoed";
  const json::object& item = answer.at(kClaimContentItems).as_array().at(0).as_object();
  EXPECT_EQ(item.at("type").as_string(), "ltiResourceLink");
  EXPECT_EQ(item.at("custom").at("exam").as_string(), "history-mid");
  EXPECT_EQ(item.at("lineItem").at("scoreMaximum").as_double(), 20);

  json::object no_links = claims;
  no_links[kClaimDeepLinkingSettings].as_object()["accept_types"] = json::array{"file"};
  EXPECT_THAT(ReadLaunch(no_links, Moodle()).error().message, HasSubstr("no LTI resource links"));
  json::object bad_return = claims;
  bad_return[kClaimDeepLinkingSettings].as_object()["deep_link_return_url"] = "javascript:x";
  EXPECT_FALSE(ReadLaunch(bad_return, Moodle()).ok());
}

TEST(LtiMessagesTest, ScoresAndTokenRequestsAreWrittenAsAgsAndRfc7523Say) {
  const json::value score = json::parse(ScoreBody({"7", 13.5, 20, "", 1'800'000'000'123, true}));
  EXPECT_EQ(score.at("userId").as_string(), "7");
  EXPECT_EQ(score.at("scoreGiven").as_double(), 13.5);
  EXPECT_EQ(score.at("timestamp").as_string(), "2027-01-15T08:00:00.123Z");
  EXPECT_EQ(score.at("gradingProgress").as_string(), "FullyGraded");
  EXPECT_EQ(json::parse(ScoreBody({"7", 0, 20, "", 0, false})).at("gradingProgress").as_string(), "Pending");
  const json::object assertion = ClientAssertion(Moodle(), "j-1", 100);
  EXPECT_EQ(assertion.at("aud").as_string(), "https://moodle.school.fr/mod/lti/token.php");
  EXPECT_EQ(assertion.at("sub").as_string(), "tool-42");
  EXPECT_THAT(TokenRequestBody("a.b.c", kScopeScore),
              HasSubstr("grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth"
                        "%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=a.b.c&scope=https%3A%2F%2F"));
  EXPECT_EQ(ScoresUrl("https://lms/lineitems/5/"), "https://lms/lineitems/5/scores");
}

}  // namespace
}  // namespace pupitre::lti
