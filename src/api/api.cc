#include "api/api.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "api/errors.h"
#include "api/web_assets.h"

namespace pupitre::api {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

constexpr std::string_view kCookieName = "pupitre_session";

struct Context {
  http::Request req;
  http::RequestInfo info;
  http::Responder responder;
  std::vector<std::string> params;
  std::optional<auth::Principal> who;
  bool by_cookie = false;
  RouteStats* stats = nullptr;  // the route's metrics
  guard::AdmissionController* guard = nullptr;  // set once admitted: Send releases the slot
  std::atomic<int32_t>* critical = nullptr;     // the user's count, while admitted as critical
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point admitted_at;

  Context(http::Request&& r, const http::RequestInfo& i, http::Responder resp)
      : req(std::move(r)), info(i), responder(std::move(resp)) {}
  ~Context() { EndCritical(); }

  void EndCritical() {
    if (critical) critical->fetch_sub(1, std::memory_order_relaxed);
    critical = nullptr;
  }

  void Send(http::Response&& res) {
    const auto now = std::chrono::steady_clock::now();
    if (guard) {
      guard->Release(std::chrono::duration_cast<Millis>(now - admitted_at));
      guard = nullptr;
    }
    EndCritical();
    stats->Record(res.result_int(), std::chrono::duration<double>(now - start).count());
    responder.Send(std::move(res));
  }
  // Answers with an event stream; the guard's slot is released (a stream is not work).
  std::shared_ptr<http::EventStream> OpenStream() {
    if (guard) {
      guard->Release(std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() -
                                                        admitted_at));
      guard = nullptr;
    }
    stats->Record(200, std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                           .count());
    http::Response header{bhttp::status::ok, req.version()};
    return responder.OpenStream(std::move(header));
  }
  void Json(unsigned status, const json::value& v) {
    Send(http::MakeJsonResponse(req, status, json::serialize(v)));
  }
  void Fail(const Error& e) { Send(http::MakeJsonResponse(req, HttpStatusOf(e.code), ErrorBody(e))); }
  // Runs `f` on the connection's event loop: completions from the writer thread come back here
  // so that the writer only commits.
  template <typename F>
  void Later(F&& f) {
    asio::post(responder.executor(), std::forward<F>(f));
  }
  // Runs `f` on the connection's event loop: at once if already there.
  template <typename F>
  void Here(F&& f) {
    asio::dispatch(responder.executor(), std::forward<F>(f));
  }
  const std::string& param(size_t i) const { return params.at(i); }
  exam::Caller caller() const {
    return exam::Caller{who->user_id, who->role != auth::Role::kStudent};
  }
};

namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string_view PathOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

std::optional<int64_t> ParseId(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

// Parses a JSON object body, or fails with a message for the client.
Result<json::object> ParseObject(const std::string& body) {
  json::error_code ec;
  json::parse_options opt;
  opt.max_depth = 16;
  json::value v = json::parse(body, ec, {}, opt);
  if (ec) return Error::BadRequest("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return Error::BadRequest("the body must be a JSON object");
  return std::move(v.as_object());
}

Result<std::string> GetString(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return Error::BadRequest(fmt::format("'{}' must be a string", key));
  return std::string(v->as_string());
}

Result<int64_t> GetInt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !(v->is_int64() || v->is_uint64())) {
    return Error::BadRequest(fmt::format("'{}' must be an integer", key));
  }
  if (v->is_uint64()) {
    if (v->as_uint64() > static_cast<uint64_t>(INT64_MAX)) {
      return Error::BadRequest(fmt::format("'{}' is too large", key));
    }
    return static_cast<int64_t>(v->as_uint64());
  }
  return v->as_int64();
}

// Whole numbers as integers: Boost.JSON would write 11.0 as 1.1E1.
json::value Number(double d) {
  if (d == static_cast<double>(static_cast<int64_t>(d)) && d > -1e15 && d < 1e15) {
    return static_cast<int64_t>(d);
  }
  return d;
}

json::object UserJson(const auth::Principal& p) {
  return {{"id", p.user_id},
          {"login", p.login},
          {"name", p.display_name},
          {"role", auth::RoleName(p.role)}};
}

json::object ExamJson(const exam::ExamEntry& e) {
  const auto& s = *e.spec;
  return {{"id", s.id},
          {"title", s.title},
          {"course", s.course_id},
          {"opens_ms", s.opens_ms},
          {"closes_ms", s.closes_ms},
          {"duration_ms", s.duration_ms},
          {"one_per_page", s.one_per_page},
          {"question_count", s.questions.size()},
          {"max_points", Number(s.MaxPoints())},
          {"published", e.record.published},
          {"results_released", e.record.results_released}};
}

const char* StatusName(exam::AttemptStatus s) {
  return s == exam::AttemptStatus::kSubmitted ? "submitted" : "in_progress";
}

json::object ScoreJson(const exam::AttemptView& v) {
  exam::Score score = exam::GradeAttempt(v.state, *v.spec);
  json::object per_question;
  for (const auto& q : v.spec->questions) {
    auto it = v.state.answers.find(q.id);
    json::value points = nullptr;
    if (q.type == exam::QuestionType::kEssay) {
      auto m = v.state.manual_points.find(q.id);
      if (m != v.state.manual_points.end()) points = Number(m->second);
    } else if (it != v.state.answers.end()) {
      json::error_code ec;
      json::value answer = json::parse(it->second.value_json, ec);
      if (!ec) points = Number(exam::GradeAnswer(q, answer).value_or(0.0));
    } else {
      points = 0;
    }
    per_question[q.id] = points;
  }
  return {{"points", Number(score.total())},
          {"max_points", Number(score.max_points)},
          {"ungraded_essays", score.ungraded_essays},
          {"questions", std::move(per_question)}};
}

