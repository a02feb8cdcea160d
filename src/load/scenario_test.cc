#include "load/scenario.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace pupitre::load {
namespace {

TEST(ScenarioTest, ParsesEveryKeyAndItsThresholds) {
  auto s = ParseScenario(R"([scenario]
name = "morning"
exam = "final"
students = 300
first_student = 11
login_format = "s{:03d}"
password = "pw"
time_scale = 10
login_spread_minutes = 30
start_spread_seconds = 60
late_share = 0.1
late_minutes = 5
work_minutes = 20
think_seconds = 45
typing_share = 0.3
page = "api"
warm_cache_share = 0.25
reload_share = 0.2
network_loss_share = 0.05
network_loss_seconds = 30
start_after_logins = true
max_send_lag_ms = 50
seed = 7
thresholds = ["save.p99 < 200ms", "errors = 0", "start.max <= 2s", "finished >= 99%"]
)");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s->start_after_logins);
  EXPECT_EQ(s->max_send_lag_ms, 50);
  EXPECT_DOUBLE_EQ(s->typing_share, 0.3);
  EXPECT_EQ(s->page, "api");
  EXPECT_DOUBLE_EQ(s->warm_cache_share, 0.25);
  EXPECT_EQ(s->students, 300);
  EXPECT_EQ(s->first_student, 11);
  EXPECT_DOUBLE_EQ(s->login_spread_s, 1800);
  EXPECT_DOUBLE_EQ(s->late_s, 300);
  EXPECT_DOUBLE_EQ(s->work_s, 1200);
  ASSERT_EQ(s->thresholds.size(), 4u);
  EXPECT_EQ(s->thresholds[0].metric, "save.p99");
  EXPECT_EQ(s->thresholds[0].op, "<");
  EXPECT_DOUBLE_EQ(s->thresholds[0].value, 200);
  EXPECT_DOUBLE_EQ(s->thresholds[2].value, 2000) << "seconds are turned into ms";
  EXPECT_DOUBLE_EQ(s->thresholds[3].value, 0.99);
}

TEST(ScenarioTest, ProblemsNameTheirLines) {
  auto s = ParseScenario("[scenario]\nname = \"x\"\nstudents = -4\nthink_seconds = \"slow\"\n"
                         "colour = 1\nthresholds = [\"save.p77 < 1ms\", \"speed > 3\"]\n");
  ASSERT_FALSE(s.ok());
  std::vector<int> lines;
  for (const auto& p : s.error().problems) lines.push_back(p.line);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<int>{3, 4, 5, 6, 6}));
}

TEST(ScenarioTest, TheOldAutosaveKeyIsRefusedWithWhatReplacedIt) {
  auto s = ParseScenario("[scenario]\nname = \"x\"\nautosave_seconds = 30\npage = \"half\"\n");
  ASSERT_FALSE(s.ok());
  auto problems = s.error().problems;
  ASSERT_EQ(problems.size(), 2u);
  std::sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_NE(problems[0].message.find("typing_share"), std::string::npos) << problems[0].message;
  EXPECT_EQ(problems[1].line, 4);
  EXPECT_NE(problems[1].message.find("\"full\""), std::string::npos) << problems[1].message;
  auto full = ParseScenario("[scenario]\nname = \"x\"\n");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->page, "full") << "a morning is the page's unless told otherwise";
  EXPECT_DOUBLE_EQ(full->warm_cache_share, 0);
}

TEST(ScenarioTest, AWarmCacheIsDrawnForItsShareWithoutChangingTheRestOfThePlan) {
  Scenario s;
  s.students = 1000;
  const auto cold = PlanMorning(s);
  s.warm_cache_share = 0.3;
  const auto warm = PlanMorning(s);
  int64_t n = 0;
  for (size_t i = 0; i < warm.size(); ++i) {
    n += warm[i].warm_cache;
    EXPECT_DOUBLE_EQ(warm[i].start_at, cold[i].start_at);
    EXPECT_FALSE(cold[i].warm_cache);
  }
  EXPECT_GT(n, 220);
  EXPECT_LT(n, 380);
}

TEST(ScenarioTest, ThresholdsNeedUnitsAndKnownMetrics) {
  EXPECT_FALSE(ParseThreshold("save.p99 < 200").ok()) << "a latency without its unit";
  EXPECT_FALSE(ParseThreshold("save.p99 200ms").ok());
  EXPECT_FALSE(ParseThreshold("nonsense = 1").ok());
  auto t = ParseThreshold("errors <= 3");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->op, "<=");
  EXPECT_DOUBLE_EQ(t->value, 3);
}

