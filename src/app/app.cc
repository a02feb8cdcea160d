#include "app/app.h"
#include "app/secret_file.h"
#include "exam/outages.h"

#include <boost/asio/signal_set.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <charconv>
#include <cstring>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

#include "api/web_assets.h"
#include "common/scheduler.h"
#include "live/bbb_engine.h"
#include "exam/exam_json.h"
#include "import/toml/exam_toml.h"
#include "room/admissions.h"
#include "guard/proof_of_work.h"
#include "store/id_blocks.h"
#include "store/settings.h"
#include "store/postgres/pg_blob_store.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace pupitre {

int Cores() { return std::max(1u, std::thread::hardware_concurrency()); }

namespace {
// Exams stored before the canonical form existed hold only the teacher's TOML: it is imported
// once, into the snapshot, and the writes that keep the result are returned.
std::vector<store::WriteOp> ImportStoredSources(store::Snapshot& snapshot) {
  std::vector<store::WriteOp> out;
  for (store::ExamRecord& rec : snapshot.exams) {
    if (!rec.spec_json.empty() || rec.source_format != importers::kTomlFormat) continue;
    auto spec = importers::ParseExamToml(rec.source);
    if (!spec.ok()) {  // left as it is: the exam service skips it
      spdlog::warn("exam '{}' no longer imports: {}", rec.id, spec.error().message);
      continue;
    }
    rec.spec_json = exam::ToCanonicalJson(*spec);
    out.push_back(store::op::PutExam{rec});
  }
  return out;
}
}  // namespace

namespace {
// The video engine of [live], if one is configured, and the live classes on top of it.
Result<std::pair<std::unique_ptr<live::Engine>, std::unique_ptr<live::LiveClasses>>> OpenLive(
    const Config& config, store::Writer& writer, const Clock& clock, course::CourseSpace& space,
    exam::ExamService* exams) {
  live::LiveOptions o;
  o.max_participants = config.live.max_participants;
  o.join_rate = config.live.join_rate;
  o.open_minutes_before = config.live.open_minutes_before;
  o.meeting_prefix = config.live.meeting_prefix;
  std::unique_ptr<live::Engine> engine;
  if (!config.live.bbb_url.empty()) {
    auto read = app::ReadSecretFile(config.live.bbb_secret_file, "live.bbb_secret_file", 8);
    if (!read.ok()) return read.take_error();
    const std::string& secret = *read;
    std::string url = config.live.bbb_url;
    if (url.back() != '/') url.push_back('/');
    engine = std::make_unique<live::BbbEngine>(live::BbbOptions{
        url, secret, *live::ParseChecksumAlgo(config.live.checksum), config.live.timeout_ms});
    o.password_key = secret;
    spdlog::info("live classes on the BigBlueButton server {} (checksum {}, capacity {})", url,
                 config.live.checksum,
                 config.live.max_participants > 0 ? std::to_string(config.live.max_participants)
                                                  : "not capped");
  }
  auto classes = std::make_unique<live::LiveClasses>(
      writer, clock, space,
      [exams](const std::string& course_id) { return exams->StudentsOfCourse(course_id); },
      engine.get(), o);
  return std::make_pair(std::move(engine), std::move(classes));
}
}  // namespace

constexpr std::string_view kDemoCoursePage = R"(Welcome to the **demo course**.

- The exam *General knowledge* is open now: find it on your home page.
- Course pages are written in Markdown; files open in the browser or download.

> Each student sees this course; only its teachers change it.
)";
constexpr std::string_view kDemoCourseNotes =
    "Week 1\n======\n\n1. Read chapter 1.\n2. Try the demo exam.\n";

