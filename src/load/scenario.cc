#include "load/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <toml++/toml.h>

namespace pupitre::load {
namespace {

constexpr std::string_view kKeys[] = {
    "name",           "exam",          "students",        "first_student",
    "login_format",   "password",      "time_scale",      "login_spread_minutes",
    "start_spread_seconds", "late_share", "late_minutes", "work_minutes",
    "think_seconds",  "typing_share", "page", "warm_cache_share", "autosave_seconds", "reload_share", "network_loss_share",
    "network_loss_seconds", "thresholds", "seed", "kind", "course", "arrival_spread_minutes",
    "remembered_share", "handin_share", "handin_kib", "file_kib", "slow_share", "slow_kib_per_s",
    "teacher_login", "teacher_password", "start_after_logins", "max_send_lag_ms"};

class Reader {
 public:
  explicit Reader(const toml::table& t) : t_(t) {}
  std::vector<Problem> problems;

  void Number(std::string_view key, double& out, double min, double max, double factor = 1) {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_number()) return Fail(*n, fmt::format("\"{}\" must be a number", key));
    double v = n->value<double>().value_or(0);
    if (!(v >= min && v <= max)) {
      return Fail(*n, fmt::format("\"{}\" must be between {} and {}", key, min, max));
    }
    out = v * factor;
  }
  void Integer(std::string_view key, int64_t& out, int64_t min, int64_t max) {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_integer()) return Fail(*n, fmt::format("\"{}\" must be a whole number", key));
    int64_t v = n->as_integer()->get();
    if (v < min || v > max) {
      return Fail(*n, fmt::format("\"{}\" must be between {} and {}", key, min, max));
    }
    out = v;
  }
  void Bool(std::string_view key, bool& out) {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_boolean()) return Fail(*n, fmt::format("\"{}\" must be true or false", key));
    out = n->as_boolean()->get();
  }
  void String(std::string_view key, std::string& out) {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_string()) return Fail(*n, fmt::format("\"{}\" must be a string", key));
    out = n->as_string()->get();
  }
  void Fail(const toml::node& n, std::string message) {
    problems.push_back({static_cast<int>(n.source().begin.line), std::move(message)});
  }

 private:
  const toml::table& t_;
};

}  // namespace

Result<Threshold> ParseThreshold(std::string_view text) {
  Threshold t;
  t.text = std::string(text);
  std::string s;
  for (char c : text) {
    if (c != ' ') s += c;
  }
  size_t op_at = s.find_first_of("<>=");
  if (op_at == std::string::npos || op_at == 0) {
    return Error::Invalid(fmt::format("\"{}\": expected METRIC OP VALUE, e.g. \"save.p99 < 200ms\"", text));
  }
  t.metric = s.substr(0, op_at);
  size_t value_at = op_at + 1;
  if (value_at < s.size() && s[value_at] == '=') ++value_at;
  t.op = s.substr(op_at, value_at - op_at);
  if (t.op == "=<" || t.op == "=>" || t.op == "==") t.op = "=";
  std::string v = s.substr(value_at);
  double factor = 1;
  bool latency = t.metric.find('.') != std::string::npos;
  if (v.size() > 2 && v.substr(v.size() - 2) == "ms") {
    v.resize(v.size() - 2);
  } else if (!v.empty() && v.back() == 's') {
    v.pop_back();
    factor = 1000;
  } else if (!v.empty() && v.back() == '%') {
    v.pop_back();
    factor = 0.01;
  } else if (latency) {
    return Error::Invalid(fmt::format("\"{}\": give a latency with its unit, ms or s", text));
  }
  char* end = nullptr;
  t.value = std::strtod(v.c_str(), &end) * factor;
  if (v.empty() || end != v.c_str() + v.size()) {
    return Error::Invalid(fmt::format("\"{}\": \"{}\" is not a number", text, v));
  }
  static const std::string kStats[] = {"p50", "p90", "p99", "p99.9", "max", "mean"};
  if (latency) {
    std::string stat = t.metric.substr(t.metric.find('.') + 1);
    if (std::find(std::begin(kStats), std::end(kStats), stat) == std::end(kStats)) {
      return Error::Invalid(fmt::format("\"{}\": {} is not one of p50, p90, p99, p99.9, max, mean",
                                        text, stat));
    }
  } else if (t.metric != "errors" && t.metric != "finished") {
    return Error::Invalid(fmt::format(
        "\"{}\": unknown metric {} (STEP.STAT like save.p99, errors, finished)", text, t.metric));
  }
  return t;
}

