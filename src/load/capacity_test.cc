#include "load/capacity.h"

#include <gtest/gtest.h>

namespace pupitre::load {
namespace {

TEST(WavePlanTest, SplitsABigCohortIntoEqualWavesSpacedByTheStartTime) {
  EXPECT_EQ(WavePlan(12'000, 4'500, 240), "12000 students: 3 waves of 4000, 6 minutes apart");
  EXPECT_EQ(WavePlan(3'000, 4'500, 60), "3000 students: one wave is enough (capacity 4500 within 60 s)");
  EXPECT_EQ(WavePlan(10'001, 10'000, 30), "10001 students: 2 waves of 5001, 1 minute apart");
  EXPECT_NE(WavePlan(100, 0, 60).find("no wave size is safe"), std::string::npos);
}

TEST(WavePlanTest, BadOptionsAreRefusedBeforeAnyTraffic) {
  Scenario s;
  EngineOptions e;
  CapacityOptions o;
  o.factor = 1;
  EXPECT_FALSE(FindCapacity(s, e, o).ok());
}

}  // namespace
}  // namespace pupitre::load
