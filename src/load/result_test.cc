#include "load/result.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace pupitre::load {
namespace {

// Occurrences of `needle` in `haystack`.
int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// A small run: two steps, two error kinds, three seconds of timeline, two thresholds met.
RunResult SampleRun() {
  RunResult r;
  r.scenario = "flash crowd";
  r.target = "http://127.0.0.1:8080";
  r.duration_s = 3;
  r.time_scale = 10;
  r.students = 500;
  r.finished = 480;
  for (int64_t v = 1; v <= 1000; ++v) r.steps["save"].Record(v * 100);  // 0.1 to 100 ms
  r.steps["login"].Record(20'000);
  r.errors["save: 503"] = 3;
  r.errors["login: timeout"] = 2;
  r.acknowledged_saves = 995;
  r.peak_waiting = 120;
  for (int t = 0; t < 3; ++t) {
    SecondSample s;
    s.t_s = t;
    s.active = 100 * (t + 1);
    s.arrivals = 100;
    s.errors = t;
    s.waiting = 120 - 40 * t;
    s.latency_ms["save"] = {1.5 + t, 9.0 + t};
    if (t == 1) s.latency_ms["login"] = {20.0, 20.0};
    r.timeline.push_back(s);
  }
  r.verdict = {{"save.p99 < 200ms", true, "save.p99 = 99.3 ms"},
               {"errors < 1%", true, "errors = 0.5%"}};
  return r;
}

double Number(const boost::json::value& v) { return v.to_number<double>(); }

TEST(ReportJsonTest, RoundTripsEveryField) {
  const RunResult r = SampleRun();
  const boost::json::value v = boost::json::parse(ResultJson(r));
  const auto& o = v.as_object();

  EXPECT_EQ(o.at("scenario").as_string(), "flash crowd");
  EXPECT_EQ(o.at("target").as_string(), "http://127.0.0.1:8080");
  EXPECT_EQ(Number(o.at("duration_s")), 3);
  EXPECT_EQ(Number(o.at("time_scale")), 10);
  EXPECT_EQ(o.at("students").as_int64(), 500);
  EXPECT_EQ(o.at("finished").as_int64(), 480);
  EXPECT_EQ(o.at("acknowledged_saves").as_int64(), 995);
  EXPECT_EQ(o.at("peak_waiting").as_int64(), 120);
  EXPECT_TRUE(o.at("passed").as_bool());
  EXPECT_EQ(o.at("total_errors").as_int64(), 5);
  EXPECT_EQ(o.at("errors").at("save: 503").as_int64(), 3);
  EXPECT_EQ(o.at("errors").at("login: timeout").as_int64(), 2);

  const auto& save = o.at("steps").at("save").as_object();
  const LogHistogram& h = r.steps.at("save");
  EXPECT_EQ(save.at("count").as_int64(), 1000);
  EXPECT_DOUBLE_EQ(Number(save.at("min_ms")), 0.1);
  EXPECT_DOUBLE_EQ(Number(save.at("mean_ms")), h.mean() / 1000);
  EXPECT_DOUBLE_EQ(Number(save.at("p50_ms")), h.Percentile(0.5) / 1000.0);
  EXPECT_DOUBLE_EQ(Number(save.at("p90_ms")), h.Percentile(0.9) / 1000.0);
  EXPECT_DOUBLE_EQ(Number(save.at("p99_ms")), h.Percentile(0.99) / 1000.0);
  EXPECT_DOUBLE_EQ(Number(save.at("p999_ms")), h.Percentile(0.999) / 1000.0);
  EXPECT_DOUBLE_EQ(Number(save.at("max_ms")), 100);
  EXPECT_NEAR(Number(save.at("p50_ms")), 50, 50 * 0.03);
  EXPECT_EQ(o.at("steps").at("login").at("count").as_int64(), 1);

  const auto& timeline = o.at("timeline").as_array();
  ASSERT_EQ(timeline.size(), 3u);
  const auto& second = timeline[1].as_object();
  EXPECT_EQ(Number(second.at("t_s")), 1);
  EXPECT_EQ(second.at("active").as_int64(), 200);
  EXPECT_EQ(second.at("arrivals").as_int64(), 100);
  EXPECT_EQ(second.at("errors").as_int64(), 1);
  EXPECT_EQ(second.at("waiting").as_int64(), 80);
  EXPECT_EQ(Number(second.at("latency_ms").at("save").at("p50")), 2.5);
  EXPECT_EQ(Number(second.at("latency_ms").at("save").at("p99")), 10);
  EXPECT_EQ(Number(second.at("latency_ms").at("login").at("p99")), 20);
  EXPECT_FALSE(timeline[0].at("latency_ms").as_object().contains("login"));

  const auto& verdict = o.at("verdict").as_array();
  ASSERT_EQ(verdict.size(), 2u);
  EXPECT_EQ(verdict[0].at("text").as_string(), "save.p99 < 200ms");
  EXPECT_TRUE(verdict[0].at("passed").as_bool());
  EXPECT_EQ(verdict[0].at("observed").as_string(), "save.p99 = 99.3 ms");
}

TEST(ReportJsonTest, AResultReadBackHoldsTheSameFiguresAndHistograms) {
  const RunResult r = SampleRun();
  auto back = ParseResultJson(ResultJson(r));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->scenario, r.scenario);
  EXPECT_EQ(back->students, 500);
  EXPECT_EQ(back->finished, 480);
  EXPECT_EQ(back->errors, r.errors);
  EXPECT_EQ(back->acknowledged_saves, 995);
  ASSERT_EQ(back->steps.count("save"), 1u);
  EXPECT_EQ(back->steps.at("save").count(), 1000);
  EXPECT_EQ(back->steps.at("save").Percentile(0.99), r.steps.at("save").Percentile(0.99));
  EXPECT_EQ(back->steps.at("save").max(), r.steps.at("save").max());
  ASSERT_EQ(back->timeline.size(), 3u);
  EXPECT_EQ(back->timeline[2].waiting, 40);
  EXPECT_DOUBLE_EQ(back->timeline[1].latency_ms.at("login").second, 20.0);

  EXPECT_FALSE(ParseResultJson("[1, 2]").ok());
  EXPECT_FALSE(ParseResultJson("{\"steps\": {\"save\": {\"count\": 3}}}").ok())
      << "a step without its buckets cannot be merged exactly";
}

TEST(ReportJsonTest, SeveralAgentsResultsMergeExactly) {
  // Two agents' halves of one morning, and the same values recorded by one generator.
  RunResult a = SampleRun(), b = SampleRun();
  b.steps["save"] = LogHistogram{};
  for (int64_t v = 1; v <= 1000; ++v) b.steps["save"].Record(v * 1000);  // 1 to 1000 ms
  b.timeline.pop_back();
  b.peak_waiting = 10;
  LogHistogram whole;
  for (int64_t v = 1; v <= 1000; ++v) whole.Record(v * 100);
  for (int64_t v = 1; v <= 1000; ++v) whole.Record(v * 1000);
  // As they come from their files.
  auto pa = ParseResultJson(ResultJson(a));
  auto pb = ParseResultJson(ResultJson(b));
  ASSERT_TRUE(pa.ok() && pb.ok());
  const RunResult m = MergeResults({*pa, *pb});
  EXPECT_EQ(m.students, 1000);
  EXPECT_EQ(m.finished, 960);
  EXPECT_EQ(m.acknowledged_saves, 1990);
  EXPECT_EQ(m.errors.at("save: 503"), 6);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(m.steps.at("save").Percentile(q), whole.Percentile(q)) << "merged, not averaged: " << q;
  }
  EXPECT_EQ(m.steps.at("login").count(), 2);
  ASSERT_EQ(m.timeline.size(), 3u);
  EXPECT_EQ(m.timeline[0].active, 200);
  EXPECT_EQ(m.timeline[2].active, 300) << "a second only one agent lived";
  EXPECT_EQ(m.peak_waiting, 240) << "both agents' 120 waiting at the same second";
  EXPECT_TRUE(m.verdict.empty()) << "judged by the caller, on the whole";
}

