#include "sso/remote_keys.h"

#include <fmt/format.h>

#include "outbound/http_call.h"

namespace pupitre::sso {
namespace {

constexpr int64_t kRefetchSeconds = 60;

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
    if (url_ == url && keys_ != nullptr &&
        (kid.empty() || keys_->Has(kid) || now_s - fetched_s_ < kRefetchSeconds)) {
      return keys_;
    }
  }
  // Fetched outside the lock: a slow provider holds one sign-in thread, not every one.
  auto document = FetchDocument(url, timeout_ms_, "key set");
  if (!document.ok()) return document.take_error();
  auto keys = KeySet::Parse(*document);
  if (!keys.ok()) return keys.take_error();
  auto shared = std::make_shared<const KeySet>(std::move(*keys));
  MutexLock lock(mu_);
  url_ = url;
  keys_ = shared;
  fetched_s_ = now_s;
  return shared;
}

}  // namespace pupitre::sso
