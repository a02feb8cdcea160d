// An exam morning's student (Scenario kind "exam"): the page's phases at the planned login and
// start (load/page_sequence.h: what Chromium asks for, checked by a browser test), then answers
// at think times, an essay saved as the page's journal saves it while it is typed, and the
// submit. Latency counts from the plan (open model).
#include "common/text.h"
#include "load/run.h"

namespace pupitre::load::detail {

struct Run::Visit {
  const StudentPlan& plan;
  std::string login;
  std::string token;
  int64_t attempt = 0;
  json::value paper;
  std::shared_ptr<Conn> stream;          // the page's event stream, if any
  Steady::time_point phase_planned;      // when the student did what the phase answers
};

namespace {

bool Fine(int status) { return (status >= 200 && status < 300) || status == 304; }

}  // namespace

asio::awaitable<void> Run::Student(StudentPlan plan, int index) {
  Conn c(co_await asio::this_coro::executor);
  Visit v{plan, fmt::format(fmt::runtime(s_.login_format), plan.number), {}, 0, {}, nullptr, {}};
  auto finish = [&] {
    CloseStream(v.stream);
    --remaining_;
    --active_;
  };
  const auto arrives = At(plan.login_at);
  co_await SleepUntilPlanned(arrives);
  ++Bucket(arrives).arrivals;
  ++active_;
  // Before the start: the page, the login, the home (all at the planned login).
  const auto& page = shared_.page;
  size_t k = 0;
  bool ok = true;
  v.phase_planned = arrives;
  for (; k < page.size() && !page[k].at_start && ok; ++k) ok = co_await PlayPhase(c, v, page[k]);
  for (; k < page.size() && !page[k].at_start; ++k) {}
  // Every student counts in the gate of start_after_logins, logged in or not.
  const Steady::duration shift = co_await AfterEveryLogin();
  if (!ok || v.token.empty()) {
    finish();
    co_return;
  }
  const auto intended = At(plan.start_at) + shift;
  co_await SleepUntilPlanned(intended);
  v.phase_planned = intended;
  for (; k < page.size() && ok; ++k) ok = co_await PlayPhase(c, v, page[k]);
  if (!ok || v.attempt == 0 || !v.paper.is_object()) {
    finish();
    co_return;
  }
  // From the planned start to the paper in hand, waiting room included: "taking the exam".
  Latency("taking", intended, Steady::now());

  co_await Work(c, v, plan, index, shift);
  const auto submit_at = At(plan.submit_at) + shift;
  co_await SleepUntilPlanned(submit_at);
  Reply r = co_await Call(c, bhttp::verb::post, fmt::format("/api/attempts/{}/submit", v.attempt), v.token);
  if (r.status == 200) {
    Latency("submit", submit_at, Steady::now());
    ++result_.finished;
  } else {
    Error(Steady::now(), fmt::format("submit: {}", r.status));
  }
  finish();
}

asio::awaitable<bool> Run::PlayPhase(Conn& c, Visit& v, const PagePhase& phase) {
  // The phase's latency counts from when the student acted: the planned arrival or start for
  // the first phase of each, else the end of the phase before (a click on what it drew).
  const auto began = v.phase_planned;
  bool waiting = false;
  for (const PageRequest& req : phase.requests) {
    std::string path = req.path;
    ReplaceAll(path, "{exam}", s_.exam);
    ReplaceAll(path, "{attempt}", std::to_string(v.attempt));
    const auto sent = Steady::now();
    switch (req.role) {
      case PageRole::kLogIn: {
        v.token = co_await LogIn(c, v.login, s_.password, /*remember=*/false);
        if (v.token.empty()) co_return false;
        Latency("login", began, Steady::now());
        break;
      }
      case PageRole::kStart: {
        Reply r = co_await Call(c, bhttp::verb::post, path, v.token);
        if (r.status == 200) {
          v.attempt = json::parse(r.body).at("attempt").at("id").as_int64();
        } else if (r.status == 202) {
          waiting = true;
        } else {
          Error(Steady::now(), fmt::format("start: {}", r.status));
          co_return false;
        }
        Latency("start", sent, Steady::now());
        break;
      }
      case PageRole::kWaiting: {
        if (!waiting) break;
        // The waiting room's stream replaces the page's (notify.js: one at a time).
        CloseStream(v.stream);
        std::string failure;
        ++waiting_;
        result_.peak_waiting = std::max(result_.peak_waiting, waiting_);
        v.attempt = co_await AwaitAdmission(path, v.token, failure);
        --waiting_;
        Latency("wait", sent, Steady::now());
        if (v.attempt == 0) {
          Error(Steady::now(), failure);
          co_return false;
        }
        break;
      }
      case PageRole::kStream: {
        if (!co_await OpenStream(v.stream, path, req.path, v.token)) co_return false;
        break;
      }
      case PageRole::kStatic:
        if (v.plan.warm_cache) break;  // immutable: the browser's cache has it
        [[fallthrough]];
      case PageRole::kPlain:
      case PageRole::kAttempt:
      case PageRole::kPaper: {
        // (Named before the co_await: GCC 12 destroys a temporary made in one twice.)
        Headers headers;
        if (req.role == PageRole::kStatic || path == "/") headers.emplace_back("Accept-Encoding", "gzip, deflate");
        const bhttp::verb method = req.method == "POST" ? bhttp::verb::post : bhttp::verb::get;
        Reply r = co_await Call(c, method, path, v.token, "", headers);
        if (!Fine(r.status)) {
          Error(Steady::now(), req.role == PageRole::kPaper
                                   ? fmt::format("paper: {}", r.status)
                                   : fmt::format("{} {}: {}", req.method, req.path, r.status));
          co_return false;
        }
        if (req.role == PageRole::kPaper) {
          Latency("paper", sent, Steady::now());
          v.paper = json::parse(r.body);
        }
        break;
      }
    }
  }
  if (!phase.step.empty()) Latency(phase.step, began, Steady::now());
  v.phase_planned = Steady::now();
  co_return true;
}

asio::awaitable<bool> Run::OpenStream(std::shared_ptr<Conn>& held, const std::string& path,
                                      const std::string& label, const std::string& token) {
  CloseStream(held);
  auto c = std::make_shared<Conn>(co_await asio::this_coro::executor);
  if (!co_await Connect(*c)) {
    Error(Steady::now(), fmt::format("stream {}: cannot connect", label));
    co_return false;
  }
  const std::string req = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\nAuthorization: Bearer {}\r\n\r\n",
      path, o_.target.host, token);
  beast::error_code ec;
  co_await asio::async_write(c->stream, asio::buffer(req), asio::redirect_error(use_awaitable, ec));
  // The answer's head; anything but 200 is the server refusing the stream.
  std::string in;
  char chunk[1024];
  while (!ec && in.find("\r\n\r\n") == std::string::npos && in.size() < 16 * 1024) {
    size_t n = co_await c->stream.async_read_some(asio::buffer(chunk), asio::redirect_error(use_awaitable, ec));
    in.append(chunk, n);
  }
  if (ec || in.compare(0, 13, "HTTP/1.1 200 ") != 0) {
    Error(Steady::now(), fmt::format("stream {}: {}", label, in.size() > 12 ? in.substr(9, 3) : "no reply"));
    co_return false;
  }
  held = c;
  co_spawn(co_await asio::this_coro::executor, Drain(c), asio::detached);
  co_return true;
}

