#include "guard/waiting_room.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "common/clock.h"
#include "guard/waiting_rooms.h"
#include "testkit/child_server.h"
#include "testkit/memory_settings.h"
#include "testkit/fake_clock.h"

namespace pupitre::guard {
namespace {

const TimePoint kOpens = FromUnixMs(1'800'000'000'000);

// A shuffle that reverses: deterministic, and visibly not arrival order.
void Reverse(std::vector<int64_t>& v) { std::reverse(v.begin(), v.end()); }

WaitingRoom Room(double rate, TimePoint now) {
  WaitingRoomOptions o;
  o.initial_rate = rate;
  o.min_rate = 0.1;
  o.max_rate = 1000;
  return WaitingRoom(o, kOpens, Reverse, now);
}

TEST(WaitingRoomTest, AdmitsAtOnceWhileTheRateAllowsThenQueuesInArrivalOrder) {
  TimePoint now = kOpens;
  auto room = Room(5, now);
  for (int64_t u = 1; u <= 5; ++u) EXPECT_TRUE(room.Arrive(u, now).admitted) << u;
  Place p6 = room.Arrive(6, now);
  Place p7 = room.Arrive(7, now);
  EXPECT_FALSE(p6.admitted);
  EXPECT_EQ(p6.position, 1);
  EXPECT_EQ(p7.position, 2);
  ASSERT_TRUE(p7.eta.has_value());
  EXPECT_EQ(p7.eta->count(), 400) << "2 ahead at 5/s";
}

TEST(WaitingRoomTest, TheTimeWaitedIsFromTheFirstArrivalAndToldOnce) {
  TimePoint now = kOpens;
  auto room = Room(1, now);
  EXPECT_TRUE(room.Arrive(1, now).admitted);
  EXPECT_FALSE(room.Arrive(2, now).admitted);
  now += std::chrono::seconds(30);
  room.Arrive(2, now);  // arriving again (a reload) does not restart the wait
  now += std::chrono::seconds(10);
  ASSERT_EQ(room.Tick(now), (std::vector<int64_t>{2}));
  EXPECT_EQ(room.TakeWaited(1, now).count(), 0) << "let in at once: no wait";
  EXPECT_EQ(room.TakeWaited(2, now).count(), 40'000);
  EXPECT_EQ(room.TakeWaited(2, now).count(), 0) << "told once, then forgotten";
}

TEST(WaitingRoomTest, ArrivingAgainKeepsThePlace) {
  TimePoint now = kOpens;
  auto room = Room(1, now);
  room.Arrive(1, now);  // admitted
  room.Arrive(2, now);
  room.Arrive(3, now);
  Place again = room.Arrive(3, now);
  EXPECT_EQ(again.position, 2);
  EXPECT_EQ(room.waiting(), 2);
}

TEST(WaitingRoomTest, TicksAdmitInOrderAtTheRateAndPlacesOnlyGoDown) {
  TimePoint now = kOpens;
  auto room = Room(10, now);
  for (int64_t u = 1; u <= 40; ++u) room.Arrive(u, now);  // 10 admitted, 30 queued
  std::vector<int64_t> order;
  int64_t last_position = room.Find(40, now)->position;
  for (int i = 0; i < 40; ++i) {
    now += Millis(100);
    for (int64_t u : room.Tick(now)) order.push_back(u);
    auto p = room.Find(40, now);
    ASSERT_TRUE(p.has_value());
    EXPECT_LE(p->position, last_position) << "a place went up";
    last_position = p->position;
  }
  ASSERT_EQ(order.size(), 30u);
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], static_cast<int64_t>(11 + i));
  EXPECT_TRUE(room.Find(40, now)->admitted);
}

TEST(WaitingRoomTest, ATickAdmitsNoMoreThanItIsAllowedAndKeepsTheRestInOrder) {
  TimePoint now = kOpens;
  auto room = Room(10, now);
  for (int64_t u = 1; u <= 20; ++u) room.Arrive(u, now);  // 10 admitted, 10 queued
  now += Millis(1000);                                     // tokens for 10 more
  EXPECT_EQ(room.Tick(now, 3), (std::vector<int64_t>{11, 12, 13}));
  EXPECT_TRUE(room.Tick(now, 0).empty());
  EXPECT_EQ(room.Find(14, now)->position, 1);
  EXPECT_EQ(room.Tick(now).size(), 7u) << "the tokens not used wait for the next tick";
}

TEST(WaitingRoomTest, EarlyArrivalsAreDrawnInRandomOrderAtOpening) {
  TimePoint now = kOpens - Millis(60'000);
  auto room = Room(1, now);
  for (int64_t u = 1; u <= 4; ++u) {
    Place p = room.Arrive(u, now);
    EXPECT_FALSE(p.admitted) << "admitted before the doors open";
    EXPECT_TRUE(p.before_opening);
  }
  EXPECT_TRUE(room.Tick(now + Millis(30'000)).empty());
  now = kOpens;
  std::vector<int64_t> order;
  for (int i = 0; i < 10; ++i) {
    for (int64_t u : room.Tick(now)) order.push_back(u);
    now += Millis(1000);
  }
  EXPECT_EQ(order, (std::vector<int64_t>{4, 3, 2, 1})) << "the drawn order was not used";
  // Someone arriving after opening goes behind everyone drawn.
}

TEST(WaitingRoomTest, LateArrivalsQueueBehindTheDrawnOnes) {
  TimePoint now = kOpens - Millis(1000);
  auto room = Room(1, now);
  room.Arrive(1, now);
  room.Arrive(2, now);
  now = kOpens;
  Place late = room.Arrive(3, now);
  EXPECT_FALSE(late.admitted);
  EXPECT_EQ(late.position, 3);
}

TEST(WaitingRoomTest, PauseStopsAdmissionAndHidesTheEstimate) {
  TimePoint now = kOpens;
  auto room = Room(1, now);
  room.Arrive(1, now);
  room.Arrive(2, now);
  room.SetPaused(true);
  now += Millis(5000);
  EXPECT_TRUE(room.Tick(now).empty());
  EXPECT_FALSE(room.Find(2, now)->eta.has_value());
  room.SetPaused(false);
  now += Millis(1000);
  EXPECT_EQ(room.Tick(now), (std::vector<int64_t>{2}));
}

TEST(WaitingRoomTest, LetThroughAdmitsAtOnceAndItsSlotCostsNothing) {
  TimePoint now = kOpens;
  auto room = Room(1, now);
  room.Arrive(1, now);  // admitted
  room.Arrive(2, now);
  room.Arrive(3, now);
  room.LetThrough(3);
  EXPECT_TRUE(room.Find(3, now)->admitted);
  now += Millis(1000);
  EXPECT_EQ(room.Tick(now), (std::vector<int64_t>{2}));
  now += Millis(1000);
  EXPECT_TRUE(room.Tick(now).empty()) << "3 was admitted twice";
}

TEST(WaitingRoomTest, MaxRateCapsTheAutomaticRate) {
  TimePoint now = kOpens;
  auto room = Room(50, now);
  room.SetMaxRate(5);
  EXPECT_DOUBLE_EQ(room.rate(), 5);
  room.SetRate(100);
  EXPECT_DOUBLE_EQ(room.rate(), 5);
}

TEST(WaitingRoomTest, AnOperatorsCapBelowOnePerSecondAdmitsOneAtATime) {
  TimePoint now = kOpens;
  WaitingRoomOptions o;
  o.initial_rate = 50;
  o.min_rate = 1;  // the automatic floor: the operator's cap goes below it
  o.max_rate = 1000;
  WaitingRoom room(o, kOpens, Reverse, now);
  room.SetMaxRate(0.5);
  EXPECT_DOUBLE_EQ(room.max_rate(), 0.5) << "the cap was raised to the automatic floor";
  room.SetRate(10);
  EXPECT_DOUBLE_EQ(room.rate(), 0.5);
  EXPECT_TRUE(room.Arrive(1, now).admitted) << "a bucket of one: the first goes in";
  EXPECT_FALSE(room.Arrive(2, now).admitted);
  EXPECT_FALSE(room.Arrive(3, now).admitted);
  now += std::chrono::milliseconds(1'900);
  EXPECT_TRUE(room.Tick(now).empty()) << "one every 2 s, not sooner";
  now += std::chrono::milliseconds(100);
  EXPECT_EQ(room.Tick(now), (std::vector<int64_t>{2}));
  now += std::chrono::seconds(2);
  EXPECT_EQ(room.Tick(now), (std::vector<int64_t>{3}));
  room.SetMaxRate(0.001);
  EXPECT_DOUBLE_EQ(room.max_rate(), WaitingRoom::kMinOperatorRate);
}

TEST(WaitingRoomTest, AnEarlyArrivalAskingAgainKeepsItsOwnPlace) {
  TimePoint now = kOpens - std::chrono::minutes(5);
  auto room = Room(5, now);
  EXPECT_EQ(room.Arrive(1, now).position, 1);
  EXPECT_EQ(room.Arrive(2, now).position, 2);
  EXPECT_EQ(room.Arrive(3, now).position, 3);
  EXPECT_EQ(room.Arrive(1, now).position, 1) << "a reload is not a new arrival";
  EXPECT_EQ(room.waiting(), 3);
  room.LetThrough(2);
  EXPECT_EQ(room.Find(3, now)->position, 2);
  EXPECT_TRUE(room.Find(2, now)->admitted);
}

TEST(WaitingRoomTest, AfterARestartThoseWhoHeldAPlaceComeFirstInTheirOldOrder) {
  // The rebuilt room opens a little after the restart; meanwhile everyone is collected.
  TimePoint now = kOpens;
  WaitingRoomOptions o;
  o.initial_rate = 1;
  o.min_rate = 0.1;
  WaitingRoom room(o, kOpens + std::chrono::seconds(10), Reverse, now);
  EXPECT_TRUE(room.Arrive(50, now).before_opening);         // new: no place before
  EXPECT_TRUE(room.Arrive(30, now, /*claim=*/7).before_opening);
  EXPECT_TRUE(room.Arrive(10, now, /*claim=*/2).before_opening);
  EXPECT_TRUE(room.Arrive(60, now).before_opening);
  EXPECT_TRUE(room.Arrive(20, now, /*claim=*/5).before_opening);
  now += std::chrono::seconds(10);
  // Claims in their order (2, 5, 7), then the others drawn (here: reversed).
  std::vector<int64_t> order;
  for (int i = 0; i < 20 && order.size() < 5; ++i) {
    now += std::chrono::seconds(1);
    for (int64_t u : room.Tick(now)) order.push_back(u);
  }
  EXPECT_EQ(order, (std::vector<int64_t>{10, 20, 30, 60, 50}));
}

TEST(WaitingRoomsTest, RoomsOpenedRightAfterARestartWaitForThoseComingBack) {
  FakeClock clock(kOpens + std::chrono::hours(1));
  WaitingRoomOptions o;
  o.initial_rate = 100;
  WaitingRooms rooms(o, clock, "0123456789abcdef0123456789abcdef",
                     clock.Now() + std::chrono::seconds(10), kOpens);
  // The exam opened an hour ago, yet nobody is admitted until the room is rebuilt.
  RoomEntry e = rooms.Arrive("exam-a", kOpens, 1, /*claim=*/3);
  EXPECT_FALSE(e.place.admitted);
  EXPECT_TRUE(e.place.before_opening);
  ASSERT_TRUE(e.place.eta.has_value());
  EXPECT_EQ(e.place.eta->count(), 10'000);
  clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(rooms.Tick(), (std::vector<std::pair<std::string, int64_t>>{{"exam-a", 1}}));
  // Later rooms are not held back.
  EXPECT_TRUE(rooms.Arrive("exam-b", kOpens, 2).place.admitted);
}

TEST(WaitingRoomsTest, TheRateFallsUnderSaturationAndClimbsBackWhileStudentsWait) {
  FakeClock clock(kOpens);
  WaitingRoomOptions o;
  o.initial_rate = 100;
  o.min_rate = 5;
  o.max_rate = 400;
  WaitingRooms rooms(o, clock, "0123456789abcdef0123456789abcdef", kOpens, kOpens);
  for (int64_t u = 1; u <= 500; ++u) rooms.Arrive("exam-a", kOpens, u);
  auto rate = [&] { return rooms.StatusOf("exam-a")->rate; };
  rooms.Adapt(/*overloaded=*/true);
  EXPECT_DOUBLE_EQ(rate(), 70);
  for (int i = 0; i < 20; ++i) rooms.Adapt(true);
  EXPECT_DOUBLE_EQ(rate(), 5) << "never below the minimum";
  rooms.Adapt(false);
  EXPECT_DOUBLE_EQ(rate(), 7.5);
  for (int i = 0; i < 20; ++i) rooms.Adapt(false);
  EXPECT_DOUBLE_EQ(rate(), 400) << "never above the maximum";
  // The operator's cap holds against the automatic climb.
  ASSERT_TRUE(rooms.SetMaxRate("exam-a", 50).ok());
  rooms.Adapt(false);
  EXPECT_DOUBLE_EQ(rate(), 50);
  // Nobody waiting: nothing to speed up.
  clock.Advance(std::chrono::hours(1));
  while (!rooms.Tick().empty()) clock.Advance(std::chrono::seconds(10));
  ASSERT_EQ(rooms.StatusOf("exam-a")->waiting, 0);
  ASSERT_TRUE(rooms.SetMaxRate("exam-a", 400).ok());
  rooms.Adapt(false);
  EXPECT_DOUBLE_EQ(rate(), 50);
}

TEST(WaitingRoomsTest, OnlyTicketsOfTheProcessThatLeftTheQueueClaimAPlace) {
  // This process started at kOpens + 1 h; the one before at kOpens.
  FakeClock clock(kOpens + std::chrono::hours(1));
  WaitingRoomOptions o;
  WaitingRooms rooms(o, clock, "0123456789abcdef0123456789abcdef", clock.Now(), kOpens);
  const int64_t before = ToUnixMs(kOpens);
  EXPECT_TRUE(rooms.IsClaim(Ticket{1, "exam-a", 7, before + 1000}));
  EXPECT_FALSE(rooms.IsClaim(Ticket{1, "exam-a", 7, before - 1000})) << "an older process's";
  EXPECT_FALSE(rooms.IsClaim(Ticket{1, "exam-a", 7, ToUnixMs(clock.Now())})) << "this one's";
  EXPECT_FALSE(rooms.IsClaim(Ticket{1, "exam-a", 0, before + 1000})) << "no place: before opening";
}

TEST(WaitingRoomTest, OfTwoClaimsTheBetterPlaceCounts) {
  TimePoint now = kOpens;
  WaitingRoomOptions o;
  o.initial_rate = 1;
  o.min_rate = 0.1;
  WaitingRoom room(o, kOpens + std::chrono::seconds(1), Reverse, now);
  room.Arrive(1, now, /*claim=*/4);
  room.Arrive(2, now, /*claim=*/6);
  room.Arrive(1, now, /*claim=*/9);  // a worse one later does not undo the first
  now += std::chrono::seconds(3);
  std::vector<int64_t> order;
  for (int i = 0; i < 10 && order.size() < 2; ++i) {
    now += std::chrono::seconds(1);
    for (int64_t u : room.Tick(now)) order.push_back(u);
  }
  EXPECT_EQ(order, (std::vector<int64_t>{1, 2}));
}

TEST(WaitingRoomsTest, TheOperatorsControlsHoldBeforeAnyoneArrivesAndAcrossARestart) {
  testkit::MemorySettings settings;  // the store's settings table, in memory
  FakeClock clock(kOpens);
  WaitingRoomOptions o;
  o.initial_rate = 100;
  {
    WaitingRooms rooms(o, clock, "0123456789abcdef0123456789abcdef", kOpens, kOpens);
    ASSERT_TRUE(rooms.PersistControlsTo(settings).ok());
    ASSERT_TRUE(rooms.SetPaused("exam-a", true).ok());  // nobody has arrived yet
    ASSERT_TRUE(rooms.SetMaxRate("exam-a", 7).ok());
    EXPECT_TRUE(rooms.StatusOf("exam-a")->paused);
    EXPECT_EQ(rooms.ExamIds(), std::vector<std::string>{"exam-a"});
    RoomEntry e = rooms.Arrive("exam-a", kOpens, 1);
    EXPECT_FALSE(e.place.admitted) << "admitted through a pause set before the room existed";
    EXPECT_FALSE(e.place.eta.has_value());
  }
  // A new process takes the controls back: still paused, still capped.
  WaitingRooms again(o, clock, "0123456789abcdef0123456789abcdef", kOpens, kOpens);
  ASSERT_TRUE(again.PersistControlsTo(settings).ok());
  EXPECT_FALSE(again.Arrive("exam-a", kOpens, 1).place.admitted);
  EXPECT_TRUE(again.StatusOf("exam-a")->paused);
  EXPECT_DOUBLE_EQ(again.StatusOf("exam-a")->max_rate, 7);
  EXPECT_TRUE(again.Arrive("exam-b", kOpens, 2).place.admitted) << "other exams are not held";
  ASSERT_TRUE(again.SetPaused("exam-a", false).ok());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_EQ(again.Tick().size(), 1u);

  // A damaged value is said, not silently dropped.
  ASSERT_TRUE(settings.Put(std::string(WaitingRooms::kControlsSetting), "{\"exam-a\": 3}").ok());
  WaitingRooms damaged(o, clock, "0123456789abcdef0123456789abcdef", kOpens, kOpens);
  auto s = damaged.PersistControlsTo(settings);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("exam-a"), std::string::npos) << s.error().message;
}

TEST(WaitingRoomsTest, TicketsAreSignedAndATamperedOneIsRefused) {
  FakeClock clock(kOpens);
  WaitingRoomOptions o;
  o.initial_rate = 1;
  WaitingRooms rooms(o, clock, "0123456789abcdef0123456789abcdef", kOpens, kOpens);
  rooms.Arrive("exam-a", kOpens, 1);
  RoomEntry e = rooms.Arrive("exam-a", kOpens, 2);
  ASSERT_FALSE(e.ticket.empty());
  auto t = rooms.Verify(e.ticket);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->user_id, 2);
  EXPECT_EQ(t->exam_id, "exam-a");
  EXPECT_EQ(t->number, e.place.ticket);

  std::string forged = e.ticket;
  forged.replace(forged.find(".2."), 3, ".3.");  // someone else's place
  EXPECT_FALSE(rooms.Verify(forged).ok());
  std::string flipped = e.ticket;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(rooms.Verify(flipped).ok());
  EXPECT_FALSE(rooms.Verify("garbage").ok());
  WaitingRooms other(o, clock, "another key, another server......", kOpens, kOpens);
  EXPECT_FALSE(other.Verify(e.ticket).ok());
}

}  // namespace
}  // namespace pupitre::guard
