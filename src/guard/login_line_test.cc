#include "guard/login_line.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

namespace pupitre::guard {
namespace {

TimePoint At(int64_t ms) { return FromUnixMs(1'800'000'000'000 + ms); }
MonoPoint Mono(int64_t ms) { return MonoPoint(Millis(100000 + ms)); }

class LoginLineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  LoginLine line_{LoginLineOptions{}, "secret", At(0)};
};

TEST_F(LoginLineTest, WithNobodyInLineAndRoomInTheHashingQueueALoginGoesAtOnce) {
  auto d = line_.Arrive("ada", "", /*queued=*/0, /*rate=*/40, At(1));
  EXPECT_EQ(d.kind, LoginLine::Decision::kGo);
  EXPECT_EQ(d.number, 0);
  EXPECT_EQ(line_.stats().issued, 0);
}

TEST_F(LoginLineTest, ACrowdGetsNumbersInOrderWithHonestEstimatesAndIsCalledAtTheRate) {
  // 40 hashes a second, one second of backlog allowed: the queue is full.
  std::vector<LoginLine::Place> places;
  for (int i = 0; i < 100; ++i) {
    auto d = line_.Arrive("student" + std::to_string(i), "", /*queued=*/40, 40, At(1));
    ASSERT_EQ(d.kind, LoginLine::Decision::kWait) << i;
    places.push_back(d.place);
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(places[i].number, i + 1);
    EXPECT_EQ(places[i].position, i + 1);
    EXPECT_EQ(places[i].eta.count(), (i + 1) * 25);  // 1/40 s each
  }
  // Called as the hashing queue empties, at the rate: 0.5 s with a short queue calls 20.
  line_.Advance(Mono(0), 0, 40);
  line_.Advance(Mono(500), 0, 40);
  EXPECT_EQ(line_.stats().called, 20);
  // While the queue is full, nobody more is called.
  line_.Advance(Mono(1000), 40, 40);
  EXPECT_EQ(line_.stats().called, 20);
  // What the full second did not use is not saved for a burst: at most a backlog's worth
  // (one second of hashing) is called at once.
  line_.Advance(Mono(1500), 0, 40);
  EXPECT_EQ(line_.stats().called, 20 + 40);

  // Number 5 comes back: it goes. Number 90 comes back: still waiting, with a nearer place.
  auto five = line_.Arrive("student4", places[4].ticket, 0, 40, At(2));
  EXPECT_EQ(five.kind, LoginLine::Decision::kGo);
  EXPECT_EQ(five.number, 5);
  auto ninety = line_.Arrive("student89", places[89].ticket, 0, 40, At(2));
  ASSERT_EQ(ninety.kind, LoginLine::Decision::kWait);
  EXPECT_LT(ninety.place.position, 90);
  EXPECT_EQ(ninety.place.number, 90);
  // A newcomer still queues behind everyone, even with an empty hashing queue.
  auto late = line_.Arrive("late", "", 0, 40, At(2));
  ASSERT_EQ(late.kind, LoginLine::Decision::kWait);
  EXPECT_EQ(late.place.number, 101);
}

TEST_F(LoginLineTest, ACalledNumberIsCheckedOnceAtATime) {
  auto d = line_.Arrive("ada", "", 100, 40, At(1));
  ASSERT_EQ(d.kind, LoginLine::Decision::kWait);
  line_.Advance(Mono(0), 0, 40);
  line_.Advance(Mono(1000), 0, 40);
  auto first = line_.Arrive("ada", d.place.ticket, 0, 40, At(2));
  ASSERT_EQ(first.kind, LoginLine::Decision::kGo);
  // The page sent it twice (a second tab, a retry): the copy waits for the first's answer.
  EXPECT_EQ(line_.Arrive("ada", d.place.ticket, 0, 40, At(2)).kind, LoginLine::Decision::kBusy);
  line_.Done(first.number);
  EXPECT_EQ(line_.Arrive("ada", d.place.ticket, 0, 40, At(3)).kind, LoginLine::Decision::kGo);
}

TEST_F(LoginLineTest, TicketsAreBoundToTheLoginTheLineAndTheirAge) {
  auto d = line_.Arrive("Ada", "", 100, 40, At(1));
  ASSERT_EQ(d.kind, LoginLine::Decision::kWait);
  line_.Advance(Mono(0), 0, 40);
  line_.Advance(Mono(1000), 0, 40);
  // Another login's ticket is no ticket: a new place at the back.
  auto other = line_.Arrive("bob", d.place.ticket, 100, 40, At(2));
  ASSERT_EQ(other.kind, LoginLine::Decision::kWait);
  EXPECT_EQ(other.place.number, 2);
  // Case does not matter, as for logins.
  EXPECT_EQ(line_.Arrive("ADA", d.place.ticket, 0, 40, At(2)).kind, LoginLine::Decision::kGo);
  // A restarted line does not honour the old one's numbers.
  LoginLine restarted(LoginLineOptions{}, "secret", At(5000));
  auto after = restarted.Arrive("ada", d.place.ticket, 100, 40, At(6000));
  ASSERT_EQ(after.kind, LoginLine::Decision::kWait);
  EXPECT_EQ(after.place.number, 1);
  // Forged or stale tickets are no tickets.
  std::string forged = d.place.ticket;
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(line_.Arrive("ada", forged, 100, 40, At(2)).place.number, 3);
  const auto ttl = LoginLineOptions{}.ticket_ttl.count();
  EXPECT_EQ(line_.Arrive("ada", d.place.ticket, 100, 40, At(2 + ttl)).place.number, 4);
  for (const std::string junk : {"L1.", "L1....", "x", "L1.1.2.3.4.5"}) {
    EXPECT_EQ(line_.Arrive("ada", junk, 100, 40, At(2)).kind, LoginLine::Decision::kWait) << junk;
  }
}

TEST_F(LoginLineTest, OnlyAWaitBeyondTheMorningIsRefused) {
  LoginLineOptions o;
  o.max_wait = Millis(10'000);  // 10 s at 1 hash a second: 10 places
  LoginLine line(o, "secret", At(0));
  int waiting = 0, full = 0;
  for (int i = 0; i < 15; ++i) {
    auto d = line.Arrive("s" + std::to_string(i), "", 10, 1, At(1));
    if (d.kind == LoginLine::Decision::kWait) ++waiting;
    if (d.kind == LoginLine::Decision::kFull) {
      ++full;
      EXPECT_GT(d.retry_after.count(), 0);
    }
  }
  EXPECT_EQ(waiting, 10);
  EXPECT_EQ(full, 5);
}

}  // namespace
}  // namespace pupitre::guard
