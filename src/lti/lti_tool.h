#pragma once
// Pupitre as an LTI 1.3 tool of one platform: launches checked (the platform's key set fetched
// and kept, each nonce taken once), scores sent back (an access token asked with the tool's
// signed client assertion, kept until it expires). Its calls block: use it from the sign-in
// threads, never from an event loop.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/mutex.h"
#include "common/result.h"
#include "lti/lti_messages.h"
#include "sso/once_book.h"
#include "sso/remote_keys.h"
#include "sso/signing_key.h"

namespace pupitre::lti {

class LtiTool {
 public:
  // `tool_url`: this server's public address ("https://pupitre.school.fr", no trailing /).
  LtiTool(Platform platform, sso::SigningKey key, std::string tool_url, int64_t timeout_ms);

  const Platform& platform() const { return platform_; }
  const sso::SigningKey& key() const { return key_; }
  std::string LaunchUrl() const { return tool_url_ + "/lti/launch"; }

  // The launch an id_token carries, once its signature (the platform's keys), iss, aud/azp,
  // exp, iat and nonce (`nonce`, the one this browser's login sent, taken once: a replayed
  // launch is refused) are checked. Errors: sso_bad_token, lti_replay, lti_bad_launch,
  // sso_unreadable / peer_down (the platform's keys).
  Result<Launch> CheckLaunch(std::string_view id_token, const std::string& nonce, int64_t now_s);

  // Sends `score` to the line item (AGS); errors: lti_score_refused (the platform's answer),
  // peer_down.
  Status SendScore(const std::string& lineitem, const Score& score, int64_t now_s);

  // One sending of an exam's scores at a time: false when one is under way.
  bool BeginScores(const std::string& exam_id);
  void EndScores(const std::string& exam_id);

 private:
  Result<std::string> AccessToken(int64_t now_s);

  const Platform platform_;
  const sso::SigningKey key_;
  const std::string tool_url_;
  const int64_t timeout_ms_;
  sso::RemoteKeySet keys_;
  sso::OnceBook nonces_;  // launches' nonces, each taken once
  Mutex mu_;
  std::string access_token_ GUARDED_BY(mu_);
  int64_t access_token_until_s_ GUARDED_BY(mu_) = 0;
  std::set<std::string> sending_ GUARDED_BY(mu_);
};

}  // namespace pupitre::lti