Result<std::unique_ptr<Node>> Node::Open(const Config& config, const Clock& clock) {
  if (auto s = auth::InitCrypto(); !s.ok()) return s.take_error();
  std::unique_ptr<Node> n(new Node(config));
  auto backend = config.store.backend == "postgres" ? store::OpenPostgres(config.store.postgres)
                                                   : store::OpenSqlite(config.store.data_dir);
  if (!backend.ok()) return backend.take_error();
  n->backend_ = std::move(*backend);
  // Marked before the load: what other processes commit from here on is read by the feed.
  if (store::ChangeLog* log = n->backend_->change_log()) {
    auto mark = log->Mark();
    if (!mark.ok()) return mark.take_error();
    n->change_mark_ = std::move(*mark);
  }
  auto snapshot = n->backend_->LoadAll();
  if (!snapshot.ok()) return snapshot.take_error();
  std::vector<store::WriteOp> upgraded = ImportStoredSources(*snapshot);
  // Which exams this node serves: all of them alone; in a cluster, those it holds the lease of,
  // loaded from the store when it takes them.
  Node* node = n.get();
  n->ownership_ = std::make_unique<cluster::Ownership>(
      n->backend_->leases(), cluster::OwnershipOptions{config.cluster.node, config.cluster.lease_ms},
      clock,
      [node](const std::string& exam_id, const store::Lease& lease) -> Status {
        auto scope = node->backend_->Load(store::Scope::Exam(exam_id));
        if (!scope.ok()) return scope.take_error();
        const bool stored = std::any_of(scope->exams.begin(), scope->exams.end(),
                                        [&](const auto& e) { return e.id == exam_id; });
        if (!stored) return Error::NotFound(fmt::format("no exam '{}'", exam_id));
        for (const auto& w : node->exams_->ReloadExam(exam_id, *scope)) spdlog::warn("{}", w);
        // Taken from another node (dead, or handing it over): its waiting rooms are rebuilt
        // here from the tickets the pages bring back.
        if (!lease.previous_holder.empty() && lease.previous_holder != lease.holder &&
            node->on_exam_taken_) {
          node->on_exam_taken_(exam_id);
        }
        // Taken from another node whose lease ran out: it died (or was cut off), and this
        // exam's students waited from its last renewal until now. That time is given back.
        const Config& cfg = node->config_;
        const int64_t from = lease.previous_expires_ms - cfg.cluster.lease_ms;
        const int64_t to = lease.now_ms;
        if (!lease.previous_holder.empty() && lease.previous_holder != lease.holder &&
            lease.previous_expires_ms <= lease.now_ms &&
            to - from >= cfg.exam.outage_min_seconds * 1000) {
          if (cfg.exam.outage_compensation != "auto") {
            spdlog::warn("exam '{}': its node {} was gone for {} s; not given back "
                         "([exam] outage_compensation = \"{}\")",
                         exam_id, lease.previous_holder, (to - from) / 1000,
                         cfg.exam.outage_compensation);
          } else if (auto given = node->exams_->CompensateOutage(from, to, exam_id); given.ok()) {
            spdlog::warn("exam '{}': its node {} was gone for {} s; given back to {} attempts",
                         exam_id, lease.previous_holder, (to - from) / 1000, *given);
          } else {
            return given.take_error();
          }
        }
        return OkStatus();
      },
      [node] { (void)node->writer_->WriteNow({store::op::Barrier{}}); });
  // Before the writer starts: every batch it commits is fenced from the first.
  n->writer_ = std::make_unique<store::Writer>(*n->backend_, n->metrics_,
                                               static_cast<size_t>(config.store.max_batch),
                                               static_cast<size_t>(config.store.queue_capacity),
                                               // a save per connection always fits
                                               static_cast<size_t>(config.server.max_connections));
  if (!upgraded.empty()) {
    spdlog::info("{} exams stored before their canonical form: imported once", upgraded.size());
    if (auto s = n->writer_->WriteNow(std::move(upgraded)); !s.ok()) return s.take_error();
  }
  n->settings_ = std::make_unique<store::StoredSettings>(*n->writer_, *n->backend_,
                                                       snapshot->settings);
  int workers = config.server.worker_threads > 0 ? config.server.worker_threads : Cores();
  n->workers_ = std::make_unique<boost::asio::thread_pool>(workers);
  n->accounts_ = std::make_unique<auth::Accounts>(
      *n->writer_, *n->backend_, clock,
      auth::HashCost{config.auth.argon2_iterations, config.auth.argon2_memory_kib},
      config.auth.session_ttl_minutes * 60'000,
      static_cast<int>(config.auth.max_sessions_per_user), n->metrics_);
  n->accounts_->SetRemembering(config.auth.remember_days * 24 * 3'600'000,
                               config.auth.rotate_hours * 3'600'000);
  n->accounts_->Load(*snapshot);
  n->exams_ = std::make_unique<exam::ExamService>(*n->writer_, clock,
                                                  Millis(config.exam.save_grace_ms), n->metrics_);
  for (const auto& w : n->exams_->Load(*snapshot)) spdlog::warn("{}", w);
  if (n->ownership_->clustered()) {
    n->exams_->SetServes([node](const std::string& exam) { return node->ownership_->Serves(exam); });
  }
  n->exams_->SetEventReader(
      [b = n->backend_.get()](int64_t attempt) { return b->LoadAttemptEvents(attempt); });
  n->incidents_ = std::make_unique<notify::IncidentBook>(*n->writer_, clock);
  n->incidents_->Load(snapshot->incident_updates);
  auto blobs = store::OpenDiskBlobStore(
      (std::filesystem::path(config.store.data_dir) / "files").string());
  if (!blobs.ok()) return blobs.take_error();
  if (config.store.backend == "postgres") {
    // Files and uploads shared by the nodes; this node's disk keeps the files it serves.
    blobs = store::OpenPostgresBlobStore(config.store.postgres, std::move(*blobs));
    if (!blobs.ok()) return blobs.take_error();
  }
  n->blobs_ = std::move(*blobs);
  exam::ExamService* exams = n->exams_.get();
  n->courses_ = std::make_unique<course::CourseSpace>(
      *n->writer_, clock,
      [exams](const std::string& course_id, int64_t user_id) {
        if (exams->Teaches(course_id, user_id)) return course::Role::kTeacher;
        if (exams->Assists(course_id, user_id)) return course::Role::kAssistant;
        if (exams->IsEnrolled(course_id, user_id)) return course::Role::kStudent;
        return course::Role::kNone;
      },
      [exams](const std::string& course_id) { return exams->HasCourse(course_id); });
  n->courses_->Load(*snapshot);
  n->homeworks_ = std::make_unique<course::Homeworks>(
      *n->writer_, clock, *n->courses_,
      [exams](const std::string& course_id) { return exams->StudentsOfCourse(course_id); },
      config.course.max_file_mb);
  n->homeworks_->Load(*snapshot);
  n->announcements_ = std::make_unique<course::Announcements>(*n->writer_, clock);
  n->announcements_->Load(*snapshot);
  n->uploads_ = std::make_unique<course::Uploads>(*n->writer_, clock,
                                                  config.course.max_file_mb * 1024 * 1024,
                                                  config.course.uploads_per_user);
  n->uploads_->Load(*snapshot);
  auto live = OpenLive(config, *n->writer_, clock, *n->courses_, exams);
  if (!live.ok()) return live.take_error();
  n->engine_ = std::move(live->first);
  n->live_ = std::move(live->second);
  n->live_->Load(*snapshot);
  n->live_calls_ = std::make_unique<boost::asio::thread_pool>(2);
  if (config.store.backend == "postgres") {
    // Nodes share the store: every id is taken from its blocks, never counted in memory.
    const std::pair<store::IdSource*, const char*> sources[] = {
        {&n->exams_->attempt_ids(), "attempt"},    {&n->accounts_->user_ids(), "user"},
        {&n->courses_->section_ids(), "section"},  {&n->courses_->item_ids(), "item"},
        {&n->announcements_->ids(), "announcement"}, {&n->incidents_->ids(), "incident"}};
    for (const auto& [source, kind] : sources) {
      int64_t block = 100;
      for (const auto& k : store::kIdKinds) {
        if (std::string_view(k.name) == kind) block = k.block;
      }
      if (auto s = source->UseStore(*n->backend_, kind, block); !s.ok()) return s.take_error();
    }
  }
  spdlog::info("store loaded: {} users, {} exams, {} attempts", snapshot->users.size(),
               snapshot->exams.size(), snapshot->attempts.size());
  return n;
}

