// The capacity search against a fake server whose breaking point, resources and limits are
// known: it finds the point within one step, names what broke, and never gives a figure past
// what was measured or what can be connected at once.
#include "load/capacity.h"

#include <gtest/gtest.h>

#include <cmath>

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
  CapacityOptions o;
  o.factor = 1;
  int calls = 0;
  const StepRunner never = [&calls](const Scenario&) -> Result<StepOutcome> {
    ++calls;
    return StepOutcome{};
  };
  EXPECT_FALSE(FindCapacity(s, o, never, 0).ok());
  EXPECT_EQ(calls, 0);
}

TEST(ServerFiguresTest, ReadFromTheServersMetrics) {
  const ServerFigures f = ParseServerFigures(
      "# HELP process_cpu_seconds_total x\nprocess_cpu_seconds_total 12.5\npupitre_cpu_cores 2\n"
      "pupitre_writer_commit_seconds_bucket{le=\"+Inf\"} 9\npupitre_writer_commit_seconds_sum 3.25\n"
      "pupitre_connections_limit 19000\npupitre_connections_rejected_total 4\n"
      "pupitre_connections_rejected_address_total 1\npupitre_waiting_room_rate 37.5\n"
      "pupitre_waiting_room_waiting 1482\n");
  EXPECT_TRUE(f.told);
  EXPECT_EQ(f.cpu_s, 12.5);
  EXPECT_EQ(f.cores, 2);
  EXPECT_EQ(f.writer_busy_s, 3.25);
  EXPECT_EQ(f.connections_limit, 19000);
  EXPECT_EQ(f.connections_refused, 5);
  EXPECT_EQ(f.admission_rate, 37.5);
  EXPECT_EQ(f.waiting, 1482);
  EXPECT_EQ(ParseServerFigures("process_cpu_seconds_total 1\n").waiting, -1) << "not told";
  EXPECT_FALSE(ParseServerFigures("").told);
}

// A server that holds `breaks_at` starts/s: below, everyone is taking the exam within 0.2 s and
// its CPU is busy in proportion; above, starts take 90 s and its CPU is saturated.
struct FakeServer {
  double breaks_at = 300;
  int64_t connections_limit = 0;
  double generator_busy_from = 1e9;  // the generator's core is full from this rate on
  double logins_fail_from = 1e9;
  bool writer_bound = false;
  int64_t most_students = 0;  // the largest step it was asked to play
  std::vector<Scenario> played;

