// The SQLite backend: WAL journal, synchronous=FULL (a commit is fsynced), versioned migrations,
// prepared statements reused across batches.
#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "store/sqlite/sqlite_store.h"

namespace pupitre::store {
namespace {

// Schema migrations, applied in order; PRAGMA user_version holds how many have run.
// Never edit a shipped migration: append a new one.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE users(
  id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK(role IN ('student','teacher','admin')), password_hash TEXT NOT NULL);
CREATE TABLE sessions(
  token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL, csrf_token TEXT NOT NULL,
  expires_ms INTEGER NOT NULL);
CREATE TABLE courses(id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE enrolments(course_id TEXT NOT NULL, user_id INTEGER NOT NULL,
  PRIMARY KEY(course_id, user_id)) WITHOUT ROWID;
CREATE TABLE exams(
  id TEXT PRIMARY KEY, source_toml TEXT NOT NULL, owner_id INTEGER NOT NULL,
  published INTEGER NOT NULL, published_ms INTEGER NOT NULL, results_released INTEGER NOT NULL);
CREATE TABLE extra_time(exam_id TEXT NOT NULL, user_id INTEGER NOT NULL, extra_ms INTEGER NOT NULL,
  PRIMARY KEY(exam_id, user_id)) WITHOUT ROWID;
CREATE TABLE attempts(
  id INTEGER PRIMARY KEY, exam_id TEXT NOT NULL, user_id INTEGER NOT NULL, seed INTEGER NOT NULL,
  started_ms INTEGER NOT NULL, deadline_ms INTEGER NOT NULL,
  submitted INTEGER NOT NULL DEFAULT 0, submitted_ms INTEGER NOT NULL DEFAULT 0,
  auto_submitted INTEGER NOT NULL DEFAULT 0, UNIQUE(exam_id, user_id));
CREATE TABLE answers(
  attempt_id INTEGER NOT NULL, question_id TEXT NOT NULL, seq INTEGER NOT NULL,
  value_json TEXT NOT NULL, saved_at_ms INTEGER NOT NULL,
  PRIMARY KEY(attempt_id, question_id)) WITHOUT ROWID;
CREATE TABLE manual_grades(
  attempt_id INTEGER NOT NULL, question_id TEXT NOT NULL, points REAL NOT NULL,
  PRIMARY KEY(attempt_id, question_id)) WITHOUT ROWID;
)sql",
    // 2: the operator can extend an exam's window.
    R"sql(
ALTER TABLE exams ADD COLUMN closes_override_ms INTEGER NOT NULL DEFAULT 0;
)sql",
};

enum Stmt {
  kPutUser, kPutSession, kDeleteSession, kPutCourse, kPutEnrolment, kPutExam, kPutExtraTime,
  kCreateAttempt, kSaveAnswer, kSubmitAttempt, kSetManualGrade, kSetDeadline, kStmtCount
};

const char* const kStmtSql[kStmtCount] = {
    // A plain insert: two processes picking the same id fail loudly instead of overwriting.
    "INSERT INTO users(id, login, display_name, role, password_hash) VALUES(?,?,?,?,?)",
    "INSERT OR REPLACE INTO sessions(token_hash, user_id, csrf_token, expires_ms) VALUES(?,?,?,?)",
    "DELETE FROM sessions WHERE token_hash = ?",
    "INSERT OR REPLACE INTO courses(id, title, description) VALUES(?,?,?)",
    "INSERT OR IGNORE INTO enrolments(course_id, user_id) VALUES(?,?)",
    "INSERT OR REPLACE INTO exams(id, source_toml, owner_id, published, published_ms, "
    "results_released, closes_override_ms) VALUES(?,?,?,?,?,?,?)",
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
    "UPDATE attempts SET deadline_ms=? WHERE id=?",
};

