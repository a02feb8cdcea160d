#pragma once
// Expensive work (password hashing) run at most `concurrency` jobs at a time, from a bounded
// queue, so that a flood of it can neither grow memory nor keep the machine busy after the flood
// has gone:
//
// - Jobs wait in lanes; a free slot goes to the first lane that has a job (lane 0 first). Logins
//   from addresses that failed lately wait in lane 1, behind everybody else's.
// - Within a lane, the keys (source addresses) take turns, so that one address with a thousand
//   logins queued delays another's first login by at most one job per address.
// - Memory is bounded: at most `capacity` jobs queued, `per_key` of them for one key; beyond,
//   Submit refuses (the caller answers 503 with Retry-After).
// - A job whose turn comes after `timeout` is not run but told kExpired; one whose client has
//   gone (its `gone` test says so) is told kGone. Either way no work is spent on it.
//
// Thread-safe. Jobs run on `executor` (the worker pool), each called exactly once.

#include <boost/asio/any_io_executor.hpp>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"

namespace pupitre::guard {

struct WorkQueueOptions {
  int concurrency = 1;     // jobs running at once (hashing: one per core, leaving one for I/O)
  size_t capacity = 2048;  // jobs queued in all
  size_t per_key = 32;     // jobs queued for one key
  Millis timeout{10'000};  // a job that waited longer is not run
};

class WorkQueue {
 public:
  enum class Outcome { kRun, kExpired, kGone };
  using Job = std::function<void(Outcome)>;
  static constexpr size_t kLanes = 2;

  struct Stats {
    int64_t queued = 0;
    int64_t running = 0;
    uint64_t run = 0;
    uint64_t expired = 0;
    uint64_t gone = 0;
    uint64_t refused = 0;
    double job_seconds = 0;  // what a job that ran took, smoothed (0: none ran yet)
  };

  // REQUIRES: `clock` outlives the queue; the executor runs until the queue is destroyed.
  WorkQueue(WorkQueueOptions options, boost::asio::any_io_executor executor, const Clock& clock);

  // Queues `job` in `lane` (0 or 1) for `key`. False (and `job` is dropped) if the queue or the
  // key's share of it is full. `gone` is asked, without locks held, when the job's turn comes.
  bool Submit(size_t lane, std::string key, std::function<bool()> gone, Job job);

  Stats stats() const;
  // Jobs a second the queue can run: concurrency over the smoothed time of one.
  double rate() const;

 private:
  struct Entry {
    MonoPoint queued_at;
    std::function<bool()> gone;
    Job job;
  };
  struct KeyQueue {
    std::deque<Entry> entries;
  };
  struct Lane {
    // Keys with work, in turn order; each key's jobs in arrival order.
    std::list<std::string> turn;
    std::unordered_map<std::string, KeyQueue> by_key;
  };

  // Starts queued jobs while slots are free. Called with the lock held; posts the jobs.
  void Pump() REQUIRES(mu_);
  bool PopNext(Entry& out) REQUIRES(mu_);
  void Finished();

  const WorkQueueOptions options_;
  boost::asio::any_io_executor executor_;
  const Clock& clock_;
  mutable Mutex mu_;
  std::array<Lane, kLanes> lanes_ GUARDED_BY(mu_);
  std::unordered_map<std::string, size_t> per_key_ GUARDED_BY(mu_);  // over both lanes
  Stats stats_ GUARDED_BY(mu_);
};

}  // namespace pupitre::guard
