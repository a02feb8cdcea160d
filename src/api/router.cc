#include "api/router.h"

#include <cstdio>
#include <cstdlib>

#include <cassert>

namespace pupitre::api {

namespace bhttp = boost::beast::http;

namespace {

// No route is deeper than this: a longer path matches nothing, without being split further.
constexpr size_t kMaxSegments = 10;

// Splits a path into its non-empty segments; false if it has more than kMaxSegments.
bool SplitPath(std::string_view path, std::array<std::string_view, kMaxSegments>& out,
               size_t& count) {
  count = 0;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (count == kMaxSegments) return false;
    out[count++] = path.substr(i, j - i);
    i = j;
  }
  return true;
}

bool SegmentsMatch(const Route& r, const std::array<std::string_view, kMaxSegments>& segs,
                   size_t count) {
  if (r.segments.size() != count) return false;
  for (size_t i = 0; i < count; ++i) {
    if (r.segments[i] != "*" && r.segments[i] != segs[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view PathOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

Router::Router(Metrics& metrics)
    : metrics_(metrics), unmatched_(std::make_unique<RouteStats>(metrics, "unmatched", "any")) {}

void Router::Add(RouteSpec spec) {
  std::array<std::string_view, kMaxSegments> segs;
  size_t count = 0;
  // A route table mistake is a bug found at start-up in every build, not only in debug ones
  // (a route deeper than this was once cut short silently).
  auto refuse = [&](const char* what) {
    std::fprintf(stderr, "pupitre: route %s %s: %s\n", std::string(bhttp::to_string(spec.method)).c_str(),
                 std::string(spec.path).c_str(), what);
    std::abort();
  };
  if (!SplitPath(spec.path, segs, count)) refuse("deeper than kMaxSegments");
  Route r{spec.method, {}, std::string(spec.name), spec.access, spec.admission, spec.body,
          std::move(spec.fn), nullptr, ExamKey::kNone};
  size_t captures = 0;
  for (size_t i = 0; i < count; ++i) {
    r.segments.emplace_back(segs[i]);
    if (segs[i] == "*") ++captures;
  }
  if (captures > kMaxParams) refuse("more captures than kMaxParams");
  if (r.segments.size() >= 3 && r.segments[0] == "api" && r.segments[2] == "*") {
    if (r.segments[1] == "exams") r.exam_key = ExamKey::kExam;
    if (r.segments[1] == "attempts") r.exam_key = ExamKey::kAttempt;
  }
  // The operator's controls of an exam (admission, window, let-through) act where it is held.
  if (r.segments.size() >= 4 && r.segments[0] == "api" && r.segments[1] == "admin" &&
      r.segments[2] == "exams" && r.segments[3] == "*") {
    r.exam_key = ExamKey::kExam;
  }
  for (const Route& other : routes_) {
    if (other.method == r.method && other.segments == r.segments) refuse("registered twice");
  }
  r.stats = std::make_unique<RouteStats>(metrics_, r.name, std::string(bhttp::to_string(r.method)));
  routes_.push_back(std::move(r));
}

Router::Match Router::Find(bhttp::verb method, std::string_view target) const {
  std::array<std::string_view, kMaxSegments> segs;
  size_t count = 0;
  Match m;
  if (!SplitPath(PathOf(target), segs, count)) return m;
  for (size_t k = 0; k < routes_.size(); ++k) {
    const Route& r = routes_[k];
    if (!SegmentsMatch(r, segs, count)) continue;
    m.path_matched = true;
    if (r.method == method || (method == bhttp::verb::head && r.method == bhttp::verb::get)) {
      m.route = static_cast<int32_t>(k);
      return m;
    }
  }
  return m;
}

void Router::Capture(int32_t index, std::string_view target,
                     std::array<std::string, kMaxParams>& params) const {
  std::array<std::string_view, kMaxSegments> segs;
  size_t count = 0;
  SplitPath(PathOf(target), segs, count);
  const Route& r = route(index);
  size_t n = 0;
  for (size_t i = 0; i < count && i < r.segments.size(); ++i) {
    if (r.segments[i] == "*") params[n++].assign(segs[i]);
  }
}

}  // namespace pupitre::api
