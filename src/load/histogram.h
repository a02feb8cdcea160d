#pragma once
// A latency histogram with logarithmic buckets (HDR style): fixed memory, about 3% relative
// precision from 1 µs to an hour, mergeable. Not thread-safe: one per thread, then Merge.

#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace pupitre::load {

class LogHistogram {
 public:
  // Records one value in microseconds (negative values count as 0; values above an hour are
  // clamped to an hour but the true maximum is kept).
  void Record(int64_t micros);
  // Adds every value of `other`.
  void Merge(const LogHistogram& other);

  int64_t count() const { return count_; }
  int64_t max() const { return max_; }    // exact
  int64_t min() const { return count_ ? min_ : 0; }  // exact
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0; }
  // The value at quantile q in [0, 1] (q = 0.99 for p99): an upper bound within ~3% of the
  // true value, never above max(). 0 when empty.
  int64_t Percentile(double q) const;

  // Its non-empty buckets (index, count), and a histogram rebuilt from them with its exact
  // figures: a result file carries them, so that several generators' histograms merge exactly.
  // Nothing when a bucket is out of range or the figures do not add up.
  std::vector<std::pair<int, int64_t>> NonEmptyBuckets() const;
  int64_t sum() const { return sum_; }
  static std::optional<LogHistogram> FromBuckets(const std::vector<std::pair<int, int64_t>>& buckets,
                                                 int64_t sum, int64_t min, int64_t max);

  // Bucketing, public for tests: sub-buckets per power of two.
  static constexpr int kSubBits = 5;  // 32 sub-buckets: 1/32 ≈ 3% precision
  static constexpr int kBuckets = 64 << kSubBits;
  static int BucketOf(int64_t micros);
  static int64_t UpperBoundOf(int bucket);  // the largest value that lands in `bucket`

 private:
  std::array<int64_t, kBuckets> counts_{};
  int64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t max_ = 0;
  int64_t min_ = INT64_MAX;
};

}  // namespace pupitre::load
