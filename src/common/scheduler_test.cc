// Periodic work on one event loop: a task runs again and again, each is counted by name, and
// Stop() ends them all. Periods are a millisecond or a few so the loop turns quickly; every test
// has a watchdog timer that stops the loop (and fails the test) if it is reached.
#include "common/scheduler.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>

namespace pupitre {
namespace {

constexpr auto kWatchdog = std::chrono::seconds(5);

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() : watchdog_(loop_) {}

  // Runs the loop until something stops it; fails the test if only the watchdog does.
  void RunBounded() {
    bool fired = false;
    watchdog_.expires_after(kWatchdog);
    watchdog_.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      fired = true;
      loop_.stop();
    });
    loop_.restart();
    loop_.run();
    watchdog_.cancel();
    EXPECT_FALSE(fired) << "the watchdog stopped the loop: the tasks did not";
    // Let the cancelled watchdog's handler run so it does not outlive `fired`.
    loop_.restart();
    loop_.poll();
  }

  boost::asio::io_context loop_;
  boost::asio::steady_timer watchdog_;
};

TEST_F(SchedulerTest, ATaskRunsRepeatedlyOnTheLoop) {
  Scheduler scheduler(loop_);
  int runs = 0;
  scheduler.Every("tick", Millis(1), [&] {
    EXPECT_TRUE(loop_.get_executor().running_in_this_thread()) << "a task ran off the loop";
    if (++runs == 5) loop_.stop();
  });
  EXPECT_EQ(runs, 0) << "Every ran the task at once; the first run is one period later";
  RunBounded();
  EXPECT_EQ(runs, 5);
  EXPECT_EQ(scheduler.runs("tick"), 5u);
}

TEST_F(SchedulerTest, RunsCountsEachTaskByNameAndZeroForAnUnknownName) {
  Scheduler scheduler(loop_);
  scheduler.Every("sweep", Millis(1), [&] {
    if (scheduler.runs("sweep") == 3) loop_.stop();
  });
  EXPECT_EQ(scheduler.runs("sweep"), 0u);
  RunBounded();
  EXPECT_EQ(scheduler.runs("sweep"), 3u) << "runs() counts the run in progress too";
  EXPECT_EQ(scheduler.runs("nothing"), 0u);
}

TEST_F(SchedulerTest, StopPreventsFurtherRuns) {
  Scheduler scheduler(loop_);
  int runs = 0;
  scheduler.Every("tick", Millis(1), [&] {
    if (++runs == 2) {
      scheduler.Stop();
      // Give the loop time to fire the task again, if Stop let it: many periods later.
      auto later = std::make_shared<boost::asio::steady_timer>(loop_, Millis(50));
      later->async_wait([this, later](const boost::system::error_code&) { loop_.stop(); });
    }
  });
  RunBounded();
  EXPECT_EQ(runs, 2) << "a task ran after Stop()";
  EXPECT_EQ(scheduler.runs("tick"), 2u);
}

TEST_F(SchedulerTest, StopBeforeTheFirstRunMeansNoRunAtAll) {
  Scheduler scheduler(loop_);
  int runs = 0;
  scheduler.Every("tick", Millis(1), [&] { ++runs; });
  scheduler.Stop();
  boost::asio::steady_timer later(loop_, Millis(50));
  later.async_wait([this](const boost::system::error_code&) { loop_.stop(); });
  RunBounded();
  EXPECT_EQ(runs, 0);
}

TEST_F(SchedulerTest, TwoTasksWithDifferentPeriodsBothRun) {
  Scheduler scheduler(loop_);
  int fast = 0, slow = 0;
  scheduler.Every("fast", Millis(1), [&] { ++fast; });
  scheduler.Every("slow", Millis(20), [&] {
    if (++slow == 3) loop_.stop();
  });
  const auto began = std::chrono::steady_clock::now();
  RunBounded();
  const auto elapsed = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(slow, 3);
  EXPECT_GE(elapsed, Millis(60)) << "the slow task ran three times in less than three periods";
  EXPECT_GE(fast, slow) << "the faster task ran less often than the slower one";
  EXPECT_EQ(scheduler.runs("fast"), static_cast<uint64_t>(fast));
  EXPECT_EQ(scheduler.runs("slow"), 3u);
}

TEST_F(SchedulerTest, ASchedulerDestroyedBeforeItsLoopRunsNothing) {
  int runs = 0;
  {
    Scheduler scheduler(loop_);
    scheduler.Every("tick", Millis(1), [&] { ++runs; });
  }
  boost::asio::steady_timer later(loop_, Millis(50));
  later.async_wait([this](const boost::system::error_code&) { loop_.stop(); });
  RunBounded();
  EXPECT_EQ(runs, 0) << "a task ran after its scheduler was destroyed";
}

}  // namespace
}  // namespace pupitre
