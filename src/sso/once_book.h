#pragma once
// Values a token may carry only once (an LTI launch's nonce, a logout token's jti): each
// remembered until it could no longer be taken anyway, so that a replayed token is refused.
// Bounded: beyond `capacity`, the oldest are forgotten first.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/mutex.h"

namespace pupitre::sso {

class OnceBook {
 public:
  explicit OnceBook(size_t capacity = 200'000) : capacity_(capacity) {}

  // Whether `value` is seen for the first time (it is then remembered until `until_s`).
  bool FirstUse(const std::string& value, int64_t until_s, int64_t now_s) {
    MutexLock lock(mu_);
    while (!order_.empty() && (order_.front().first < now_s || order_.size() >= capacity_)) {
      seen_.erase(order_.front().second);
      order_.pop_front();
    }
    if (!seen_.emplace(value, until_s).second) return false;
    order_.emplace_back(until_s, value);
    return true;
  }

 private:
  const size_t capacity_;
  Mutex mu_;
  std::unordered_map<std::string, int64_t> seen_ GUARDED_BY(mu_);
  std::deque<std::pair<int64_t, std::string>> order_ GUARDED_BY(mu_);
};

}  // namespace pupitre::sso