Result<Scenario> ParseScenario(std::string_view toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return Error::Invalid("scenario has a syntax error",
                          {{static_cast<int>(e.source().begin.line), std::string(e.description())}});
  }
  const toml::table* t = root["scenario"].as_table();
  if (!t) return Error::Invalid("scenario has no [scenario] table", {{1, "missing [scenario]"}});
  Scenario s;
  Reader r(*t);
  for (const auto& [k, v] : root) {
    if (k.str() != "scenario") r.Fail(v, fmt::format("unknown table \"{}\"", k.str()));
  }
  for (const auto& [k, v] : *t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), k.str()) == std::end(kKeys)) {
      r.Fail(v, fmt::format("unknown key \"{}\"", k.str()));
    }
  }
  r.String("name", s.name);
  if (s.name.empty()) r.problems.push_back({static_cast<int>(t->source().begin.line), "\"name\" is required"});
  r.String("exam", s.exam);
  r.Integer("students", s.students, 1, 1'000'000);
  r.Integer("first_student", s.first_student, 0, 100'000'000);
  r.String("login_format", s.login_format);
  r.String("password", s.password);
  r.Number("time_scale", s.time_scale, 0.01, 10'000);
  r.Number("login_spread_minutes", s.login_spread_s, 0, 24 * 60, 60);
  r.Number("start_spread_seconds", s.start_spread_s, 0, 24 * 3600);
  r.Number("late_share", s.late_share, 0, 1);
  r.Number("late_minutes", s.late_s, 0, 24 * 60, 60);
  r.Number("work_minutes", s.work_s, 0, 24 * 60, 60);
  r.Number("think_seconds", s.think_s, 0.1, 24 * 3600);
  r.Number("typing_share", s.typing_share, 0, 1);
  r.Number("warm_cache_share", s.warm_cache_share, 0, 1);
  r.String("page", s.page);
  if (s.page != "full" && s.page != "api") {
    r.Fail(*t->get("page"), "\"page\" must be \"full\" (what the page asks for) or \"api\" (login, start and paper only)");
  }
  if (const toml::node* n = t->get("autosave_seconds")) {
    r.Fail(*n, "\"autosave_seconds\" is gone: the page saves an answer being typed once a second "
               "(web/journal.js); say how long students type with \"typing_share\"");
  }
  r.Number("reload_share", s.reload_share, 0, 1);
  r.Number("network_loss_share", s.network_loss_share, 0, 1);
  r.Number("network_loss_seconds", s.network_loss_s, 0, 24 * 3600);
  r.String("kind", s.kind);
  if (s.kind != "exam" && s.kind != "school") {
    r.Fail(*t->get("kind"), "\"kind\" must be \"exam\" or \"school\"");
  }
  r.String("course", s.course);
  r.Number("arrival_spread_minutes", s.login_spread_s, 0, 24 * 60, 60);
  r.Number("remembered_share", s.remembered_share, 0, 1);
  r.Number("handin_share", s.handin_share, 0, 1);
  r.Integer("handin_kib", s.handin_kib, 1, 1024 * 1024);
  r.Integer("file_kib", s.file_kib, 1, 1024 * 1024);
  r.Number("slow_share", s.slow_share, 0, 1);
  r.Integer("slow_kib_per_s", s.slow_kib_per_s, 1, 1024 * 1024);
  r.String("teacher_login", s.teacher_login);
  r.String("teacher_password", s.teacher_password);
  r.Bool("start_after_logins", s.start_after_logins);
  r.Number("max_send_lag_ms", s.max_send_lag_ms, 1, 3'600'000);
  int64_t seed = 1;
  r.Integer("seed", seed, 0, INT64_MAX);
  s.seed = static_cast<uint64_t>(seed);
  try {
    (void)fmt::format(fmt::runtime(s.login_format), 1);
  } catch (const fmt::format_error&) {
    r.Fail(*t->get("login_format"), "\"login_format\" must be a pattern like \"student{:04d}\"");
  }
  if (const toml::node* th = t->get("thresholds")) {
    if (!th->is_array()) {
      r.Fail(*th, "\"thresholds\" must be a list of strings like \"save.p99 < 200ms\"");
    } else {
      for (const toml::node& n : *th->as_array()) {
        if (!n.is_string()) {
          r.Fail(n, "each threshold must be a string like \"save.p99 < 200ms\"");
          continue;
        }
        auto parsed = ParseThreshold(n.as_string()->get());
        if (!parsed.ok()) {
          r.Fail(n, parsed.error().message);
        } else {
          s.thresholds.push_back(*parsed);
        }
      }
    }
  }
  if (!r.problems.empty()) {
    size_t n = r.problems.size();
    return Error::Invalid(fmt::format("scenario has {} problem(s)", n), std::move(r.problems));
  }
  return s;
}

Result<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::Invalid(path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseScenario(ss.str());
}