json::object AttemptJson(const exam::AttemptView& v, bool is_teacher, int64_t now_ms) {
  const auto& a = v.state;
  json::object o{{"id", a.id},
                 {"exam_id", a.exam_id},
                 {"user_id", a.user_id},
                 {"status", StatusName(a.status)},
                 {"started_ms", a.started_ms},
                 {"deadline_ms", a.deadline_ms},
                 {"server_now_ms", now_ms},
                 {"submitted_ms", a.submitted_ms},
                 {"auto_submitted", a.auto_submitted}};
  if (v.spec) {
    json::array qs;
    json::object opts;
    for (size_t i = 0; i < v.order.questions.size(); ++i) {
      const auto& q = v.spec->questions[v.order.questions[i]];
      qs.push_back(json::value(q.id));
    }
    for (size_t i = 0; i < v.spec->questions.size() && i < v.order.options.size(); ++i) {
      if (v.order.options[i].empty()) continue;
      json::array perm;
      for (int k : v.order.options[i]) perm.push_back(k);
      opts[v.spec->questions[i].id] = std::move(perm);
    }
    o["order"] = json::object{{"questions", std::move(qs)}, {"options", std::move(opts)}};
  }
  json::object answers;
  for (const auto& [qid, s] : a.answers) {
    json::error_code ec;
    json::value value = json::parse(s.value_json, ec);
    answers[qid] = json::object{{"seq", s.seq}, {"value", value}, {"saved_at_ms", s.saved_at_ms}};
  }
  o["answers"] = std::move(answers);
  bool show = v.spec && a.status == exam::AttemptStatus::kSubmitted &&
              (is_teacher || v.results_released);
  o["results_released"] = v.results_released;
  if (show) o["result"] = ScoreJson(v);
  return o;
}