asio::awaitable<void> Run::Drain(std::shared_ptr<Conn> c) {
  char chunk[2048];
  beast::error_code ec;
  c->stream.expires_never();
  while (!ec) co_await c->stream.async_read_some(asio::buffer(chunk), asio::redirect_error(use_awaitable, ec));
}

void Run::CloseStream(std::shared_ptr<Conn>& held) {
  if (!held) return;
  beast::error_code ec;
  held->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  held->stream.close();
  held.reset();
}

asio::awaitable<void> Run::Work(Conn& c, Visit& v, const StudentPlan& plan, int index,
                                Steady::duration shift) {
  // What a student answers: the paper's questions, less its descriptions (texts to read).
  std::vector<const json::object*> questions;
  for (const json::value& q : v.paper.at("questions").as_array()) {
    if (q.at("type").as_string() != "description") questions.push_back(&q.as_object());
  }
  if (questions.empty()) co_return;
  const auto submit_at = At(plan.submit_at) + shift;
  const double shift_s = std::chrono::duration<double>(shift).count();
  const double think = s_.think_s / s_.time_scale;
  const auto interval = std::chrono::milliseconds(kPageSaveIntervalMs);
  // As the journal names the exam in each save (a cluster routes the exam's calls by it).
  const std::string query = s_.page == "full" ? "?exam=" + s_.exam : "";
  auto seconds = [](double s) {
    return std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(s));
  };
  auto next = Steady::now() + seconds(Exp(think));
  int64_t seq = 0;
  bool reloaded = plan.reload_at < 0;
  bool lost = plan.network_loss_at < 0;
  std::vector<std::pair<std::string, std::string>> offline;  // (question, body) kept by the page
  int answered = 0;
  while (next < submit_at) {
    // The student answers a question, then thinks until the next one. An essay is typed for
    // typing_share of that time: the page sends its text as it changes, a save at most every
    // kPageSaveIntervalMs (real time), one in flight (the next leaves a second after the last
    // one left, or at once when its answer came later), and the last change after the last key.
    const double gap = Exp(think);
    const auto this_answer = next;
    next += seconds(gap);
    const json::object& q = *questions[static_cast<size_t>(index + answered++) % questions.size()];
    const std::string qid(q.at("id").as_string());
    const bool essay = std::string(q.at("type").as_string()) == "essay";
    const auto typing_until = essay ? this_answer + seconds(gap * s_.typing_share) : this_answer;
    for (auto when = this_answer; when < submit_at;) {
      co_await SleepUntilPlanned(when);
      // A save's latency counts from its planned time, unless this client was busy with its
      // own extra work (a reload, resending what it kept offline) that a real browser would
      // do alongside: then from the end of that work.
      auto measured_from = when;
      if (!reloaded && Seconds(when) - shift_s >= plan.reload_at) {
        reloaded = true;
        co_await ReloadPage(c, v);
        measured_from = std::max(measured_from, Steady::now());
      }
      ++seq;
      const std::string body = fmt::format(R"({{"seq":{},"value":{}}})", seq, AnswerFor(q, seq));
      const double s_at = Seconds(when) - shift_s;
      const auto left = std::max(when, Steady::now());
      if (!lost && s_at >= plan.network_loss_at && s_at < plan.network_loss_at + plan.network_loss_for) {
        offline.emplace_back(qid, body);  // offline: the page keeps it, sends it when back
      } else {
        if (!lost && !offline.empty()) {
          lost = true;
          co_await ResendKept(c, v, offline);
          measured_from = std::max(measured_from, Steady::now());
        }
        const std::string target = fmt::format("/api/attempts/{}/answers/{}{}", v.attempt, qid, query);
        Reply rs = co_await Call(c, bhttp::verb::put, target, v.token, body);
        if (rs.status == 200) {
          Latency("save", measured_from, Steady::now());
          Acked(v.attempt, qid, body);
        } else {
          Error(Steady::now(), fmt::format("save: {}", rs.status));
        }
      }
      if (left >= typing_until) break;  // nothing typed since this one left
      // The next a second after this one left; but never after the next answer's (a fast time
      // scale can make the gap between answers shorter than a real second: the journal would
      // then send the next question's change first and this one right after it).
      when = std::max(std::min(left + interval, next), Steady::now());
    }
  }
  // Back online before the end: what the page kept is sent before submitting.
  co_await SleepUntilPlanned(submit_at);
  co_await ResendKept(c, v, offline);
}

