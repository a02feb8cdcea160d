#pragma once
// Time is injected so that deadlines, expiries and rate limits are tested without sleeping.

#include <atomic>
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

// A clock that only moves when told to. Thread-safe. Advance moves both times; Set moves only
// the wall time (as an operator setting the system clock would).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_ms_(ToMs(start)) {}
  TimePoint Now() const override { return TimePoint(Millis(now_ms_.load())); }
  MonoPoint Monotonic() const override { return MonoPoint(Millis(mono_ms_.load())); }
  void Advance(Millis d) {
    now_ms_ += d.count();
    mono_ms_ += d.count();
  }
  void Set(TimePoint t) { now_ms_ = ToMs(t); }

 private:
  static int64_t ToMs(TimePoint t) {
    return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> now_ms_;
  std::atomic<int64_t> mono_ms_{1'000'000};
};

// Milliseconds since the Unix epoch: the one integer form of time stored and sent over the API.
inline int64_t ToUnixMs(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMs(int64_t ms) { return TimePoint(Millis(ms)); }

}  // namespace pupitre
