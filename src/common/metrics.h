#pragma once
// Process metrics in Prometheus text format. Updates are lock-free on the hot path (atomics):
// labelled families take a mutex on every lookup, so requests record through RouteStats, whose
// handles are looked up once per route and status.

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pupitre {

// A histogram with fixed upper bounds. Thread-safe.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  // Appends the Prometheus lines for `name` with extra `labels` (e.g. `route="x"`, may be empty).
  void Render(std::string& out, const std::string& name, const std::string& labels) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;
  // An estimate of quantile q in [0,1] from the bucket counts (upper bound of its bucket).
  double Quantile(double q) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1 (the +Inf bucket)
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // sum * 1e6, to stay lock-free
};

// Seconds buckets from 100 µs to 10 s.
std::vector<double> LatencyBuckets();

// A family of counters or histograms keyed by a label string. Thread-safe; entries live as long
// as the family, so references returned stay valid.
class LabeledCounters {
 public:
  std::atomic<uint64_t>& At(const std::string& labels);
  void Render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>> counters_;
};

class LabeledHistograms {
 public:
  explicit LabeledHistograms(std::vector<double> bounds) : bounds_(std::move(bounds)) {}
  Histogram& At(const std::string& labels);
  void Render(std::string& out, const std::string& name, const std::string& help) const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Histogram>> histograms_;
};

struct Metrics;

// One route's request counters (by status) and latency, resolved once: recording takes no
// lock and allocates nothing after the first request of each status. Thread-safe.
class RouteStats {
 public:
  // REQUIRES: `metrics` outlives this.
  RouteStats(Metrics& metrics, std::string route, std::string method);
  void Record(unsigned status, double seconds);

 private:
  Metrics& metrics_;
  const std::string route_;
  const std::string method_;
  Histogram& latency_;
  // Counter of each status (100..599), looked up in the family the first time it is seen.
  std::array<std::atomic<std::atomic<uint64_t>*>, 500> by_status_{};
};

// Every metric the process exports. One instance, created in main and passed by reference.
struct Metrics {
  LabeledCounters http_requests;           // route, method, status
  LabeledHistograms http_latency{LatencyBuckets()};  // route
  std::atomic<int64_t> open_connections{0};
  std::atomic<int64_t> connections_limit{0};  // server.max_connections as served (0: not yet)
  std::atomic<uint64_t> connections_rejected{0};          // the global cap, nothing to evict
  std::atomic<uint64_t> connections_rejected_address{0};  // the address's or subnet's cap
  std::atomic<uint64_t> connections_evicted{0};  // closed before a request, to make room
  std::atomic<int64_t> attempts_in_progress{0};
  std::atomic<int64_t> writer_queue_depth{0};
  std::atomic<uint64_t> writer_rejected{0};
  std::atomic<uint64_t> writer_failures{0};
  Histogram writer_batch_size{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096}};
  Histogram writer_commit_seconds{LatencyBuckets()};
  std::atomic<uint64_t> answers_saved{0};
  std::atomic<uint64_t> attempts_submitted{0};
  std::atomic<uint64_t> logins_ok{0};
  std::atomic<uint64_t> logins_failed{0};
  // Requests that would have been critical but whose user already had many in flight.
  std::atomic<uint64_t> critical_downgraded{0};
  // Requests refused by a rate limit (429), and logins refused by the failed-login throttle.
  std::atomic<uint64_t> rate_limited{0};
  std::atomic<uint64_t> logins_throttled{0};
  // Cluster: requests for an exam another node still held (503 exam_moving), and the exams this
  // node holds (set by its ownership timer).
  std::atomic<uint64_t> exam_moving{0};
  std::atomic<int64_t> exams_held{0};
  std::atomic<uint64_t> changes_applied{0};  // shared things changed by a node, read again here
  std::atomic<uint64_t> change_errors{0};    // reads of the change log that failed
  // Under-attack mode: challenges handed out, solved (a pass given), and wrong answers.
  std::atomic<uint64_t> proof_challenged{0};
  std::atomic<uint64_t> proof_solved{0};
  std::atomic<uint64_t> proof_failed{0};
  // The notification hub: streams held by open pages, and incident messages pushed to them.
  std::atomic<int64_t> notify_streams{0};
  std::atomic<uint64_t> incident_deliveries{0};

  // The whole exposition text.
  std::string Render() const;
};

}  // namespace pupitre
