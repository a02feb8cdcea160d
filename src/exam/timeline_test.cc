#include "exam/timeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pupitre::exam {
namespace {

constexpr int64_t kNine = 1'795'424'400'000;  // 2026-11-23T09:00:00Z
constexpr int64_t kMin = 60'000;

AttemptState Attempt() {
  AttemptState a;
  a.id = 4;
  a.started_ms = kNine;
  a.deadline_ms = kNine + 60 * kMin;
  return a;
}

std::vector<std::string> Kinds(const std::vector<TimelineEntry>& t) {
  std::vector<std::string> out;
  for (const auto& e : t) out.push_back(e.kind);
  return out;
}

TEST(TimelineTest, InTimeOrderWithTheAdmissionBeforeTheStartAndTheSubmission) {
  AttemptState a = Attempt();
  a.status = AttemptStatus::kSubmitted;
  a.submitted_ms = kNine + 30 * kMin;
  a.auto_submitted = true;
  auto t = BuildTimeline(a,
                         {{kNine + 2 * kMin, "saves", R"({"saves":3,"resent":1,"replays":0})"},
                          {kNine, "page_connected", "{}"},
                          {kNine, "admitted", R"({"waited_ms":200000})"},
                          {kNine + 1 * kMin, "saves", R"({"saves":5,"resent":0,"replays":0})"}},
                         kNine + 40 * kMin);
  EXPECT_EQ(Kinds(t), (std::vector<std::string>{"admitted", "started", "page_connected", "saves",
                                                "saves", "quiet", "submitted"}));
  EXPECT_EQ(t[5].at_ms, kNine + 3 * kMin) << "quiet from the end of the last minute with saves";
  EXPECT_EQ(t[5].data.at("for_ms").as_int64(), 27 * kMin);
  EXPECT_TRUE(t.back().data.at("auto").as_bool());
  const std::string csv = TimelineCsv(t);
  EXPECT_EQ(csv.substr(0, csv.find('\r')), "time_utc,event,details");
  EXPECT_NE(csv.find("2026-11-23T09:00:00.000Z,admitted,let in from the waiting room after 3 min 20 s"),
            std::string::npos) << csv;
  EXPECT_NE(csv.find("3 answer saves received in this minute; 1 resent by the page's journal"),
            std::string::npos) << csv;
  EXPECT_NE(csv.find("submitted by the deadline"), std::string::npos);
}

TEST(TimelineTest, NoQuietSpellWhileThePageIsAwayOrShortly) {
  AttemptState a = Attempt();
  auto t = BuildTimeline(a,
                         {{kNine, "page_connected", "{}"},
                          {kNine + 2 * kMin, "saves", R"({"saves":1})"},
                          {kNine + 4 * kMin, "page_disconnected", "{}"},
                          {kNine + 20 * kMin, "page_connected", "{}"},
                          {kNine + 23 * kMin, "saves", R"({"saves":1})"}},
                         kNine + 26 * kMin);
  for (const auto& e : t) EXPECT_NE(e.kind, "quiet") << "at " << (e.at_ms - kNine) / kMin;
  // Still connected, nothing since 9:24: quiet until now once it is long enough.
  auto later = BuildTimeline(a, {{kNine, "page_connected", "{}"}}, kNine + 12 * kMin);
  ASSERT_EQ(Kinds(later), (std::vector<std::string>{"started", "page_connected", "quiet"}));
  EXPECT_EQ(later[2].data.at("for_ms").as_int64(), 12 * kMin);
}

TEST(TimelineTest, AnEventWithBrokenDataIsKeptWithoutIt) {
  auto t = BuildTimeline(Attempt(), {{kNine + 1, "extra_time", "not json"}}, kNine);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].kind, "extra_time");
  EXPECT_TRUE(t[1].data.empty());
  EXPECT_NE(TimelineCsv(t).find("0 s added by a teacher"), std::string::npos);
}

}  // namespace
}  // namespace pupitre::exam
