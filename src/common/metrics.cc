#include "common/metrics.h"

#include <sys/resource.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace pupitre {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::max(0.0, v) * 1e6), std::memory_order_relaxed);
}

double Histogram::sum() const { return sum_micro_.load(std::memory_order_relaxed) / 1e6; }

double Histogram::Quantile(double q) const {
  uint64_t total = count();
  if (total == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * total));
  uint64_t seen = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return bounds_[i];
  }
  return bounds_.empty() ? 0 : bounds_.back();
}

void Histogram::Render(std::string& out, const std::string& name,
                       const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds_[i], cumulative);
  }
  cumulative += buckets_[bounds_.size()].load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, sum(), name, braces, cumulative);
}

std::vector<double> LatencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::atomic<uint64_t>& LabeledCounters::At(const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& slot = counters_[labels];
  if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
  return *slot;
}

void LabeledCounters::Render(std::string& out, const std::string& name,
                             const std::string& help) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name, help, name);
  std::lock_guard lock(mu_);
  for (const auto& [labels, c] : counters_) {
    out += fmt::format("{}{{{}}} {}\n", name, labels, c->load(std::memory_order_relaxed));
  }
}

RouteStats::RouteStats(Metrics& metrics, std::string route, std::string method)
    : metrics_(metrics),
      route_(std::move(route)),
      method_(std::move(method)),
      latency_(metrics.http_latency.At(fmt::format("route=\"{}\"", route_))) {}

void RouteStats::Record(unsigned status, double seconds) {
  latency_.Observe(seconds);
  if (status < 100 || status >= 600) status = 500;
  auto& slot = by_status_[status - 100];
  std::atomic<uint64_t>* counter = slot.load(std::memory_order_acquire);
  if (!counter) {
    // Two threads may both look it up: they find the same counter.
    counter = &metrics_.http_requests.At(
        fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", route_, method_, status));
    slot.store(counter, std::memory_order_release);
  }
  counter->fetch_add(1, std::memory_order_relaxed);
}

Histogram& LabeledHistograms::At(const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& slot = histograms_[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds_);
  return *slot;
}

void LabeledHistograms::Render(std::string& out, const std::string& name,
                               const std::string& help) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  std::lock_guard lock(mu_);
  for (const auto& [labels, h] : histograms_) h->Render(out, name, labels);
}

namespace {
template <typename T>
void Scalar(std::string& out, const char* name, const char* type, const char* help, const T& v) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name,
                     v.load(std::memory_order_relaxed));
}
}  // namespace

