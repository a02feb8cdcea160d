#include "guard/rate_table.h"

#include <gtest/gtest.h>

namespace pupitre::guard {
namespace {

MonoPoint At(int64_t ms) { return MonoPoint(Millis(ms)); }

TEST(RateTableTest, AllowsABurstThenOneAnInterval) {
  RateTable t;
  const Rate r{10, 3};  // 3 at once, then one every 100 ms
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(t.Take("a", r, At(1000))) << i;
  auto wait = t.Take("a", r, At(1000));
  ASSERT_TRUE(wait);
  EXPECT_EQ(wait->count(), 100);
  EXPECT_TRUE(t.Take("a", r, At(1050)));
  EXPECT_FALSE(t.Take("a", r, At(1100)));
  EXPECT_TRUE(t.Take("a", r, At(1100)));
  // Another key is not affected.
  EXPECT_FALSE(t.Take("b", r, At(1100)));
}

TEST(RateTableTest, RefusedRequestsTakeNothing) {
  RateTable t;
  const Rate r{1, 1};
  EXPECT_FALSE(t.Take("a", r, At(0)));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(t.Take("a", r, At(10)));
  EXPECT_FALSE(t.Take("a", r, At(1000)));  // refusals did not push the key further out
}

TEST(RateTableTest, UnlimitedRateAlwaysAllows) {
  RateTable t;
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(t.Take("a", Rate{0, 1}, At(0)));
  EXPECT_EQ(t.size(), 0u);
}

TEST(RateTableTest, ChargesAreCountedAfterTheFactAndCapped) {
  RateTable t;
  const Rate r{0.1, 5};  // 5 failures, then one every 10 s
  EXPECT_FALSE(t.Owes("k", At(0)));
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(t.Peek("k", r, At(0))) << i;
    t.Charge("k", r, At(0));
  }
  EXPECT_TRUE(t.Owes("k", At(0)));
  auto wait = t.Peek("k", r, At(0));
  ASSERT_TRUE(wait);
  EXPECT_EQ(wait->count(), 10'000);
  for (int i = 0; i < 1000; ++i) t.Charge("k", r, At(0));
  wait = t.Peek("k", r, At(0));
  ASSERT_TRUE(wait);
  EXPECT_LE(wait->count(), 50'000);  // never more than one burst beyond the limit
  EXPECT_FALSE(t.Peek("k", r, At(60'000)));
}

TEST(RateTableTest, MemoryIsBoundedAndOnlyKeysThatOweNothingAreForgotten) {
  RateTable t(64);
  const Rate r{1, 1};
  for (int i = 0; i < 64; ++i) t.Take("old" + std::to_string(i), r, At(0));
  // Much later: every old key owes nothing, so new ones take their room.
  for (int i = 0; i < 10'000; ++i) t.Take("new" + std::to_string(i), r, At(10'000));
  EXPECT_LE(t.size(), 64u + 16u);
  // A key that owes is not forgotten by a flood of new keys at the same instant.
  RateTable u(16);
  u.Take("victim", r, At(0));
  for (int i = 0; i < 1000; ++i) u.Take("flood" + std::to_string(i), r, At(0));
  EXPECT_TRUE(u.Take("victim", r, At(0)));
}

}  // namespace
}  // namespace pupitre::guard