TEST(ReportJsonTest, OneMissedThresholdFailsTheRun) {
  RunResult r = SampleRun();
  r.verdict[1].passed = false;
  const boost::json::value v = boost::json::parse(ResultJson(r));
  EXPECT_FALSE(v.at("passed").as_bool());
  EXPECT_FALSE(v.at("verdict").at(1).at("passed").as_bool());
  EXPECT_TRUE(v.at("verdict").at(0).at("passed").as_bool());
}

TEST(ReportJsonTest, AnEmptyResultIsValidJson) {
  const boost::json::value v = boost::json::parse(ResultJson(RunResult{}));
  EXPECT_TRUE(v.at("passed").as_bool()) << "no threshold, nothing missed";
  EXPECT_EQ(v.at("total_errors").as_int64(), 0);
  EXPECT_TRUE(v.at("timeline").as_array().empty());
  EXPECT_TRUE(v.at("steps").as_object().empty());
}

TEST(ReportHtmlTest, ShowsTheVerdictThresholdsTablesAndFourCharts) {
  const std::string html = ReportHtml(SampleRun());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>Load test flash crowd: PASS</title>"), std::string::npos);
  EXPECT_NE(html.find("PASS"), std::string::npos);
  EXPECT_EQ(html.find("FAIL"), std::string::npos) << "a passing run says nothing of failure";
  EXPECT_EQ(Count(html, "<svg"), 4) << "active/arrivals, latency, errors, waiting room";
  EXPECT_EQ(Count(html, "</svg>"), 4);
  // Threshold texts are escaped like every other text ("<" becomes "&lt;").
  EXPECT_NE(html.find("save.p99 &lt; 200ms"), std::string::npos);
  EXPECT_NE(html.find("errors &lt; 1%"), std::string::npos);
  EXPECT_NE(html.find("save.p99 = 99.3 ms"), std::string::npos);
  EXPECT_NE(html.find("save: 503"), std::string::npos);
  EXPECT_NE(html.find("login: timeout"), std::string::npos);
  EXPECT_NE(html.find("save p99"), std::string::npos) << "the latency chart's legend";
  EXPECT_NE(html.find("login p50"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "no external resource";
  EXPECT_EQ(html.find("href="), std::string::npos) << "no external resource";
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find(">-0<"), std::string::npos) << "a zero tick reads 0, not -0";
}

TEST(ReportHtmlTest, AFailedRunSaysFailInWords) {
  RunResult r = SampleRun();
  r.verdict[0].passed = false;
  r.verdict[0].observed = "save.p99 = 312 ms";
  const std::string html = ReportHtml(r);
  EXPECT_NE(html.find("FAIL: 1 of 2 thresholds missed"), std::string::npos);
  EXPECT_NE(html.find("class=\"verdict fail\""), std::string::npos);
  EXPECT_NE(html.find("save.p99 = 312 ms"), std::string::npos);
  EXPECT_EQ(Count(html, "✘ missed"), 1);
}

TEST(ReportHtmlTest, EscapesEveryTextFromTheResult) {
  RunResult r = SampleRun();
  r.scenario = "<script>alert(1)</script>";
  r.target = "http://x/?a=1&b=\"2\"";
  r.errors["<b>boom</b>"] = 1;
  r.verdict.push_back({"<img src=x onerror=alert(1)>", false, "'quoted'"});
  r.steps["<i>step</i>"].Record(1000);
  r.timeline[0].latency_ms["<u>step</u>"] = {1, 2};
  const std::string html = ReportHtml(r);

  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("http://x/?a=1&amp;b=&quot;2&quot;"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_EQ(html.find("<u>"), std::string::npos);
  EXPECT_NE(html.find("&#39;quoted&#39;"), std::string::npos);
}

TEST(ReportHtmlTest, AnEmptyResultStillMakesAPage) {
  const std::string html = ReportHtml(RunResult{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(Count(html, "<svg"), 4) << "the charts are drawn, empty";
  EXPECT_NE(html.find("no data"), std::string::npos);
  EXPECT_NE(html.find("PASS"), std::string::npos);
  EXPECT_EQ(html.find("nan"), std::string::npos) << "no division by zero in coordinates";
  EXPECT_EQ(html.find("inf"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(ReportHtmlTest, FlatSeriesAndASingleSecondDrawWithoutNaN) {
  RunResult r;
  r.scenario = "quiet";
  SecondSample s;  // all zeros, at t = 0: no x span and no y span
  s.latency_ms["save"] = {0, 0};
  r.timeline.push_back(s);
  const std::string html = ReportHtml(r);
  EXPECT_EQ(Count(html, "<svg"), 4);
  EXPECT_EQ(html.find("nan"), std::string::npos);
  EXPECT_EQ(html.find("inf"), std::string::npos);
  EXPECT_NE(html.find("<circle"), std::string::npos) << "a lone value is drawn as a dot";
}

}  // namespace
}  // namespace pupitre::load
