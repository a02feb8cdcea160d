#pragma once
// Which session each CAS ticket opened, so that the provider's single logout (a POST naming the
// ticket) ends that session. Bounded: the oldest entries go first beyond `capacity` (a session
// then outlives a single logout: it still ends at its own expiry or logout). In memory, per node.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/mutex.h"

namespace pupitre::sso {

class TicketSessions {
 public:
  explicit TicketSessions(size_t capacity = 200'000) : capacity_(capacity) {}

  void Remember(const std::string& ticket, const std::string& token_hash) {
    MutexLock lock(mu_);
    if (!by_ticket_.emplace(ticket, token_hash).second) return;
    order_.push_back(ticket);
    while (order_.size() > capacity_) {
      by_ticket_.erase(order_.front());
      order_.pop_front();
    }
  }

  // The session the ticket opened, forgotten once told.
  std::optional<std::string> Take(const std::string& ticket) {
    MutexLock lock(mu_);
    const auto it = by_ticket_.find(ticket);
    if (it == by_ticket_.end()) return std::nullopt;
    std::string hash = std::move(it->second);
    by_ticket_.erase(it);  // its place in order_ goes when it comes to the front
    return hash;
  }

 private:
  const size_t capacity_;
  Mutex mu_;
  std::unordered_map<std::string, std::string> by_ticket_ GUARDED_BY(mu_);
  std::deque<std::string> order_ GUARDED_BY(mu_);
};

}  // namespace pupitre::sso
