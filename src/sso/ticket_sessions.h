#pragma once
// Which sessions a provider's sign-in opened, under the name its single logout will use (a CAS
// ticket; an OpenID Connect provider's session id, or its subject), so that the logout ends them.
// A name may have opened several sessions (two tabs signing in through one provider session; a
// subject's devices): at most kPerName each, the oldest forgotten first. Bounded: the oldest
// names go first beyond `capacity` (a session then outlives a single logout: it still ends at
// its own expiry or logout). In memory, per node.

#include <cstddef>
#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"

namespace pupitre::sso {

class TicketSessions {
 public:
  static constexpr size_t kPerName = 16;

  explicit TicketSessions(size_t capacity = 200'000) : capacity_(capacity) {}

  void Remember(const std::string& name, const std::string& token_hash) {
    MutexLock lock(mu_);
    auto [it, fresh] = by_name_.try_emplace(name);
    std::vector<std::string>& hashes = it->second;
    if (std::find(hashes.begin(), hashes.end(), token_hash) != hashes.end()) return;
    if (hashes.size() == kPerName) hashes.erase(hashes.begin());
    hashes.push_back(token_hash);
    if (!fresh) return;
    order_.push_back(name);
    while (order_.size() > capacity_) {
      by_name_.erase(order_.front());
      order_.pop_front();
    }
  }

  // The sessions the name opened, forgotten once told (none: not opened here, or told already).
  std::vector<std::string> Take(const std::string& name) {
    MutexLock lock(mu_);
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) return {};
    std::vector<std::string> hashes = std::move(it->second);
    by_name_.erase(it);  // its place in order_ goes when it comes to the front
    return hashes;
  }

 private:
  const size_t capacity_;
  Mutex mu_;
  std::unordered_map<std::string, std::vector<std::string>> by_name_ GUARDED_BY(mu_);
  std::deque<std::string> order_ GUARDED_BY(mu_);
};

}  // namespace pupitre::sso
