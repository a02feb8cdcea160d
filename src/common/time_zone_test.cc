#include "common/time_zone.h"

#include <gtest/gtest.h>

namespace pupitre {
namespace {

constexpr int64_t kWinter = 1'795'420'800'000;  // 2026-11-23T08:00:00Z
constexpr int64_t kSummer = 1'782'460'800'000;  // 2026-06-26T08:00:00Z

TEST(TimeZoneTest, WritesLocalTimeWithTheOffsetOfThatDay) {
  auto paris = TimeZone::Named("Europe/Paris");
  ASSERT_TRUE(paris.ok()) << paris.error().message;
  EXPECT_EQ(paris->Iso8601(kWinter), "2026-11-23T09:00:00+01:00");
  EXPECT_EQ(paris->Iso8601(kSummer), "2026-06-26T10:00:00+02:00");
  EXPECT_EQ(paris->OffsetMinutes(kWinter), 60);
  auto reunion = TimeZone::Named("Indian/Reunion");
  ASSERT_TRUE(reunion.ok());
  EXPECT_EQ(reunion->Iso8601(kWinter + 999), "2026-11-23T12:00:00+04:00") << "ms are dropped";
  auto montreal = TimeZone::Named("America/Montreal");
  ASSERT_TRUE(montreal.ok());
  EXPECT_EQ(montreal->Iso8601(kWinter), "2026-11-23T03:00:00-05:00");
}

TEST(TimeZoneTest, UtcIsWrittenWithZ) {
  auto utc = TimeZone::Named("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->Iso8601(kWinter), "2026-11-23T08:00:00Z");
  EXPECT_EQ(utc->Iso8601(0), "1970-01-01T00:00:00Z");
}

TEST(TimeZoneTest, AnUnknownZoneNamesItself) {
  auto bad = TimeZone::Named("Europe/Atlantis");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("Europe/Atlantis"), std::string::npos);
  EXPECT_FALSE(TimeZone::Named("").ok());
}

}  // namespace
}  // namespace pupitre
