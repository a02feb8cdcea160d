#pragma once
// Time is injected so that deadlines, expiries and rate limits are tested without sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace pupitre {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

// Wall-clock time source. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_ms_(ToMs(start)) {}
  TimePoint Now() const override { return TimePoint(Millis(now_ms_.load())); }
  void Advance(Millis d) { now_ms_ += d.count(); }
  void Set(TimePoint t) { now_ms_ = ToMs(t); }

 private:
  static int64_t ToMs(TimePoint t) {
    return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> now_ms_;
};

// Milliseconds since the Unix epoch: the one integer form of time stored and sent over the API.
inline int64_t ToUnixMs(TimePoint t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMs(int64_t ms) { return TimePoint(Millis(ms)); }

}  // namespace pupitre
