#include "guard/admission.h"
#include "testkit/fake_clock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace pupitre::guard {
namespace {

class AdmissionTest : public ::testing::Test {
 protected:
  AdmissionTest() : clock_(FromUnixMs(1'800'000'000'000)) {}

  AdmissionController Make(int64_t limit, int64_t capacity = 4, int64_t total = 1000) {
    Options o;
    o.total_queue_capacity = total;
    o.initial_limit = limit;
    o.min_limit = 1;
    o.max_limit = 1000;
    o.queue_capacity = capacity;
    o.queue_timeout_ms = 1000;
    return AdmissionController(o, clock_);
  }

  // Submits a request whose fate is recorded under `name` in ran_ or rejected_.
  void Submit(AdmissionController& a, Priority p, const std::string& name) {
    a.Submit(
        p, [this, name] { ran_.push_back(name); },
        [this, name](Millis retry) {
          rejected_.push_back(name);
          last_retry_ = retry;
        });
  }

  FakeClock clock_;
  std::vector<std::string> ran_;
  std::vector<std::string> rejected_;
  Millis last_retry_{0};
};

TEST_F(AdmissionTest, RunsUpToTheLimitThenQueuesUntilASlotFrees) {
  auto a = Make(2);
  Submit(a, Priority::kInteractive, "a");
  Submit(a, Priority::kInteractive, "b");
  Submit(a, Priority::kInteractive, "c");
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(a.stats().queued[static_cast<size_t>(Priority::kInteractive)], 1);
  a.Release(Millis(5));
  EXPECT_EQ(ran_, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(rejected_.empty());
  EXPECT_EQ(a.stats().in_flight, 2);
}

TEST_F(AdmissionTest, CriticalWorkIsNeverQueuedNorRefused) {
  auto a = Make(1, 1);
  Submit(a, Priority::kInteractive, "page");
  Submit(a, Priority::kExamStart, "start");  // waits
  for (int i = 0; i < 100; ++i) Submit(a, Priority::kCritical, "save" + std::to_string(i));
  EXPECT_EQ(ran_.size(), 101u) << "every save runs at once, over the limit";
  EXPECT_TRUE(rejected_.empty());
  EXPECT_EQ(a.stats().in_flight, 101);
}

TEST_F(AdmissionTest, AFreedSlotGoesToTheMostImportantWaiter) {
  auto a = Make(1);
  Submit(a, Priority::kInteractive, "first");
  Submit(a, Priority::kBackground, "anonymous");
  Submit(a, Priority::kLogin, "login");
  Submit(a, Priority::kExamStart, "start");
  a.Release(Millis(1));
  a.Release(Millis(1));
  a.Release(Millis(1));
  EXPECT_EQ(ran_, (std::vector<std::string>{"first", "start", "login", "anonymous"}));
}

TEST_F(AdmissionTest, ANewRequestDoesNotOvertakeMoreImportantWaiters) {
  auto a = Make(1);
  Submit(a, Priority::kInteractive, "running");
  Submit(a, Priority::kExamStart, "start");  // waits
  a.Release(Millis(1));                      // start runs
  Submit(a, Priority::kBackground, "late");  // no room: waits behind nobody, but the limit is full
  EXPECT_EQ(ran_, (std::vector<std::string>{"running", "start"}));
}

TEST_F(AdmissionTest, WaitersPastTheTimeoutAreRefusedWithARetryHint) {
  auto a = Make(1);
  Submit(a, Priority::kInteractive, "running");
  Submit(a, Priority::kLogin, "slow-login");
  clock_.Advance(Millis(500));
  a.Sweep();
  EXPECT_TRUE(rejected_.empty()) << "refused before its time";
  clock_.Advance(Millis(600));
  a.Sweep();
  EXPECT_EQ(rejected_, (std::vector<std::string>{"slow-login"}));
  EXPECT_GE(last_retry_.count(), 1000);
  EXPECT_EQ(a.stats().rejected_timeout[static_cast<size_t>(Priority::kLogin)], 1u);
  a.Release(Millis(1));
  EXPECT_EQ(ran_, (std::vector<std::string>{"running"})) << "a refused request ran anyway";
}

TEST_F(AdmissionTest, AFullQueueRefusesItsNewcomer) {
  auto a = Make(1, 2);
  Submit(a, Priority::kInteractive, "running");
  Submit(a, Priority::kBackground, "b1");
  Submit(a, Priority::kBackground, "b2");
  Submit(a, Priority::kBackground, "b3");
  EXPECT_EQ(rejected_, (std::vector<std::string>{"b3"}));
  EXPECT_EQ(a.stats().queued[static_cast<size_t>(Priority::kBackground)], 2);
}

TEST_F(AdmissionTest, AFloodOfOneClassLeavesRoomForAnother) {
  auto a = Make(1, 2);
  Submit(a, Priority::kInteractive, "running");
  for (int i = 0; i < 50; ++i) Submit(a, Priority::kBackground, "anonymous");
  Submit(a, Priority::kExamStart, "start");
  EXPECT_EQ(rejected_.size(), 48u);
  EXPECT_EQ(std::count(rejected_.begin(), rejected_.end(), "start"), 0);
  a.Release(Millis(1));
  EXPECT_EQ(ran_.back(), "start");
}

TEST_F(AdmissionTest, WaitingIsBoundedWhateverTheLoad) {
  auto a = Make(4, 8);
  for (int i = 0; i < 10'000; ++i) {
    Submit(a, static_cast<Priority>(1 + i % 5), "r");
  }
  int64_t queued = 0;
  for (auto q : a.stats().queued) queued += q;
  EXPECT_LE(queued, 8 * 5);
  EXPECT_EQ(ran_.size() + rejected_.size() + static_cast<size_t>(queued), 10'000u);
}

TEST_F(AdmissionTest, WhenAllQueuesAreFullTheLeastImportantWaiterIsRefusedFirst) {
  auto a = Make(/*limit=*/1, /*capacity=*/4, /*total=*/4);
  Submit(a, Priority::kInteractive, "running");
  Submit(a, Priority::kBackground, "bg1");
  Submit(a, Priority::kBackground, "bg2");
  Submit(a, Priority::kLogin, "login1");
  Submit(a, Priority::kInteractive, "page1");  // the total is now full
  EXPECT_TRUE(rejected_.empty());
  // A start takes the place of the newest background waiter, then of the other one.
  Submit(a, Priority::kExamStart, "start1");
  EXPECT_EQ(rejected_, (std::vector<std::string>{"bg2"}));
  Submit(a, Priority::kExamStart, "start2");
  EXPECT_EQ(rejected_, (std::vector<std::string>{"bg2", "bg1"}));
  // Then logins go before pages.
  Submit(a, Priority::kStatus, "status");
  EXPECT_EQ(rejected_.back(), "login1");
  // A background newcomer finds nobody less important: it is refused itself.
  Submit(a, Priority::kBackground, "bg3");
  EXPECT_EQ(rejected_.back(), "bg3");
  // And a page now pushes nobody out of a class above it: refused too.
  Submit(a, Priority::kInteractive, "page2");
  EXPECT_EQ(rejected_.back(), "page2");
  const Stats st = a.stats();
  EXPECT_EQ(st.rejected_shed[static_cast<size_t>(Priority::kBackground)], 2u);
  EXPECT_EQ(st.rejected_shed[static_cast<size_t>(Priority::kLogin)], 1u);
  EXPECT_EQ(st.rejected(), 5u);
  int64_t queued = 0;
  for (auto q : st.queued) queued += q;
  EXPECT_EQ(queued, 4);
  // Slots go in priority order to those who stayed.
  for (int i = 0; i < 5; ++i) a.Release(Millis(1));
  EXPECT_EQ(ran_, (std::vector<std::string>{"running", "start1", "start2", "status", "page1"}));
}

TEST_F(AdmissionTest, TheTotalBoundHoldsUnderAMixedFlood) {
  auto a = Make(/*limit=*/2, /*capacity=*/100, /*total=*/50);
  for (int i = 0; i < 10'000; ++i) Submit(a, static_cast<Priority>(1 + i % 5), "r");
  const Stats st = a.stats();
  int64_t queued = 0;
  for (auto q : st.queued) queued += q;
  EXPECT_EQ(queued, 50);
  // Under a long mixed flood, the most important class ends up holding the room.
  EXPECT_EQ(st.queued[static_cast<size_t>(Priority::kExamStart)], 50);
  EXPECT_EQ(ran_.size() + rejected_.size() + static_cast<size_t>(queued), 10'000u);
}

TEST(SaturatedTest, RefusalsQueuesOrRisingLatencyMeanSaturation) {
  Stats calm;
  calm.short_latency_ms = 5;
  calm.long_latency_ms = 1;  // 5x, but under 20 ms: noise
  EXPECT_FALSE(Saturated(calm, 0, 2.0));
  Stats refused = calm;
  refused.rejected_timeout[static_cast<size_t>(Priority::kLogin)] = 3;
  EXPECT_TRUE(Saturated(refused, 0, 2.0));
  EXPECT_FALSE(Saturated(refused, 3, 2.0)) << "the same refusals as at the last reading";
  Stats queued = calm;
  queued.queued[static_cast<size_t>(Priority::kInteractive)] = 1;
  EXPECT_TRUE(Saturated(queued, 0, 2.0));
  Stats slow = calm;
  slow.short_latency_ms = 45;
  slow.long_latency_ms = 20;
  EXPECT_TRUE(Saturated(slow, 0, 2.0));
  EXPECT_FALSE(Saturated(slow, 0, 3.0)) << "within tolerance";
}

// Drives `windows` windows of full load at `latency_ms` each.
void Load(AdmissionController& a, FakeClock& clock, int windows, int64_t latency_ms) {
  for (int w = 0; w < windows; ++w) {
    int64_t limit = a.stats().limit;
    for (int64_t i = 0; i < limit; ++i) a.Submit(Priority::kInteractive, [] {}, [](Millis) {});
    clock.Advance(Millis(100));
    for (int64_t i = 0; i < limit; ++i) a.Release(Millis(latency_ms));
  }
}

TEST_F(AdmissionTest, TheLimitGrowsWhileLatencyHoldsAndShrinksWhenItRises) {
  Options o;
  o.initial_limit = 20;
  o.min_limit = 4;
  o.max_limit = 500;
  o.queue_capacity = 100000;
  o.queue_timeout_ms = 1'000'000;
  AdmissionController a(o, clock_);
  Load(a, clock_, 20, 10);
  const int64_t grown = a.stats().limit;
  EXPECT_GT(grown, 20) << "steady latency under full load should raise the limit";
  Load(a, clock_, 10, 200);
  const int64_t shrunk = a.stats().limit;
  EXPECT_LT(shrunk, grown * 7 / 10) << "latency 20x its usual level should cut the limit";
  EXPECT_GE(shrunk, 4);
}

TEST_F(AdmissionTest, AnIdleServerDoesNotInflateItsLimit) {
  auto a = Make(50);
  for (int w = 0; w < 50; ++w) {
    Submit(a, Priority::kInteractive, "one");
    clock_.Advance(Millis(100));
    a.Release(Millis(1));
  }
  EXPECT_EQ(a.stats().limit, 50);
}

}  // namespace
}  // namespace pupitre::guard

namespace pupitre::guard {
namespace {

// Full load of fast saves with a few logins a window: `login_ms` each.
void MixedLoad(AdmissionController& a, FakeClock& clock, int windows, int64_t login_ms) {
  for (int w = 0; w < windows; ++w) {
    const int64_t limit = a.stats().limit;
    for (int64_t i = 0; i < limit; ++i) a.Submit(Priority::kInteractive, [] {}, [](Millis) {});
    clock.Advance(Millis(100));
    for (int64_t i = 0; i < limit - 5; ++i) a.Release(Millis(1), Priority::kInteractive);
    for (int i = 0; i < 5; ++i) a.Release(Millis(login_ms), Priority::kLogin);
  }
}

TEST(AdmissionClassLatencyTest, SlowLoginsShrinkTheLimitEvenWhenFastSavesDominateTheMean) {
  FakeClock clock(FromUnixMs(1'800'000'000'000));
  Options o;
  o.initial_limit = 2000;
  o.min_limit = 4;
  o.max_limit = 2000;
  o.queue_capacity = 100000;
  o.queue_timeout_ms = 1'000'000;
  AdmissionController a(o, clock);
  MixedLoad(a, clock, 30, 20);
  const int64_t before = a.stats().limit;
  EXPECT_EQ(before, 2000) << "steady latency under full load does not shrink the limit";
  // Logins become ten times slower: the mean over all requests stays within the tolerance
  // (5 of 2,000), so a single latency signal would not move; the logins' own signal does.
  // (A window is judged when the next one begins: two windows.)
  MixedLoad(a, clock, 2, 200);
  Stats s = a.stats();
  EXPECT_LT(s.short_latency_ms, o.tolerance * s.long_latency_ms)
      << "the overall mean alone would not have seen it";
  EXPECT_LT(s.limit, before) << "the logins' own rise must cut the limit at once";
  MixedLoad(a, clock, 9, 200);
  s = a.stats();
  EXPECT_LT(s.limit, before * 7 / 10);
  EXPECT_EQ(s.class_short_latency_ms[static_cast<size_t>(Priority::kLogin)], 200);
  EXPECT_GT(s.class_long_latency_ms[static_cast<size_t>(Priority::kLogin)], 0);
}

}  // namespace
}  // namespace pupitre::guard
