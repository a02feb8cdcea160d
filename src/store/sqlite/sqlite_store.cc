// The SQLite backend: WAL journal, synchronous=FULL (a commit is fsynced), versioned migrations,
// prepared statements reused across batches, one per kind of write (store/op_fields.h).
#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "store/op_fields.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_read.h"
#include "store/sqlite/sqlite_store.h"

namespace pupitre::store {
namespace {

// One statement per kind of write, in WriteOp's order; parameters in FieldsOf's order.
const char* const kStmtSql[kWriteKinds] = {
    // A plain insert: two processes picking the same id fail loudly instead of overwriting.
    "INSERT INTO users(id, login, display_name, role, password_hash) VALUES(?,?,?,?,?)",
    "UPDATE users SET password_hash=?2 WHERE id=?1",
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
    "UPDATE attempts SET submitted=1, submitted_ms=?2, auto_submitted=?3 "
    "WHERE id=?1 AND submitted=0",
    "INSERT OR REPLACE INTO manual_grades(attempt_id, question_id, points) VALUES(?,?,?)",
    // An empty text is no comment (it is not loaded).
    "INSERT OR REPLACE INTO grade_comments(attempt_id, question_id, text) VALUES(?,?,?)",
    "UPDATE attempts SET deadline_ms=?2 WHERE id=?1",
    "INSERT OR REPLACE INTO attempt_events(attempt_id, at_ms, kind, data) VALUES(?,?,?,?)",
    "INSERT OR REPLACE INTO incident_updates(incident_id, version, at_ms, author_id, severity, "
    "scope_kind, scope_id, text_en, text_fr, resolved) VALUES(?,?,?,?,?,?,?,?,?,?)",
    "INSERT OR REPLACE INTO settings(key, value) VALUES(?,?)",
    "DELETE FROM settings WHERE key = ?",
    "INSERT OR IGNORE INTO settings(key, value) VALUES(?,?)",
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
    // A session that has ended already is not named (sso_names go with their session).
    "INSERT OR IGNORE INTO sso_names(name, token_hash) SELECT ?1, ?2 "
    "WHERE EXISTS(SELECT 1 FROM sessions WHERE token_hash = ?2)",
    nullptr,  // Barrier: writes nothing
};

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
    for (size_t i = 0; i < kWriteKinds; ++i) {
      if (i == KindOf<op::Barrier>::value) continue;
      if (!kStmtSql[i]) return Error::Internal(fmt::format("sqlite: no statement for write {}", i));
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
    reader_ = SqliteReader(read_db_);
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
      Status s = Apply(op);
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
    std::lock_guard lock(read_mu_);
    return ReadUserByLogin(reader_, login);
  }
  Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) override {
    std::lock_guard lock(read_mu_);
    return ReadSessionByHash(reader_, token_hash);
  }
  Result<std::vector<std::string>> FindNamedSessions(const std::string& name,
                                                     size_t limit) override {
    std::lock_guard lock(read_mu_);
    return ReadNamedSessions(reader_, name, limit);
  }
  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    std::lock_guard lock(read_mu_);
    return ReadSetting(reader_, key);
  }
  Result<std::vector<AttemptEvent>> LoadAttemptEvents(int64_t attempt_id) override {
    std::lock_guard lock(read_mu_);
    return ReadAttemptEvents(reader_, attempt_id);
  }
  Result<Changed> ReadChanged(std::span<const ChangeKey> keys) override {
    std::lock_guard lock(read_mu_);
    return store::ReadChanged(reader_, keys);
  }

  Result<int64_t> AllocateIds(std::string_view kind, int64_t count) override {
    const char* first_id = FirstIdOf(kind);
    if (!first_id || count < 1) {
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
        "INSERT OR IGNORE INTO id_blocks(kind, next) SELECT ?, {}", first_id);
    int64_t first = 0;
    SqliteReader alloc(alloc_db_);
    Status st = alloc.Query(seed.c_str(), kind_text, [](const SqlRow&) {});
    if (st.ok()) {
      st = alloc.Query("SELECT next FROM id_blocks WHERE kind = ?", kind_text,
                       [&](const SqlRow& q) { first = q.Int(0); });
    }
    if (st.ok()) {
      const std::string bump =
          fmt::format("UPDATE id_blocks SET next = next + {} WHERE kind = ?", count);
      st = alloc.Query(bump.c_str(), kind_text, [](const SqlRow&) {});
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

  // Binds the write's values to its kind's statement and runs it.
  Status Apply(const WriteOp& op) {
    sqlite3_stmt* st = stmts_[op.index()];
    if (!st) return OkStatus();  // a Barrier
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    const OpFields f = FieldsOf(op);
    for (size_t i = 0; i < f.count; ++i) {
      const int at = static_cast<int>(i + 1);
      if (const auto* n = std::get_if<int64_t>(&f.values[i])) {
        sqlite3_bind_int64(st, at, *n);
      } else if (const auto* d = std::get_if<double>(&f.values[i])) {
        sqlite3_bind_double(st, at, *d);
      } else {
        const auto text = std::get<std::string_view>(f.values[i]);
        sqlite3_bind_text(st, at, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
      }
    }
    const int rc = sqlite3_step(st);
    Status out = OkStatus();
    if (rc != SQLITE_DONE) out = Fail(db_, sqlite3_sql(st));
    sqlite3_reset(st);
    return out;
  }

  sqlite3* db_ = nullptr;
  sqlite3* read_db_ = nullptr;
  SqliteReader reader_{nullptr};  // on read_db_, under read_mu_
  std::mutex read_mu_;
  sqlite3* alloc_db_ = nullptr;
  std::mutex alloc_mu_;
  sqlite3_stmt* stmts_[kWriteKinds] = {};
};

Result<Snapshot> SqliteBackend::Load(const Scope& scope) {
  std::lock_guard lock(read_mu_);
  return ReadSnapshot(reader_, scope);
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& data_dir) {
  auto backend = std::make_unique<SqliteBackend>();
  if (auto s = backend->Open(data_dir); !s.ok()) return s.take_error();
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace pupitre::store
