#include "guard/rate_table.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace pupitre::guard {

namespace {

int64_t Ns(MonoPoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

int64_t IntervalNs(const Rate& r) { return static_cast<int64_t>(1e9 / r.rate); }

// How far ahead of `now` a key's TAT may be and still be allowed one more.
int64_t ToleranceNs(const Rate& r) {
  return static_cast<int64_t>(std::max(0.0, r.burst - 1) * static_cast<double>(IntervalNs(r)));
}

Millis Wait(int64_t ns) { return Millis((std::max<int64_t>(0, ns) + 999'999) / 1'000'000); }

}  // namespace

RateTable::RateTable(size_t capacity)
    : per_stripe_(std::max<size_t>(1, (capacity + kStripes - 1) / kStripes)) {}

RateTable::Stripe& RateTable::StripeOf(std::string_view key) const {
  return stripes_[std::hash<std::string_view>{}(key) % kStripes];
}

bool RateTable::MakeRoom(Stripe& s, int64_t now_ns, size_t per_stripe) {
  if (s.tat.size() < per_stripe) return true;
  std::erase_if(s.tat, [now_ns](const auto& kv) { return kv.second <= now_ns; });
  return s.tat.size() < per_stripe;
}

std::optional<Millis> RateTable::Take(std::string_view key, const Rate& limit, MonoPoint now) {
  if (limit.unlimited()) return std::nullopt;
  const int64_t now_ns = Ns(now);
  Stripe& s = StripeOf(key);
  MutexLock lock(s.mu);
  auto it = s.tat.find(std::string(key));
  const int64_t tat = it == s.tat.end() ? now_ns : std::max(it->second, now_ns);
  const int64_t excess = tat - now_ns - ToleranceNs(limit);
  if (excess > 0) return Wait(excess);
  const int64_t next = tat + IntervalNs(limit);
  if (it != s.tat.end()) {
    it->second = next;
  } else if (MakeRoom(s, now_ns, per_stripe_)) {
    s.tat.emplace(key, next);
  }
  // A full table of keys that all owe: the newcomer goes through untracked (fail open), so that
  // a flood of made-up keys cannot lock out the keys that come after it.
  return std::nullopt;
}

std::optional<Millis> RateTable::Peek(std::string_view key, const Rate& limit,
                                      MonoPoint now) const {
  if (limit.unlimited()) return std::nullopt;
  const int64_t now_ns = Ns(now);
  Stripe& s = StripeOf(key);
  MutexLock lock(s.mu);
  auto it = s.tat.find(std::string(key));
  if (it == s.tat.end()) return std::nullopt;
  const int64_t excess = std::max(it->second, now_ns) - now_ns - ToleranceNs(limit);
  if (excess > 0) return Wait(excess);
  return std::nullopt;
}

void RateTable::Charge(std::string_view key, const Rate& limit, MonoPoint now) {
  if (limit.unlimited()) return;
  const int64_t now_ns = Ns(now);
  Stripe& s = StripeOf(key);
  MutexLock lock(s.mu);
  auto it = s.tat.find(std::string(key));
  const int64_t tat = it == s.tat.end() ? now_ns : std::max(it->second, now_ns);
  // The debt is capped one burst beyond the limit: a key stops being charged past that, so
  // that it never waits longer than two bursts' worth.
  const int64_t cap = now_ns + 2 * ToleranceNs(limit) + IntervalNs(limit);
  const int64_t next = std::min(tat + IntervalNs(limit), cap);
  if (it != s.tat.end()) {
    it->second = next;
  } else if (MakeRoom(s, now_ns, per_stripe_)) {
    s.tat.emplace(key, next);
  }
}

bool RateTable::Owes(std::string_view key, MonoPoint now) const {
  Stripe& s = StripeOf(key);
  MutexLock lock(s.mu);
  auto it = s.tat.find(std::string(key));
  return it != s.tat.end() && it->second > Ns(now);
}

size_t RateTable::size() const {
  size_t n = 0;
  for (auto& s : stripes_) {
    MutexLock lock(s.mu);
    n += s.tat.size();
  }
  return n;
}

}  // namespace pupitre::guard