asio::awaitable<void> Run::ReloadPage(Conn& c, Visit& v) {
  // The page again (its files from the browser's cache), the attempt, the paper, its stream.
  const auto t0 = Steady::now();
  const bool full = s_.page == "full";
  Reply page{200, {}, 0, {}};
  if (full) page = co_await Call(c, bhttp::verb::get, "/", "");
  Reply a = co_await Call(c, bhttp::verb::get, fmt::format("/api/attempts/{}", v.attempt), v.token);
  Reply p = co_await Call(c, bhttp::verb::get, fmt::format("/api/exams/{}/paper", s_.exam), v.token);
  bool streamed = true;
  if (full) {
    streamed = co_await OpenStream(v.stream, fmt::format("/api/attempts/{}/events?exam={}", v.attempt, s_.exam),
                                   "/api/attempts/{attempt}/events", v.token);
  }
  if (page.status == 200 && a.status == 200 && p.status == 200 && streamed) {
    Latency("reload", t0, Steady::now());
  } else {
    Error(Steady::now(), fmt::format("reload: {}/{}/{}", page.status, a.status, p.status));
  }
}

asio::awaitable<void> Run::ResendKept(Conn& c, Visit& v,
                                      std::vector<std::pair<std::string, std::string>>& kept) {
  for (const auto& [qid, body] : kept) {
    auto t0 = Steady::now();
    Reply rr = co_await Call(c, bhttp::verb::put, fmt::format("/api/attempts/{}/answers/{}", v.attempt, qid),
                             v.token, body);
    if (rr.status == 200) {
      Latency("resend", t0, Steady::now());
      Acked(v.attempt, qid, body);
    } else {
      Error(Steady::now(), fmt::format("resend: {}", rr.status));
    }
  }
  kept.clear();
}

