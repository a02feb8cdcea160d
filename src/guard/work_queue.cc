#include "guard/work_queue.h"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace pupitre::guard {

WorkQueue::WorkQueue(WorkQueueOptions options, boost::asio::any_io_executor executor,
                     const Clock& clock)
    : options_(options), executor_(std::move(executor)), clock_(clock) {}

bool WorkQueue::Submit(size_t lane, std::string key, std::function<bool()> gone, Job job) {
  lane = std::min(lane, kLanes - 1);
  MutexLock lock(mu_);
  size_t& mine = per_key_[key];
  if (static_cast<size_t>(stats_.queued) >= options_.capacity || mine >= options_.per_key) {
    if (mine == 0) per_key_.erase(key);
    ++stats_.refused;
    return false;
  }
  ++mine;
  ++stats_.queued;
  Lane& l = lanes_[lane];
  auto [it, fresh] = l.by_key.try_emplace(key);
  if (it->second.entries.empty()) l.turn.push_back(key);
  it->second.entries.push_back(Entry{clock_.Monotonic(), std::move(gone), std::move(job)});
  Pump();
  return true;
}

bool WorkQueue::PopNext(Entry& out) {
  for (Lane& l : lanes_) {
    if (l.turn.empty()) continue;
    std::string key = std::move(l.turn.front());
    l.turn.pop_front();
    auto it = l.by_key.find(key);
    out = std::move(it->second.entries.front());
    it->second.entries.pop_front();
    if (it->second.entries.empty()) {
      l.by_key.erase(it);
    } else {
      l.turn.push_back(key);  // its next job waits for the other keys' turns
    }
    auto k = per_key_.find(key);
    if (k != per_key_.end() && --k->second == 0) per_key_.erase(k);
    --stats_.queued;
    return true;
  }
  return false;
}

void WorkQueue::Pump() {
  Entry e;
  while (stats_.running < options_.concurrency && PopNext(e)) {
    ++stats_.running;
    boost::asio::post(executor_, [this, e = std::move(e)]() mutable {
      Outcome outcome = Outcome::kRun;
      if (clock_.Monotonic() - e.queued_at > options_.timeout) {
        outcome = Outcome::kExpired;
      } else if (e.gone && e.gone()) {
        outcome = Outcome::kGone;
      }
      const MonoPoint began = clock_.Monotonic();
      e.job(outcome);
      const double seconds = std::chrono::duration<double>(clock_.Monotonic() - began).count();
      {
        MutexLock lock(mu_);
        switch (outcome) {
          case Outcome::kRun:
            ++stats_.run;
            // What one job costs, smoothed: the queue's capacity is concurrency / that.
            stats_.job_seconds = stats_.job_seconds <= 0 ? seconds
                                                         : 0.9 * stats_.job_seconds + 0.1 * seconds;
            break;
          case Outcome::kExpired: ++stats_.expired; break;
          case Outcome::kGone: ++stats_.gone; break;
        }
      }
      Finished();
    });
  }
}

void WorkQueue::Finished() {
  MutexLock lock(mu_);
  --stats_.running;
  Pump();
}

double WorkQueue::rate() const {
  MutexLock lock(mu_);
  // Before any job has run: a guess of 25 ms a job (argon2id at its default cost here).
  const double job = stats_.job_seconds > 0 ? stats_.job_seconds : 0.025;
  return static_cast<double>(options_.concurrency) / std::max(job, 1e-4);
}

WorkQueue::Stats WorkQueue::stats() const {
  MutexLock lock(mu_);
  return stats_;
}

}  // namespace pupitre::guard
