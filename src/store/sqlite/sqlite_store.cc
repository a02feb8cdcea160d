// The SQLite backend: WAL journal, synchronous=FULL (a commit is fsynced), versioned migrations,
// prepared statements reused across batches.
#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_read.h"
#include "store/sqlite/sqlite_store.h"

namespace pupitre::store {
namespace {

enum Stmt {
  kPutUser, kSetPassword, kSetDisabled, kPutSession, kDeleteSession, kPutCourse, kPutEnrolment, kPutExam, kPutExtraTime,
  kCreateAttempt, kSaveAnswer, kSubmitAttempt, kSetManualGrade, kSetGradeComment, kSetDeadline,
  kAddAttemptEvent, kAddIncidentUpdate, kPutSetting, kDeleteSetting, kPutSection, kPutItem,
  kPutUpload, kDeleteUpload, kPutHomework, kPutHandin, kPutHandinGrade, kPutHomeworkExtra,
  kPutAnnouncement, kPutAnnouncementRead, kPutLiveClass, kPutLiveAttendance, kStmtCount
};

const char* const kStmtSql[kStmtCount] = {
    // A plain insert: two processes picking the same id fail loudly instead of overwriting.
    "INSERT INTO users(id, login, display_name, role, password_hash) VALUES(?,?,?,?,?)",
    "UPDATE users SET password_hash=? WHERE id=?",
    "INSERT OR REPLACE INTO disabled_users(user_id, disabled) VALUES(?,?)",
    "INSERT OR REPLACE INTO sessions(token_hash, user_id, csrf_token, expires_ms, remembered, "
    "issued_ms) VALUES(?,?,?,?,?,?)",
    "DELETE FROM sessions WHERE token_hash = ?",
    "INSERT OR REPLACE INTO courses(id, title, description) VALUES(?,?,?)",
    "INSERT OR REPLACE INTO enrolments(course_id, user_id, teaches, assists) VALUES(?,?,?,?)",
    "INSERT OR REPLACE INTO exams(id, source_toml, owner_id, published, published_ms, "
    "results_released, closes_override_ms, source_format, spec_json) VALUES(?,?,?,?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO extra_time(exam_id, user_id, extra_ms) VALUES(?,?,?)",
    "INSERT OR IGNORE INTO attempts(id, exam_id, user_id, seed, started_ms, deadline_ms) "
    "VALUES(?,?,?,?,?,?)",
    "INSERT INTO answers(attempt_id, question_id, seq, value_json, saved_at_ms) VALUES(?,?,?,?,?) "
    "ON CONFLICT(attempt_id, question_id) DO UPDATE SET seq=excluded.seq, "
    "value_json=excluded.value_json, saved_at_ms=excluded.saved_at_ms "
    "WHERE excluded.seq > answers.seq",
    "UPDATE attempts SET submitted=1, submitted_ms=?, auto_submitted=? "
    "WHERE id=? AND submitted=0",
    "INSERT OR REPLACE INTO manual_grades(attempt_id, question_id, points) VALUES(?,?,?)",
    // An empty text is no comment (it is not loaded).
    "INSERT OR REPLACE INTO grade_comments(attempt_id, question_id, text) VALUES(?,?,?)",
    "UPDATE attempts SET deadline_ms=? WHERE id=?",
    "INSERT OR REPLACE INTO attempt_events(attempt_id, at_ms, kind, data) VALUES(?,?,?,?)",
    "INSERT OR REPLACE INTO incident_updates(incident_id, version, at_ms, author_id, severity, "
    "scope_kind, scope_id, text_en, text_fr, resolved) VALUES(?,?,?,?,?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO settings(key, value) VALUES(?,?)",
    "DELETE FROM settings WHERE key = ?",
    "INSERT OR REPLACE INTO course_sections(id, course_id, position, title, deleted) "
    "VALUES(?,?,?,?,?)",
    "INSERT OR REPLACE INTO course_items(id, course_id, section_id, position, kind, title, body, "
    "blob, file_name, content_type, size, updated_ms, deleted) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO uploads(id, user_id, length, file_name, created_ms) VALUES(?,?,?,?,?)",
    "DELETE FROM uploads WHERE id = ?",
    "INSERT OR REPLACE INTO homeworks(item_id, course_id, due_ms, cutoff_ms, max_points, "
    "max_files, max_file_mb, allowed, text) VALUES(?,?,?,?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO handins(item_id, user_id, version, submitted_ms, late, text, files) "
    "VALUES(?,?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO handin_grades(item_id, user_id, has_points, points, comment, "
    "returned_ms) VALUES(?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO homework_extra(item_id, user_id, extra_ms) VALUES(?,?,?)",
    "INSERT OR REPLACE INTO announcements(id, course_id, author_id, at_ms, title, body) "
    "VALUES(?,?,?,?,?,?)",
    // Read markers only move forward.
    "INSERT INTO announcement_reads(user_id, course_id, last_id) VALUES(?,?,?) "
    "ON CONFLICT(user_id, course_id) DO UPDATE SET last_id = MAX(last_id, excluded.last_id)",
    "INSERT OR REPLACE INTO live_classes(item_id, course_id, start_ms, duration_min, record, "
    "ended_ms) VALUES(?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO live_attendance(item_id, user_id, first_ms, last_ms, joins) "
    "VALUES(?,?,?,?,?)",
};

// The table whose largest id starts a kind's first block.
const char* TableOfKind(std::string_view kind) {
  if (kind == "user") return "users";
  if (kind == "attempt") return "attempts";
  return nullptr;
}

class SqliteBackend final : public Backend {
 public:
  ~SqliteBackend() override {
    for (sqlite3_stmt* s : stmts_) sqlite3_finalize(s);
    if (db_) sqlite3_close(db_);
    if (read_db_) sqlite3_close(read_db_);
    if (alloc_db_) sqlite3_close(alloc_db_);
  }