void Run::Acked(int64_t attempt, const std::string& question, const std::string& body) {
  ++result_.acknowledged_saves;
  if (o_.ledger_path.empty()) return;
  auto v = json::parse(body);
  ledger_.push_back(LedgerEntry{attempt, question, v.at("seq").as_int64(), json::serialize(v.at("value"))});
}

std::string Run::AnswerFor(const json::object& q, int64_t seq) {
  std::string type(q.at("type").as_string());
  if (type == "single") {
    auto n = static_cast<int64_t>(q.at("options").as_array().size());
    return std::to_string(seq % n);
  }
  if (type == "multiple") return "[0]";
  if (type == "truefalse") return seq % 2 ? "true" : "false";
  if (type == "numeric") return std::to_string(seq);
  if (type == "short") return fmt::format("\"answer {}\"", seq);
  if (type == "ordering" || type == "matching") {
    // Every item in the paper's order (ordering), or the first choice for each (matching).
    const size_t n = q.at("options").as_array().size();
    std::string out = "[";
    for (size_t i = 0; i < n; ++i) out += fmt::format("{}{}", i ? "," : "", type == "ordering" ? i : 0);
    return out + "]";
  }
  if (type == "gaps") {  // a menu's first choice, a typed gap's word
    std::string out = "[";
    for (const json::value& gap : q.at("gaps").as_array()) {
      out += out.size() > 1 ? "," : "";
      const json::object& g = gap.as_object();
      out += g.contains("choices") ? "0" : g.contains("number") ? fmt::format("\"{}\"", seq)
                                                                 : fmt::format("\"word {}\"", seq);
    }
    return out + "]";
  }
  return fmt::format("\"An essay, draft {}: {}\"", seq, std::string(200, 'x'));
}

}  // namespace pupitre::load::detail