std::string Metrics::Render() const {
  std::string out;
  out.reserve(16 * 1024);
  http_requests.Render(out, "pupitre_http_requests_total", "HTTP requests by route and status.");
  http_latency.Render(out, "pupitre_http_request_duration_seconds",
                      "Time from a complete request to its response being queued, by route.");
  Scalar(out, "pupitre_open_connections", "gauge", "Open client connections.", open_connections);
  Scalar(out, "pupitre_connections_limit", "gauge",
         "Client connections served at most (server.max_connections, kept below the open-file "
         "limit): how many people can be connected at once.",
         connections_limit);
  // What a capacity search reads to name the bound it hit (load/capacity.h).
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  out += fmt::format("# HELP process_cpu_seconds_total User and system CPU time of the process.\n"
                     "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {:.3f}\n"
                     "# HELP pupitre_cpu_cores Processor cores the process can use.\n"
                     "# TYPE pupitre_cpu_cores gauge\npupitre_cpu_cores {}\n",
                     cpu_s, std::max(1u, std::thread::hardware_concurrency()));
  Scalar(out, "pupitre_connections_rejected_total", "counter",
         "Connections closed at accept: server.max_connections reached and no connection "
         "without a request to close instead.",
         connections_rejected);
  Scalar(out, "pupitre_connections_rejected_address_total", "counter",
         "Connections closed at accept: their address or subnet held its cap "
         "(server.max_connections_per_address, server.max_connections_per_subnet).",
         connections_rejected_address);
  Scalar(out, "pupitre_connections_evicted_total", "counter",
         "Connections that had not sent a complete request, closed (oldest first) to make room "
         "for a newcomer at server.max_connections.",
         connections_evicted);
  Scalar(out, "pupitre_attempts_in_progress", "gauge", "Exam attempts started and not submitted.",
         attempts_in_progress);
  Scalar(out, "pupitre_writer_queue_depth", "gauge", "Writes waiting for the group-commit writer.",
         writer_queue_depth);
  Scalar(out, "pupitre_writer_rejected_total", "counter",
         "Writes refused because the writer queue was full.", writer_rejected);
  Scalar(out, "pupitre_writer_failures_total", "counter", "Writes that failed to commit.",
         writer_failures);
  out += "# HELP pupitre_writer_batch_size Writes per group commit.\n"
         "# TYPE pupitre_writer_batch_size histogram\n";
  writer_batch_size.Render(out, "pupitre_writer_batch_size", "");
  out += "# HELP pupitre_writer_commit_seconds Time to apply and commit (fsync) one batch.\n"
         "# TYPE pupitre_writer_commit_seconds histogram\n";
  writer_commit_seconds.Render(out, "pupitre_writer_commit_seconds", "");
  Scalar(out, "pupitre_answers_saved_total", "counter", "Answer saves acknowledged.",
         answers_saved);
  Scalar(out, "pupitre_attempts_submitted_total", "counter", "Attempts submitted (by hand or at the deadline).",
         attempts_submitted);
  Scalar(out, "pupitre_logins_total", "counter", "Successful logins.", logins_ok);
  Scalar(out, "pupitre_login_failures_total", "counter", "Refused logins.", logins_failed);
  Scalar(out, "pupitre_guard_critical_downgraded_total", "counter",
         "Saves and exam-page reads not given the critical class: their user had too many in "
         "flight.",
         critical_downgraded);
  Scalar(out, "pupitre_rate_limited_total", "counter",
         "Requests refused with 429 by a rate limit (per address, subnet or account).",
         rate_limited);
  Scalar(out, "pupitre_cluster_exam_moving_total", "counter",
         "Requests for an exam another node still held, told to retry (503 exam_moving).",
         exam_moving);
  Scalar(out, "pupitre_cluster_exams_held", "gauge",
         "Exams this node holds the lease of (0 on a node alone: it serves them all).",
         exams_held);
  Scalar(out, "pupitre_cluster_changes_applied_total", "counter",
         "Shared things (people, courses, settings...) another node changed, read again here.",
         changes_applied);
  Scalar(out, "pupitre_cluster_change_errors_total", "counter",
         "Reads of the change log that failed (retried; this node's copy is late meanwhile).",
         change_errors);
  Scalar(out, "pupitre_logins_throttled_total", "counter",
         "Logins refused with 429 before hashing: too many failures from that account and "
         "subnet, or from that address.",
         logins_throttled);
  out += "# HELP pupitre_proof_of_work_total Under-attack mode: anonymous requests answered with "
         "a challenge, challenges solved (a pass given), answers refused.\n"
         "# TYPE pupitre_proof_of_work_total counter\n";
  out += fmt::format("pupitre_proof_of_work_total{{outcome=\"challenged\"}} {}\n"
                     "pupitre_proof_of_work_total{{outcome=\"solved\"}} {}\n"
                     "pupitre_proof_of_work_total{{outcome=\"refused\"}} {}\n",
                     proof_challenged.load(std::memory_order_relaxed),
                     proof_solved.load(std::memory_order_relaxed),
                     proof_failed.load(std::memory_order_relaxed));
  out += fmt::format(
      "# HELP pupitre_notify_streams Open pages holding an event stream (incidents reach them).\n"
      "# TYPE pupitre_notify_streams gauge\npupitre_notify_streams {}\n"
      "# HELP pupitre_incident_deliveries_total Incident messages pushed to open pages.\n"
      "# TYPE pupitre_incident_deliveries_total counter\npupitre_incident_deliveries_total {}\n",
      notify_streams.load(std::memory_order_relaxed),
      incident_deliveries.load(std::memory_order_relaxed));
  return out;
}

}  // namespace pupitre
