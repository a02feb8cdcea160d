// LTI 1.3 messages (see lti_messages.h).
#include "lti/lti_messages.h"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "common/net.h"
#include "common/text.h"
#include "sso/jwt.h"

namespace pupitre::lti {
namespace {

namespace json = boost::json;

std::string Encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

Error BadLaunch(std::string why) {
  return Error::Unauthenticated("the LTI launch is refused: " + std::move(why)).Because("lti_bad_launch");
}

const json::object* ObjectAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// Addresses the platform gives: https (or this machine): scores and answers go there.
bool IsWebAddress(std::string_view url) { return IsHttpsOrLoopback(url); }

std::string Param(const std::map<std::string, std::string>& params, const std::string& key) {
  const auto it = params.find(key);
  return it == params.end() ? "" : it->second;
}

}  // namespace

Result<LoginInitiation> ReadLoginInitiation(const std::map<std::string, std::string>& params,
                                            const Platform& platform) {
  LoginInitiation l{Param(params, "iss"),          Param(params, "login_hint"),
                    Param(params, "target_link_uri"), Param(params, "lti_message_hint"),
                    Param(params, "client_id"),    Param(params, "lti_deployment_id")};
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"iss", l.iss},
                                    {"login_hint", l.login_hint},
                                    {"target_link_uri", l.target_link_uri}}) {
    if (value.empty()) {
      return Error::BadRequest(fmt::format("an LTI login initiation needs {}", name)).Because("lti_bad_login");
    }
  }
  for (const std::string* v : {&l.iss, &l.login_hint, &l.target_link_uri, &l.lti_message_hint,
                               &l.client_id, &l.deployment_id}) {
    if (v->size() > 4096) {
      return Error::BadRequest("an LTI login initiation parameter is longer than 4096 characters")
          .Because("lti_bad_login");
    }
  }
  if (l.iss != platform.issuer || (!l.client_id.empty() && l.client_id != platform.client_id)) {
    return Error::NotFound("this LTI platform (iss, client_id) is not registered here")
        .Because("lti_unknown_platform");
  }
  const auto& known = platform.deployment_ids;
  if (!l.deployment_id.empty() && !known.empty() &&
      std::find(known.begin(), known.end(), l.deployment_id) == known.end()) {
    return Error::NotFound("this LTI deployment is not registered here").Because("lti_unknown_platform");
  }
  if (!IsWebAddress(l.target_link_uri)) {
    return Error::BadRequest("target_link_uri is not an https address").Because("lti_bad_login");
  }
  return l;
}

std::string AuthRequestUrl(const Platform& p, const LoginInitiation& login,
                           std::string_view redirect_uri, std::string_view state,
                           std::string_view nonce) {
  std::string url = fmt::format(
      "{}{}scope=openid&response_type=id_token&response_mode=form_post&prompt=none&client_id={}"
      "&redirect_uri={}&login_hint={}&state={}&nonce={}",
      p.auth_login_url, p.auth_login_url.find('?') == std::string::npos ? '?' : '&',
      Encode(p.client_id), Encode(redirect_uri), Encode(login.login_hint), Encode(state),
      Encode(nonce));
  if (!login.lti_message_hint.empty()) url += "&lti_message_hint=" + Encode(login.lti_message_hint);
  return url;
}

bool Launch::IsInstructor() const {
  static constexpr std::string_view kTeaching[] = {
      "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
      "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
      "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
      "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
      "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
      "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"};
  return std::any_of(roles.begin(), roles.end(), [](const std::string& r) {
    return std::find(std::begin(kTeaching), std::end(kTeaching), r) != std::end(kTeaching);
  });
}