  Status Open(const std::string& data_dir) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) return Error::Internal(fmt::format("cannot create {}: {}", data_dir, ec.message()));
    std::string path = (std::filesystem::path(data_dir) / "pupitre.db").string();
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) return Fail(db_, "open");
    sqlite3_busy_timeout(db_, 10'000);
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON", "PRAGMA wal_autocheckpoint=10000"}) {
      if (auto s = Exec(pragma); !s.ok()) return s;
    }
    if (auto s = Migrate(); !s.ok()) return s;
    for (int i = 0; i < kStmtCount; ++i) {
      if (sqlite3_prepare_v3(db_, kStmtSql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[i],
                             nullptr) != SQLITE_OK) {
        return Fail(db_, kStmtSql[i]);
      }
    }
    if (sqlite3_open_v2(path.c_str(), &read_db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      return Fail(read_db_, "open for reading");
    }
    sqlite3_busy_timeout(read_db_, 10'000);
    // Id blocks are taken in transactions of their own, beside the writer's.
    if (sqlite3_open_v2(path.c_str(), &alloc_db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      return Fail(alloc_db_, "open for id blocks");
    }
    sqlite3_busy_timeout(alloc_db_, 10'000);
    return OkStatus();
  }

  Status ApplyBatch(std::span<const WriteOp> ops) override {
    if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    for (const WriteOp& op : ops) {
      Status s = std::visit([this](const auto& o) { return Apply(o); }, op);
      if (!s.ok()) {
        (void)Exec("ROLLBACK");  // the error that matters is s
        return s;
      }
    }
    if (auto s = Exec("COMMIT"); !s.ok()) {
      (void)Exec("ROLLBACK");  // the error that matters is s
      return s;
    }
    return OkStatus();
  }

  Result<Snapshot> Load(const Scope& scope) override;

  Result<std::optional<UserRecord>> FindUserByLogin(const std::string& login) override {
    std::optional<UserRecord> out;
    std::lock_guard lock(read_mu_);
    auto st = Query(read_db_,
                    "SELECT id, login, display_name, role, password_hash FROM users WHERE login = ?",
                    login, [&](sqlite3_stmt* q) { out = ReadUser(q); });
    if (!st.ok()) return st.take_error();
    return out;
  }

  Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) override {
    std::optional<SessionRecord> out;
    std::lock_guard lock(read_mu_);
    auto st = Query(read_db_,
                    "SELECT token_hash, user_id, csrf_token, expires_ms, remembered, issued_ms "
                    "FROM sessions WHERE token_hash = ?",
                    token_hash, [&](sqlite3_stmt* q) { out = ReadSession(q); });
    if (!st.ok()) return st.take_error();
    return out;
  }

  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    std::optional<std::string> out;
    std::lock_guard lock(read_mu_);
    auto st = Query(read_db_, "SELECT value FROM settings WHERE key = ?", key,
                    [&](sqlite3_stmt* q) { out = Text(q, 0); });
    if (!st.ok()) return st.take_error();
    return out;
  }

  Result<std::vector<AttemptEvent>> LoadAttemptEvents(int64_t attempt_id) override {
    std::vector<AttemptEvent> out;
    std::lock_guard lock(read_mu_);
    auto st = Query(read_db_,
                    "SELECT at_ms, kind, data FROM attempt_events WHERE attempt_id = CAST(? AS INTEGER) "
                    "ORDER BY at_ms, kind",
                    std::to_string(attempt_id), [&](sqlite3_stmt* q) {
                      out.push_back({sqlite3_column_int64(q, 0), Text(q, 1), Text(q, 2)});
                    });
    if (!st.ok()) return st.take_error();
    return out;
  }

  Result<int64_t> AllocateIds(std::string_view kind, int64_t count) override {
    const char* table = TableOfKind(kind);
    if (!table || count < 1) {
      return Error::Internal(fmt::format("AllocateIds: bad kind '{}' or count {}", kind, count));
    }
    std::lock_guard lock(alloc_mu_);
    auto exec = [&](const char* sql) {
      return sqlite3_exec(alloc_db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK
                 ? OkStatus()
                 : Status(Fail(alloc_db_, sql));
    };
    if (auto st = exec("BEGIN IMMEDIATE"); !st.ok()) return st.take_error();
    const std::string kind_text(kind);
    const std::string seed = fmt::format(
        "INSERT OR IGNORE INTO id_blocks(kind, next) "
        "SELECT ?, COALESCE(MAX(id), 0) + 1 FROM {}", table);
    int64_t first = 0;
    Status st = Query(alloc_db_, seed.c_str(), kind_text, [](sqlite3_stmt*) {});
    if (st.ok()) {
      st = Query(alloc_db_, "SELECT next FROM id_blocks WHERE kind = ?", kind_text,
                 [&](sqlite3_stmt* q) { first = sqlite3_column_int64(q, 0); });
    }
    if (st.ok()) {
      const std::string bump =
          fmt::format("UPDATE id_blocks SET next = next + {} WHERE kind = ?", count);
      st = Query(alloc_db_, bump.c_str(), kind_text, [](sqlite3_stmt*) {});
    }
    if (st.ok()) st = exec("COMMIT");
    if (!st.ok()) {
      (void)exec("ROLLBACK");  // the error that matters is st
      return st.take_error();
    }
    return first;
  }

 private:
  static Error Fail(sqlite3* db, std::string_view what) { return SqlError(db, what); }
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = fmt::format("sqlite: {}: {}", sql, err ? err : "?");
      sqlite3_free(err);
      return Error::Internal(m);
    }
    return OkStatus();
  }

