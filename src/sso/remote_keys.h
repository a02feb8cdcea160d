#pragma once
// A provider's (or an LMS platform's) published key set, fetched from its jwks_uri and kept: it
// is fetched again when a token names a key not in it (keys rotate) and at least every hour (a
// key the provider withdrew stops being trusted), at most once a minute whatever happens (a
// flood of tokens naming unknown keys, or a provider down, cannot make this server hammer it;
// one fetch at a time). Its calls block: use it from the sign-in threads.

#include <cstdint>
#include <memory>
#include <string>

#include "common/mutex.h"
#include "common/result.h"
#include "sso/jwt.h"

namespace pupitre::sso {

class RemoteKeySet {
 public:
  explicit RemoteKeySet(int64_t timeout_ms) : timeout_ms_(timeout_ms) {}

  // The keys at `url` that may check a token naming `kid` ("" : none named). Fails with
  // sso_unreadable (or peer_down) when they cannot be fetched or read.
  Result<std::shared_ptr<const KeySet>> For(const std::string& url, const std::string& kid,
                                            int64_t now_s);

 private:
  const int64_t timeout_ms_;
  Mutex mu_;
  std::string url_ GUARDED_BY(mu_);
  std::shared_ptr<const KeySet> keys_ GUARDED_BY(mu_);
  int64_t fetched_s_ GUARDED_BY(mu_) = 0;    // the keys' age
  int64_t attempted_s_ GUARDED_BY(mu_) = 0;  // the last fetch begun (successful or not)
  bool fetching_ GUARDED_BY(mu_) = false;
};

// A GET of a provider's JSON document (at most 1 MiB): its body, or sso_unreadable / peer_down.
// `bearer` adds an Authorization header.
Result<std::string> FetchDocument(const std::string& url, int64_t timeout_ms,
                                  const std::string& what, const std::string& bearer = "");

}  // namespace pupitre::sso