std::string CsvField(std::string_view s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos ||
               (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@'));
  if (!quote) return std::string(s);
  std::string out = "\"";
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Api::Api(const Config& config, auth::Accounts& accounts, exam::ExamService& exams,
         guard::AdmissionController& guard, guard::WaitingRooms& rooms, RoomFeed& feed,
         Metrics& metrics, asio::thread_pool& workers, const Clock& clock)
    : config_(config),
      accounts_(accounts),
      exams_(exams),
      guard_(guard),
      rooms_(rooms),
      feed_(feed),
      metrics_(metrics),
      workers_(workers),
      clock_(clock),
      live_(exams, accounts, clock),
      unmatched_(std::make_unique<RouteStats>(metrics, "unmatched", "any")),
      critical_in_flight_(new std::atomic<int32_t>[kCriticalStripes]()) {
  using A = Admission;
  auto add = [this](verb m, std::string_view path, std::string name, Access a, Admission adm,
                    Fn fn, bool large = false) {
    auto stats = std::make_shared<RouteStats>(metrics_, name, std::string(bhttp::to_string(m)));
    routes_.push_back(Route{m, Split(path), std::move(name), a, adm, large, fn, std::move(stats)});
  };
  add(verb::get, "/healthz", "healthz", Access::kPublic, A::kExempt, &Api::Healthz);
  add(verb::get, "/readyz", "readyz", Access::kPublic, A::kExempt, &Api::Readyz);
  add(verb::get, "/metrics", "metrics", Access::kPublic, A::kExempt, &Api::MetricsText);
  // The pages are needed to wait and to take an exam: the status class, not the background.
  add(verb::get, "/", "home", Access::kPublic, A::kStatus, &Api::Home);
  add(verb::get, "/static/*", "static", Access::kPublic, A::kStatus, &Api::Static);
  add(verb::post, "/api/login", "login", Access::kPublic, A::kLogin, &Api::Login);
  add(verb::post, "/api/logout", "logout", Access::kUser, A::kInteractive, &Api::Logout);
  // Every page starts by asking who is logged in: it answers under load (status class).
  add(verb::get, "/api/me", "me", Access::kUser, A::kStatus, &Api::Me);
  add(verb::get, "/api/courses", "courses", Access::kUser, A::kInteractive, &Api::Courses);
  add(verb::get, "/api/exams", "exams", Access::kUser, A::kInteractive, &Api::ListExams);
  add(verb::post, "/api/exams", "exam_import", Access::kTeacher, A::kInteractive,
      &Api::ImportExam, true);
  add(verb::get, "/api/exams/*", "exam", Access::kUser, A::kInteractive, &Api::GetExam);
  add(verb::post, "/api/exams/*/publish", "exam_publish", Access::kTeacher, A::kInteractive,
      &Api::Publish);
  add(verb::put, "/api/exams/*/settings", "exam_settings", Access::kTeacher, A::kInteractive,
      &Api::Settings);
  add(verb::get, "/api/exams/*/live/events", "exam_live_events", Access::kTeacher,
      A::kInteractive, &Api::LiveEvents);
  add(verb::put, "/api/exams/*/extra-time", "exam_extra_time", Access::kTeacher, A::kInteractive,
      &Api::ExtraTime);
  add(verb::post, "/api/exams/*/release", "exam_release", Access::kTeacher, A::kInteractive,
      &Api::Release);
  add(verb::get, "/api/exams/*/live", "exam_live", Access::kTeacher, A::kInteractive, &Api::Live);
  add(verb::get, "/api/exams/*/attempts", "exam_attempts", Access::kTeacher, A::kInteractive,
      &Api::ExamAttempts);
  add(verb::get, "/api/exams/*/results.csv", "exam_results", Access::kTeacher, A::kInteractive,
      &Api::ResultsCsv);
  // The paper is what a student needs right after starting: it shares the start's class.
  add(verb::get, "/api/exams/*/paper", "paper", Access::kUser, A::kPaper, &Api::Paper);
  add(verb::post, "/api/exams/*/start", "start", Access::kStudent, A::kExamStart, &Api::Start);
  add(verb::get, "/api/exams/*/waiting-room", "waiting_room", Access::kStudent, A::kStatus,
      &Api::WaitingRoomStatus);
  add(verb::get, "/api/exams/*/waiting-room/events", "waiting_room_events", Access::kStudent,
      A::kStatus, &Api::WaitingRoomEvents);
  // The operator's controls of admission answer even under overload (status class).
  add(verb::get, "/api/admin/admission", "admission_all", Access::kAdmin, A::kStatus,
      &Api::ListAdmission);
  add(verb::get, "/api/admin/exams/*/admission", "admission", Access::kAdmin, A::kStatus,
      &Api::GetAdmission);
  add(verb::put, "/api/admin/exams/*/admission", "admission_set", Access::kAdmin, A::kStatus,
      &Api::SetAdmission);
  add(verb::put, "/api/admin/exams/*/window", "window", Access::kAdmin, A::kInteractive,
      &Api::ExtendWindow);
  add(verb::post, "/api/admin/exams/*/let-through", "let_through", Access::kAdmin, A::kStatus,
      &Api::LetThrough);
  // An admitted student's exam page (attempt, paper) loads even under overload, like saves.
  add(verb::get, "/api/attempts/*", "attempt", Access::kUser, A::kCritical, &Api::GetAttempt);
  add(verb::put, "/api/attempts/*/answers/*", "save", Access::kStudent, A::kCritical,
      &Api::SaveAnswer);
  add(verb::post, "/api/attempts/*/submit", "submit", Access::kStudent, A::kCritical,
      &Api::Submit);
  add(verb::put, "/api/attempts/*/grades/*", "grade", Access::kTeacher, A::kInteractive,
      &Api::Grade);
}

const Api::Route* Api::Match(verb method, std::string_view path, std::vector<std::string>* params,
                             bool* path_matched) const {
  std::vector<std::string> segs = Split(path);
  *path_matched = false;
  for (const Route& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    bool ok = true;
    std::vector<std::string> captured;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (r.segments[i] == "*") {
        captured.push_back(segs[i]);
      } else {
        ok = r.segments[i] == segs[i];
      }
    }
    if (!ok) continue;
    *path_matched = true;
    if (r.method != method && !(method == verb::head && r.method == verb::get)) continue;
    *params = std::move(captured);
    return &r;
  }
  return nullptr;
}

uint64_t Api::BodyLimit(const http::RequestHeader& header) const {
  std::vector<std::string> params;
  bool path_matched;
  const Route* r = Match(header.method(), PathOf(header.target()), &params, &path_matched);
  if (r && r->large_body) return static_cast<uint64_t>(config_.server.max_import_bytes);
  return static_cast<uint64_t>(config_.server.max_body_bytes);
}

void Api::Handle(http::Request&& req, const http::RequestInfo& info, http::Responder responder) {
  auto c = std::make_shared<Context>(std::move(req), info, std::move(responder));
  c->start = std::chrono::steady_clock::now();
  bool path_matched = false;
  const Route* r = Match(c->req.method(), PathOf(c->req.target()), &c->params, &path_matched);
  if (!r) {
    c->stats = unmatched_.get();
    if (path_matched) {
      return c->Send(http::MakeJsonResponse(
          c->req, 405,
          ErrorBody({ErrorCode::kBadRequest, "this method is not allowed on this path", {}})));
    }
    return c->Fail(Error::NotFound(fmt::format("no route for {}", PathOf(c->req.target()))));
  }
  c->stats = r->stats.get();
  if (r->access != Access::kPublic) {
    std::string token;
    auto auth = c->req[bhttp::field::authorization];
    if (auth.size() > 7 && auth.substr(0, 7) == "Bearer ") {
      token = std::string(auth.substr(7));
    } else {
      token = CookieValue(c->req[bhttp::field::cookie], kCookieName);
      c->by_cookie = !token.empty();
    }
    c->who = accounts_.Authenticate(token);
    if (!c->who) return c->Fail(Error::Unauthenticated("log in first"));
    bool safe = c->req.method() == verb::get || c->req.method() == verb::head;
    if (c->by_cookie && !safe &&
        !auth::ConstantTimeEquals(c->req["X-CSRF-Token"], c->who->csrf_token)) {
      return c->Fail(Error::Forbidden("missing or wrong X-CSRF-Token header"));
    }
    if (r->access == Access::kTeacher && c->who->role == auth::Role::kStudent) {
      return c->Fail(Error::Forbidden("this is for teachers"));
    }
    if (r->access == Access::kStudent && c->who->role != auth::Role::kStudent) {
      return c->Fail(Error::Forbidden("this is for students"));
    }
    if (r->access == Access::kAdmin && c->who->role != auth::Role::kAdmin) {
      return c->Fail(Error::Forbidden("this is for operators"));
    }
  }
  Dispatch(*r, c);
}

guard::Priority Api::Classify(const Route& r, const Context& c) const {
  switch (r.admission) {
    case Admission::kCritical: {
      // Only the owner of an attempt in progress gets the class that is never refused:
      // made-up attempt ids do not buy priority.
      auto id = ParseId(c.params.at(0));
      if (c.who && id && exams_.HasAttemptInProgress(c.who->user_id, *id)) {
        return guard::Priority::kCritical;
      }
      return guard::Priority::kInteractive;
    }
    case Admission::kPaper: {
      if (c.who) {
        auto id = exams_.AttemptIdOf(c.params.at(0), c.who->user_id);
        if (id && exams_.HasAttemptInProgress(c.who->user_id, *id)) {
          return guard::Priority::kCritical;
        }
      }
      return guard::Priority::kExamStart;
    }
    case Admission::kExamStart: return guard::Priority::kExamStart;
    case Admission::kStatus: return guard::Priority::kStatus;
    case Admission::kLogin: return guard::Priority::kLogin;
    case Admission::kBackground: return guard::Priority::kBackground;
    case Admission::kInteractive:
    case Admission::kExempt: break;
  }
  return guard::Priority::kInteractive;
}

void Api::Dispatch(const Route& r, const std::shared_ptr<Context>& c) {
  if (r.admission == Admission::kExempt) return (this->*(r.fn))(c);
  Fn fn = r.fn;
  guard::Priority priority = Classify(r, *c);
  if (priority == guard::Priority::kCritical) {
    std::atomic<int32_t>& mine = CriticalSlot(c->who->user_id);
    if (mine.fetch_add(1, std::memory_order_relaxed) >= kCriticalPerUser) {
      mine.fetch_sub(1, std::memory_order_relaxed);
      metrics_.critical_downgraded.fetch_add(1, std::memory_order_relaxed);
      priority = guard::Priority::kInteractive;
    } else {
      c->critical = &mine;
    }
  }
  guard_.Submit(
      priority,
      [this, c, fn] {
        // May run on another connection's thread (a slot freed there): go back to ours.
        c->Here([this, c, fn] {
          c->guard = &guard_;
          c->admitted_at = std::chrono::steady_clock::now();
          (this->*fn)(c);
        });
      },
      [c](Millis retry_after) {
        c->Later([c, retry_after] {
          auto res = http::MakeJsonResponse(
              c->req, 503,
              ErrorBody(Error::Unavailable("the server is busy; please retry shortly")));
          const int64_t seconds = std::max<int64_t>(1, (retry_after.count() + 999) / 1000);
          res.set(bhttp::field::retry_after, std::to_string(seconds));
          c->Send(std::move(res));
        });
      });
}

// ---------------------------------------------------------------- operations

void Api::Healthz(const std::shared_ptr<Context>& c) { c->Json(200, {{"status", "ok"}}); }

void Api::Readyz(const std::shared_ptr<Context>& c) {
  if (!ready_) return c->Fail(Error::Unavailable("not ready"));
  c->Json(200, {{"status", "ready"}});
}

void Api::MetricsText(const std::shared_ptr<Context>& c) {
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(c->req.keep_alive());
  std::string body = metrics_.Render();
  const guard::Stats g = guard_.stats();
  body += fmt::format(
      "# HELP pupitre_guard_limit Requests allowed in flight (adaptive).\n"
      "# TYPE pupitre_guard_limit gauge\npupitre_guard_limit {}\n"
      "# HELP pupitre_guard_in_flight Admitted requests not yet answered.\n"
      "# TYPE pupitre_guard_in_flight gauge\npupitre_guard_in_flight {}\n"
      "# HELP pupitre_guard_latency_ms Latency the limit adapts to: last window and long term.\n"
      "# TYPE pupitre_guard_latency_ms gauge\n"
      "pupitre_guard_latency_ms{{window=\"short\"}} {}\n"
      "pupitre_guard_latency_ms{{window=\"long\"}} {}\n"
      "# HELP pupitre_guard_bounds The guard's configured bounds: limit range, queue sizes, queue "
      "timeout.\n"
      "# TYPE pupitre_guard_bounds gauge\n"
      "pupitre_guard_bounds{{bound=\"min_limit\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"max_limit\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"queue_capacity_per_class\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"queue_capacity_total\"}} {}\n"
      "pupitre_guard_bounds{{bound=\"queue_timeout_ms\"}} {}\n",
      g.limit, g.in_flight, g.short_latency_ms, g.long_latency_ms, config_.guard.min_limit,
      config_.guard.max_limit, config_.guard.queue_capacity, config_.guard.total_queue_capacity,
      config_.guard.queue_timeout_ms);
  body += "# HELP pupitre_guard_queued Requests waiting, by priority class.\n"
          "# TYPE pupitre_guard_queued gauge\n";
  for (size_t k = 0; k < guard::kPriorityCount; ++k) {
    body += fmt::format("pupitre_guard_queued{{class=\"{}\"}} {}\n",
                        guard::PriorityName(static_cast<guard::Priority>(k)), g.queued[k]);
  }
  body += "# HELP pupitre_guard_admitted_total Requests admitted, by class.\n"
          "# TYPE pupitre_guard_admitted_total counter\n";
  for (size_t k = 0; k < guard::kPriorityCount; ++k) {
    body += fmt::format("pupitre_guard_admitted_total{{class=\"{}\"}} {}\n",
                        guard::PriorityName(static_cast<guard::Priority>(k)), g.admitted[k]);
  }
  body += "# HELP pupitre_guard_rejected_total Requests refused (503), by class and reason.\n"
          "# TYPE pupitre_guard_rejected_total counter\n";
  for (size_t k = 0; k < guard::kPriorityCount; ++k) {
    auto name = guard::PriorityName(static_cast<guard::Priority>(k));
    body += fmt::format("pupitre_guard_rejected_total{{class=\"{}\",reason=\"queue_full\"}} {}\n",
                        name, g.rejected_full[k]);
    body += fmt::format("pupitre_guard_rejected_total{{class=\"{}\",reason=\"timeout\"}} {}\n",
                        name, g.rejected_timeout[k]);
    body += fmt::format("pupitre_guard_rejected_total{{class=\"{}\",reason=\"shed\"}} {}\n",
                        name, g.rejected_shed[k]);
  }
  const guard::RoomStatus rooms = rooms_.Totals();
  body += fmt::format(
      "# HELP pupitre_waiting_room_waiting Students waiting to start an exam.\n"
      "# TYPE pupitre_waiting_room_waiting gauge\npupitre_waiting_room_waiting {}\n"
      "# HELP pupitre_waiting_room_admitted Students admitted through waiting rooms.\n"
      "# TYPE pupitre_waiting_room_admitted gauge\npupitre_waiting_room_admitted {}\n"
      "# HELP pupitre_waiting_room_rate Admissions per second, summed over open rooms.\n"
      "# TYPE pupitre_waiting_room_rate gauge\npupitre_waiting_room_rate {}\n"
      "# HELP pupitre_sessions Live sessions (bounded per user; expired ones are forgotten).\n"
      "# TYPE pupitre_sessions gauge\npupitre_sessions {}\n",
      rooms.waiting, rooms.admitted, rooms.rate, accounts_.session_count());
  res.body() = std::move(body);
  c->Send(std::move(res));
}

void Api::Home(const std::shared_ptr<Context>& c) {
  ServeFile(c, *files_.Find("index.html"), false);
}

void Api::Static(const std::shared_ptr<Context>& c) {
  const StaticFile* f = c->param(0) == "index.html" ? nullptr : files_.Find(c->param(0));
  if (!f) return c->Fail(Error::NotFound("no such file"));
  // index.html asks for /static/FILE?v=VERSION: that URL never changes content.
  // Any other query (an old version, or one that merely ends like this one) is revalidated.
  const std::string_view target = c->req.target();
  const size_t query = target.find('?');
  const bool versioned =
      query != std::string_view::npos && target.substr(query + 1) == "v=" + files_.version();
  ServeFile(c, *f, versioned);
}

void Api::ServeFile(const std::shared_ptr<Context>& c, const StaticFile& f, bool immutable) {
  const bool fresh = c->req[bhttp::field::if_none_match] == f.etag;
  http::Response res{fresh ? bhttp::status::not_modified : bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::etag, f.etag);
  res.set(bhttp::field::cache_control,
          immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set(bhttp::field::content_type, f.content_type);
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
          "form-action 'self'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.keep_alive(c->req.keep_alive());
  res.set(bhttp::field::vary, "Accept-Encoding");
  if (!fresh) {
    const bool gzip = !f.gzip.empty() && c->req[bhttp::field::accept_encoding].find("gzip") !=
                                             std::string_view::npos;
    if (gzip) res.set(bhttp::field::content_encoding, "gzip");
    if (c->req.method() != verb::head) res.body() = gzip ? f.gzip : f.body;
  }
  c->Send(std::move(res));
}

// ---------------------------------------------------------------- accounts

void Api::Login(const std::shared_ptr<Context>& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  auto password = GetString(*body, "password");
  if (!login.ok()) return c->Fail(login.error());
  if (!password.ok()) return c->Fail(password.error());
  if (login->size() > 256 || password->size() > 1024) {
    return c->Fail(Error::BadRequest("login or password too long"));
  }
  const int64_t ttl_seconds = config_.auth.session_ttl_minutes * 60;
  asio::post(workers_, [this, c, login = *login, password = *password, ttl_seconds] {
    accounts_.Login(login, password, [c, ttl_seconds](Result<auth::NewSession> r) {
      c->Later([c, r = std::move(r), ttl_seconds] {
        if (!r.ok()) return c->Fail(r.error());
        const auto& s = *r;
        auto res = http::MakeJsonResponse(
            c->req, 200,
            json::serialize(json::object{{"token", s.token},
                                         {"csrf_token", s.principal.csrf_token},
                                         {"expires_ms", s.expires_ms},
                                         {"user", UserJson(s.principal)}}));
        res.set(bhttp::field::set_cookie,
                fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", kCookieName,
                            s.token, ttl_seconds));
        c->Send(std::move(res));
      });
    });
  });
}

void Api::Logout(const std::shared_ptr<Context>& c) {
  accounts_.Logout(c->who->token_hash, [c](Status s) {
    c->Later([c, s] {
      if (!s.ok()) return c->Fail(s.error());
      auto res = http::MakeJsonResponse(c->req, 200, R"({"status":"logged_out"})");
      res.set(bhttp::field::set_cookie,
              fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", kCookieName));
      c->Send(std::move(res));
    });
  });
}

void Api::Me(const std::shared_ptr<Context>& c) {
  c->Json(200, {{"user", UserJson(*c->who)}, {"csrf_token", c->who->csrf_token},
                {"server_now_ms", ToUnixMs(clock_.Now())}});
}

void Api::Courses(const std::shared_ptr<Context>& c) {
  json::array out;
  for (const auto& course : exams_.CoursesOf(c->caller())) {
    out.push_back(json::object{{"id", course.id}, {"title", course.title},
                               {"description", course.description}});
  }
  c->Json(200, {{"courses", std::move(out)}});
}

// ---------------------------------------------------------------- exams

void Api::ListExams(const std::shared_ptr<Context>& c) {
  json::array out;
  for (const auto& e : exams_.ExamsFor(c->caller())) {
    json::object o = ExamJson(*e);
    json::value attempt = nullptr;
    if (auto id = exams_.AttemptIdOf(e->spec->id, c->who->user_id)) {
      auto v = exams_.GetAttempt(c->caller(), *id);
      if (v.ok()) {
        attempt = json::object{{"id", v->state.id},
                               {"status", StatusName(v->state.status)},
                               {"deadline_ms", v->state.deadline_ms}};
      }
    }
    o["attempt"] = std::move(attempt);
    if (!c->caller().is_teacher) {
      const RoomRef room = RoomOf(*e, c->who->user_id);
      o["my_start_ms"] = ToUnixMs(room.opens);
      if (room.wave.index >= 0) o["my_wave"] = room.wave.name;
    }
    out.push_back(std::move(o));
  }
  c->Json(200, {{"exams", std::move(out)}, {"server_now_ms", ToUnixMs(clock_.Now())}});
}

void Api::ImportExam(const std::shared_ptr<Context>& c) {
  exams_.Import(c->caller(), c->req.body(), [c](Result<std::shared_ptr<const exam::ExamEntry>> r) {
    c->Later([c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(201, {{"exam", ExamJson(**r)}});
    });
  });
}

void Api::GetExam(const std::shared_ptr<Context>& c) {
  auto e = exams_.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  json::object o = ExamJson(**e);
  o["extra_time_ms"] = exams_.ExtraTimeOf(c->param(0), c->who->user_id).count();
  if (auto id = exams_.AttemptIdOf(c->param(0), c->who->user_id)) o["attempt_id"] = *id;
  if (!c->caller().is_teacher) {
    const RoomRef room = RoomOf(**e, c->who->user_id);
    o["my_start_ms"] = ToUnixMs(room.opens);
    if (room.wave.index >= 0) o["my_wave"] = room.wave.name;
  }
  c->Json(200, {{"exam", std::move(o)}, {"server_now_ms", ToUnixMs(clock_.Now())}});
}

void Api::Publish(const std::shared_ptr<Context>& c) {
  exams_.Publish(c->caller(), c->param(0), [c](Result<std::shared_ptr<const exam::ExamEntry>> r) {
    c->Later([c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"exam", ExamJson(**r)}});
    });
  });
}

