// Results of several generators (agents) read back and merged exactly: ParseResultJson and
// MergeResults (load/result.h).
#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>

#include "load/result.h"

namespace pupitre::load {

namespace json = boost::json;

namespace {

int64_t Int(const json::object& o, std::string_view key, int64_t otherwise = 0) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : otherwise;
}
double Real(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0;
}
std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<LogHistogram> HistogramOf(const json::value& v, const std::string& name) {
  const json::object* o = v.if_object();
  const json::value* buckets = o ? o->if_contains("buckets") : nullptr;
  if (!buckets || !buckets->is_array()) {
    return Error::Invalid(fmt::format("{}: no buckets (a result from an older pupitre load?)", name));
  }
  std::vector<std::pair<int, int64_t>> parts;
  for (const json::value& b : buckets->as_array()) {
    const json::array* pair = b.if_array();
    if (!pair || pair->size() != 2 || !(*pair)[0].is_int64() || !(*pair)[1].is_int64()) {
      return Error::Invalid(fmt::format("{}: a bucket is not [index, count]", name));
    }
    parts.emplace_back(static_cast<int>((*pair)[0].as_int64()), (*pair)[1].as_int64());
  }
  auto h = LogHistogram::FromBuckets(parts, Int(*o, "sum_us"), Int(*o, "min_us"), Int(*o, "max_us"));
  if (!h) return Error::Invalid(fmt::format("{}: its buckets and figures do not agree", name));
  return *h;
}

}  // namespace

Result<RunResult> ParseResultJson(std::string_view text) {
  json::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return Error::Invalid("not a result: the file is not a JSON object");
  const json::object& o = doc.as_object();
  RunResult r;
  r.scenario = Text(o, "scenario");
  r.target = Text(o, "target");
  r.duration_s = Real(o, "duration_s");
  r.time_scale = Real(o, "time_scale");
  r.students = Int(o, "students");
  r.finished = Int(o, "finished");
  r.acknowledged_saves = Int(o, "acknowledged_saves");
  r.peak_waiting = Int(o, "peak_waiting");
  r.server_peak_waiting = Int(o, "server_peak_waiting", -1);
  r.login_line_polls = Int(o, "login_line_polls");
  r.generator_cpu_s = Real(o, "generator_cpu_s");
  r.generator_threads = static_cast<int>(Int(o, "generator_threads", 1));
  if (const json::value* lag = o.if_contains("send_lag")) {
    auto h = HistogramOf(*lag, "send_lag");
    if (!h.ok()) return h.error();
    r.send_lag = *h;
  }
  if (const json::object* steps = o.contains("steps") ? o.at("steps").if_object() : nullptr) {
    for (const auto& [name, v] : *steps) {
      auto h = HistogramOf(v, "step " + std::string(name));
      if (!h.ok()) return h.error();
      r.steps[std::string(name)] = *h;
    }
  }
  if (const json::object* errors = o.contains("errors") ? o.at("errors").if_object() : nullptr) {
    for (const auto& [kind, n] : *errors) {
      if (n.is_int64()) r.errors[std::string(kind)] = n.as_int64();
    }
  }
  if (const json::array* timeline = o.contains("timeline") ? o.at("timeline").if_array() : nullptr) {
    for (const json::value& v : *timeline) {
      const json::object* s = v.if_object();
      if (!s) continue;
      SecondSample sample;
      sample.t_s = Real(*s, "t_s");
      sample.active = Int(*s, "active");
      sample.arrivals = Int(*s, "arrivals");
      sample.errors = Int(*s, "errors");
      sample.waiting = Int(*s, "waiting");
      sample.server_waiting = Int(*s, "server_waiting", -1);
      if (const json::object* lat = s->contains("latency_ms") ? s->at("latency_ms").if_object() : nullptr) {
        for (const auto& [step, p] : *lat) {
          if (const json::object* po = p.if_object()) {
            sample.latency_ms[std::string(step)] = {Real(*po, "p50"), Real(*po, "p99")};
          }
        }
      }
      r.timeline.push_back(std::move(sample));
    }
  }
  return r;
}

RunResult MergeResults(std::vector<RunResult> parts) {
  if (parts.empty()) return RunResult{};
  RunResult out = std::move(parts.front());
  for (size_t k = 1; k < parts.size(); ++k) {
    RunResult& r = parts[k];
    out.duration_s = std::max(out.duration_s, r.duration_s);
    out.students += r.students;
    out.finished += r.finished;
    out.acknowledged_saves += r.acknowledged_saves;
    out.login_line_polls += r.login_line_polls;
    out.generator_cpu_s += r.generator_cpu_s;
    out.generator_threads += r.generator_threads;
    out.peak_waiting = std::max(out.peak_waiting, r.peak_waiting);
    out.server_peak_waiting = std::max(out.server_peak_waiting, r.server_peak_waiting);
    out.send_lag.Merge(r.send_lag);
    for (const auto& [step, h] : r.steps) out.steps[step].Merge(h);
    for (const auto& [kind, n] : r.errors) out.errors[kind] += n;
    if (out.timeline.size() < r.timeline.size()) out.timeline.resize(r.timeline.size());
    for (size_t i = 0; i < r.timeline.size(); ++i) {
      SecondSample& into = out.timeline[i];
      const SecondSample& s = r.timeline[i];
      into.t_s = s.t_s;
      into.active += s.active;
      into.arrivals += s.arrivals;
      into.errors += s.errors;
      into.waiting += s.waiting;
      into.server_waiting = std::max(into.server_waiting, s.server_waiting);  // one server's count
      for (const auto& [step, p] : s.latency_ms) {
        auto& worst = into.latency_ms[step];
        worst = {std::max(worst.first, p.first), std::max(worst.second, p.second)};
      }
    }
  }
  for (const SecondSample& s : out.timeline) out.peak_waiting = std::max(out.peak_waiting, s.waiting);
  out.verdict.clear();
  return out;
}

}  // namespace pupitre::load
