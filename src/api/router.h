#pragma once
// The route table: every route of the API with its access rule and priority class, registered
// per domain (see *_routes.cc), and the one match of a request against it.
//
// Paths are literal segments or "*", which matches one segment and captures it. A path that
// exists under another method answers 405; HEAD is served by GET's route.
// Thread: routes are added at start-up only; Find and the accessors may then be called from
// any thread.

#include <boost/beast/http/verb.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.h"
#include "common/metrics.h"

namespace pupitre::api {

// Who may call a route.
enum class Access {
  kPublic,   // anyone, no authentication
  kUser,     // any logged-in user
  kTeacher,  // teachers and admins
  kStudent,  // students only
  kAdmin,    // operators only
};

// How the guard admits a route (see Middleware::Classify).
enum class Admission {
  kExempt,       // never queued: health probes and metrics
  kCritical,     // an attempt's own routes (first capture: the attempt id); critical only for
                 // the student whose attempt is in progress, interactive otherwise
  kPaper,        // an exam's paper (first capture: the exam id); critical for a student whose
                 // attempt is in progress, otherwise the exam start's class
  kExamStart,
  kStatus,
  kInteractive,
  kLogin,
  kBackground,
};

// The body a route accepts: the small default, an upload (server.max_import_bytes), or a part
// of a resumable upload (course.upload_chunk_kib).
enum class Body { kSmall, kUpload, kChunk };

using RouteFn = std::function<void(const ContextPtr&)>;

// One line of a domain's route block.
struct RouteSpec {
  boost::beast::http::verb method;
  std::string_view path;  // e.g. "/api/exams/*/publish"
  std::string_view name;  // the metrics label
  Access access;
  Admission admission;
  RouteFn fn;
  Body body = Body::kSmall;
};

// What ties a route to one exam, for a node of a cluster (which serves only the exams it holds):
// its first capture is the exam ("/api/exams/*/..."), or an attempt ("/api/attempts/*/...",
// whose exam the node knows, or the page names in ?exam=).
enum class ExamKey { kNone, kExam, kAttempt };

struct Route {
  boost::beast::http::verb method;
  std::vector<std::string> segments;  // "*" captures
  std::string name;
  Access access;
  Admission admission;
  Body body;
  RouteFn fn;
  std::unique_ptr<RouteStats> stats;
  ExamKey exam_key = ExamKey::kNone;  // from the path, at registration
};

class Router {
 public:
  // REQUIRES: `metrics` outlives the router.
  explicit Router(Metrics& metrics);

  // Adds a route. REQUIRES: before serving; no other route has the same method and path, and
  // at most kMaxParams captures (asserted).
  void Add(RouteSpec spec);

  struct Match {
    int32_t route = -1;         // index of the route, -1 if none
    bool path_matched = false;  // some route has this path (under another method): 405
  };
  // Finds the route of a request target (its query, if any, is ignored). Allocates nothing.
  Match Find(boost::beast::http::verb method, std::string_view target) const;
  // Fills `params` with the captures of route `index` in `target`.
  // REQUIRES: Find(..., target) returned `index`.
  void Capture(int32_t index, std::string_view target,
               std::array<std::string, kMaxParams>& params) const;

  const Route& route(int32_t index) const { return routes_[static_cast<size_t>(index)]; }
  size_t size() const { return routes_.size(); }
  // The metrics of requests that match no route (404, 405), whatever their method.
  RouteStats& unmatched() const { return *unmatched_; }

 private:
  Metrics& metrics_;
  std::vector<Route> routes_;
  std::unique_ptr<RouteStats> unmatched_;
};

// The path of a request target, without its query.
std::string_view PathOf(std::string_view target);

}  // namespace pupitre::api