Result<Launch> ReadLaunch(const json::object& claims, const Platform& platform) {
  Launch l;
  if (sso::StringClaim(claims, kClaimVersion) != "1.3.0") return BadLaunch("its version is not 1.3.0");
  const std::string type = sso::StringClaim(claims, kClaimMessageType);
  if (type == "LtiResourceLinkRequest") {
    l.kind = Launch::Kind::kResourceLink;
  } else if (type == "LtiDeepLinkingRequest") {
    l.kind = Launch::Kind::kDeepLinking;
  } else {
    return BadLaunch(fmt::format("its message type \"{}\" is not one this tool takes",
                                 PrintableAscii(type, 64)));
  }
  l.deployment_id = sso::StringClaim(claims, kClaimDeploymentId);
  const auto& known = platform.deployment_ids;
  if (l.deployment_id.empty() || l.deployment_id.size() > 255) return BadLaunch("it names no deployment");
  if (!known.empty() && std::find(known.begin(), known.end(), l.deployment_id) == known.end()) {
    return BadLaunch("its deployment is not registered here");
  }
  l.sub = sso::StringClaim(claims, "sub");
  if (l.sub.empty() || l.sub.size() > 255) return BadLaunch("it names nobody (sub)");
  l.name = sso::StringClaim(claims, "name");
  l.given_name = sso::StringClaim(claims, "given_name");
  l.family_name = sso::StringClaim(claims, "family_name");
  l.email = sso::StringClaim(claims, "email");
  l.locale = sso::StringClaim(claims, "locale");
  l.target_link_uri = sso::StringClaim(claims, kClaimTargetLinkUri);
  const json::value* roles = claims.if_contains(kClaimRoles);
  if (roles == nullptr || !roles->is_array()) return BadLaunch("it has no roles claim");
  for (const json::value& r : roles->get_array()) {
    if (r.is_string()) l.roles.emplace_back(r.get_string());
  }
  if (const json::object* context = ObjectAt(claims, kClaimContext)) {
    l.context_id = sso::StringClaim(*context, "id");
    l.context_title = sso::StringClaim(*context, "title");
  }
  if (const json::object* custom = ObjectAt(claims, kClaimCustom)) {
    for (const auto& [k, v] : *custom) {
      if (v.is_string() && l.custom.size() < 64) l.custom[std::string(k)] = std::string(v.get_string());
    }
  }
  if (l.kind == Launch::Kind::kResourceLink) {
    const json::object* link = ObjectAt(claims, kClaimResourceLink);
    l.resource_link_id = link == nullptr ? "" : sso::StringClaim(*link, "id");
    if (l.resource_link_id.empty() || l.resource_link_id.size() > 255) {
      return BadLaunch("it names no resource link");
    }
    if (const json::object* ags = ObjectAt(claims, kClaimAgsEndpoint)) {
      l.ags_lineitem = sso::StringClaim(*ags, "lineitem");
      if (!l.ags_lineitem.empty() && !IsWebAddress(l.ags_lineitem)) l.ags_lineitem.clear();
      if (const json::value* scopes = ags->if_contains("scope"); scopes && scopes->is_array()) {
        for (const json::value& s : scopes->get_array()) {
          if (s.is_string()) l.ags_scopes.emplace_back(s.get_string());
        }
      }
    }
  } else {
    const json::object* settings = ObjectAt(claims, kClaimDeepLinkingSettings);
    if (settings == nullptr) return BadLaunch("a deep linking request without its settings");
    l.deep_link_return_url = sso::StringClaim(*settings, "deep_link_return_url");
    if (!IsWebAddress(l.deep_link_return_url)) return BadLaunch("its deep_link_return_url is not an https address");
    l.deep_link_data = sso::StringClaim(*settings, "data");
    if (const json::value* types = settings->if_contains("accept_types"); types && types->is_array()) {
      for (const json::value& t : types->get_array()) {
        l.accepts_resource_links = l.accepts_resource_links || (t.is_string() && t.get_string() == "ltiResourceLink");
      }
    }
    const json::value* several = settings->if_contains("accept_multiple");
    l.accepts_several = several != nullptr && several->is_bool() && several->get_bool();
    if (!l.accepts_resource_links) return BadLaunch("the platform takes no LTI resource links back");
  }
  return l;
}

json::object DeepLinkingResponse(const Platform& p, const Launch& request,
                                 const std::vector<LinkItem>& items, std::string_view nonce,
                                 int64_t now_s) {
  json::array content;
  for (const LinkItem& item : items) {
    json::object link{{"type", "ltiResourceLink"},
                      {"title", item.title},
                      {"url", item.url},
                      {"custom", {{"exam", item.exam_id}}}};
    if (item.score_maximum > 0) {
      link["lineItem"] = {{"scoreMaximum", item.score_maximum}, {"label", item.title},
                          {"resourceId", item.exam_id}};
    }
    content.push_back(std::move(link));
  }
  json::object claims{{"iss", p.client_id},
                      {"aud", p.issuer},
                      {"iat", now_s},
                      {"exp", now_s + 600},
                      {"nonce", nonce},
                      {kClaimMessageType, "LtiDeepLinkingResponse"},
                      {kClaimVersion, "1.3.0"},
                      {kClaimDeploymentId, request.deployment_id},
                      {kClaimContentItems, std::move(content)}};
  if (!request.deep_link_data.empty()) claims[kClaimDeepLinkingData] = request.deep_link_data;
  return claims;
}

json::object ClientAssertion(const Platform& p, std::string_view jti, int64_t now_s) {
  return {{"iss", p.client_id}, {"sub", p.client_id}, {"aud", p.token_url},
          {"iat", now_s},       {"exp", now_s + 300}, {"jti", jti}};
}

std::string TokenRequestBody(std::string_view assertion, std::string_view scopes) {
  return fmt::format(
      "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3A"
      "client-assertion-type%3Ajwt-bearer&client_assertion={}&scope={}",
      Encode(assertion), Encode(scopes));
}

std::string ScoreBody(const Score& s) {
  const std::time_t seconds = static_cast<std::time_t>(s.timestamp_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  const std::string timestamp =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                  utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, s.timestamp_ms % 1000);
  json::object body{{"userId", s.user_id},
                    {"scoreGiven", s.given},
                    {"scoreMaximum", s.maximum},
                    {"timestamp", timestamp},
                    {"activityProgress", s.final ? "Completed" : "Submitted"},
                    {"gradingProgress", s.final ? "FullyGraded" : "Pending"}};
  if (!s.comment.empty()) body["comment"] = s.comment;
  return json::serialize(body);
}

std::string ScoresUrl(std::string_view lineitem) {
  const size_t query = lineitem.find('?');
  std::string base(lineitem.substr(0, query));
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/scores" + (query == std::string_view::npos ? "" : std::string(lineitem.substr(query)));
}

}  // namespace pupitre::lti
