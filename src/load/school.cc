// The school morning (`kind = "school"` in a scenario): the course space at 8:00. Before the
// clock starts, the course is given its file and homework (by the teacher, if it lacks them) and
// the remembered students log in "yesterday" with "remember this device". Then each student
// arrives at their planned time: logs in if they have no remembered session, opens the page
// (its HTML, /api/me, the course's outline through the course space's door, waiting in its line
// if told to), downloads the course's file, and some hand in a homework as resumable uploads,
// some over a slow line. Steps: login, page, line, download, handin, handin_slow.

#include "load/run.h"

namespace pupitre::load::detail {

namespace {

constexpr size_t kPart = 1 << 20;  // the pages' upload parts
constexpr char kTus[] = "1.0.0";

// A student's own draw for a decision (salt), fixed by the seed: the same run plans the same.
double Draw(uint64_t seed, int64_t number, int salt) {
  std::mt19937_64 rng(seed * 1'000'003 + static_cast<uint64_t>(number) * 31 + static_cast<uint64_t>(salt));
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

// Bytes that look like a file (not all equal), made once per size.
const std::string& Bytes(size_t n) {
  static std::map<size_t, std::string> made;
  auto [it, added] = made.try_emplace(n);
  if (added) {
    it->second.resize(n);
    for (size_t i = 0; i < n; ++i) it->second[i] = static_cast<char>((i * 131 + i / 4096) & 0xFF);
    it->second.replace(0, 9, "%PDF-1.4\n");
  }
  return it->second;
}

}  // namespace

bool Run::PrepareSchool() {
  bool ok = false;
  asio::co_spawn(ioc_, PrepareCourse(ok), asio::detached);
  ioc_.run();
  ioc_.restart();
  if (!ok) return false;
  std::vector<int64_t> numbers;
  for (int64_t i = 0; i < s_.students; ++i) {
    const int64_t n = s_.first_student + i;
    if (Draw(s_.seed, n, 1) < s_.remembered_share) numbers.push_back(n);
  }
  size_t next = 0;
  for (int k = 0; k < 32; ++k) asio::co_spawn(ioc_, Yesterday(numbers, next), asio::detached);
  if (o_.progress && !numbers.empty()) {
    std::fprintf(stderr, "school: %zu students log in \"yesterday\" (remembered)...\n", numbers.size());
  }
  ioc_.run();
  ioc_.restart();
  return true;
}

asio::awaitable<void> Run::PrepareCourse(bool& ok) {
  Conn c(co_await asio::this_coro::executor);
  const std::string token = co_await LogIn(c, s_.teacher_login, s_.teacher_password, false);
  if (token.empty()) co_return;
  const std::string base = fmt::format("/api/courses/{}", s_.course);
  Reply r = co_await Call(c, bhttp::verb::get, base + "/outline", token);
  if (r.status != 200) {
    Error(Steady::now(), fmt::format("set-up: the course {}: {}", s_.course, r.status));
    co_return;
  }
  const int64_t want = s_.file_kib * 1024;
  int64_t section = 0;
  {
    const json::value outline = json::parse(r.body);
    for (const auto& sec : outline.at("sections").as_array()) {
      if (section == 0) section = sec.at("id").as_int64();
      for (const auto& item : sec.at("items").as_array()) {
        const std::string kind(item.at("kind").as_string());
        if (kind == "file" && file_url_.empty() && item.at("file").at("size").as_int64() == want) {
          file_url_ = std::string(item.at("file").at("url").as_string());
          file_size_ = want;
        }
        if (kind == "homework" && homework_id_ == 0) homework_id_ = item.at("id").as_int64();
      }
    }
  }
  if (section == 0) {
    r = co_await Call(c, bhttp::verb::post, base + "/sections", token, R"({"title":"Load test"})");
    if (r.status != 201) {
      Error(Steady::now(), fmt::format("set-up: a section: {}", r.status));
      co_return;
    }
    section = json::parse(r.body).at("section").at("id").as_int64();
  }
  const std::string items = fmt::format("{}/sections/{}/items", base, section);
  if (file_url_.empty()) {
    const std::string id = co_await Upload(c, token, "c3lsbGFidXMucGRm" /* syllabus.pdf */,
                                           Bytes(static_cast<size_t>(want)), false);
    if (id.empty()) co_return;
    json::object item{{"kind", "file"}, {"title", "Syllabus"}, {"upload", id}};
    r = co_await Call(c, bhttp::verb::post, items, token, json::serialize(item));
    if (r.status != 201) {
      Error(Steady::now(), fmt::format("set-up: the file: {}", r.status));
      co_return;
    }
    file_url_ = std::string(json::parse(r.body).at("item").at("file").at("url").as_string());
    file_size_ = want;
  }
  if (homework_id_ == 0) {
    const auto due = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(7 * 24))
                         .count();
    json::object rules{{"due_ms", due}, {"max_files", 1}, {"max_points", 20}, {"text", true}};
    json::object item{{"kind", "homework"}, {"title", "Exercise"}, {"body", "Hand in your work."},
                      {"rules", rules}};
    r = co_await Call(c, bhttp::verb::post, items, token, json::serialize(item));
    if (r.status != 201) {
      Error(Steady::now(), fmt::format("set-up: the homework: {}", r.status));
      co_return;
    }
    homework_id_ = json::parse(r.body).at("item").at("id").as_int64();
  }
  ok = true;
}

asio::awaitable<void> Run::Yesterday(std::vector<int64_t>& numbers, size_t& next) {
  Conn c(co_await asio::this_coro::executor);
  while (next < numbers.size()) {
    const int64_t n = numbers[next++];
    const std::string login = fmt::format(fmt::runtime(s_.login_format), n);
    std::string token = co_await LogIn(c, login, s_.password, /*remember=*/true);
    if (!token.empty()) remembered_[n] = std::move(token);
  }
}

asio::awaitable<std::string> Run::Upload(Conn& c, const std::string& token,
                                         const std::string& name_b64, const std::string& bytes,
                                         bool slow) {
  Headers begin{{"Tus-Resumable", kTus},
                {"Upload-Length", std::to_string(bytes.size())},
                {"Upload-Metadata", "filename " + name_b64}};
  Reply r = co_await Call(c, bhttp::verb::post, "/api/uploads", token, "", begin);
  if (r.status != 201 || r.location.empty()) {
    Error(Steady::now(), fmt::format("upload: {}", r.status));
    co_return std::string();
  }
  const std::string path = r.location;
  const size_t part = slow ? static_cast<size_t>(s_.slow_kib_per_s) * 1024 : kPart;
  for (size_t at = 0; at < bytes.size(); at += part) {
    if (slow && at > 0) co_await SleepUntil(Steady::now() + std::chrono::seconds(1));
    Headers h{{"Tus-Resumable", kTus},
              {"Upload-Offset", std::to_string(at)},
              {"Content-Type", "application/offset+octet-stream"}};
    r = co_await Call(c, bhttp::verb::patch, path, token, bytes.substr(at, part), h);
    if (r.status != 204) {
      Error(Steady::now(), fmt::format("upload: {}", r.status));
      co_return std::string();
    }
  }
  co_return path.substr(path.rfind('/') + 1);
}

asio::awaitable<void> Run::SchoolStudent(StudentPlan plan) {
  Conn c(co_await asio::this_coro::executor);
  auto intended = At(plan.login_at);
  co_await SleepUntil(intended);
  ++Bucket(intended).arrivals;
  ++active_;
  auto done = [&] {
    --remaining_;
    --active_;
  };
  std::string token;
  if (auto it = remembered_.find(plan.number); it != remembered_.end()) {
    token = it->second;
  } else {
    token = co_await LogIn(c, fmt::format(fmt::runtime(s_.login_format), plan.number),
                           s_.password, /*remember=*/true);
    if (token.empty()) {
      done();
      co_return;
    }
    Latency("login", intended, Steady::now());
    intended = Steady::now();
  }

  // The page: its HTML, who is logged in, the course through its door (with the session, as a
  // browser sends its cookie with each).
  // (An array, not an initializer list: GCC 12 cannot keep one across a co_await.)
  static constexpr const char* kPageReads[] = {"/", "/api/me"};
  for (const char* target : kPageReads) {
    Reply r = co_await Call(c, bhttp::verb::get, target, token);
    if (r.status != 200) {
      Error(Steady::now(), fmt::format("page {}: {}", target, r.status));
      done();
      co_return;
    }
  }
  const std::string outline = fmt::format("/api/courses/{}/outline", s_.course);
  Reply r = co_await Call(c, bhttp::verb::get, outline, token);
  Latency("page", intended, Steady::now());
  if (r.status == 202) {
    // In the course space's line: as the page does, ask again when told to. Bounded.
    const auto entered = Steady::now();
    ++waiting_;
    result_.peak_waiting = std::max(result_.peak_waiting, waiting_);
    for (int polls = 0; r.status == 202 && polls < 3600; ++polls) {
      const int64_t after = json::parse(r.body).at("retry_ms").to_number<int64_t>();
      co_await SleepUntil(Steady::now() + std::chrono::milliseconds(std::max<int64_t>(100, after)));
      r = co_await Call(c, bhttp::verb::get, outline, token);
    }
    --waiting_;
    Latency("line", entered, Steady::now());
  }
  if (r.status != 200) {
    Error(Steady::now(), fmt::format("page outline: {}", r.status));
    done();
    co_return;
  }

  // The course's file, read whole.
  auto t = Steady::now();
  r = co_await Call(c, bhttp::verb::get, file_url_, token);
  if (r.status != 200 || static_cast<int64_t>(r.body.size()) != file_size_) {
    Error(Steady::now(), fmt::format("download: {}", r.status));
    done();
    co_return;
  }
  Latency("download", t, Steady::now());

  // A homework handed in, by some, some of them over a slow line.
  if (Draw(s_.seed, plan.number, 2) < s_.handin_share) {
    const bool slow = Draw(s_.seed, plan.number, 3) < s_.slow_share;
    t = Steady::now();
    const std::string id =
        co_await Upload(c, token, "aG9tZXdvcmsucGRm" /* homework.pdf */,
                        Bytes(static_cast<size_t>(s_.handin_kib) * 1024), slow);
    if (id.empty()) {
      done();
      co_return;
    }
    json::object body{{"uploads", json::array{json::value(id)}}};
    r = co_await Call(c, bhttp::verb::put,
                      fmt::format("/api/courses/{}/homework/{}/handin", s_.course, homework_id_),
                      token, json::serialize(body));
    if (r.status != 200) {
      Error(Steady::now(), fmt::format("handin: {}", r.status));
      done();
      co_return;
    }
    Latency(slow ? "handin_slow" : "handin", t, Steady::now());
  }
  ++result_.finished;
  done();
}

}  // namespace pupitre::load::detail