  Status Migrate() {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &st, nullptr);
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    const int target = static_cast<int>(kMigrations.size());
    if (version > target) {
      return Error::Internal(fmt::format(
          "store schema version {} is newer than this program knows ({})", version, target));
    }
    for (int v = version; v < target; ++v) {
      std::string sql = fmt::format("BEGIN; {} PRAGMA user_version = {}; COMMIT;",
                                    kMigrations[v], v + 1);
      if (auto s = Exec(sql.c_str()); !s.ok()) {
        (void)Exec("ROLLBACK");  // the error that matters is s
        return s;
      }
    }
    return OkStatus();
  }

  // Binding helpers: each returns the statement reset and ready to bind.
  sqlite3_stmt* Begin(Stmt s) {
    sqlite3_stmt* st = stmts_[s];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
  }
  static void Bind(sqlite3_stmt* st, int i, const std::string& v) {
    sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  static void Bind(sqlite3_stmt* st, int i, int64_t v) { sqlite3_bind_int64(st, i, v); }
  static void Bind(sqlite3_stmt* st, int i, double v) { sqlite3_bind_double(st, i, v); }
  Status Step(sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    Status out = OkStatus();
    if (rc != SQLITE_DONE) out = Fail(db_, sqlite3_sql(st));
    sqlite3_reset(st);
    return out;
  }

  Status Apply(const op::PutUser& o) {
    auto* st = Begin(kPutUser);
    Bind(st, 1, o.user.id);
    Bind(st, 2, o.user.login);
    Bind(st, 3, o.user.display_name);
    Bind(st, 4, o.user.role);
    Bind(st, 5, o.user.password_hash);
    return Step(st);
  }
  Status Apply(const op::PutSession& o) {
    auto* st = Begin(kPutSession);
    Bind(st, 1, o.session.token_hash);
    Bind(st, 2, o.session.user_id);
    Bind(st, 3, o.session.csrf_token);
    Bind(st, 4, o.session.expires_ms);
    Bind(st, 5, static_cast<int64_t>(o.session.remembered ? 1 : 0));
    Bind(st, 6, o.session.issued_ms);
    return Step(st);
  }
  Status Apply(const op::DeleteSession& o) {
    auto* st = Begin(kDeleteSession);
    Bind(st, 1, o.token_hash);
    return Step(st);
  }
  Status Apply(const op::PutCourse& o) {
    auto* st = Begin(kPutCourse);
    Bind(st, 1, o.course.id);
    Bind(st, 2, o.course.title);
    Bind(st, 3, o.course.description);
    return Step(st);
  }
  Status Apply(const op::PutEnrolment& o) {
    auto* st = Begin(kPutEnrolment);
    Bind(st, 1, o.enrolment.course_id);
    Bind(st, 2, o.enrolment.user_id);
    Bind(st, 3, int64_t{o.enrolment.teaches ? 1 : 0});
    Bind(st, 4, int64_t{o.enrolment.assists ? 1 : 0});
    return Step(st);
  }
  Status Apply(const op::PutExam& o) {
    auto* st = Begin(kPutExam);
    Bind(st, 1, o.exam.id);
    Bind(st, 2, o.exam.source);
    Bind(st, 3, o.exam.owner_id);
    Bind(st, 4, int64_t{o.exam.published});
    Bind(st, 5, o.exam.published_ms);
    Bind(st, 6, int64_t{o.exam.results_released});
    Bind(st, 7, o.exam.closes_override_ms);
    Bind(st, 8, o.exam.source_format);
    Bind(st, 9, o.exam.spec_json);
    return Step(st);
  }
  Status Apply(const op::PutExtraTime& o) {
    auto* st = Begin(kPutExtraTime);
    Bind(st, 1, o.extra.exam_id);
    Bind(st, 2, o.extra.user_id);
    Bind(st, 3, o.extra.extra_ms);
    return Step(st);
  }
  Status Apply(const op::CreateAttempt& o) {
    auto* st = Begin(kCreateAttempt);
    Bind(st, 1, o.id);
    Bind(st, 2, o.exam_id);
    Bind(st, 3, o.user_id);
    Bind(st, 4, static_cast<int64_t>(o.seed));
    Bind(st, 5, o.started_ms);
    Bind(st, 6, o.deadline_ms);
    return Step(st);
  }
  Status Apply(const op::SaveAnswer& o) {
    auto* st = Begin(kSaveAnswer);
    Bind(st, 1, o.attempt_id);
    Bind(st, 2, o.question_id);
    Bind(st, 3, o.seq);
    Bind(st, 4, o.value_json);
    Bind(st, 5, o.saved_at_ms);
    return Step(st);
  }
  Status Apply(const op::SubmitAttempt& o) {
    auto* st = Begin(kSubmitAttempt);
    Bind(st, 1, o.submitted_ms);
    Bind(st, 2, int64_t{o.auto_submitted});
    Bind(st, 3, o.attempt_id);
    return Step(st);
  }
  Status Apply(const op::SetManualGrade& o) {
    auto* st = Begin(kSetManualGrade);
    Bind(st, 1, o.attempt_id);
    Bind(st, 2, o.question_id);
    Bind(st, 3, o.points);
    return Step(st);
  }
  Status Apply(const op::SetPassword& o) {
    auto* st = Begin(kSetPassword);
    Bind(st, 1, o.password_hash);
    Bind(st, 2, o.user_id);
    return Step(st);
  }
  Status Apply(const op::SetDisabled& o) {
    auto* st = Begin(kSetDisabled);
    Bind(st, 1, o.user_id);
    Bind(st, 2, static_cast<int64_t>(o.disabled ? 1 : 0));
    return Step(st);
  }
  Status Apply(const op::SetGradeComment& o) {
    auto* st = Begin(kSetGradeComment);
    Bind(st, 1, o.attempt_id);
    Bind(st, 2, o.question_id);
    Bind(st, 3, o.text);
    return Step(st);
  }
  Status Apply(const op::SetDeadline& o) {
    auto* st = Begin(kSetDeadline);
    Bind(st, 1, o.deadline_ms);
    Bind(st, 2, o.attempt_id);
    return Step(st);
  }
  Status Apply(const op::AddAttemptEvent& o) {
    auto* st = Begin(kAddAttemptEvent);
    Bind(st, 1, o.attempt_id);
    Bind(st, 2, o.event.at_ms);
    Bind(st, 3, o.event.kind);
    Bind(st, 4, o.event.data_json);
    return Step(st);
  }
  Status Apply(const op::AddIncidentUpdate& o) {
    const IncidentUpdate& u = o.update;
    auto* st = Begin(kAddIncidentUpdate);
    Bind(st, 1, u.incident_id);
    Bind(st, 2, u.version);
    Bind(st, 3, u.at_ms);
    Bind(st, 4, u.author_id);
    Bind(st, 5, u.severity);
    Bind(st, 6, u.scope_kind);
    Bind(st, 7, u.scope_id);
    Bind(st, 8, u.text_en);
    Bind(st, 9, u.text_fr);
    Bind(st, 10, static_cast<int64_t>(u.resolved ? 1 : 0));
    return Step(st);
  }
  Status Apply(const op::PutSetting& o) {
    auto* st = Begin(kPutSetting);
    Bind(st, 1, o.key);
    Bind(st, 2, o.value);
    return Step(st);
  }
  Status Apply(const op::DeleteSetting& o) {
    auto* st = Begin(kDeleteSetting);
    Bind(st, 1, o.key);
    return Step(st);
  }
  Status Apply(const op::PutSection& o) {
    auto* st = Begin(kPutSection);
    Bind(st, 1, o.section.id);
    Bind(st, 2, o.section.course_id);
    Bind(st, 3, o.section.position);
    Bind(st, 4, o.section.title);
    Bind(st, 5, int64_t{o.section.deleted});
    return Step(st);
  }
  Status Apply(const op::PutItem& o) {
    const ItemRecord& i = o.item;
    auto* st = Begin(kPutItem);
    Bind(st, 1, i.id);
    Bind(st, 2, i.course_id);
    Bind(st, 3, i.section_id);
    Bind(st, 4, i.position);
    Bind(st, 5, i.kind);
    Bind(st, 6, i.title);
    Bind(st, 7, i.body);
    Bind(st, 8, i.blob);
    Bind(st, 9, i.file_name);
    Bind(st, 10, i.content_type);
    Bind(st, 11, i.size);
    Bind(st, 12, i.updated_ms);
    Bind(st, 13, int64_t{i.deleted});
    return Step(st);
  }
  Status Apply(const op::PutUpload& o) {
    auto* st = Begin(kPutUpload);
    Bind(st, 1, o.upload.id);
    Bind(st, 2, o.upload.user_id);
    Bind(st, 3, o.upload.length);
    Bind(st, 4, o.upload.file_name);
    Bind(st, 5, o.upload.created_ms);
    return Step(st);
  }
  Status Apply(const op::DeleteUpload& o) {
    auto* st = Begin(kDeleteUpload);
    Bind(st, 1, o.id);
    return Step(st);
  }
  Status Apply(const op::PutHomework& o) {
    const HomeworkRecord& h = o.homework;
    auto* st = Begin(kPutHomework);
    Bind(st, 1, h.item_id);
    Bind(st, 2, h.course_id);
    Bind(st, 3, h.due_ms);
    Bind(st, 4, h.cutoff_ms);
    Bind(st, 5, h.max_points);
    Bind(st, 6, h.max_files);
    Bind(st, 7, h.max_file_mb);
    Bind(st, 8, h.allowed);
    Bind(st, 9, int64_t{h.text});
    return Step(st);
  }
  Status Apply(const op::PutHandin& o) {
    const HandinRecord& h = o.handin;
    auto* st = Begin(kPutHandin);
    Bind(st, 1, h.item_id);
    Bind(st, 2, h.user_id);
    Bind(st, 3, h.version);
    Bind(st, 4, h.submitted_ms);
    Bind(st, 5, int64_t{h.late});
    Bind(st, 6, h.text);
    Bind(st, 7, h.files);
    return Step(st);
  }
  Status Apply(const op::PutHandinGrade& o) {
    const HandinGradeRecord& g = o.grade;
    auto* st = Begin(kPutHandinGrade);
    Bind(st, 1, g.item_id);
    Bind(st, 2, g.user_id);
    Bind(st, 3, int64_t{g.has_points});
    Bind(st, 4, g.points);
    Bind(st, 5, g.comment);
    Bind(st, 6, g.returned_ms);
    return Step(st);
  }
  Status Apply(const op::PutHomeworkExtra& o) {
    auto* st = Begin(kPutHomeworkExtra);
    Bind(st, 1, o.extra.item_id);
    Bind(st, 2, o.extra.user_id);
    Bind(st, 3, o.extra.extra_ms);
    return Step(st);
  }
  Status Apply(const op::PutAnnouncement& o) {
    const AnnouncementRecord& a = o.announcement;
    auto* st = Begin(kPutAnnouncement);
    Bind(st, 1, a.id);
    Bind(st, 2, a.course_id);
    Bind(st, 3, a.author_id);
    Bind(st, 4, a.at_ms);
    Bind(st, 5, a.title);
    Bind(st, 6, a.body);
    return Step(st);
  }
  Status Apply(const op::PutAnnouncementRead& o) {
    auto* st = Begin(kPutAnnouncementRead);
    Bind(st, 1, o.read.user_id);
    Bind(st, 2, o.read.course_id);
    Bind(st, 3, o.read.last_id);
    return Step(st);
  }
  Status Apply(const op::PutLiveClass& o) {
    const LiveClassRecord& l = o.live;
    auto* st = Begin(kPutLiveClass);
    Bind(st, 1, l.item_id);
    Bind(st, 2, l.course_id);
    Bind(st, 3, l.start_ms);
    Bind(st, 4, l.duration_min);
    Bind(st, 5, int64_t{l.record});
    Bind(st, 6, l.ended_ms);
    return Step(st);
  }
  Status Apply(const op::PutLiveAttendance& o) {
    const LiveAttendanceRecord& a = o.attendance;
    auto* st = Begin(kPutLiveAttendance);
    Bind(st, 1, a.item_id);
    Bind(st, 2, a.user_id);
    Bind(st, 3, a.first_ms);
    Bind(st, 4, a.last_ms);
    Bind(st, 5, a.joins);
    return Step(st);
  }
  Status Apply(const op::Barrier&) { return OkStatus(); }

  sqlite3* db_ = nullptr;
  sqlite3* read_db_ = nullptr;
  std::mutex read_mu_;
  sqlite3* alloc_db_ = nullptr;
  std::mutex alloc_mu_;
  sqlite3_stmt* stmts_[kStmtCount] = {};
};

Result<Snapshot> SqliteBackend::Load(const Scope& scope) {
  std::lock_guard lock(read_mu_);
  return ReadSnapshot(read_db_, scope);
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& data_dir) {
  auto backend = std::make_unique<SqliteBackend>();
  if (auto s = backend->Open(data_dir); !s.ok()) return s.take_error();
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace pupitre::store