void Api::Settings(const std::shared_ptr<Context>& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  exam::SettingsChange change;
  for (auto [key, field] : {std::pair{"opens_ms", &change.opens_ms},
                            std::pair{"closes_ms", &change.closes_ms}}) {
    if (!body->contains(key)) continue;
    auto v = GetInt(*body, key);
    if (!v.ok()) return c->Fail(v.error());
    *field = *v;
  }
  if (body->contains("duration_minutes")) {
    auto v = GetInt(*body, "duration_minutes");
    if (!v.ok()) return c->Fail(v.error());
    if (*v < 1 || *v > 527040) {
      return c->Fail(Error::Invalid("'duration_minutes' must be from 1 to 527040"));
    }
    change.duration_ms = *v * 60'000;
  }
  if (auto* v = body->if_contains("one_per_page")) {
    if (!v->is_bool()) return c->Fail(Error::BadRequest("'one_per_page' must be true or false"));
    change.one_per_page = v->as_bool();
  }
  exams_.UpdateSettings(c->caller(), c->param(0), change,
                        [c](Result<std::shared_ptr<const exam::ExamEntry>> r) {
                          c->Later([c, r = std::move(r)] {
                            if (!r.ok()) return c->Fail(r.error());
                            c->Json(200, {{"exam", ExamJson(**r)}});
                          });
                        });
}

