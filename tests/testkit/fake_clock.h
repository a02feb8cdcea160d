#pragma once
// The test clock: time moves only when the test says so, so deadlines, rate limits and the
// waiting room are tested without sleeping.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/clock.h"

namespace pupitre {

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

}  // namespace pupitre