std::vector<Judgement> Judge(const std::vector<Threshold>& thresholds, const RunResult& r) {
  std::vector<Judgement> out;
  for (const Threshold& t : thresholds) {
    Judgement j;
    j.text = t.text;
    double observed = 0;
    std::string unit;
    if (t.metric == "errors") {
      observed = static_cast<double>(r.total_errors());
    } else if (t.metric == "finished") {
      observed = r.students ? static_cast<double>(r.finished) / r.students : 0;
    } else {
      std::string step = t.metric.substr(0, t.metric.find('.'));
      std::string stat = t.metric.substr(t.metric.find('.') + 1);
      auto it = r.steps.find(step);
      const LogHistogram empty;
      const LogHistogram& h = it == r.steps.end() ? empty : it->second;
      double us = stat == "max"    ? static_cast<double>(h.max())
                  : stat == "mean" ? h.mean()
                  : stat == "p50"  ? static_cast<double>(h.Percentile(0.50))
                  : stat == "p90"  ? static_cast<double>(h.Percentile(0.90))
                  : stat == "p99"  ? static_cast<double>(h.Percentile(0.99))
                                   : static_cast<double>(h.Percentile(0.999));
      observed = us / 1000;
      unit = " ms";
      if (h.count() == 0) {
        j.passed = false;
        j.observed = fmt::format("no {} was measured", step);
        out.push_back(j);
        continue;
      }
    }
    const double v = t.value;
    j.passed = t.op == "<"    ? observed < v
               : t.op == "<=" ? observed <= v
               : t.op == ">"  ? observed > v
               : t.op == ">=" ? observed >= v
                              : std::abs(observed - v) < 1e-9;
    j.observed = t.metric == "finished" ? fmt::format("finished = {:.1f}%", observed * 100)
                                        : fmt::format("{} = {:.4g}{}", t.metric, observed, unit);
    out.push_back(j);
  }
  return out;
}

Judgement JudgeGenerator(const Scenario& s, const RunResult& r) {
  Judgement j;
  j.text = fmt::format("the generator kept its schedule (send lag p99 <= {:g} ms)", s.max_send_lag_ms);
  const double lag_ms = static_cast<double>(r.send_lag.Percentile(0.99)) / 1000;
  const int threads = std::max(1, r.generator_threads);
  const double cpu = r.duration_s > 0 ? r.generator_cpu_s / (r.duration_s * threads) : 0;
  j.passed = lag_ms <= s.max_send_lag_ms;
  j.observed = fmt::format("send lag p99 = {:.4g} ms, max = {:.4g} ms; generator CPU {:.0f}% of {}{}",
                           lag_ms, static_cast<double>(r.send_lag.max()) / 1000, cpu * 100,
                           threads == 1 ? std::string("a core") : fmt::format("its {} cores", threads),
                           j.passed ? "" : ": the simulator fell behind its plan, the figures are partly its own");
  return j;
}

std::vector<StudentPlan> PlanMorning(const Scenario& s) {
  std::mt19937_64 rng(s.seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  // Scenario time 0 is the exam start; logins come before it.
  const double origin = -s.login_spread_s;
  // Its own draws, so that the rest of a seed's plan is what it was before warm caches.
  std::mt19937_64 warm_rng(s.seed ^ 0x3a7dULL);
  std::vector<StudentPlan> plans;
  plans.reserve(static_cast<size_t>(s.students));
  for (int64_t i = 0; i < s.students; ++i) {
    StudentPlan p;
    p.number = s.first_student + i;
    double login = s.login_spread_s > 0 ? -s.login_spread_s + uni(rng) * s.login_spread_s : 0;
    double start = uni(rng) * s.start_spread_s;
    if (uni(rng) < s.late_share) {
      start += s.late_s;
      login = std::max(login, start - 1);  // a late student logs in just before starting
    }
    const double submit = start + s.work_s;
    p.login_at = (login - origin) / s.time_scale;
    p.start_at = (start - origin) / s.time_scale;
    p.submit_at = (submit - origin) / s.time_scale;
    if (uni(rng) < s.reload_share) {
      p.reload_at = (start + uni(rng) * s.work_s - origin) / s.time_scale;
    } else {
      (void)uni(rng);
    }
    if (uni(rng) < s.network_loss_share) {
      p.network_loss_at = (start + uni(rng) * s.work_s - origin) / s.time_scale;
      p.network_loss_for = s.network_loss_s / s.time_scale;
    } else {
      (void)uni(rng);
    }
    p.warm_cache = uni(warm_rng) < s.warm_cache_share;
    plans.push_back(p);
  }
  return plans;
}

}  // namespace pupitre::load
