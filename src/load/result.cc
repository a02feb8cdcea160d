#include "load/result.h"

#include "common/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <iterator>
#include <limits>
#include <set>
#include <string_view>

namespace pupitre::load {
namespace {

// ---------------------------------------------------------------------------------------------
// JSON

// A JSON number, or null for NaN and infinities (which JSON cannot represent).
boost::json::value Num(double v) {
  return std::isfinite(v) ? boost::json::value(v) : boost::json::value(nullptr);
}

double Ms(int64_t micros) { return static_cast<double>(micros) / 1000.0; }

boost::json::object HistogramJson(const LogHistogram& h) {
  return boost::json::object{{"count", h.count()},
                             {"min_ms", Ms(h.min())},
                             {"mean_ms", h.mean() / 1000.0},
                             {"p50_ms", Ms(h.Percentile(0.5))},
                             {"p90_ms", Ms(h.Percentile(0.9))},
                             {"p99_ms", Ms(h.Percentile(0.99))},
                             {"p999_ms", Ms(h.Percentile(0.999))},
                             {"max_ms", Ms(h.max())},
                             // Exact, for merging several generators' results (MergeResults).
                             {"sum_us", h.sum()},
                             {"min_us", h.min()},
                             {"max_us", h.max()},
                             {"buckets", [&h] {
                                boost::json::array a;
                                for (const auto& [i, n] : h.NonEmptyBuckets()) a.push_back(boost::json::array{i, n});
                                return a;
                              }()}};
}

boost::json::object SampleJson(const SecondSample& s) {
  boost::json::object latency;
  for (const auto& [step, p] : s.latency_ms) {
    latency[step] = boost::json::object{{"p50", Num(p.first)}, {"p99", Num(p.second)}};
  }
  return boost::json::object{{"t_s", Num(s.t_s)},      {"active", s.active},
                             {"arrivals", s.arrivals}, {"errors", s.errors},
                             {"waiting", s.waiting},   {"server_waiting", s.server_waiting},
                             {"latency_ms", std::move(latency)}};
}

// ---------------------------------------------------------------------------------------------
// HTML


// Milliseconds with about three significant digits: "0.42", "37.2", "1250".
std::string FormatMs(double ms) {
  if (!std::isfinite(ms)) return "–";
  if (ms < 10) return fmt::format("{:.2f}", ms);
  if (ms < 100) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.0f}", ms);
}

}  // namespace

std::string WaitingText(const RunResult& r) {
  if (r.server_peak_waiting < 0) return std::to_string(r.peak_waiting);
  return fmt::format("{} as the simulator counts them (until it reads \"admitted\"); {} as the "
                     "server counted them (sampled each second)", r.peak_waiting, r.server_peak_waiting);
}

std::string DurationText(const RunResult& r) {
  if (r.time_scale == 1) return fmt::format("{:.1f} s", r.duration_s);
  return fmt::format("{:.1f} s real = {:.0f} s of scenario time (time scale \u00d7{:g}: the scenario's "
                     "times are played {:g} times {}; the server's clock is not)",
                     r.duration_s, r.duration_s * r.time_scale, r.time_scale,
                     r.time_scale > 1 ? r.time_scale : 1 / r.time_scale,
                     r.time_scale > 1 ? "faster" : "slower");
}