TEST(ScenarioTest, TheVerdictFailsWhenAThresholdIsBroken) {
  RunResult r;
  r.students = 10;
  r.finished = 10;
  for (int i = 1; i <= 100; ++i) r.steps["save"].Record(i * 1000);  // 1..100 ms
  auto judge = [&](const std::string& text) {
    auto t = ParseThreshold(text);
    EXPECT_TRUE(t.ok()) << text;
    return Judge({*t}, r).at(0);
  };
  EXPECT_TRUE(judge("save.p99 < 200ms").passed);
  EXPECT_FALSE(judge("save.p99 < 50ms").passed);
  EXPECT_TRUE(judge("errors = 0").passed);
  r.errors["save: 503"] = 2;
  auto broken = judge("errors = 0");
  EXPECT_FALSE(broken.passed);
  EXPECT_NE(broken.observed.find("2"), std::string::npos) << broken.observed;
  EXPECT_TRUE(judge("finished >= 100%").passed);
  r.finished = 9;
  EXPECT_FALSE(judge("finished >= 100%").passed);
  EXPECT_FALSE(judge("login.p99 < 1s").passed) << "a step never measured cannot pass";
}

TEST(ScenarioTest, TheMorningFollowsTheScenarioSchedule) {
  Scenario s;
  s.students = 10'000;
  s.time_scale = 10;
  s.login_spread_s = 1800;
  s.start_spread_s = 60;
  s.late_share = 0.1;
  s.late_s = 600;
  s.work_s = 3600;
  s.reload_share = 0.25;
  auto plans = PlanMorning(s);
  ASSERT_EQ(plans.size(), 10'000u);
  // In real seconds: logins over [0, 180), starts at 180 + [0, 6) or 60 s later, submit 360 s
  // after each start.
  int late = 0, reloads = 0;
  double login_sum = 0;
  for (const auto& p : plans) {
    ASSERT_GE(p.login_at, 0);
    ASSERT_LE(p.login_at, p.start_at) << "a student starts before logging in";
    const bool is_late = p.start_at >= 180 + 60;
    late += is_late;
    if (!is_late) {
      ASSERT_GE(p.start_at, 180);
      ASSERT_LT(p.start_at, 186);
      login_sum += p.login_at;
    }
    EXPECT_NEAR(p.submit_at - p.start_at, 360, 1e-6);
    reloads += p.reload_at >= 0;
    if (p.reload_at >= 0) {
      EXPECT_GE(p.reload_at, p.start_at);
      EXPECT_LE(p.reload_at, p.submit_at);
    }
  }
  EXPECT_NEAR(late / 10'000.0, 0.1, 0.02);
  EXPECT_NEAR(reloads / 10'000.0, 0.25, 0.03);
  EXPECT_NEAR(login_sum / (10'000 - late), 90, 5) << "logins are not spread evenly";
  // The same seed gives the same morning; another seed another one.
  EXPECT_EQ(PlanMorning(s)[1234].start_at, plans[1234].start_at);
  s.seed = 2;
  EXPECT_NE(PlanMorning(s)[1234].start_at, plans[1234].start_at);
}

TEST(ScenarioTest, AGeneratorThatFellBehindFailsTheVerdict) {
  Scenario s;
  s.max_send_lag_ms = 100;
  RunResult r;
  r.duration_s = 10;
  r.generator_cpu_s = 9.6;
  for (int i = 0; i < 100; ++i) r.send_lag.Record(i < 90 ? 1'000 : 400'000);
  Judgement j = JudgeGenerator(s, r);
  EXPECT_FALSE(j.passed);
  EXPECT_NE(j.observed.find("96% of a core"), std::string::npos) << j.observed;
  EXPECT_NE(j.observed.find("fell behind"), std::string::npos) << j.observed;
  RunResult on_time;
  on_time.send_lag.Record(2'000);
  EXPECT_TRUE(JudgeGenerator(s, on_time).passed);
}

TEST(ScenarioTest, TheReportSaysWhatTheTimeScaleDid) {
  RunResult r;
  r.duration_s = 12;
  EXPECT_EQ(DurationText(r), "12.0 s");
  r.time_scale = 10;
  const std::string text = DurationText(r);
  EXPECT_NE(text.find("12.0 s real = 120 s of scenario time"), std::string::npos) << text;
  EXPECT_NE(text.find("10 times faster"), std::string::npos) << text;
}

}  // namespace
}  // namespace pupitre::load