void Api::ExtraTime(const std::shared_ptr<Context>& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  auto minutes = GetInt(*body, "minutes");
  if (!login.ok()) return c->Fail(login.error());
  if (!minutes.ok()) return c->Fail(minutes.error());
  auto user = accounts_.FindByLogin(*login);
  if (!user) return c->Fail(Error::NotFound(fmt::format("no user '{}'", *login)));
  exams_.SetExtraTime(c->caller(), c->param(0), user->id, std::chrono::minutes(*minutes),
                      [c, m = *minutes](Status s) {
                        c->Later([c, s, m] {
                          if (!s.ok()) return c->Fail(s.error());
                          c->Json(200, {{"extra_time_minutes", m}});
                        });
                      });
}

void Api::Release(const std::shared_ptr<Context>& c) {
  exams_.ReleaseResults(c->caller(), c->param(0), [c](Status s) {
    c->Later([c, s] {
      if (!s.ok()) return c->Fail(s.error());
      c->Json(200, {{"results_released", true}});
    });
  });
}

void Api::Live(const std::shared_ptr<Context>& c) {
  auto body = live_.LiveJson(c->caller(), c->param(0));
  if (!body.ok()) return c->Fail(body.error());
  c->Send(http::MakeJsonResponse(c->req, 200, *body));
}

