#include "guard/work_queue.h"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "guard/limits.h"
#include "testkit/fake_clock.h"

namespace pupitre::guard {
namespace {

using Outcome = WorkQueue::Outcome;

struct Fixture {
  FakeClock clock{TimePoint(Millis(1'700'000'000'000))};
  boost::asio::io_context io;  // run by hand: the test decides when jobs run
  std::vector<std::string> ran;

  WorkQueue::Job Record(std::string name) {
    return [this, name](Outcome o) {
      ran.push_back(name + (o == Outcome::kRun ? "" : o == Outcome::kExpired ? ":expired" : ":gone"));
    };
  }
  void RunAll() {
    io.restart();
    io.run();
  }
};

TEST(WorkQueueTest, KeysTakeTurnsAndTheCleanLaneGoesFirst) {
  Fixture f;
  WorkQueue q({.concurrency = 1, .capacity = 100, .per_key = 100, .timeout = Millis(10'000)},
              f.io.get_executor(), f.clock);
  // A flood from one address, then one login from another, then one from a suspect address.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.Submit(0, "flood", {}, f.Record("f" + std::to_string(i))));
  ASSERT_TRUE(q.Submit(1, "suspect", {}, f.Record("s")));
  ASSERT_TRUE(q.Submit(0, "student", {}, f.Record("student")));
  f.RunAll();
  // f0 had started already; then the student takes the next turn, and the suspect lane waits
  // for the clean lane to be empty.
  EXPECT_EQ(f.ran, (std::vector<std::string>{"f0", "f1", "student", "f2", "f3", "f4", "s"}));
  EXPECT_EQ(q.stats().run, 7u);
  EXPECT_EQ(q.stats().queued, 0);
  EXPECT_EQ(q.stats().running, 0);
}

TEST(WorkQueueTest, FullQueueOrFullKeyIsRefused) {
  Fixture f;
  WorkQueue q({.concurrency = 1, .capacity = 4, .per_key = 2, .timeout = Millis(10'000)},
              f.io.get_executor(), f.clock);
  EXPECT_TRUE(q.Submit(0, "a", {}, f.Record("a0")));  // starts at once (posted)
  EXPECT_TRUE(q.Submit(0, "a", {}, f.Record("a1")));
  EXPECT_TRUE(q.Submit(0, "a", {}, f.Record("a2")));
  EXPECT_FALSE(q.Submit(0, "a", {}, f.Record("a3")));  // a's share is full
  EXPECT_TRUE(q.Submit(0, "b", {}, f.Record("b0")));
  EXPECT_TRUE(q.Submit(0, "c", {}, f.Record("c0")));
  EXPECT_FALSE(q.Submit(1, "d", {}, f.Record("d0")));  // 4 queued (a1 a2 b0 c0): full
  EXPECT_EQ(q.stats().refused, 2u);
  EXPECT_EQ(q.stats().queued, 4);
  f.RunAll();
  EXPECT_EQ(f.ran, (std::vector<std::string>{"a0", "a1", "b0", "c0", "a2"}));
  EXPECT_TRUE(q.Submit(0, "e", {}, f.Record("e0")));  // room again
}

TEST(WorkQueueTest, ExpiredAndAbandonedJobsAreNotRun) {
  Fixture f;
  WorkQueue q({.concurrency = 1, .capacity = 100, .per_key = 100, .timeout = Millis(5'000)},
              f.io.get_executor(), f.clock);
  bool gone = false;
  ASSERT_TRUE(q.Submit(0, "a", {}, f.Record("old")));
  f.clock.Advance(Millis(6'000));  // "old" waited past the timeout before its turn
  ASSERT_TRUE(q.Submit(0, "b", [&] { return gone; }, f.Record("left")));
  ASSERT_TRUE(q.Submit(0, "c", {}, f.Record("fresh")));
  gone = true;  // the client of "left" closed its connection
  f.RunAll();
  EXPECT_EQ(f.ran, (std::vector<std::string>{"old:expired", "left:gone", "fresh"}));
  auto s = q.stats();
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.gone, 1u);
  EXPECT_EQ(s.run, 1u);
}

TEST(LoginThrottleTest, FailuresSlowDownPerAccountFromASubnetAndPerAddress) {
  LimitOptions o;
  o.failed_per_account = {0.1, 3};   // 3 failures, then one every 10 s
  o.failed_per_address = {0.1, 10};
  LoginThrottle t(o);
  const MonoPoint now{Millis(1'000'000)};
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(t.Check("Alice", "198.51.100.7", now)) << i;
    t.Failed("alice", "198.51.100.7", now);
  }
  auto wait = t.Check("ALICE", "198.51.100.9", now);  // same account, same /24, any case
  ASSERT_TRUE(wait);
  EXPECT_EQ(wait->count(), 10'000);
  // The real Alice, at home on another network, is not locked out by the attacker.
  EXPECT_FALSE(t.Check("alice", "203.0.113.5", now));
  // Ten seconds later the attacker may try once more.
  EXPECT_FALSE(t.Check("alice", "198.51.100.7", now + Millis(10'000)));
  // Spraying many accounts from one address meets the address's limit.
  for (int i = 0; i < 7; ++i) t.Failed("user" + std::to_string(i), "198.51.100.7", now);
  EXPECT_TRUE(t.Check("someone-else", "198.51.100.7", now));
  EXPECT_TRUE(t.Suspect("198.51.100.7", now));
  EXPECT_FALSE(t.Suspect("203.0.113.5", now));
}

TEST(RequestLimitsTest, AnonymousPerAddressAndSubnetAccountsPerUser) {
  LimitOptions o;
  o.anonymous_per_address = {1, 2};
  o.anonymous_per_subnet = {1, 3};
  o.per_account = {1, 2};
  RequestLimits l(o);
  const MonoPoint now{Millis(1'000'000)};
  EXPECT_FALSE(l.Anonymous("192.0.2.1", now));
  EXPECT_FALSE(l.Anonymous("192.0.2.1", now));
  EXPECT_TRUE(l.Anonymous("192.0.2.1", now));   // the address's burst
  EXPECT_FALSE(l.Anonymous("192.0.2.2", now));  // the subnet's third
  EXPECT_TRUE(l.Anonymous("192.0.2.3", now));   // the subnet's burst
  EXPECT_FALSE(l.Anonymous("192.0.3.1", now));  // another subnet
  EXPECT_FALSE(l.Account(7, now));
  EXPECT_FALSE(l.Account(7, now));
  EXPECT_TRUE(l.Account(7, now));
  EXPECT_FALSE(l.Account(8, now));
}

}  // namespace
}  // namespace pupitre::guard
