#include "guard/admission.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace pupitre::guard {

std::string_view PriorityName(Priority p) {
  switch (p) {
    case Priority::kCritical: return "critical";
    case Priority::kExamStart: return "exam_start";
    case Priority::kStatus: return "status";
    case Priority::kInteractive: return "interactive";
    case Priority::kLogin: return "login";
    case Priority::kBackground: return "background";
  }
  return "background";
}

AdmissionController::AdmissionController(const Options& options, const Clock& clock)
    : options_(options), clock_(clock), limit_(static_cast<double>(options.initial_limit)) {
  assert(options.min_limit >= 1 && options.min_limit <= options.initial_limit &&
         options.initial_limit <= options.max_limit);
  window_start_ = clock_.Monotonic();
}

void AdmissionController::Actions::Do(Millis retry_after) {
  for (auto& r : rejects) r(retry_after);
  for (auto& r : runs) r();
}

void AdmissionController::Submit(Priority p, Run run, Reject reject) {
  Actions actions;
  Millis retry_after{0};
  {
    MutexLock lock(mu_);
    const size_t k = static_cast<size_t>(p);
    ExpireWaiting(actions);
    bool has_room = in_flight_ < static_cast<int64_t>(limit_);
    // Nobody more important may be waiting, or this request would overtake them.
    bool more_important_waiting = false;
    for (size_t i = 0; i < k; ++i) more_important_waiting |= !queues_[i].empty();
    if (p == Priority::kCritical || (has_room && !more_important_waiting)) {
      ++in_flight_;
      ++counters_.admitted[k];
      window_max_in_flight_ = std::max(window_max_in_flight_, in_flight_);
      actions.runs.push_back(std::move(run));
    } else {
      // Each class has its own bounded room, so a flood of one class cannot take the room
      // of another; when all rooms together are full, the least important waiter goes.
      const bool class_full = static_cast<int64_t>(queues_[k].size()) >= options_.queue_capacity;
      if (class_full ||
          (queued_total_ >= options_.total_queue_capacity && !ShedBelow(k, actions))) {
        ++counters_.rejected_full[k];
        actions.rejects.push_back(std::move(reject));
      } else {
        queues_[k].push_back(Waiter{std::move(run), std::move(reject), clock_.Monotonic()});
        ++queued_total_;
      }
    }
    retry_after = RetryAfter();
  }
  actions.Do(retry_after);
}

void AdmissionController::Release(Millis latency, Priority p) {
  Actions actions;
  Millis retry_after{0};
  {
    MutexLock lock(mu_);
    assert(in_flight_ > 0);
    --in_flight_;
    Adapt(p, static_cast<double>(latency.count()));
    ExpireWaiting(actions);
    AdmitWaiting(actions);
    retry_after = RetryAfter();
  }
  actions.Do(retry_after);
}

void AdmissionController::Sweep() {
  Actions actions;
  Millis retry_after{0};
  {
    MutexLock lock(mu_);
    ExpireWaiting(actions);
    AdmitWaiting(actions);
    retry_after = RetryAfter();
  }
  actions.Do(retry_after);
}

void AdmissionController::AdmitWaiting(Actions& actions) {
  for (size_t k = 0; k < kPriorityCount; ++k) {
    while (!queues_[k].empty() && in_flight_ < static_cast<int64_t>(limit_)) {
      ++in_flight_;
      ++counters_.admitted[k];
      window_max_in_flight_ = std::max(window_max_in_flight_, in_flight_);
      actions.runs.push_back(std::move(queues_[k].front().run));
      queues_[k].pop_front();
      --queued_total_;
    }
  }
}

bool AdmissionController::ShedBelow(size_t k, Actions& actions) {
  for (size_t j = kPriorityCount - 1; j > k; --j) {
    auto& q = queues_[j];
    if (q.empty()) continue;
    // The newest: the one that has waited least and will be soonest to try again.
    actions.rejects.push_back(std::move(q.back().reject));
    q.pop_back();
    --queued_total_;
    ++counters_.rejected_shed[j];
    return true;
  }
  return false;
}

void AdmissionController::ExpireWaiting(Actions& actions) {
  const MonoPoint oldest_allowed = clock_.Monotonic() - Millis(options_.queue_timeout_ms);
  for (size_t k = 0; k < kPriorityCount; ++k) {
    auto& q = queues_[k];
    while (!q.empty() && q.front().since < oldest_allowed) {
      actions.rejects.push_back(std::move(q.front().reject));
      q.pop_front();
      --queued_total_;
      ++counters_.rejected_timeout[k];
    }
  }
}