void Api::LiveEvents(const std::shared_ptr<Context>& c) {
  auto live = exams_.Live(c->caller(), c->param(0));
  if (!live.ok()) return c->Fail(live.error());
  live_.Subscribe(c->param(0), c->caller(), c->OpenStream());
}

void Api::ExamAttempts(const std::shared_ptr<Context>& c) {
  auto all = exams_.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  int64_t now = ToUnixMs(clock_.Now());
  json::array out;
  for (const auto& v : *all) {
    json::object o = AttemptJson(v, true, now);
    if (auto u = accounts_.FindById(v.state.user_id)) o["login"] = u->login;
    out.push_back(std::move(o));
  }
  c->Json(200, {{"attempts", std::move(out)}});
}

void Api::ResultsCsv(const std::shared_ptr<Context>& c) {
  auto e = exams_.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  auto all = exams_.AttemptsOf(c->caller(), c->param(0));
  if (!all.ok()) return c->Fail(all.error());
  const auto& spec = *(*e)->spec;
  std::string csv = "login,name,attempt_id,status,started_ms,submitted_ms,auto_submitted,points,"
                    "max_points,ungraded_essays";
  for (const auto& q : spec.questions) csv += "," + CsvField("points_" + q.id);
  for (const auto& q : spec.questions) csv += "," + CsvField("answer_" + q.id);
  csv += "\n";
  for (const auto& v : *all) {
    auto u = accounts_.FindById(v.state.user_id);
    exam::Score score = exam::GradeAttempt(v.state, spec);
    json::object per = ScoreJson(v)["questions"].as_object();
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{}", CsvField(u ? u->login : ""),
                       CsvField(u ? u->display_name : ""), v.state.id,
                       StatusName(v.state.status), v.state.started_ms, v.state.submitted_ms,
                       v.state.auto_submitted ? 1 : 0, score.total(), score.max_points,
                       score.ungraded_essays);
    for (const auto& q : spec.questions) {
      const json::value& p = per[q.id];
      csv += ",";
      if (!p.is_null()) csv += json::serialize(p);
    }
    for (const auto& q : spec.questions) {
      auto it = v.state.answers.find(q.id);
      csv += ",";
      if (it != v.state.answers.end()) csv += CsvField(it->second.value_json);
    }
    csv += "\n";
  }
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "text/csv; charset=utf-8");
  res.set(bhttp::field::content_disposition,
          fmt::format("attachment; filename=\"{}-results.csv\"", spec.id));
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(c->req.keep_alive());
  res.body() = std::move(csv);
  c->Send(std::move(res));
}

