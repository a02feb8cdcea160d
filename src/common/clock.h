#pragma once
// Time is injected so that deadlines, expiries and rate limits are tested without sleeping.

#include <chrono>
#include <cstdint>

namespace pupitre {

using TimePoint = std::chrono::system_clock::time_point;
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
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  MonoPoint Monotonic() const override { return std::chrono::steady_clock::now(); }
};

// Milliseconds since the Unix epoch: the one integer form of time stored and sent over the API.
inline int64_t ToUnixMs(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMs(int64_t ms) { return TimePoint(Millis(ms)); }

}  // namespace pupitre
