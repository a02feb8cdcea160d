#include "load/histogram.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace pupitre::load {

// Bucketing scheme (the one HdrHistogram uses, with 2^kSubBits sub-buckets per power of two):
//  - values below 2^(kSubBits+1) = 64 µs each have their own bucket: bucket == value;
//  - a larger value v, with its highest set bit at position e >= 6, is shifted right by
//    s = e - kSubBits bits, which keeps its kSubBits+1 leading bits: sub = v >> s lies in
//    [32, 64). Its bucket is s * 32 + sub, so shift s covers buckets [32(s+1), 32(s+2)) and
//    the numbering continues without a gap from the exact range (s = 1 starts at 64).
// A bucket of shift s is 2^s wide and holds values >= 32 * 2^s, hence the upper bound of a
// value's bucket exceeds it by less than 1/32 of it (about 3%).
namespace {

constexpr int kSubBuckets = 1 << LogHistogram::kSubBits;  // 32
constexpr int64_t kExactBelow = 2 * kSubBuckets;          // 64: values below map exactly
constexpr int64_t kMaxMicros = 3'600'000'000;             // one hour: larger values clamp

int64_t Clamp(int64_t micros) { return std::clamp<int64_t>(micros, 0, kMaxMicros); }

}  // namespace

int LogHistogram::BucketOf(int64_t micros) {
  const auto v = static_cast<uint64_t>(Clamp(micros));
  if (v < kExactBelow) return static_cast<int>(v);
  const int shift = std::bit_width(v) - 1 - kSubBits;
  return shift * kSubBuckets + static_cast<int>(v >> shift);
}

int64_t LogHistogram::UpperBoundOf(int bucket) {
  assert(bucket < kBuckets);
  // Nothing lands below bucket 0; -1 lets callers write "v > UpperBoundOf(b - 1)" for every b.
  if (bucket < 0) return -1;
  if (bucket < kExactBelow) return bucket;
  const int shift = bucket / kSubBuckets - 1;
  const uint64_t sub = bucket % kSubBuckets + kSubBuckets;
  // The top buckets (far beyond the one-hour clamp, so never filled) would overflow int64.
  if (shift > 57) return INT64_MAX;
  return static_cast<int64_t>(((sub + 1) << shift) - 1);
}

void LogHistogram::Record(int64_t micros) {
  const int64_t v = std::max<int64_t>(micros, 0);
  ++counts_[BucketOf(v)];
  ++count_;
  // The sum takes the clamped value: it cannot overflow, and the mean stays within an hour.
  sum_ += Clamp(v);
  max_ = std::max(max_, v);
  min_ = std::min(min_, v);
}

void LogHistogram::Merge(const LogHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  // An empty histogram holds max_ = 0 and min_ = INT64_MAX, neutral for both.
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

std::vector<std::pair<int, int64_t>> LogHistogram::NonEmptyBuckets() const {
  std::vector<std::pair<int, int64_t>> out;
  for (int i = 0; i < kBuckets; ++i) {
    if (counts_[i] > 0) out.emplace_back(i, counts_[i]);
  }
  return out;
}

std::optional<LogHistogram> LogHistogram::FromBuckets(
    const std::vector<std::pair<int, int64_t>>& buckets, int64_t sum, int64_t min, int64_t max) {
  LogHistogram h;
  for (const auto& [i, n] : buckets) {
    if (i < 0 || i >= kBuckets || n <= 0) return std::nullopt;
    h.counts_[i] += n;
    h.count_ += n;
  }
  if (h.count_ == 0) return LogHistogram{};
  // The exact figures must fit the buckets they came with: the smallest value in the first
  // non-empty bucket, the largest in the last.
  int first = 0, last = kBuckets - 1;
  while (h.counts_[first] == 0) ++first;
  while (h.counts_[last] == 0) --last;
  if (sum < 0 || min < 0 || max < min || BucketOf(min) != first || BucketOf(max) != last) {
    return std::nullopt;
  }
  h.sum_ = sum;
  h.min_ = min;
  h.max_ = max;
  return h;
}

int64_t LogHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0)) return min();  // also catches NaN
  if (q >= 1) return max_;
  // The rank of the value sought, 1-based: ceil(q * count). The small tolerance keeps
  // floating-point noise (0.07 * 100 = 7.000000000000001) from moving it one rank up.
  const double exact_rank = q * static_cast<double>(count_);
  const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(exact_rank - 1e-9)));
  int64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return std::min(UpperBoundOf(b), max_);
  }
  assert(false && "bucket counts add up to count_");
  return max_;
}

}  // namespace pupitre::load
