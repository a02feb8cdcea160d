#include "load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace pupitre::load {
namespace {

constexpr int64_t kHour = 3'600'000'000;  // µs

// The exact q-quantile of sorted `values`, with the rank LogHistogram::Percentile promises:
// the ceil(q * n)-th smallest value.
int64_t ExactQuantile(const std::vector<int64_t>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * n - 1e-9)));
  return sorted[rank - 1];
}

// Values spread evenly on a log scale from 1 µs to an hour, from a fixed seed.
std::vector<int64_t> LogUniformValues(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(0, std::log(static_cast<double>(kHour)));
  std::vector<int64_t> values;
  values.reserve(n);
  for (int i = 0; i < n; ++i) values.push_back(std::llround(std::exp(exponent(rng))));
  return values;
}

constexpr double kQuantiles[] = {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999};

TEST(LogHistogramTest, UniformValuesGiveTheirPercentilesWithin3Percent) {
  LogHistogram h;
  for (int64_t v = 1; v <= 100'000; ++v) h.Record(v);

  EXPECT_EQ(h.count(), 100'000);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100'000);
  EXPECT_DOUBLE_EQ(h.mean(), 50'000.5);
  EXPECT_NEAR(h.Percentile(0.5), 50'000, 50'000 * 0.03);
  EXPECT_NEAR(h.Percentile(0.9), 90'000, 90'000 * 0.03);
  EXPECT_NEAR(h.Percentile(0.99), 99'000, 99'000 * 0.03);
  EXPECT_NEAR(h.Percentile(0.999), 99'900, 99'900 * 0.03);
  EXPECT_GE(h.Percentile(0.5), 50'000) << "a percentile is an upper bound";
  EXPECT_LE(h.Percentile(0.999), 100'000) << "a percentile is never above the maximum";
  EXPECT_EQ(h.Percentile(1.0), 100'000);
  EXPECT_EQ(h.Percentile(0.0), 1) << "p0 is the exact minimum";
}

TEST(LogHistogramTest, ASingleValueIsEveryPercentile) {
  LogHistogram h;
  h.Record(1234);
  for (double q : {0.0, 0.01, 0.5, 0.99, 1.0}) {
    EXPECT_EQ(h.Percentile(q), 1234) << "q = " << q << ": capped at the exact maximum";
  }
  EXPECT_EQ(h.min(), 1234);
  EXPECT_EQ(h.max(), 1234);
  EXPECT_DOUBLE_EQ(h.mean(), 1234);
}

TEST(LogHistogramTest, AnEmptyHistogramReportsZeros) {
  LogHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  for (double q : {0.0, 0.5, 0.99, 1.0}) EXPECT_EQ(h.Percentile(q), 0) << "q = " << q;
}

TEST(LogHistogramTest, SmallValuesAreExact) {
  LogHistogram h;
  for (int64_t v = 0; v < 64; ++v) h.Record(v);
  for (int64_t v = 0; v < 64; ++v) {
    EXPECT_EQ(h.Percentile((v + 1) / 64.0), v) << "values below 64 µs have a bucket each";
  }
}

TEST(LogHistogramTest, MergingEqualsRecordingEverythingInOne) {
  const auto values = LogUniformValues(20'000, 7);
  LogHistogram all, left, right, empty;
  for (size_t i = 0; i < values.size(); ++i) {
    all.Record(values[i]);
    (i % 3 == 0 ? left : right).Record(values[i]);
  }
  LogHistogram merged;
  merged.Merge(empty);
  merged.Merge(left);
  merged.Merge(right);
  merged.Merge(empty);

  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min()) << "merging an empty histogram must not spoil the minimum";
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double q : kQuantiles) EXPECT_EQ(merged.Percentile(q), all.Percentile(q)) << "q = " << q;
}

TEST(LogHistogramTest, RelativeErrorStaysBelowOneThirtySecondFrom1MicrosecondToAnHour) {
  auto values = LogUniformValues(100'000, 42);
  LogHistogram h;
  for (int64_t v : values) h.Record(v);
  std::sort(values.begin(), values.end());

  for (double q : kQuantiles) {
    const int64_t exact = ExactQuantile(values, q);
    const int64_t estimate = h.Percentile(q);
    EXPECT_GE(estimate, exact) << "q = " << q << ": the estimate is an upper bound";
    // A bucket is 2^s wide and starts at 32 * 2^s or more, so the excess is under 1/32.
    EXPECT_LE(estimate - exact, exact / 32) << "q = " << q << ", exact = " << exact;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
}

TEST(LogHistogramTest, BucketsAndUpperBoundsAgree) {
  auto check = [](int64_t v) {
    const int b = LogHistogram::BucketOf(v);
    ASSERT_GE(b, 0);
    ASSERT_LT(b, LogHistogram::kBuckets);
    EXPECT_LE(v, LogHistogram::UpperBoundOf(b)) << "v = " << v;
    EXPECT_GT(v, LogHistogram::UpperBoundOf(b - 1)) << "v = " << v;
  };
  for (int64_t v = 0; v <= 200'000; ++v) check(v);
  for (int e = 1; e < 32; ++e) {
    const int64_t p = int64_t{1} << e;
    for (int64_t v : {p - 1, p, p + 1}) check(v);
  }
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> any(0, kHour);
  for (int i = 0; i < 100'000; ++i) check(any(rng));
  check(kHour);

  // Bucket by bucket: the upper bound is the last value of its bucket, the next value opens
  // the next bucket.
  for (int b = 0; b < LogHistogram::BucketOf(kHour); ++b) {
    const int64_t upper = LogHistogram::UpperBoundOf(b);
    EXPECT_EQ(LogHistogram::BucketOf(upper), b);
    EXPECT_EQ(LogHistogram::BucketOf(upper + 1), b + 1);
  }
}

TEST(LogHistogramTest, NegativeValuesCountAsZero) {
  LogHistogram h;
  h.Record(-5);
  h.Record(-1'000'000);
  EXPECT_EQ(h.count(), 2);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  EXPECT_EQ(h.Percentile(0.5), 0);
  EXPECT_EQ(LogHistogram::BucketOf(-5), LogHistogram::BucketOf(0));
}

TEST(LogHistogramTest, HugeValuesClampToAnHourButKeepTheirExactMaximum) {
  const int64_t five_hours = 5 * kHour;
  EXPECT_EQ(LogHistogram::BucketOf(five_hours), LogHistogram::BucketOf(kHour));
  EXPECT_EQ(LogHistogram::BucketOf(INT64_MAX), LogHistogram::BucketOf(kHour));

  LogHistogram h;
  h.Record(10);
  h.Record(five_hours);
  EXPECT_EQ(h.max(), five_hours) << "the maximum is exact";
  EXPECT_EQ(h.Percentile(1.0), five_hours);
  const int64_t p99 = h.Percentile(0.99);
  EXPECT_GE(p99, kHour);
  EXPECT_LE(p99, kHour + kHour / 32) << "the bucket is the one-hour bucket";

  h.Record(INT64_MAX);
  EXPECT_EQ(h.max(), INT64_MAX);
  EXPECT_GT(h.mean(), 0) << "the sum does not overflow";
  EXPECT_LE(h.mean(), kHour) << "the mean counts clamped values as an hour";
}

TEST(LogHistogramTest, ItsBucketsRebuildTheSameHistogramAndBadOnesAreRefused) {
  LogHistogram h;
  for (int64_t v : std::initializer_list<int64_t>{3, 70, 70, 1'000, 45'000, 2 * kHour}) h.Record(v);
  const auto rebuilt = LogHistogram::FromBuckets(h.NonEmptyBuckets(), h.sum(), h.min(), h.max());
  ASSERT_TRUE(rebuilt.has_value());
  EXPECT_EQ(rebuilt->count(), h.count());
  EXPECT_EQ(rebuilt->min(), 3);
  EXPECT_EQ(rebuilt->max(), 2 * kHour);
  EXPECT_DOUBLE_EQ(rebuilt->mean(), h.mean());
  for (double q : {0.1, 0.5, 0.9, 0.99}) EXPECT_EQ(rebuilt->Percentile(q), h.Percentile(q)) << q;
  EXPECT_TRUE(LogHistogram::FromBuckets({}, 0, 0, 0).has_value()) << "an empty one";
  EXPECT_FALSE(LogHistogram::FromBuckets({{LogHistogram::kBuckets, 1}}, 0, 0, 0).has_value());
  EXPECT_FALSE(LogHistogram::FromBuckets({{5, -1}}, 5, 5, 5).has_value());
  EXPECT_FALSE(LogHistogram::FromBuckets({{5, 1}}, 5, 4, 5).has_value()) << "a minimum outside its bucket";
  EXPECT_FALSE(LogHistogram::FromBuckets({{5, 1}, {9, 1}}, 14, 5, 8).has_value()) << "a maximum outside";
}

}  // namespace
}  // namespace pupitre::load