void Api::Paper(const std::shared_ptr<Context>& c) {
  auto e = exams_.PaperFor(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  const auto& entry = **e;
  if (c->req[bhttp::field::if_none_match] == entry.etag) {
    http::Response res{bhttp::status::not_modified, c->req.version()};
    res.set(bhttp::field::etag, entry.etag);
    res.set(bhttp::field::cache_control, "private, no-cache");
    res.keep_alive(c->req.keep_alive());
    return c->Send(std::move(res));
  }
  http::Response res{bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::etag, entry.etag);
  res.set(bhttp::field::cache_control, "private, no-cache");
  res.keep_alive(c->req.keep_alive());
  res.body() = *entry.paper_json;
  c->Send(std::move(res));
}

// ---------------------------------------------------------------- attempts

namespace {

json::value PlaceJson(const guard::RoomEntry& e, int64_t now_ms) {
  return json::parse(PlaceJsonText(e, now_ms));
}

}  // namespace

void Api::Start(const std::shared_ptr<Context>& c) {
  const std::string& exam_id = c->param(0);
  auto e = exams_.GetExam(c->caller(), exam_id);
  if (!e.ok()) return c->Fail(e.error());
  if (!(*e)->record.published) return c->Fail(Error::NotFound("no exam '" + exam_id + "'"));
  // An attempt already started (by the student, or by their admission) is simply returned.
  if (exams_.AttemptIdOf(exam_id, c->who->user_id)) return StartAttempt(c, exam_id);
  if (ToUnixMs(clock_.Now()) >= (*e)->spec->closes_ms) {
    return c->Fail(Error::Conflict("the exam window has closed"));
  }
  const RoomRef room = RoomOf(**e, c->who->user_id);
  // A ticket from before a restart claims the place it names, so that the rebuilt queue keeps
  // the old order. It must be genuine and the caller's own.
  auto ticket = CallersTicket(*c, room);
  if (!ticket.ok()) return c->Fail(ticket.error());
  const int64_t claim = *ticket && rooms_.IsClaim(**ticket) ? (*ticket)->number : 0;
  guard::RoomEntry entry = rooms_.Arrive(room.key, room.opens, c->who->user_id, claim);
  if (entry.place.admitted) return StartAttempt(c, exam_id);
  c->Json(202, {{"waiting", RoomPlaceJson(entry, room)},
                {"server_now_ms", ToUnixMs(clock_.Now())}});
}

json::value Api::RoomPlaceJson(const guard::RoomEntry& entry, const RoomRef& room) const {
  const int64_t now_ms = ToUnixMs(clock_.Now());
  json::value place = PlaceJson(entry, now_ms);
  place.as_object()["starts_ms"] = ToUnixMs(room.opens);
  // Past the opening time yet not open: the queue is being rebuilt after a restart.
  place.as_object()["restoring"] = entry.place.before_opening && now_ms >= ToUnixMs(room.opens);
  if (room.wave.index >= 0) place.as_object()["wave"] = room.wave.name;
  return place;
}

Result<std::optional<guard::Ticket>> Api::CallersTicket(const Context& c,
                                                        const RoomRef& room) const {
  // A ticket, when given, must be genuine and the caller's own, for this room.
  auto header = c.req["X-Waiting-Ticket"];
  if (header.empty()) return std::optional<guard::Ticket>();
  auto t = rooms_.Verify(std::string(header));
  if (!t.ok()) return t.take_error();
  if (t->user_id != c.who->user_id || t->exam_id != room.key) {
    return Error::Forbidden("this waiting-room ticket is not yours");
  }
  return std::optional<guard::Ticket>(std::move(*t));
}

Api::RoomRef Api::RoomOf(const exam::ExamEntry& e, int64_t user_id) const {
  auto user = accounts_.FindById(user_id);
  exam::WaveAssignment wave =
      exams_.WaveOf(*e.spec, user_id, user ? user->login : "", user ? user->display_name : "");
  return RoomRef{guard::RoomKey(e.spec->id, wave.index), FromUnixMs(wave.starts_ms), wave};
}

void Api::StartAttempt(const std::shared_ptr<Context>& c, const std::string& exam_id) {
  exams_.Start(c->caller(), exam_id, [this, c](Result<exam::AttemptView> r) {
    c->Later([this, c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"attempt", AttemptJson(*r, false, ToUnixMs(clock_.Now()))}});
    });
  });
}

Result<Api::RoomRef> Api::CallersRoom(const Context& c) const {
  auto e = exams_.GetExam(c.caller(), c.param(0));
  if (!e.ok()) return e.take_error();
  RoomRef room = RoomOf(**e, c.who->user_id);
  if (auto t = CallersTicket(c, room); !t.ok()) return t.take_error();
  return room;
}

void Api::WaitingRoomStatus(const std::shared_ptr<Context>& c) {
  const std::string& exam_id = c->param(0);
  auto found = CallersRoom(*c);
  if (!found.ok()) return c->Fail(found.error());
  const RoomRef& room = *found;
  json::object o;
  if (auto id = exams_.AttemptIdOf(exam_id, c->who->user_id)) {
    o["admitted"] = true;
    o["attempt_id"] = *id;
    return c->Json(200, {{"waiting", std::move(o)}, {"server_now_ms", ToUnixMs(clock_.Now())}});
  }
  auto entry = rooms_.Find(room.key, c->who->user_id);
  if (!entry) return c->Fail(Error::NotFound("you are not in this exam's waiting room"));
  // Admitted, the attempt being created: answered as a place at the front, until it exists.
  if (entry->place.admitted) {
    entry->place = guard::Place{false, entry->place.ticket, 1, Millis(0), false};
  }
  c->Json(200, {{"waiting", RoomPlaceJson(*entry, room)},
                {"server_now_ms", ToUnixMs(clock_.Now())}});
}

void Api::WaitingRoomEvents(const std::shared_ptr<Context>& c) {
  const std::string& exam_id = c->param(0);
  auto found = CallersRoom(*c);
  if (!found.ok()) return c->Fail(found.error());
  const RoomRef& room = *found;
  if (!exams_.AttemptIdOf(exam_id, c->who->user_id) && !rooms_.Find(room.key, c->who->user_id)) {
    return c->Fail(Error::NotFound("you are not in this exam's waiting room"));
  }
  feed_.Subscribe(room.key, c->who->user_id, c->OpenStream());
}

