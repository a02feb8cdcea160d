// `pupitre load` against a real server: a short morning passes its thresholds, every
// acknowledged save is found by `verify`, and a threshold it cannot meet fails the exit code.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "testkit/exam_fixture.h"

namespace pupitre::testkit {
namespace {

std::string ShortMorning(const std::string& extra_threshold) {
  return fmt::format(R"([scenario]
name = "short-morning"
exam = "demo-exam"
students = 60
time_scale = 20
login_spread_minutes = 1
start_spread_seconds = 20
work_minutes = 1
think_seconds = 10
typing_share = 0.5
reload_share = 0.2
network_loss_share = 0.1
network_loss_seconds = 10
thresholds = ["errors = 0", "finished >= 100%", "save.p99 < 5s"{}]
)",
                     extra_threshold);
}

TEST(LoadTest, AShortMorningPassesAndEveryAcknowledgedSaveIsThere) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string target = fmt::format("http://127.0.0.1:{}", server.port());
  std::ofstream(dir.path() + "/morning.toml") << ShortMorning("");
  auto run = RunPupitre({"load", "--scenario", dir.path() + "/morning.toml", "--target", target,
                         "--out", dir.path() + "/out", "--quiet"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("verdict: PASS"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("finished 60/60"), std::string::npos) << run.output;
  for (const char* f : {"/out/result.json", "/out/report.html", "/out/ledger.jsonl"}) {
    EXPECT_TRUE(std::ifstream(dir.path() + f).good()) << f << " was not written";
  }
  auto verify = RunPupitre({"load", "verify", "--ledger", dir.path() + "/out/ledger.jsonl",
                            "--target", target, "--password", "teacher-demo"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(", 0 missing or older"), std::string::npos) << verify.output;
}

// How many requests of `route` the server answered 200 (its /metrics).
int64_t Answered(HttpClient& c, const std::string& route) {
  const std::string metrics = c.Get("/metrics").body;
  const std::string key = "pupitre_http_requests_total{route=\"" + route + "\",";
  int64_t n = 0;
  for (size_t at = metrics.find(key); at != std::string::npos; at = metrics.find(key, at + 1)) {
    const size_t end = metrics.find('\n', at);
    const std::string line = metrics.substr(at, end - at);
    if (line.find("status=\"200\"") != std::string::npos) n += std::stoll(line.substr(line.rfind(' ') + 1));
  }
  return n;
}

// Each simulated student asks for what the page asks for (load/page_sequence.h), counted by the
// server itself: the page and each of its static files (not when the browser's cache is warm),
// the session, the home's three lists and its event stream, the exam, the start, the attempt,
// the paper and the attempt's stream; page = "api" asks for the login, start and paper only.
TEST(LoadTest, EachStudentAsksForWhatThePageAsksFor) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string target = fmt::format("http://127.0.0.1:{}", server.port());
  HttpClient metrics(server.port());
  const auto index = metrics.Get("/");
  ASSERT_EQ(index.status, 200);
  int64_t files = 0;
  for (size_t at = index.body.find("=\"/static/"); at != std::string::npos; at = index.body.find("=\"/static/", at + 1)) ++files;
  ASSERT_GT(files, 3);
  auto morning = [&](int first, const std::string& more) {
    std::ofstream(dir.path() + "/page.toml") << fmt::format(R"([scenario]
name = "page"
exam = "demo-exam"
students = 10
first_student = {}
time_scale = 20
login_spread_minutes = 0.5
start_spread_seconds = 10
work_minutes = 0.5
think_seconds = 10
# What is counted here is requests, not timing: a machine busy with other tests may wake the
# generator late without making this run wrong.
max_send_lag_ms = 10000
thresholds = ["errors = 0", "finished >= 100%"]
{}
)", first, more);
    return RunPupitre({"load", "--scenario", dir.path() + "/page.toml", "--target", target, "--quiet"});
  };
  const std::vector<std::string> routes = {"home", "static", "session", "login", "courses", "exams",
                                           "announcements", "events", "exam", "start", "attempt",
                                           "paper", "attempt_events", "submit"};
  auto counts = [&] {
    std::map<std::string, int64_t> m;
    for (const auto& r : routes) m[r] = Answered(metrics, r);
    return m;
  };
  auto before = counts();
  auto cold = morning(1, "");
  ASSERT_EQ(cold.exit_code, 0) << cold.output;
  auto after = counts();
  for (const auto& r : routes) {
    // (The page once more: the simulator reads which static files it links before the run.)
    EXPECT_EQ(after[r] - before[r], r == "static" ? 10 * files : r == "home" ? 11 : 10) << r << "\n" << cold.output;
  }
  EXPECT_NE(cold.output.find("home "), std::string::npos) << "the home's step is reported";

  before = after;
  auto warm = morning(11, "warm_cache_share = 1");
  ASSERT_EQ(warm.exit_code, 0) << warm.output;
  after = counts();
  EXPECT_EQ(after["static"] - before["static"], 0) << "a warm cache asks for no static file";
  EXPECT_EQ(after["home"] - before["home"], 11) << "but for the page itself";

  before = after;
  auto api = morning(21, "page = \"api\"");
  ASSERT_EQ(api.exit_code, 0) << api.output;
  after = counts();
  for (const auto& r : routes) {
    const bool lean = r == "login" || r == "start" || r == "paper" || r == "submit";
    EXPECT_EQ(after[r] - before[r], lean ? 10 : 0) << r;
  }
}

// Distributed generation: `--agents 2` runs two processes, each half of the students on one
// clock; their results merge into one report whose figures are the server's, their ledgers into
// one that `verify` checks; `pupitre load merge` gives the same figures from the agents' files.
TEST(LoadTest, TwoAgentsPlayOneMorningAndTheirResultsMergeExactly) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string target = fmt::format("http://127.0.0.1:{}", server.port());
  std::ofstream(dir.path() + "/m.toml") << R"([scenario]
name = "two-agents"
exam = "demo-exam"
students = 21
time_scale = 20
login_spread_minutes = 0.5
start_spread_seconds = 10
work_minutes = 0.5
think_seconds = 10
max_send_lag_ms = 10000
thresholds = ["errors = 0", "finished >= 100%"]
)";
  HttpClient metrics(server.port());
  const int64_t papers_before = Answered(metrics, "paper");
  auto run = RunPupitre({"load", "--scenario", dir.path() + "/m.toml", "--target", target,
                         "--agents", "2", "--out", dir.path() + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("finished 21/21"), std::string::npos) << run.output;
  EXPECT_EQ(Answered(metrics, "paper") - papers_before, 21) << "every student once, by one agent or the other";
  // Each agent played its share.
  for (const char* agent : {"/out/agent-1/result.json", "/out/agent-2/result.json"}) {
    EXPECT_TRUE(std::ifstream(dir.path() + agent).good()) << agent;
  }
  auto verify = RunPupitre({"load", "verify", "--ledger", dir.path() + "/out/ledger.jsonl",
                            "--target", target, "--password", "teacher-demo"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find(", 0 missing or older"), std::string::npos) << verify.output;
  EXPECT_GT(std::atoll(verify.output.c_str()), 10) << "the merged ledger holds both agents' saves: " << verify.output;

  auto merged = RunPupitre({"load", "merge", "--scenario", dir.path() + "/m.toml",
                            dir.path() + "/out/agent-1/result.json", dir.path() + "/out/agent-2/result.json"});
  EXPECT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_NE(merged.output.find("finished 21/21"), std::string::npos) << merged.output;
  auto bad = RunPupitre({"load", "merge", "--scenario", dir.path() + "/m.toml", dir.path() + "/m.toml"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

// The school morning: set-up (the course's file and homework made by the teacher, yesterday's
// remembered logins), then each student opens the course, downloads its file and some hand in,
// some over a slow line; the hand-ins are on the server afterwards.
TEST(LoadTest, ASchoolMorningOpensTheCourseDownloadsAndHandsIn) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string target = fmt::format("http://127.0.0.1:{}", server.port());
  std::ofstream(dir.path() + "/school.toml") << R"([scenario]
name = "short-school-morning"
kind = "school"
course = "demo-course"
students = 40
time_scale = 10
arrival_spread_minutes = 1
remembered_share = 0.75
handin_share = 0.5
handin_kib = 200
file_kib = 256
slow_share = 0.2
slow_kib_per_s = 64
thresholds = ["errors = 0", "finished >= 100%", "download.p99 < 5s"]
)";
  auto run = RunPupitre({"load", "--scenario", dir.path() + "/school.toml", "--target", target,
                         "--out", dir.path() + "/out", "--quiet"});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("verdict: PASS"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("finished 40/40"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("download"), std::string::npos) << run.output;
  // The hand-ins are there: the teacher's list counts them.
  HttpClient teacher(server.port());
  ASSERT_EQ(teacher.Login("teacher", "teacher-demo").status, 200);
  auto outline = teacher.Get("/api/courses/demo-course/outline");
  ASSERT_EQ(outline.status, 200);
  int64_t homework = 0;
  const auto o = outline.json();
  for (const auto& sec : o.at("sections").as_array()) {
    for (const auto& item : sec.at("items").as_array()) {
      if (item.at("kind").as_string() == "homework") homework = item.at("id").as_int64();
    }
  }
  ASSERT_NE(homework, 0) << "the set-up made a homework";
  auto handins = teacher.Get("/api/courses/demo-course/homework/" + std::to_string(homework) + "/handins");
  ASSERT_EQ(handins.status, 200);
  const int64_t handed = handins.json().at("counts").at("handed_in").as_int64();
  EXPECT_GT(handed, 5);
  EXPECT_LT(handed, 35) << "about half of 40";
}

TEST(LoadTest, AThresholdThatCannotBeMetFailsTheRun) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig(), /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  std::ofstream(dir.path() + "/morning.toml") << ShortMorning(", \"save.p50 < 0.001ms\"");
  auto run = RunPupitre({"load", "--scenario", dir.path() + "/morning.toml", "--target",
                         fmt::format("http://127.0.0.1:{}", server.port()), "--quiet"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("[FAIL] save.p50 < 0.001ms"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("verdict: FAIL"), std::string::npos);
}

TEST(LoadTest, ABadScenarioNamesItsLine) {
  TempDir dir;
  std::ofstream(dir.path() + "/bad.toml") << "[scenario]\nname = \"x\"\nstudents = 0\n";
  auto run = RunPupitre({"load", "--scenario", dir.path() + "/bad.toml"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("bad.toml:3:"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace pupitre::testkit

namespace pupitre::testkit {
namespace {

TEST(LoadCapacityTest, FindsTheAdmissionRateTheServerHoldsAndPlansWaves) {
  TempDir dir;
  // The server admits exactly 20 starts a second.
  ChildServer server(dir.path(),
                     FastTestConfig() + "[waiting_room]\ninitial_rate = 20\nmin_rate = 20\n"
                                        "max_rate = 20\n",
                     /*demo=*/true);
  ASSERT_TRUE(server.Start()) << server.log();
  // (A machine busy with other tests may wake the generator late: the bound under test here is
  // the server's admission, not the generator's schedule.)
  std::ofstream(dir.path() + "/base.toml") << "[scenario]\nname = \"capacity\"\n"
                                              "exam = \"demo-exam\"\nmax_send_lag_ms = 10000\n";
  auto run = RunPupitre({"load", "capacity", "--scenario", dir.path() + "/base.toml", "--target",
                         fmt::format("http://127.0.0.1:{}", server.port()), "--start-rate", "8",
                         "--factor", "2", "--step-seconds", "4", "--within-seconds", "3",
                         "--max-students", "2000", "--cohort", "1000"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  // 8 and 16 starts/s fit in 20/s; 64/s cannot (a backlog of minutes' worth of seconds).
  EXPECT_NE(run.output.find("FAIL"), std::string::npos) << "no step broke:\n" << run.output;
  const size_t at = run.output.rfind("capacity: ");  // the summary line, after the steps
  ASSERT_NE(at, std::string::npos) << run.output;
  const double rate = std::stod(run.output.substr(at + 10));
  EXPECT_GE(rate, 16) << run.output;
  EXPECT_LE(rate, 32) << run.output;
  EXPECT_NE(run.output.find("wave plan: 1000 students: "), std::string::npos) << run.output;
  // What broke is named: the waiting room's admission rate, the one limit this server has.
  EXPECT_NE(run.output.find("bound: admission: students waited in the waiting room"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("(measured, not extrapolated)"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace pupitre::testkit

namespace pupitre::testkit {
namespace {

TEST(LoadProbeTest, ReportsThroughputAndLatencyOfOneRoute) {
  TempDir dir;
  ChildServer server(dir.path(), FastTestConfig());
  ASSERT_TRUE(server.Start()) << server.log();
  const std::string target = fmt::format("http://127.0.0.1:{}", server.port());
  auto ok = RunPupitre({"load", "probe", "--target", target, "--path", "/healthz",
                        "--connections", "4", "--seconds", "1"});
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  const size_t at = ok.output.find("Requests/sec: ");
  ASSERT_NE(at, std::string::npos) << ok.output;
  EXPECT_GT(std::stod(ok.output.substr(at + 14)), 100) << ok.output;
  EXPECT_NE(ok.output.find("Failed: 0"), std::string::npos);
  // A route that answers 401 is counted as failed, and the exit code says so.
  auto refused = RunPupitre({"load", "probe", "--target", target, "--path", "/api/me",
                             "--connections", "2", "--seconds", "0.3"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
}

}  // namespace
}  // namespace pupitre::testkit