void AdmissionController::Adapt(Priority p, double latency_ms) {
  window_sum_ms_ += latency_ms;
  ++window_count_;
  ClassLatency& mine = by_class_[static_cast<size_t>(p)];
  mine.window_sum_ms += latency_ms;
  ++mine.window_count;
  const MonoPoint now = clock_.Monotonic();
  if (now - window_start_ < options_.window) return;
  const double sample = window_sum_ms_ / static_cast<double>(window_count_);
  const double floor_ms = 0.05;  // sub-50 µs samples are noise
  // The worst class, judged against its own usual level: the gradient that shrinks most. A
  // class needs a few samples in the window to count (one slow request is not a trend).
  double class_gradient = 1.0;
  for (ClassLatency& c : by_class_) {
    if (c.window_count == 0) {
      c.short_ms = 0;
      continue;
    }
    const double s_ms = c.window_sum_ms / static_cast<double>(c.window_count);
    c.short_ms = s_ms;
    if (c.window_count >= 3 && c.long_ms > 0) {
      class_gradient = std::min(class_gradient, options_.tolerance * std::max(c.long_ms, floor_ms) /
                                                    std::max(s_ms, floor_ms));
    }
    c.long_ms = c.long_ms == 0 ? s_ms : c.long_ms * 0.99 + s_ms * 0.01;
    if (c.long_ms > 2 * s_ms) c.long_ms = c.long_ms * 0.9 + s_ms * 0.1;
    c.window_sum_ms = 0;
    c.window_count = 0;
  }
  const bool saturated = window_max_in_flight_ * 2 >= static_cast<int64_t>(limit_);
  window_sum_ms_ = 0;
  window_count_ = 0;
  window_start_ = now;
  window_max_in_flight_ = in_flight_;
  short_ms_ = sample;
  // The long-term level follows slowly; it is pulled down faster when latency has dropped well
  // below it, so that one bad spell does not leave it high for long.
  long_ms_ = long_ms_ == 0 ? sample : long_ms_ * 0.99 + sample * 0.01;  // about 10 s
  if (long_ms_ > 2 * sample) long_ms_ = long_ms_ * 0.9 + sample * 0.1;
  // An idle server says nothing about its capacity: only adapt when the limit was used.
  if (!saturated) return;
  const double overall = options_.tolerance * std::max(long_ms_, floor_ms) / std::max(sample, floor_ms);
  const double gradient = std::clamp(std::min(overall, class_gradient), 0.5, 1.0);
  const double target = limit_ * gradient + std::sqrt(limit_);
  limit_ = std::clamp(limit_ * (1 - options_.smoothing) + target * options_.smoothing,
                      static_cast<double>(options_.min_limit),
                      static_cast<double>(options_.max_limit));
}

Millis AdmissionController::RetryAfter() const {
  // Roughly how long the current queue needs to drain, at least one second.
  int64_t waiting = 0;
  for (const auto& q : queues_) waiting += static_cast<int64_t>(q.size());
  double per_slot_ms = std::max(short_ms_, 1.0);
  double ms = per_slot_ms * static_cast<double>(waiting) / std::max(limit_, 1.0);
  return Millis(std::max<int64_t>(1000, static_cast<int64_t>(ms)));
}

uint64_t Stats::rejected() const {
  uint64_t n = 0;
  for (size_t k = 0; k < kPriorityCount; ++k) {
    n += rejected_full[k] + rejected_timeout[k] + rejected_shed[k];
  }
  return n;
}

bool Saturated(const Stats& now, uint64_t refused_before, double tolerance) {
  int64_t queued = 0;
  for (int64_t q : now.queued) queued += q;
  return now.rejected() > refused_before || queued > 0 ||
         (now.short_latency_ms > 20 && now.short_latency_ms > tolerance * now.long_latency_ms);
}

Stats AdmissionController::stats() const {
  MutexLock lock(mu_);
  Stats s = counters_;
  s.limit = static_cast<int64_t>(limit_);
  s.in_flight = in_flight_;
  s.long_latency_ms = long_ms_;
  s.short_latency_ms = short_ms_;
  for (size_t k = 0; k < kPriorityCount; ++k) {
    s.class_short_latency_ms[k] = by_class_[k].short_ms;
    s.class_long_latency_ms[k] = by_class_[k].long_ms;
  }
  for (size_t k = 0; k < kPriorityCount; ++k) s.queued[k] = static_cast<int64_t>(queues_[k].size());
  return s;
}

}  // namespace pupitre::guard
