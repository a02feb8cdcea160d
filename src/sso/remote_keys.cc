#include "sso/remote_keys.h"

#include <fmt/format.h>

#include "outbound/http_call.h"

namespace pupitre::sso {
namespace {

constexpr int64_t kRefetchSeconds = 60;
constexpr int64_t kMaxAgeSeconds = 3600;

}  // namespace

Result<std::string> FetchDocument(const std::string& url, int64_t timeout_ms,
                                  const std::string& what, const std::string& bearer) {
  outbound::HttpRequest request;
  request.url = url;
  request.timeout_ms = timeout_ms;
  request.max_reply_bytes = size_t{1} << 20;
  if (!bearer.empty()) request.authorization = "Bearer " + bearer;
  auto reply = outbound::Call(request);
  if (!reply.ok()) return reply.take_error();
  if (reply->status != 200) {
    return Error::Unavailable(fmt::format("the provider's {} answered {}", what, reply->status))
        .Because("sso_unreadable");
  }
  return std::move(reply->body);
}

Result<std::shared_ptr<const KeySet>> RemoteKeySet::For(const std::string& url,
                                                        const std::string& kid, int64_t now_s) {
  {
    MutexLock lock(mu_);
    const bool have = url_ == url && keys_ != nullptr;
    const bool fits = have && (kid.empty() || keys_->Has(kid)) && now_s - fetched_s_ < kMaxAgeSeconds;
    const bool may_fetch = !fetching_ && (!have || now_s - attempted_s_ >= kRefetchSeconds);
    if (fits || (have && !may_fetch)) return keys_;
    if (!may_fetch) {
      return Error::Unavailable("the provider's key set is being fetched: try again").Because("sso_busy");
    }
    fetching_ = true;
    attempted_s_ = now_s;
  }
  // Fetched outside the lock: a slow provider holds one sign-in thread, not every one.
  Result<KeySet> keys = [&]() -> Result<KeySet> {
    auto document = FetchDocument(url, timeout_ms_, "key set");
    if (!document.ok()) return document.take_error();
    return KeySet::Parse(*document);
  }();
  MutexLock lock(mu_);
  fetching_ = false;
  if (!keys.ok()) {
    // The keys it had stay, if they are the same provider's (a refetch that failed).
    if (url_ == url && keys_ != nullptr) return keys_;
    return keys.take_error();
  }
  url_ = url;
  keys_ = std::make_shared<const KeySet>(std::move(*keys));
  fetched_s_ = now_s;
  return keys_;
}

}  // namespace pupitre::sso
