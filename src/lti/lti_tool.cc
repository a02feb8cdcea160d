#include "lti/lti_tool.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "common/text.h"
#include "outbound/http_call.h"
#include "sso/jwt.h"

namespace pupitre::lti {
namespace {

namespace json = boost::json;

std::string RandomId() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  return sso::Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace

LtiTool::LtiTool(Platform platform, sso::SigningKey key, std::string tool_url, int64_t timeout_ms)
    : platform_(std::move(platform)),
      key_(std::move(key)),
      tool_url_(std::move(tool_url)),
      timeout_ms_(timeout_ms),
      keys_(timeout_ms) {}

Result<Launch> LtiTool::CheckLaunch(std::string_view id_token, const std::string& nonce,
                                    int64_t now_s) {
  auto keys = keys_.For(platform_.jwks_url, sso::JwsKeyId(id_token), now_s);
  if (!keys.ok()) return keys.take_error();
  auto token = sso::VerifyJws(id_token, **keys);
  if (!token.ok()) return token.take_error();
  sso::ClaimRules rules;
  rules.issuer = platform_.issuer;
  rules.audience = platform_.client_id;
  rules.nonce = nonce;
  rules.now_s = now_s;
  if (Status st = sso::CheckClaims(token->claims, rules); !st.ok()) return st.take_error();
  // Taken once, for as long as a token with it could still be taken.
  if (!nonces_.FirstUse(nonce, now_s + rules.max_age_s + 2 * rules.leeway_s, now_s)) {
    return Error::Unauthenticated("this launch was used already").Because("lti_replay");
  }
  return ReadLaunch(token->claims, platform_);
}

Result<std::string> LtiTool::AccessToken(int64_t now_s) {
  {
    MutexLock lock(mu_);
    if (!access_token_.empty() && now_s < access_token_until_s_) return access_token_;
  }
  outbound::HttpRequest request;
  request.method = "POST";
  request.url = platform_.token_url;
  auto assertion = key_.Sign(ClientAssertion(platform_, RandomId(), now_s));
  if (!assertion.ok()) return assertion.take_error();
  request.body = TokenRequestBody(*assertion, std::string(kScopeScore));
  request.timeout_ms = timeout_ms_;
  request.max_reply_bytes = size_t{1} << 20;
  auto reply = outbound::Call(request);
  if (!reply.ok()) return reply.take_error();
  boost::system::error_code ec;
  json::value v = json::parse(reply->body, ec);
  const json::value* token = !ec && v.is_object() ? v.as_object().if_contains("access_token") : nullptr;
  if (reply->status != 200 || token == nullptr || !token->is_string()) {
    return Error::Unavailable(fmt::format("the platform's token endpoint answered {}: {}",
                                          reply->status, PrintableAscii(reply->body, 200)))
        .Because("lti_score_refused");
  }
  int64_t lifetime = 3600;
  if (const json::value* e = v.as_object().if_contains("expires_in"); e && e->is_int64()) {
    lifetime = e->get_int64();
  }
  MutexLock lock(mu_);
  access_token_ = std::string(token->get_string());
  access_token_until_s_ = now_s + std::max<int64_t>(0, lifetime - 60);
  return access_token_;
}

Status LtiTool::SendScore(const std::string& lineitem, const Score& score, int64_t now_s) {
  auto token = AccessToken(now_s);
  if (!token.ok()) return token.take_error();
  outbound::HttpRequest request;
  request.method = "POST";
  request.url = ScoresUrl(lineitem);
  request.body = ScoreBody(score);
  request.content_type = "application/vnd.ims.lis.v1.score+json";
  request.authorization = "Bearer " + *token;
  request.timeout_ms = timeout_ms_;
  request.max_reply_bytes = size_t{64} << 10;
  auto reply = outbound::Call(request);
  if (!reply.ok()) return reply.take_error();
  if (reply->status == 401) {  // the token was revoked or expired early: asked again next time
    MutexLock lock(mu_);
    access_token_.clear();
  }
  if (reply->status < 200 || reply->status > 299) {
    return Error::Unavailable(fmt::format("the platform refused the score ({})", reply->status))
        .Because("lti_score_refused");
  }
  return Ok();
}

bool LtiTool::BeginScores(const std::string& exam_id) {
  MutexLock lock(mu_);
  return sending_.insert(exam_id).second;
}

void LtiTool::EndScores(const std::string& exam_id) {
  MutexLock lock(mu_);
  sending_.erase(exam_id);
}

}  // namespace pupitre::lti
