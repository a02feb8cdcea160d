#include "guard/course_door.h"

#include <gtest/gtest.h>

#include "testkit/fake_clock.h"

namespace pupitre::guard {
namespace {

class CourseDoorTest : public ::testing::Test {
 protected:
  CourseDoorTest() : clock_(FromUnixMs(1'800'000'000'000)), door_(Options(), clock_) {}
  static CourseDoorOptions Options() {
    CourseDoorOptions o;
    o.initial_rate = 2;
    o.min_rate = 1;
    o.pass = std::chrono::minutes(30);
    return o;
  }
  FakeClock clock_;
  CourseDoor door_;
};

TEST_F(CourseDoorTest, WithRoomEveryoneGoesIn) {
  for (int64_t u = 1; u <= 100; ++u) EXPECT_TRUE(door_.Knock(u).in);
  EXPECT_FALSE(door_.Current().line);
  EXPECT_EQ(door_.Current().passes, 100);
}

TEST_F(CourseDoorTest, WhenSaturatedNewcomersQueueAndThoseInsideStay) {
  ASSERT_TRUE(door_.Knock(1).in);
  door_.Adapt(/*overloaded=*/true, /*exam_rush=*/false);
  EXPECT_TRUE(door_.Current().line);
  EXPECT_TRUE(door_.Knock(1).in) << "a pass holds";
  // The line's rate fell to 1.4/s: one goes in at once (its burst), the others queue in order.
  int in = 0;
  std::vector<int64_t> places;
  for (int64_t u = 2; u <= 6; ++u) {
    DoorAnswer a = door_.Knock(u);
    if (a.in) ++in;
    else places.push_back(a.place.position);
  }
  EXPECT_EQ(in, 1);
  EXPECT_EQ(places, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_TRUE(door_.Knock(6).place.eta.has_value()) << "an estimate";
  EXPECT_EQ(door_.Knock(6).place.position, 4) << "the same place when asked again";
  size_t let = 0;
  for (int i = 0; i < 100 && let < 4; ++i) {
    clock_.Advance(Millis(100));
    let += door_.Tick();
  }
  EXPECT_EQ(let, 4u);
  EXPECT_TRUE(door_.Knock(6).in) << "let in: a pass";
  EXPECT_EQ(door_.Current().waiting, 0);
}

TEST_F(CourseDoorTest, AnExamRushClosesTheDoorAndItOpensAgainOnceCalm) {
  door_.Adapt(false, /*exam_rush=*/true);
  ASSERT_TRUE(door_.Knock(1).in);  // the line's first token
  EXPECT_FALSE(door_.Knock(2).in);
  door_.Adapt(false, false);
  for (int i = 0; i < 30 && !door_.Knock(2).in; ++i) {
    clock_.Advance(Millis(100));
    door_.Tick();
  }
  EXPECT_TRUE(door_.Knock(2).in);
  door_.Adapt(false, false);
  EXPECT_FALSE(door_.Current().line) << "nobody waits, room again: the line goes";
  EXPECT_TRUE(door_.Knock(3).in);
}

TEST_F(CourseDoorTest, TheOperatorHoldsTheLineAndPassesExpire) {
  ASSERT_TRUE(door_.Knock(1).in);
  ASSERT_TRUE(door_.Hold(true).ok());
  EXPECT_TRUE(door_.Current().held);
  EXPECT_TRUE(door_.Knock(1).in);
  (void)door_.Knock(2);  // the line's burst (two a second)
  (void)door_.Knock(3);
  EXPECT_FALSE(door_.Knock(4).in) << "held: newcomers queue even with room";
  ASSERT_TRUE(door_.Hold(false).ok());
  clock_.Advance(std::chrono::minutes(31));
  door_.Adapt(false, false);
  EXPECT_LE(door_.Current().passes, 1) << "expired passes are forgotten";
}

}  // namespace
}  // namespace pupitre::guard
