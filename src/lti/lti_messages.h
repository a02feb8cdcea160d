#pragma once
// LTI 1.3 (1EdTech Learning Tools Interoperability Core 1.3, Deep Linking 2.0, Assignment and
// Grade Services 2.0) messages as a tool reads and writes them; pure: the calls are LtiTool's
// (lti/lti_tool.h), the routes api/lti_routes.cc's.
//
//   login     the platform's page sends the browser to the tool's login initiation with iss,
//             login_hint, target_link_uri (and lti_message_hint, client_id, lti_deployment_id);
//             the tool sends it on to the platform's OIDC authorization endpoint with a state
//             (kept in the browser's cookie) and a nonce
//   launch    the platform POSTs id_token and state to the tool's redirect_uri: a JWT signed
//             with the platform's key, its LTI claims saying who, from which link, in which role
//   deep link a teacher's LtiDeepLinkingRequest launch; the tool answers with a signed
//             LtiDeepLinkingResponse POSTed by the browser to deep_link_return_url
//   scores    the tool asks the platform's token endpoint for an access token (a client assertion
//             signed with the tool's key), then POSTs a score to the line item's /scores

#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pupitre::lti {

// One platform (an LMS) as the tool is registered there.
struct Platform {
  std::string issuer;          // iss of its messages
  std::string client_id;       // the tool's client id there (aud of its messages)
  std::vector<std::string> deployment_ids;  // the deployments of the tool accepted
  std::string auth_login_url;  // its OIDC authorization endpoint
  std::string jwks_url;        // its key set
  std::string token_url;       // its OAuth 2 token endpoint (AGS)
};

// The login initiation's parameters (query or form).
struct LoginInitiation {
  std::string iss;
  std::string login_hint;
  std::string target_link_uri;
  std::string lti_message_hint;  // "" : none
  std::string client_id;         // "" : none sent
  std::string deployment_id;     // "" : none sent
};

// Fails kBadRequest (reason lti_bad_login) when a required parameter is missing or too long,
// kNotFound (lti_unknown_platform) when iss / client_id are not the platform's.
Result<LoginInitiation> ReadLoginInitiation(const std::map<std::string, std::string>& params,
                                            const Platform& platform);

// The platform's authorization address for this login, the tool's launch address as
// redirect_uri (OIDC implicit flow, id_token by form_post, prompt=none).
std::string AuthRequestUrl(const Platform& p, const LoginInitiation& login,
                           std::string_view redirect_uri, std::string_view state,
                           std::string_view nonce);

// What a launch says, once its id_token's signature and iss/aud/exp/iat/nonce are checked.
struct Launch {
  enum class Kind { kResourceLink, kDeepLinking } kind = Kind::kResourceLink;
  std::string sub;            // the person at the platform
  std::string name, given_name, family_name, email;
  std::string locale;         // "fr-FR", "en"... ("" : not said)
  std::vector<std::string> roles;
  std::string deployment_id;
  std::string target_link_uri;
  std::string resource_link_id;     // resource link launches
  std::string context_id, context_title;
  std::map<std::string, std::string> custom;  // string values of the custom claim
  // Deep linking: where the answer goes, what may be returned, the platform's data echoed.
  std::string deep_link_return_url;
  std::string deep_link_data;
  bool accepts_resource_links = false;
  bool accepts_several = false;
  // Assignment and Grade Services, when the platform offers it for this link.
  std::string ags_lineitem;
  std::vector<std::string> ags_scopes;

  bool IsInstructor() const;  // an Instructor (or Administrator) membership or institution role
};

// The LTI claims of a checked launch; fails kUnauthenticated (reason lti_bad_launch) naming the
// claim: version 1.3.0, a known message type, a deployment of this platform, a resource link id
// (resource link launches), deep linking settings with an http(s) return address (deep linking).
Result<Launch> ReadLaunch(const boost::json::object& claims, const Platform& platform);

// One Pupitre exam offered back to the platform by deep linking.
struct LinkItem {
  std::string title;
  std::string url;     // the tool's launch address
  std::string exam_id;  // custom.exam on its launches
  double score_maximum = 0;  // > 0: a line item (gradebook column) is asked for
};

// The claims of the LtiDeepLinkingResponse the tool signs (iss: client_id, aud: the platform).
boost::json::object DeepLinkingResponse(const Platform& p, const Launch& request,
                                        const std::vector<LinkItem>& items,
                                        std::string_view nonce, int64_t now_s);

// The client assertion (RFC 7523) with which the tool asks for an access token, and the token
// request's form body.
boost::json::object ClientAssertion(const Platform& p, std::string_view jti, int64_t now_s);
std::string TokenRequestBody(std::string_view assertion, std::string_view scopes);

// A score for AGS (application/vnd.ims.lis.v1.score+json): the learner's, over the maximum.
struct Score {
  std::string user_id;  // the platform's sub
  double given = 0;
  double maximum = 0;
  std::string comment;
  int64_t timestamp_ms = 0;
  bool final = true;  // FullyGraded/Completed; else Pending/Submitted
};
std::string ScoreBody(const Score& s);
// The line item's scores address: LINEITEM/scores, before its query if it has one.
std::string ScoresUrl(std::string_view lineitem);

// Claim names.
inline constexpr std::string_view kClaimMessageType = "https://purl.imsglobal.org/spec/lti/claim/message_type";
inline constexpr std::string_view kClaimVersion = "https://purl.imsglobal.org/spec/lti/claim/version";
inline constexpr std::string_view kClaimDeploymentId = "https://purl.imsglobal.org/spec/lti/claim/deployment_id";
inline constexpr std::string_view kClaimTargetLinkUri = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri";
inline constexpr std::string_view kClaimResourceLink = "https://purl.imsglobal.org/spec/lti/claim/resource_link";
inline constexpr std::string_view kClaimRoles = "https://purl.imsglobal.org/spec/lti/claim/roles";
inline constexpr std::string_view kClaimContext = "https://purl.imsglobal.org/spec/lti/claim/context";
inline constexpr std::string_view kClaimCustom = "https://purl.imsglobal.org/spec/lti/claim/custom";
inline constexpr std::string_view kClaimDeepLinkingSettings = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
inline constexpr std::string_view kClaimContentItems = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items";
inline constexpr std::string_view kClaimDeepLinkingData = "https://purl.imsglobal.org/spec/lti-dl/claim/data";
inline constexpr std::string_view kClaimAgsEndpoint = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
inline constexpr std::string_view kScopeScore = "https://purl.imsglobal.org/spec/lti-ags/scope/score";

}  // namespace pupitre::lti