void Api::ListAdmission(const std::shared_ptr<Context>& c) {
  json::array rooms;
  for (const std::string& exam_id : rooms_.ExamIds()) {
    auto st = rooms_.StatusOf(exam_id);
    if (!st) continue;
    json::object o{{"exam_id", exam_id},      {"paused", st->paused},
                   {"rate", st->rate},        {"max_rate", st->max_rate},
                   {"waiting", st->waiting},  {"admitted", st->admitted}};
    if (auto e = exams_.GetExam(c->caller(), exam_id); e.ok()) o["title"] = (*e)->spec->title;
    rooms.push_back(std::move(o));
  }
  c->Json(200, {{"rooms", std::move(rooms)}});
}

void Api::GetAdmission(const std::shared_ptr<Context>& c) {
  auto e = exams_.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  // Nobody arrived and nothing set: what the first room will start with.
  const guard::RoomStatus st = rooms_.StatusOf(c->param(0)).value_or(guard::RoomStatus{
      false, config_.waiting_room.initial_rate, config_.waiting_room.max_rate, 0, 0});
  c->Json(200, {{"paused", st.paused}, {"rate", st.rate}, {"max_rate", st.max_rate},
                {"waiting", st.waiting}, {"admitted", st.admitted}});
}

void Api::SetAdmission(const std::shared_ptr<Context>& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  const std::string& exam_id = c->param(0);
  if (auto e = exams_.GetExam(c->caller(), exam_id); !e.ok()) return c->Fail(e.error());
  // Everything is checked before anything is applied.
  const auto* p = body->if_contains("paused");
  if (p && !p->is_bool()) return c->Fail(Error::BadRequest("'paused' must be true or false"));
  const auto* m = body->if_contains("max_rate");
  if (m && (!m->is_number() || m->to_number<double>() <= 0)) {
    return c->Fail(Error::BadRequest("'max_rate' must be a positive number"));
  }
  if (p) {
    if (auto s = rooms_.SetPaused(exam_id, p->as_bool()); !s.ok()) return c->Fail(s.error());
  }
  if (m) {
    if (auto s = rooms_.SetMaxRate(exam_id, m->to_number<double>()); !s.ok()) {
      return c->Fail(s.error());
    }
  }
  GetAdmission(c);
}

void Api::ExtendWindow(const std::shared_ptr<Context>& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto closes = GetInt(*body, "closes_ms");
  if (!closes.ok()) return c->Fail(closes.error());
  // Writes the new close and deadlines and waits for them: not on the event loop.
  asio::post(workers_, [this, c, exam_id = c->param(0), closes = *closes] {
    exams_.ExtendWindow(exam_id, closes, [this, c, exam_id](Result<int> r) {
      c->Later([this, c, exam_id, r = std::move(r)] {
        if (!r.ok()) return c->Fail(r.error());
        auto e = exams_.GetExam(c->caller(), exam_id);
        if (!e.ok()) return c->Fail(e.error());
        c->Json(200, {{"exam", ExamJson(**e)}, {"attempts_extended", *r}});
      });
    });
  });
}

void Api::LetThrough(const std::shared_ptr<Context>& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto login = GetString(*body, "login");
  if (!login.ok()) return c->Fail(login.error());
  auto user = accounts_.FindByLogin(*login);
  if (!user) return c->Fail(Error::NotFound("no user '" + *login + "'"));
  auto e = exams_.GetExam(c->caller(), c->param(0));
  if (!e.ok()) return c->Fail(e.error());
  const RoomRef room = RoomOf(**e, user->id);
  if (auto s = rooms_.LetThrough(room.key, room.opens, user->id); !s.ok()) {
    return c->Fail(s.error());
  }
  // Their exam clock starts now, as for any admission. If it cannot (the exam is not open),
  // the admission is undone: the student is as if they had not arrived, and may ask again.
  exams_.Start(exam::Caller{user->id, false}, c->param(0),
               [this, c, key = room.key, user_id = user->id](Result<exam::AttemptView> r) {
                 if (!r.ok()) rooms_.Unadmit(key, user_id);
                 c->Later([c, r = std::move(r)] {
                   if (!r.ok()) return c->Fail(r.error());
                   c->Json(200, {{"admitted", true}, {"attempt_id", r->state.id}});
                 });
               });
}

void Api::GetAttempt(const std::shared_ptr<Context>& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto v = exams_.GetAttempt(c->caller(), *id);
  if (!v.ok()) return c->Fail(v.error());
  c->Json(200, {{"attempt", AttemptJson(*v, c->caller().is_teacher, ToUnixMs(clock_.Now()))}});
}

void Api::SaveAnswer(const std::shared_ptr<Context>& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto seq = GetInt(*body, "seq");
  if (!seq.ok()) return c->Fail(seq.error());
  const json::value* value = body->if_contains("value");
  if (!value) return c->Fail(Error::BadRequest("'value' is required (null clears the answer)"));
  exams_.Save(c->caller(), *id, c->param(1), *seq, *value, [c](Result<exam::SaveAck> r) {
    c->Later([c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"saved_seq", r->seq}, {"applied", r->applied}});
    });
  });
}

void Api::Submit(const std::shared_ptr<Context>& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  exams_.Submit(c->caller(), *id, [this, c](Result<exam::AttemptView> r) {
    c->Later([this, c, r = std::move(r)] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"attempt", AttemptJson(*r, false, ToUnixMs(clock_.Now()))}});
    });
  });
}

void Api::Grade(const std::shared_ptr<Context>& c) {
  auto id = ParseId(c->param(0));
  if (!id) return c->Fail(Error::NotFound("no such attempt"));
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto* points = body->if_contains("points");
  if (!points || !points->is_number()) return c->Fail(Error::BadRequest("'points' must be a number"));
  exams_.GradeEssay(c->caller(), *id, c->param(1), points->to_number<double>(), [c](Status s) {
    c->Later([c, s] {
      if (!s.ok()) return c->Fail(s.error());
      c->Json(200, {{"graded", true}});
    });
  });
}

}  // namespace pupitre::api