Node::~Node() { Close(); }

void Node::StartChangeFeed() {
  if (!backend_->change_log() || feed_) return;
  feed_ = std::make_unique<cluster::ChangeFeed>(
      *backend_,
      [this](const store::Changed& c) {
        accounts_->Absorb(c);
        exams_->AbsorbShared(c);
        courses_->Load(c.now);
        homeworks_->Load(c.now);
        announcements_->Load(c.now);
        live_->Load(c.now);
        incidents_->Load(c.now.incident_updates);
        settings_->Absorb(c.now.settings, c.erased_settings);
        uploads_->Absorb(c);
      },
      metrics_);
  feed_->Start(change_mark_);
}

void Node::StopChangeFeed() {
  if (feed_) feed_->Stop();
}

void Node::Close() {
  StopChangeFeed();
  if (live_calls_) live_calls_->join();
  if (workers_) workers_->join();
  if (writer_) writer_->Stop();
}

Status Node::SeedDemo(int student_count) {
  if (accounts_->user_count() > 0) return OkStatus();
  spdlog::info("seeding the demo dataset (one teacher, one admin, {} students)", student_count);
  auto teacher = accounts_->CreateUsers({{"teacher", "Demo Teacher", auth::Role::kTeacher,
                                          "teacher-demo"},
                                         {"admin", "Demo Operator", auth::Role::kAdmin,
                                          "admin-demo"}});
  if (!teacher.ok()) return teacher.take_error();
  // Every demo student shares one password, so one hash serves them all.
  auto hash = auth::HashPassword("student-demo", accounts_->cost());
  if (!hash.ok()) return hash.take_error();
  std::vector<store::UserRecord> students;
  for (int i = 1; i <= student_count; ++i) {
    std::string login = fmt::format("student{:04d}", i);
    students.push_back({0, login, fmt::format("Student {:04d}", i), "student", *hash});
  }
  auto created = accounts_->CreateHashedUsers(std::move(students));
  if (!created.ok()) return created.take_error();
  if (auto s = exams_->PutCourse({"demo-course", "Demo course",
                                  "A course to try Pupitre: one exam, open now."});
      !s.ok()) {
    return s;
  }
  std::vector<int64_t> ids;
  for (const auto& u : *created) ids.push_back(u.id);
  if (auto s = exams_->Enrol("demo-course", ids); !s.ok()) return s;
  // The demo teacher teaches the demo course.
  if (auto s = exams_->AddTeachers("demo-course", {(*teacher)[0].id}); !s.ok()) return s;

  // The demo course's space: a section with a page, a file and a link.
  const course::Caller course_teacher{(*teacher)[0].id, false};
  auto welcome = courses_->AddSection(course_teacher, "demo-course", "Welcome");
  if (!welcome.ok()) return welcome.take_error();
  auto page = courses_->AddItem(
      course_teacher, "demo-course", welcome->id,
      {"page", "How this course works", std::string(kDemoCoursePage), "", "", "", 0});
  if (!page.ok()) return page.take_error();
  auto notes = blobs_->Put(kDemoCourseNotes);
  if (!notes.ok()) return notes.take_error();
  auto file = courses_->AddItem(course_teacher, "demo-course", welcome->id,
                                {"file", "Notes for week 1", "Read them before Monday.",
                                 notes->sha256, "notes-week-1.txt", "text/plain; charset=utf-8",
                                 static_cast<int64_t>(notes->size)});
  if (!file.ok()) return file.take_error();
  auto link = courses_->AddItem(course_teacher, "demo-course", welcome->id,
                                {"link", "The CommonMark tutorial (Markdown for course pages)",
                                 "https://commonmark.org/help/", "", "", "", 0});
  if (!link.ok()) return link.take_error();

  // The demo exam opens an hour ago and closes in a week, whatever its file says.
  auto now = std::chrono::system_clock::now();
  auto stamp = [](std::chrono::system_clock::time_point t) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(t));
  };
  std::string toml(api::kDemoExamToml);
  toml = std::regex_replace(toml, std::regex("(^|\n)opens *=[^\n]*"),
                            "$1opens = " + stamp(now - std::chrono::hours(1)));
  toml = std::regex_replace(toml, std::regex("(^|\n)closes *=[^\n]*"),
                            "$1closes = " + stamp(now + std::chrono::hours(24 * 7)));
  exam::Caller teacher_caller{(*teacher)[0].id, true};
  std::promise<Status> done;
  importers::ImportTomlExam(*exams_, teacher_caller, toml,
                         [&](Result<std::shared_ptr<const exam::ExamEntry>> r) {
    if (!r.ok()) return done.set_value(r.error());
    exams_->Publish(teacher_caller, (*r)->spec->id,
                    [&](Result<std::shared_ptr<const exam::ExamEntry>> p) {
                      done.set_value(p.ok() ? OkStatus() : Status(p.error()));
                    });
  });
  return done.get_future().get();
}

}  // namespace pupitre
