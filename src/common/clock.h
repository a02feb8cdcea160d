#pragma once
// Time is injected so that deadlines, expiries and rate limits are tested without sleeping.

#include <chrono>
#include <cstdint>

namespace pupitre {

// Wall time in milliseconds: what the API and the store carry. (system_clock's own
// nanoseconds would overflow in 2262; milliseconds hold every instant of years 1970 to 9999.)
using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using MonoPoint = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

// The time source: wall time (what people read: deadlines, windows, tickets) and monotonic time
// (what durations are measured with: latencies, timeouts, rates), which never jumps when the
// wall clock is set. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual MonoPoint Monotonic() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
  MonoPoint Monotonic() const override { return std::chrono::steady_clock::now(); }
};

// Milliseconds since the Unix epoch: the one integer form of time stored and sent over the API.
inline int64_t ToUnixMs(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMs(int64_t ms) { return TimePoint(Millis(ms)); }

// The instants Pupitre accepts, from input of any kind: 1970-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999Z, in Unix milliseconds. Anything outside is refused (422), so that no
// sum of an instant and a duration can overflow.
inline constexpr int64_t kMinInstantMs = 0;
inline constexpr int64_t kMaxInstantMs = 253'402'300'799'999;
inline bool IsValidInstantMs(int64_t ms) { return ms >= kMinInstantMs && ms <= kMaxInstantMs; }

}  // namespace pupitre