namespace {

// Steps in the order a student goes through them, then any others alphabetically.
std::vector<std::string> OrderSteps(const std::set<std::string>& names) {
  static constexpr std::array<std::string_view, 6> kFlow = {"login", "start",  "paper",
                                                            "save",  "submit", "wait"};
  std::vector<std::string> ordered;
  for (auto step : kFlow) {
    if (names.count(std::string(step))) ordered.emplace_back(step);
  }
  for (const auto& name : names) {
    if (std::find(kFlow.begin(), kFlow.end(), name) == kFlow.end()) ordered.push_back(name);
  }
  return ordered;
}

// --- A small SVG line chart ------------------------------------------------------------------

struct Series {
  std::string label;
  std::string color;  // a CSS colour
  bool dashed = false;
  std::vector<double> ys;  // one per x of the chart; NaN where there is no value (a gap)
};

struct Chart {
  std::string title;       // shown above the chart and read out as its accessible name
  std::string y_unit;      // written above the y axis, e.g. "ms"
  std::vector<double> xs;  // seconds, increasing
  std::vector<Series> series;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Geometry of every chart, in SVG user units: the plot area, then the legend on its right.
constexpr double kLeft = 64, kTop = 28, kPlotW = 520, kPlotH = 200, kBottom = 40;
constexpr double kLegendX = kLeft + kPlotW + 24, kLegendRow = 18, kWidth = kLegendX + 176;

// A round step (1, 2 or 5 times a power of ten) cutting `span` > 0 into about `target` parts.
double NiceStep(double span, int target = 5) {
  const double raw = span / target;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return nice * magnitude;
}

// A tick label with as many decimals as the step needs: "0", "250", "0.5", "0.25".
std::string TickLabel(double value, double step) {
  const int decimals =
      step >= 1 ? 0 : std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 0, 6);
  return fmt::format("{:.{}f}", value, decimals);
}

// An axis range [lo, hi], hi > lo, both whole multiples of a round step.
struct Range {
  double lo, hi, step;
};

Range MakeRange(double lo, double hi) {
  // An empty or flat range (no data, all-zero series) still needs a non-zero span.
  if (!(hi > lo)) hi = lo + 1;
  const double step = NiceStep(hi - lo);
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

// The ticks of `r`: the multiples of its step from lo to hi.
std::vector<double> Ticks(const Range& r) {
  std::vector<double> ticks;
  // Counting in whole steps, not adding, keeps "0.30000000000000004" out of the labels.
  for (double i = std::round(r.lo / r.step); i * r.step <= r.hi + r.step * 1e-9; ++i) {
    const double t = i * r.step;
    ticks.push_back(t == 0 ? 0 : t);  // -0 * step would print as "-0"
  }
  return ticks;
}

std::string LineChart(const Chart& c) {
  // Ranges: x over the samples' times, y from 0 (or below, for negative data) to the largest value.
  double y_min = 0, y_max = 0;
  bool any_value = false;
  for (const auto& s : c.series) {
    for (double y : s.ys) {
      if (!std::isfinite(y)) continue;
      y_min = std::min(y_min, y);
      y_max = std::max(y_max, y);
      any_value = true;
    }
  }
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min;
  for (double x : c.xs) {
    if (!std::isfinite(x)) continue;
    x_min = std::min(x_min, x);
    x_max = std::max(x_max, x);
  }
  if (x_min > x_max) x_min = x_max = 0;  // no time at all: an empty timeline
  const Range xr = MakeRange(x_min, x_max);
  const Range yr = MakeRange(y_min, y_max);
  auto px = [&](double x) { return kLeft + (x - xr.lo) / (xr.hi - xr.lo) * kPlotW; };
  auto py = [&](double y) { return kTop + kPlotH - (y - yr.lo) / (yr.hi - yr.lo) * kPlotH; };

  const double height = std::max(kTop + kPlotH + kBottom,
                                 kTop + kLegendRow * static_cast<double>(c.series.size()) + 8);
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
                 "width=\"{0:.0f}\" height=\"{1:.0f}\" role=\"img\"><title>{2}</title>\n",
                 kWidth, height, HtmlEscape(c.title));

  // Grid and y ticks, then x ticks, then the axes over them.
  for (double t : Ticks(yr)) {
    fmt::format_to(
        it,
        "<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
        "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        kLeft, kLeft + kPlotW, py(t), kLeft - 6, py(t) + 4, TickLabel(t, yr.step));
  }
  for (double t : Ticks(xr)) {
    fmt::format_to(
        it,
        "<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\">{4}</text>\n",
        px(t), kTop + kPlotH, kTop + kPlotH + 5, kTop + kPlotH + 18, TickLabel(t, xr.step));
  }
  fmt::format_to(it,
                 "<polyline class=\"axis\" fill=\"none\" points=\"{0:.1f},{1:.1f} {0:.1f},{2:.1f} "
                 "{3:.1f},{2:.1f}\"/>\n"
                 "<text x=\"{0:.1f}\" y=\"{4:.1f}\" text-anchor=\"start\">{5}</text>"
                 "<text x=\"{6:.1f}\" y=\"{7:.1f}\" text-anchor=\"middle\">time (s)</text>\n",
                 kLeft, kTop, kTop + kPlotH, kLeft + kPlotW, kTop - 10, HtmlEscape(c.y_unit),
                 kLeft + kPlotW / 2, kTop + kPlotH + 34);

  if (!any_value) {
    fmt::format_to(it, "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">no data</text>\n",
                   kLeft + kPlotW / 2, kTop + kPlotH / 2);
  }

  // The series: one polyline per run of consecutive values; a lone value becomes a dot.
  for (const auto& s : c.series) {
    const std::string dash = s.dashed ? " stroke-dasharray=\"6 3\"" : "";
    std::vector<std::pair<double, double>> run;
    auto flush = [&] {
      if (run.size() == 1) {
        fmt::format_to(it, "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" fill=\"{}\"/>\n",
                       run[0].first, run[0].second, s.color);
      } else if (run.size() > 1) {
        fmt::format_to(it, "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{} points=\"",
                       s.color, dash);
        for (const auto& [x, y] : run) fmt::format_to(it, "{:.1f},{:.1f} ", x, y);
        out += "\"/>\n";
      }
      run.clear();
    };
    for (size_t i = 0; i < c.xs.size() && i < s.ys.size(); ++i) {
      if (std::isfinite(s.ys[i]) && std::isfinite(c.xs[i])) {
        run.emplace_back(px(c.xs[i]), py(s.ys[i]));
      } else {
        flush();
      }
    }
    flush();
  }

  // The legend: a sample of each line (with its dash, so colour is not the only cue), its label.
  for (size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    const double y = kTop + kLegendRow * static_cast<double>(i) + 4;
    fmt::format_to(
        it,
        "<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
        "stroke-width=\"2\"{4}/><text x=\"{5:.1f}\" y=\"{6:.1f}\">{7}</text>\n",
        kLegendX, kLegendX + 24, y, s.color, s.dashed ? " stroke-dasharray=\"6 3\"" : "",
        kLegendX + 30, y + 4, HtmlEscape(s.label));
  }
  out += "</svg>";
  return out;
}

// --- The report's parts ----------------------------------------------------------------------

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
constexpr std::array<std::string_view, 7> kPalette = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                      "#e69f00", "#56b4e9", "#000000"};

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, sans-serif; color: #1f2328; line-height: 1.4;
       max-width: 64rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.verdict { font-size: 1.5rem; font-weight: 700; padding: .75rem 1rem; border-radius: 6px;
           color: #fff; }
.verdict.pass { background: #1a7f37; }
.verdict.fail { background: #cf222e; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.met { color: #1a7f37; font-weight: 600; }
td.missed { color: #cf222e; font-weight: 600; }
tr.missed td { background: #ffebe9; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg { max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: #57606a; }
svg .grid { stroke: #eaeef2; }
svg .axis { stroke: #8c959f; }
)";

void AppendSummary(std::string& out, const RunResult& r) {
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<h2>Run</h2>\n<dl class=\"summary\">\n"
                 "<dt>Target</dt><dd>{}</dd>\n"
                 "<dt>Duration</dt><dd>{}</dd>\n"
                 "<dt>Students</dt><dd>{} ({} finished)</dd>\n"
                 "<dt>Acknowledged saves</dt><dd>{}</dd>\n"
                 "<dt>Peak waiting room</dt><dd>{}</dd>\n"
                 "<dt>Failed requests</dt><dd>{}</dd>\n"
                 "<dt>Generator</dt><dd>send lag p99 {} ms, CPU {:.0f}% of its {} core(s)</dd>\n"
                 "</dl>\n",
                 HtmlEscape(r.target), HtmlEscape(DurationText(r)), r.students, r.finished,
                 r.acknowledged_saves, WaitingText(r), r.total_errors(),
                 FormatMs(Ms(r.send_lag.Percentile(0.99))),
                 r.duration_s > 0 ? 100 * r.generator_cpu_s / (r.duration_s * std::max(1, r.generator_threads)) : 0.0,
                 std::max(1, r.generator_threads));
}

// The verdict in words, with a symbol, so that it does not rest on colour alone.
void AppendVerdict(std::string& out, const RunResult& r) {
  const auto missed = std::count_if(r.verdict.begin(), r.verdict.end(),
                                    [](const Judgement& j) { return !j.passed; });
  std::string detail;
  if (r.verdict.empty()) {
    detail = "no thresholds set";
  } else if (missed == 0) {
    detail = fmt::format("all {} thresholds met", r.verdict.size());
  } else {
    detail = fmt::format("{} of {} thresholds missed", missed, r.verdict.size());
  }
  fmt::format_to(std::back_inserter(out),
                 "<p class=\"verdict {}\"><span aria-hidden=\"true\">{}</span> {}: {}</p>\n",
                 r.passed() ? "pass" : "fail", r.passed() ? "✔" : "✘", r.passed() ? "PASS" : "FAIL",
                 detail);

  out += "<h2>Thresholds</h2>\n";
  if (r.verdict.empty()) {
    out += "<p>The scenario sets no thresholds.</p>\n";
    return;
  }
  out +=
      "<table>\n<thead><tr><th>Threshold</th><th>Observed</th><th>Result</th></tr></thead>\n"
      "<tbody>\n";
  for (const auto& j : r.verdict) {
    fmt::format_to(std::back_inserter(out),
                   "<tr class=\"{0}\"><td>{1}</td><td>{2}</td><td class=\"{0}\">{3}</td></tr>\n",
                   j.passed ? "met" : "missed", HtmlEscape(j.text), HtmlEscape(j.observed),
                   j.passed ? "✔ met" : "✘ missed");
  }
  out += "</tbody>\n</table>\n";
}

void AppendLatencies(std::string& out, const RunResult& r) {
  out += "<h2>Step latencies</h2>\n";
  if (r.steps.empty()) {
    out += "<p>No step was measured.</p>\n";
    return;
  }
  out +=
      "<table>\n<thead><tr><th>Step</th><th class=\"num\">Count</th>"
      "<th class=\"num\">p50 (ms)</th><th class=\"num\">p90 (ms)</th>"
      "<th class=\"num\">p99 (ms)</th><th class=\"num\">p99.9 (ms)</th>"
      "<th class=\"num\">max (ms)</th></tr></thead>\n<tbody>\n";
  std::set<std::string> names;
  for (const auto& [name, h] : r.steps) names.insert(name);
  for (const auto& name : OrderSteps(names)) {
    const LogHistogram& h = r.steps.at(name);
    fmt::format_to(std::back_inserter(out),
                   "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                   "<td class=\"num\">{}</td></tr>\n",
                   HtmlEscape(name), h.count(), FormatMs(Ms(h.Percentile(0.5))),
                   FormatMs(Ms(h.Percentile(0.9))), FormatMs(Ms(h.Percentile(0.99))),
                   FormatMs(Ms(h.Percentile(0.999))), FormatMs(Ms(h.max())));
  }
  out += "</tbody>\n</table>\n";
}

void AppendErrors(std::string& out, const RunResult& r) {
  out += "<h2>Errors</h2>\n";
  if (r.errors.empty()) {
    out += "<p>No request failed.</p>\n";
    return;
  }
  out += "<table>\n<thead><tr><th>Kind</th><th class=\"num\">Count</th></tr></thead>\n<tbody>\n";
  for (const auto& [kind, n] : r.errors) {
    fmt::format_to(std::back_inserter(out), "<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
                   HtmlEscape(kind), n);
  }
  fmt::format_to(std::back_inserter(out),
                 "</tbody>\n<tfoot><tr><th>Total</th><th class=\"num\">{}</th></tr></tfoot>\n"
                 "</table>\n",
                 r.total_errors());
}

void AppendFigure(std::string& out, const Chart& c) {
  fmt::format_to(std::back_inserter(out), "<figure>\n<figcaption>{}</figcaption>\n{}\n</figure>\n",
                 HtmlEscape(c.title), LineChart(c));
}

void AppendCharts(std::string& out, const RunResult& r) {
  out += "<h2>Over time</h2>\n";
  std::vector<double> xs;
  for (const auto& s : r.timeline) xs.push_back(s.t_s);
  // One series per field of the samples.
  auto column = [&](auto field) {
    std::vector<double> ys;
    for (const auto& s : r.timeline) ys.push_back(static_cast<double>(field(s)));
    return ys;
  };

  AppendFigure(out, Chart{"Active students and arrivals per second",
                          "students",
                          xs,
                          {{"active students", std::string(kPalette[0]), false,
                            column([](const SecondSample& s) { return s.active; })},
                           {"arrivals/s", std::string(kPalette[1]), false,
                            column([](const SecondSample& s) { return s.arrivals; })}}});

  // Latency: p50 solid and p99 dashed, in the step's colour; NaN where a second saw no request.
  Chart latency{"Latency per step: p50 (solid) and p99 (dashed)", "ms", xs, {}};
  std::set<std::string> names;
  for (const auto& s : r.timeline) {
    for (const auto& [step, p] : s.latency_ms) names.insert(step);
  }
  const auto steps = OrderSteps(names);
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string color(kPalette[i % kPalette.size()]);
    Series p50{steps[i] + " p50", color, false, {}};
    Series p99{steps[i] + " p99", color, true, {}};
    for (const auto& s : r.timeline) {
      const auto found = s.latency_ms.find(steps[i]);
      p50.ys.push_back(found == s.latency_ms.end() ? kNaN : found->second.first);
      p99.ys.push_back(found == s.latency_ms.end() ? kNaN : found->second.second);
    }
    latency.series.push_back(std::move(p50));
    latency.series.push_back(std::move(p99));
  }
  AppendFigure(out, latency);

  AppendFigure(out, Chart{"Failed requests per second",
                          "errors/s",
                          xs,
                          {{"errors/s", "#cf222e", false,
                            column([](const SecondSample& s) { return s.errors; })}}});
  std::vector<Series> waiting{{"waiting (simulator)", std::string(kPalette[2]), false,
                               column([](const SecondSample& s) { return s.waiting; })}};
  if (r.server_peak_waiting >= 0) {
    Series server{"waiting (server)", std::string(kPalette[3]), true, {}};
    for (const auto& s : r.timeline) {
      server.ys.push_back(s.server_waiting < 0 ? kNaN : static_cast<double>(s.server_waiting));
    }
    waiting.push_back(std::move(server));
  }
  AppendFigure(out, Chart{"Waiting-room length", "students", xs, std::move(waiting)});
}

}  // namespace

std::string ResultJson(const RunResult& r) {
  boost::json::object steps;
  for (const auto& [name, h] : r.steps) steps[name] = HistogramJson(h);
  boost::json::object errors;
  for (const auto& [kind, n] : r.errors) errors[kind] = n;
  boost::json::array timeline;
  timeline.reserve(r.timeline.size());
  for (const auto& s : r.timeline) timeline.push_back(SampleJson(s));
  boost::json::array verdict;
  for (const auto& j : r.verdict) {
    verdict.push_back(
        boost::json::object{{"text", j.text}, {"passed", j.passed}, {"observed", j.observed}});
  }
  const boost::json::object o{{"scenario", r.scenario},
                              {"target", r.target},
                              {"passed", r.passed()},
                              {"duration_s", Num(r.duration_s)},
                              {"time_scale", Num(r.time_scale)},
                              {"students", r.students},
                              {"finished", r.finished},
                              {"acknowledged_saves", r.acknowledged_saves},
                              {"peak_waiting", r.peak_waiting},
                              {"server_peak_waiting", r.server_peak_waiting},
                              {"login_line_polls", r.login_line_polls},
                              {"send_lag", HistogramJson(r.send_lag)},
                              {"generator_cpu_s", Num(r.generator_cpu_s)},
                              {"generator_threads", r.generator_threads},
                              {"total_errors", r.total_errors()},
                              {"errors", std::move(errors)},
                              {"steps", std::move(steps)},
                              {"verdict", std::move(verdict)},
                              {"timeline", std::move(timeline)}};
  return boost::json::serialize(o);
}

std::string ReportHtml(const RunResult& r) {
  std::string out;
  const std::string name = HtmlEscape(r.scenario.empty() ? "(unnamed scenario)" : r.scenario);
  fmt::format_to(std::back_inserter(out),
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>Load test {}: {}</title>\n<style>{}</style>\n</head>\n<body>\n"
                 "<h1>Load test: {}</h1>\n",
                 name, r.passed() ? "PASS" : "FAIL", kStyle, name);
  AppendVerdict(out, r);
  AppendSummary(out, r);
  AppendLatencies(out, r);
  AppendErrors(out, r);
  AppendCharts(out, r);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace pupitre::load
