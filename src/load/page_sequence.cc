#include "load/page_sequence.h"

#include <boost/json.hpp>

namespace pupitre::load {

namespace json = boost::json;

std::vector<std::string> StaticFilesOf(std::string_view html) {
  // Every src="/static/..." and href="/static/..." of the page, in order (the page is ours:
  // double-quoted attributes).
  std::vector<std::string> files;
  for (size_t at = html.find("\"/static/"); at != std::string_view::npos;
       at = html.find("\"/static/", at + 1)) {
    const std::string_view before = html.substr(0, at);
    if (!before.ends_with("src=") && !before.ends_with("href=")) continue;
    const size_t end = html.find('"', at + 1);
    if (end == std::string_view::npos) break;
    files.emplace_back(html.substr(at + 1, end - at - 1));
  }
  return files;
}

std::vector<PagePhase> ExamPageSequence(const std::vector<std::string>& static_files) {
  using R = PageRole;
  std::vector<PagePhase> phases;
  PagePhase open{"open", "opens the site", {{"GET", "/", R::kPlain}}, false, "page"};
  for (const auto& f : static_files) open.requests.push_back({"GET", f, R::kStatic});
  open.requests.push_back({"GET", "/api/session", R::kPlain});
  phases.push_back(std::move(open));
  phases.push_back({"log in", "logs in", {{"POST", "/api/login", R::kLogIn}}});
  // web/student.js's home: three lists read together, then the shell's event stream
  // (notify.js) once the page is shown.
  phases.push_back({"home",
                    "sees their home",
                    {{"GET", "/api/courses", R::kPlain},
                     {"GET", "/api/exams", R::kPlain},
                     {"GET", "/api/announcements", R::kPlain},
                     {"GET", "/api/events", R::kStream}},
                    false,
                    "home"});
  phases.push_back({"exam", "opens the exam", {{"GET", "/api/exams/{exam}", R::kPlain}}, true, "exam"});
  phases.push_back({"start",
                    "starts it",
                    {{"POST", "/api/exams/{exam}/start", R::kStart},
                     {"GET", "/api/exams/{exam}/waiting-room/events", R::kWaiting}}});
  // An attempt's calls name its exam (?exam=): in a cluster, HAProxy sends them to its node.
  phases.push_back({"attempt",
                    "gets the paper",
                    {{"GET", "/api/attempts/{attempt}?exam={exam}", R::kAttempt},
                     {"GET", "/api/exams/{exam}/paper", R::kPaper},
                     {"GET", "/api/attempts/{attempt}/events?exam={exam}", R::kStream}}});
  return phases;
}

std::vector<PagePhase> ApiSequence() {
  using R = PageRole;
  return {{"log in", "logs in", {{"POST", "/api/login", R::kLogIn}}},
          {"start",
           "starts the exam",
           {{"POST", "/api/exams/{exam}/start", R::kStart},
            {"GET", "/api/exams/{exam}/waiting-room/events", R::kWaiting}},
           true},
          {"attempt", "gets the paper", {{"GET", "/api/exams/{exam}/paper", R::kPaper}}}};
}

int ConnectionsPerStudent(const std::vector<PagePhase>& phases) {
  for (const auto& p : phases) {
    for (const auto& r : p.requests) {
      if (r.role == PageRole::kStream) return 2;
    }
  }
  return 1;
}

std::string_view PageRoleName(PageRole role) {
  switch (role) {
    case PageRole::kPlain: return "plain";
    case PageRole::kStatic: return "static";
    case PageRole::kLogIn: return "login";
    case PageRole::kStart: return "start";
    case PageRole::kWaiting: return "waiting";
    case PageRole::kAttempt: return "attempt";
    case PageRole::kPaper: return "paper";
    case PageRole::kStream: return "stream";
  }
  return "plain";
}

std::string PageSequenceJson(const std::vector<PagePhase>& phases) {
  json::array out;
  for (const auto& p : phases) {
    json::array requests;
    for (const auto& r : p.requests) {
      requests.push_back(json::object{
          {"method", r.method}, {"path", r.path}, {"role", PageRoleName(r.role)}});
    }
    out.push_back(json::object{{"name", p.name},
                               {"action", p.action},
                               {"at_start", p.at_start},
                               {"step", p.step},
                               {"requests", std::move(requests)}});
  }
  return json::serialize(json::object{{"save_interval_ms", kPageSaveIntervalMs}, {"phases", std::move(out)}});
}

}  // namespace pupitre::load
