#pragma once
// Rate limits by key (an address, a subnet, an account): the generic cell rate algorithm (GCRA).
//
// A key is allowed `burst` requests at once, then one every 1/`rate` seconds. Each key keeps one
// number, its theoretical arrival time (TAT): a request at `now` is allowed when
// TAT - now <= (burst - 1) x interval, and pushes the TAT one interval on; otherwise the answer
// is how long to wait. A key whose TAT is in the past is the same as a key never seen, so such
// entries are forgotten when the table is full: memory is bounded by `capacity` keys, and a
// flood of new keys can only evict keys that owe nothing.
//
// Thread-safe: keys are spread over stripes, each with its own lock.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/net.h"
#include "common/mutex.h"

namespace pupitre::guard {

// One limit: `burst` at once, then `rate` per second. rate <= 0 means no limit.
struct Rate {
  double rate = 0;
  double burst = 1;
  bool unlimited() const { return rate <= 0; }
};

class RateTable {
 public:
  // At most `capacity` keys are remembered (rounded up to a multiple of the stripes).
  explicit RateTable(size_t capacity = 1 << 16);

  // Takes one request for `key` at `now` if `limit` allows it: nothing then; otherwise how long
  // to wait before one would be allowed (nothing is taken).
  std::optional<Millis> Take(std::string_view key, const Rate& limit, MonoPoint now);

  // Like Take, but only looks: nothing is taken.
  std::optional<Millis> Peek(std::string_view key, const Rate& limit, MonoPoint now) const;

  // Takes one request even when over the limit (the debt grows, bounded by one burst's worth
  // beyond it): for failures, which are counted after the fact.
  void Charge(std::string_view key, const Rate& limit, MonoPoint now);

  // Whether `key` owes anything at `now` (its TAT is in the future): a key that has been charged
  // lately.
  bool Owes(std::string_view key, MonoPoint now) const;

  size_t size() const;

 private:
  static constexpr size_t kStripes = 16;
  struct Stripe {
    mutable Mutex mu;
    std::unordered_map<std::string, int64_t> tat GUARDED_BY(mu);  // ns since the clock's epoch
  };
  Stripe& StripeOf(std::string_view key) const;
  // Makes room for one key: forgets those that owe nothing; false if none could be forgotten.
  static bool MakeRoom(Stripe& s, int64_t now_ns, size_t per_stripe) REQUIRES(s.mu);

  size_t per_stripe_;
  mutable std::array<Stripe, kStripes> stripes_;
};

}  // namespace pupitre::guard