class SqliteBackend final : public Backend {
 public:
  ~SqliteBackend() override {
    for (sqlite3_stmt* s : stmts_) sqlite3_finalize(s);
    if (db_) sqlite3_close(db_);
    if (read_db_) sqlite3_close(read_db_);
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

  Result<Snapshot> LoadAll() override;

  Result<std::optional<UserRecord>> FindUserByLogin(const std::string& login) override {
    std::lock_guard lock(read_mu_);
    sqlite3_stmt* st = nullptr;
    const char* sql =
        "SELECT id, login, display_name, role, password_hash FROM users WHERE login = ?";
    if (sqlite3_prepare_v2(read_db_, sql, -1, &st, nullptr) != SQLITE_OK) return Fail(read_db_, sql);
    sqlite3_bind_text(st, 1, login.data(), static_cast<int>(login.size()), SQLITE_TRANSIENT);
    std::optional<UserRecord> out;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) out = ReadUser(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Fail(read_db_, sql);
    return out;
  }

 private:
  static Error Fail(sqlite3* db, std::string_view what) {
    return Error::Internal(
        fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
  }
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
    const int target = static_cast<int>(std::size(kMigrations));
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
    return Step(st);
  }
  Status Apply(const op::PutExam& o) {
    auto* st = Begin(kPutExam);
    Bind(st, 1, o.exam.id);
    Bind(st, 2, o.exam.source_toml);
    Bind(st, 3, o.exam.owner_id);
    Bind(st, 4, int64_t{o.exam.published});
    Bind(st, 5, o.exam.published_ms);
    Bind(st, 6, int64_t{o.exam.results_released});
    Bind(st, 7, o.exam.closes_override_ms);
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
  Status Apply(const op::SetDeadline& o) {
    auto* st = Begin(kSetDeadline);
    Bind(st, 1, o.deadline_ms);
    Bind(st, 2, o.attempt_id);
    return Step(st);
  }
  Status Apply(const op::Barrier&) { return OkStatus(); }

  static std::string Text(sqlite3_stmt* st, int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
    return p ? std::string(p, sqlite3_column_bytes(st, col)) : std::string();
  }
  static UserRecord ReadUser(sqlite3_stmt* st) {
    return UserRecord{sqlite3_column_int64(st, 0), Text(st, 1), Text(st, 2), Text(st, 3),
                      Text(st, 4)};
  }

  // Runs `sql` and calls `row` for each result row.
  template <typename F>
  Status Query(const char* sql, F&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return Fail(db_, sql);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return Fail(db_, sql);
    return OkStatus();
  }

  sqlite3* db_ = nullptr;
  sqlite3* read_db_ = nullptr;
  std::mutex read_mu_;
  sqlite3_stmt* stmts_[kStmtCount] = {};
};

Result<Snapshot> SqliteBackend::LoadAll() {
  Snapshot s;
  std::map<int64_t, size_t> attempt_index;
  Status st = Query("SELECT id, login, display_name, role, password_hash FROM users ORDER BY id",
                    [&](sqlite3_stmt* q) { s.users.push_back(ReadUser(q)); });
  if (st.ok()) {
    st = Query("SELECT token_hash, user_id, csrf_token, expires_ms FROM sessions",
               [&](sqlite3_stmt* q) {
                 s.sessions.push_back({Text(q, 0), sqlite3_column_int64(q, 1), Text(q, 2),
                                       sqlite3_column_int64(q, 3)});
               });
  }
  if (st.ok()) {
    st = Query("SELECT id, title, description FROM courses ORDER BY id", [&](sqlite3_stmt* q) {
      s.courses.push_back({Text(q, 0), Text(q, 1), Text(q, 2)});
    });
  }
  if (st.ok()) {
    st = Query("SELECT course_id, user_id FROM enrolments", [&](sqlite3_stmt* q) {
      s.enrolments.push_back({Text(q, 0), sqlite3_column_int64(q, 1)});
    });
  }
  if (st.ok()) {
    st = Query(
        "SELECT id, source_toml, owner_id, published, published_ms, results_released, "
        "closes_override_ms FROM exams ORDER BY id",
        [&](sqlite3_stmt* q) {
          s.exams.push_back({Text(q, 0), Text(q, 1), sqlite3_column_int64(q, 2),
                             sqlite3_column_int(q, 3) != 0, sqlite3_column_int64(q, 4),
                             sqlite3_column_int(q, 5) != 0, sqlite3_column_int64(q, 6)});
        });
  }
  if (st.ok()) {
    st = Query("SELECT exam_id, user_id, extra_ms FROM extra_time", [&](sqlite3_stmt* q) {
      s.extra_times.push_back({Text(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2)});
    });
  }
  if (st.ok()) {
    st = Query(
        "SELECT id, exam_id, user_id, seed, started_ms, deadline_ms, submitted, submitted_ms, "
        "auto_submitted FROM attempts ORDER BY id",
        [&](sqlite3_stmt* q) {
          AttemptRecord a;
          a.id = sqlite3_column_int64(q, 0);
          a.exam_id = Text(q, 1);
          a.user_id = sqlite3_column_int64(q, 2);
          a.seed = static_cast<uint64_t>(sqlite3_column_int64(q, 3));
          a.started_ms = sqlite3_column_int64(q, 4);
          a.deadline_ms = sqlite3_column_int64(q, 5);
          a.status = sqlite3_column_int(q, 6) ? AttemptStatus::kSubmitted
                                              : AttemptStatus::kInProgress;
          a.submitted_ms = sqlite3_column_int64(q, 7);
          a.auto_submitted = sqlite3_column_int(q, 8) != 0;
          attempt_index[a.id] = s.attempts.size();
          s.attempts.push_back(std::move(a));
        });
  }
  if (st.ok()) {
    st = Query("SELECT attempt_id, question_id, seq, value_json, saved_at_ms FROM answers",
               [&](sqlite3_stmt* q) {
                 auto it = attempt_index.find(sqlite3_column_int64(q, 0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].answers[Text(q, 1)] = AnswerRecord{
                     sqlite3_column_int64(q, 2), Text(q, 3), sqlite3_column_int64(q, 4)};
               });
  }
  if (st.ok()) {
    st = Query("SELECT attempt_id, question_id, points FROM manual_grades", [&](sqlite3_stmt* q) {
      auto it = attempt_index.find(sqlite3_column_int64(q, 0));
      if (it == attempt_index.end()) return;
      s.attempts[it->second].manual_points[Text(q, 1)] = sqlite3_column_double(q, 2);
    });
  }
  if (!st.ok()) return st.take_error();
  return s;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& data_dir) {
  auto backend = std::make_unique<SqliteBackend>();
  if (auto s = backend->Open(data_dir); !s.ok()) return s.take_error();
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace pupitre::store