  Result<StepOutcome> operator()(const Scenario& s) {
    played.push_back(s);
    most_students = std::max(most_students, s.students);
    const double rate = static_cast<double>(s.students) / s.start_spread_s;
    StepOutcome o;
    RunResult& r = o.run;
    r.students = s.students;
    r.duration_s = s.login_spread_s + s.start_spread_s + 3;
    const bool holds = rate <= breaks_at;
    for (int i = 0; i < 100; ++i) {
      r.steps["login"].Record(50'000);
      r.steps["start"].Record(holds ? 20'000 : 5'000'000);
      r.steps["taking"].Record(holds ? 200'000 : 90'000'000);
      r.send_lag.Record(rate >= generator_busy_from ? 400'000 : 300);
    }
    r.generator_cpu_s = r.duration_s * (rate >= generator_busy_from ? 0.97 : 0.2);
    if (rate >= logins_fail_from) r.errors["login: 503"] = 12;
    r.finished = s.students;
    r.verdict = Judge(s.thresholds, r);
    r.verdict.push_back(JudgeGenerator(s, r));
    o.window_s = s.start_spread_s + 3;
    o.before = {true, 100, 2, 10, connections_limit, 0, 0, -1};
    const double cpu = holds ? 0.9 * rate / breaks_at : 0.99;
    o.after = {true, 100 + cpu * 2 * o.window_s, 2, 10 + (writer_bound ? 0.95 : 0.1) * o.window_s,
               connections_limit, 0, 0, -1};
    if (writer_bound) o.after.cpu_s = 100 + 0.3 * 2 * o.window_s;
    return o;
  }
};

CapacityOptions Options() {
  CapacityOptions o;
  o.start_rate = 50;
  o.factor = 1.5;
  o.step_s = 10;
  o.within_s = 60;
  o.login_rate = 500;
  o.max_students = 1'000'000;
  return o;
}

StepRunner Runner(FakeServer& f) {
  return [&f](const Scenario& s) { return f(s); };
}

TEST(CapacityTest, FindsTheBreakingPointWithinOneStepAndNamesTheBound) {
  FakeServer server;
  server.breaks_at = 300;
  auto report = FindCapacity(Scenario{}, Options(), Runner(server), 0);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GE(report->max_rate, server.breaks_at / 1.5) << "within one step of the breaking point";
  EXPECT_LE(report->max_rate, server.breaks_at);
  ASSERT_FALSE(report->steps.empty());
  EXPECT_FALSE(report->steps.back().passed);
  EXPECT_NE(report->bound.find("the server's CPU"), std::string::npos) << report->bound;
  // Measured, never extrapolated: the students of the best step, over the step's own length.
  const CapacityStep& best = report->steps[report->steps.size() - 2];
  EXPECT_EQ(report->max_cohort, best.students);
  EXPECT_EQ(best.students, std::llround(report->max_rate * 10));
  EXPECT_EQ(report->cohort_within_s, 10);
  EXPECT_NEAR(best.server_cpu, 0.9 * report->max_rate / 300, 0.01);
  EXPECT_NEAR(best.writer_busy, 0.1, 0.01);
  // Each step's students log in first, at the login rate; its starts are measured alone.
  for (const Scenario& s : server.played) {
    EXPECT_TRUE(s.start_after_logins);
    EXPECT_NEAR(s.login_spread_s, static_cast<double>(s.students) / 500, 1e-9);
    EXPECT_EQ(s.start_spread_s, 10);
  }
  EXPECT_EQ(server.played[1].first_student, server.played[0].first_student + server.played[0].students)
      << "fresh students each step";
}

TEST(CapacityTest, TheStoresWriterIsNamedWhenItIsTheBound) {
  FakeServer server;
  server.writer_bound = true;
  auto report = FindCapacity(Scenario{}, Options(), Runner(server), 0);
  ASSERT_TRUE(report.ok());
  EXPECT_NE(report->bound.find("the store's writer"), std::string::npos) << report->bound;
}

TEST(CapacityTest, NeverGoesPastTheConnectionsTheServerServes) {
  FakeServer server;
  server.breaks_at = 1e6;  // it would hold any rate
  server.connections_limit = 2000;
  auto report = FindCapacity(Scenario{}, Options(), Runner(server), 0);
  ASSERT_TRUE(report.ok());
  // The full page holds two connections a student (theirs and the page's event stream).
  EXPECT_LE(server.most_students, 1000) << "no step beyond what can be connected at once";
  EXPECT_LE(report->max_cohort, 1000);
  EXPECT_EQ(report->connections_limit, 2000);
  EXPECT_NE(report->bound.find("connections"), std::string::npos) << report->bound;
  for (const auto& step : report->steps) EXPECT_TRUE(step.passed);

  // The lean sequence (no event stream) holds one: twice the students fit.
  FakeServer lean;
  lean.breaks_at = 1e6;
  lean.connections_limit = 2000;
  Scenario api;
  api.page = "api";
  auto lean_report = FindCapacity(api, Options(), Runner(lean), 0);
  ASSERT_TRUE(lean_report.ok());
  EXPECT_GT(lean.most_students, 1000);
  EXPECT_LE(lean.most_students, 2000);
}

TEST(CapacityTest, NeverGoesPastThisMachinesOpenFiles) {
  FakeServer server;
  server.breaks_at = 1e6;
  auto report = FindCapacity(Scenario{}, Options(), Runner(server), 1000);
  ASSERT_TRUE(report.ok());
  EXPECT_LE(server.most_students * 2, 1000 - 64) << "two connections a student with the full page";
  EXPECT_NE(report->bound.find("open files"), std::string::npos) << report->bound;
}

TEST(CapacityTest, AGeneratorAtItsLimitIsTheBoundNotAFigure) {
  FakeServer server;
  server.generator_busy_from = 100;  // the server would hold 300/s; the generator cannot send 112/s
  auto report = FindCapacity(Scenario{}, Options(), Runner(server), 0);
  ASSERT_TRUE(report.ok());
  EXPECT_LT(report->max_rate, 100) << "a step the generator could not keep up with is not held";
  EXPECT_NE(report->bound.find("the generator"), std::string::npos) << report->bound;
}

TEST(CapacityTest, FailedLoginsAreNamedAsSuchNotAsStarts) {
  FakeServer server;
  server.logins_fail_from = 100;
  auto report = FindCapacity(Scenario{}, Options(), Runner(server), 0);
  ASSERT_TRUE(report.ok());
  EXPECT_LT(report->max_rate, 100);
  EXPECT_NE(report->bound.find("logins"), std::string::npos) << report->bound;
  EXPECT_EQ(report->steps.back().errors, 0) << "the starts themselves did not fail";
  EXPECT_EQ(report->steps.back().login_errors, 12);
}

TEST(CapacityTest, TheServersStudentsBoundTheSearch) {
  FakeServer server;
  server.breaks_at = 1e6;
  CapacityOptions o = Options();
  o.max_students = 5000;
  auto report = FindCapacity(Scenario{}, o, Runner(server), 0);
  ASSERT_TRUE(report.ok());
  int64_t used = 0;
  for (const Scenario& s : server.played) used += s.students;
  EXPECT_LE(used, 5000);
  EXPECT_NE(report->bound.find("students"), std::string::npos) << report->bound;
}

}  // namespace
}  // namespace pupitre::load
