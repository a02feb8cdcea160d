#pragma once
// Admission control: decides, for every request, whether it runs now, waits, or is refused.
//
// - Requests belong to priority classes (below). The critical class (saves and submits of an
//   admitted attempt) is always admitted at once: it is never queued nor refused.
// - The others run while fewer than `limit` requests are in flight. The limit adapts to the
//   latency measured (a gradient method, see docs/overload.md): it grows while latency stays near
//   its long-term level and shrinks when latency rises, i.e. when work starts to queue inside.
// - Over the limit, a request waits in its class's bounded queue. A freed slot goes to the most
//   important class first. A request that waited past the queue timeout, or that finds its
//   class's queue full, is refused (503 with Retry-After). Each class has its own bounded
//   queue, so a flood of one class never takes the room of another.
// - All queues together hold at most `total_queue_capacity` waiters (memory stays bounded).
//   When that is reached, the lowest classes are refused first: a newcomer takes the place of
//   the newest waiter of the least important class below its own ("shed"), and is refused
//   itself only when nobody less important waits.
//
// Thread-safe. `run` and `reject` callbacks are called without the internal lock held, on the
// thread that calls Submit, Release or Sweep: they should post real work to their own executor.

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string_view>

#include "common/clock.h"
#include "common/mutex.h"

namespace pupitre::guard {

enum class Priority {
  kCritical = 0,     // answer save and submit of an admitted attempt
  kExamStart = 1,    // starting an exam
  kStatus = 2,       // status and incident feed
  kInteractive = 3,  // pages and API calls of logged-in users
  kLogin = 4,        // logging in (argon2id: expensive)
  kBackground = 5,   // anonymous and background
};
constexpr size_t kPriorityCount = 6;
std::string_view PriorityName(Priority p);

// The guard's options: the [guard] section of the configuration (config/config.h composes this
// struct; its defaults are written here only).
struct Options {
  int64_t initial_limit = 64;    // [guard] initial_limit: requests in flight at start
  int64_t min_limit = 8;         // [guard] min_limit: the limit never goes below
  int64_t max_limit = 2048;      // [guard] max_limit: nor above
  int64_t queue_capacity = 2048;  // [guard] queue_capacity: waiting requests per class
  int64_t total_queue_capacity = 8192;  // [guard] total_queue_capacity: over all classes
  int64_t queue_timeout_ms = 3000;  // [guard] queue_timeout_ms: longer waits are refused (503)
  double tolerance = 2.0;  // [guard] tolerance: latency may grow to tolerance x its long-term level
  // Not configurable:
  Millis window{100};      // latency samples are averaged over this before adapting
  double smoothing = 0.2;  // how fast the limit moves to its new value (0..1]
};

// Counters for /metrics. A snapshot; consistent with itself.
struct Stats {
  int64_t limit = 0;
  int64_t in_flight = 0;
  double long_latency_ms = 0;
  double short_latency_ms = 0;
  // Each class's: its last window's mean (0 when it had none) and its long-term level.
  std::array<double, kPriorityCount> class_short_latency_ms{};
  std::array<double, kPriorityCount> class_long_latency_ms{};
  std::array<int64_t, kPriorityCount> queued{};
  std::array<uint64_t, kPriorityCount> admitted{};
  std::array<uint64_t, kPriorityCount> rejected_full{};
  std::array<uint64_t, kPriorityCount> rejected_timeout{};
  std::array<uint64_t, kPriorityCount> rejected_shed{};  // made room for a more important one
  // All refusals of every class: overload shows here first.
  uint64_t rejected() const;
};

// Whether the platform is saturated, judged from the guard's stats (read once a second):
// anything refused since the last reading (`refused_before`), anything queued, or latency risen
// past `tolerance` times its long-term level. The latency ratio counts only past 20 ms: below,
// it is noise. The waiting rooms slow their admission when this holds (WaitingRooms::Adapt).
bool Saturated(const Stats& now, uint64_t refused_before, double tolerance);

class AdmissionController {
 public:
  using Run = std::function<void()>;
  // Called when the request is refused; `retry_after` is a hint for the client.
  using Reject = std::function<void(Millis retry_after)>;

  // REQUIRES: `clock` outlives the controller; options are valid (min <= initial <= max).
  AdmissionController(const Options& options, const Clock& clock);

  // Admits `run` now, queues it, or refuses it. Every admitted request must later be
  // matched by exactly one Release().
  void Submit(Priority p, Run run, Reject reject) EXCLUDES(mu_);

  // Ends an admitted request of class `p` that was in flight for `latency`; may admit waiting
  // ones. The limit adapts to each class's latency against that class's own usual level, so
  // that a thousand fast saves cannot hide logins that have become slow.
  void Release(Millis latency, Priority p = Priority::kInteractive) EXCLUDES(mu_);

  // Refuses waiters that have waited past the queue timeout. Call periodically (e.g. every
  // 100 ms): without it a waiter is only timed out when traffic moves the queues.
  void Sweep() EXCLUDES(mu_);

  Stats stats() const EXCLUDES(mu_);

 private:
  struct Waiter {
    Run run;
    Reject reject;
    MonoPoint since;
  };
  // Collected under the lock, called after it is released.
  struct Actions {
    std::vector<Run> runs;
    std::vector<Reject> rejects;
    void Do(Millis retry_after);
  };
  void AdmitWaiting(Actions& actions) REQUIRES(mu_);
  // Refuses the newest waiter of the least important class below `k`; false if none waits.
  bool ShedBelow(size_t k, Actions& actions) REQUIRES(mu_);
  void ExpireWaiting(Actions& actions) REQUIRES(mu_);
  void Adapt(Priority p, double latency_ms) REQUIRES(mu_);
  Millis RetryAfter() const REQUIRES(mu_);

  const Options options_;
  const Clock& clock_;
  mutable Mutex mu_;
  double limit_ GUARDED_BY(mu_);
  int64_t in_flight_ GUARDED_BY(mu_) = 0;
  std::array<std::deque<Waiter>, kPriorityCount> queues_ GUARDED_BY(mu_);
  int64_t queued_total_ GUARDED_BY(mu_) = 0;
  // Latency tracking.
  double long_ms_ GUARDED_BY(mu_) = 0;   // exponential average over many windows
  double short_ms_ GUARDED_BY(mu_) = 0;  // the last window's mean
  double window_sum_ms_ GUARDED_BY(mu_) = 0;
  int64_t window_count_ GUARDED_BY(mu_) = 0;
  // The same, per class: the window's samples, and each class's own long-term level.
  struct ClassLatency {
    double window_sum_ms = 0;
    int64_t window_count = 0;
    double short_ms = 0;
    double long_ms = 0;
  };
  std::array<ClassLatency, kPriorityCount> by_class_ GUARDED_BY(mu_);
  int64_t window_max_in_flight_ GUARDED_BY(mu_) = 0;
  MonoPoint window_start_ GUARDED_BY(mu_);
  Stats counters_ GUARDED_BY(mu_);
};

}  // namespace pupitre::guard
