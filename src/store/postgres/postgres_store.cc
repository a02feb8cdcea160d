// The PostgreSQL backend (see postgres_store.h).
#include "store/postgres/postgres_store.h"

#include <fmt/format.h>

#include <charconv>
#include <set>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "store/op_fields.h"
#include "store/postgres/pg_changes.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_leases.h"
#include "store/postgres/pg_schema.h"

namespace pupitre::store {
namespace {

// One kind of write's statement. An insert is `head` + one "($1, ...)" per row + `tail`, so a
// run of writes of that kind goes as one statement; its first `keys` values are its conflict key.
// Anything else (an update, a delete) is `head` alone, one write at a time.
struct PgStatement {
  std::string head;
  std::string tail;
  size_t keys = 0;
  bool insert = false;
};

PgStatement Insert(std::string_view table, std::initializer_list<std::string_view> cols,
                   size_t keys, std::string_view on_conflict) {
  PgStatement s;
  s.head = fmt::format("INSERT INTO {}({}) VALUES", table, fmt::join(cols, ", "));
  s.tail = on_conflict;
  s.keys = keys;
  s.insert = true;
  return s;
}

// An insert that replaces the row with the same key (SQLite's INSERT OR REPLACE).
PgStatement Upsert(std::string_view table, std::initializer_list<std::string_view> cols,
                   size_t keys) {
  std::vector<std::string_view> all(cols);
  std::vector<std::string> key_cols(all.begin(), all.begin() + static_cast<long>(keys));
  std::vector<std::string> sets;
  for (size_t i = keys; i < all.size(); ++i) sets.push_back(fmt::format("{0} = excluded.{0}", all[i]));
  return Insert(table, cols, keys,
                fmt::format(" ON CONFLICT({}) DO UPDATE SET {}", fmt::join(key_cols, ", "),
                            fmt::join(sets, ", ")));
}

PgStatement Plain(std::string sql) { return PgStatement{std::move(sql), "", 0, false}; }

// One statement per kind of write, in WriteOp's order; values in FieldsOf's order.
std::vector<PgStatement> Statements() {
  std::vector<PgStatement> s(kWriteKinds);
  auto at = [&](auto op) -> PgStatement& { return s[KindOf<decltype(op)>::value]; };
  // A plain insert: two processes picking the same id fail loudly instead of overwriting.
  at(op::PutUser{}) = Insert("users", {"id", "login", "display_name", "role", "password_hash"}, 1, "");
  at(op::SetPassword{}) = Plain("UPDATE users SET password_hash = $2 WHERE id = $1");
  at(op::SetDisabled{}) = Upsert("disabled_users", {"user_id", "disabled"}, 1);
  at(op::PutSession{}) = Upsert("sessions", {"token_hash", "user_id", "csrf_token", "expires_ms",
                                             "remembered", "issued_ms"}, 1);
  at(op::DeleteSession{}) = Plain(
      "WITH names AS (DELETE FROM sso_names WHERE token_hash = $1) "
      "DELETE FROM sessions WHERE token_hash = $1");
  // A session that has ended already is not named (another node may have ended it).
  at(op::NameSession{}) = Plain(
      "INSERT INTO sso_names(name, token_hash) SELECT $1, $2 "
      "WHERE EXISTS (SELECT 1 FROM sessions WHERE token_hash = $2) ON CONFLICT DO NOTHING");
  at(op::PutCourse{}) = Upsert("courses", {"id", "title", "description"}, 1);
  at(op::PutEnrolment{}) = Upsert("enrolments", {"course_id", "user_id", "teaches", "assists"}, 2);
  at(op::PutExam{}) = Upsert("exams", {"id", "source_toml", "owner_id", "published",
                                       "published_ms", "results_released", "closes_override_ms",
                                       "source_format", "spec_json"}, 1);
  at(op::PutExtraTime{}) = Upsert("extra_time", {"exam_id", "user_id", "extra_ms"}, 2);
  // Replayed (the same id): one attempt. Another attempt of the same student and exam (two
  // nodes believing they hold the exam) fails loudly instead of vanishing.
  at(op::CreateAttempt{}) = Insert("attempts", {"id", "exam_id", "user_id", "seed", "started_ms",
                                                "deadline_ms"}, 1, " ON CONFLICT(id) DO NOTHING");
  // The newer sequence number wins.
  at(op::SaveAnswer{}) = Insert(
      "answers", {"attempt_id", "question_id", "seq", "value_json", "saved_at_ms"}, 2,
      " ON CONFLICT(attempt_id, question_id) DO UPDATE SET seq = excluded.seq, "
      "value_json = excluded.value_json, saved_at_ms = excluded.saved_at_ms "
      "WHERE excluded.seq > answers.seq");
  at(op::SubmitAttempt{}) = Plain(
      "UPDATE attempts SET submitted = 1, submitted_ms = $2, auto_submitted = $3 "
      "WHERE id = $1 AND submitted = 0");
  at(op::SetManualGrade{}) = Upsert("manual_grades", {"attempt_id", "question_id", "points"}, 2);
  at(op::SetGradeComment{}) = Upsert("grade_comments", {"attempt_id", "question_id", "text"}, 2);
  at(op::SetDeadline{}) = Plain("UPDATE attempts SET deadline_ms = $2 WHERE id = $1");
  at(op::AddAttemptEvent{}) = Upsert("attempt_events", {"attempt_id", "at_ms", "kind", "data"}, 3);
  at(op::AddIncidentUpdate{}) = Upsert(
      "incident_updates", {"incident_id", "version", "at_ms", "author_id", "severity",
                           "scope_kind", "scope_id", "text_en", "text_fr", "resolved"}, 2);
  at(op::PutSetting{}) = Upsert("settings", {"key", "value"}, 1);
  at(op::DeleteSetting{}) = Plain("DELETE FROM settings WHERE key = $1");
  at(op::AddSetting{}) = Insert("settings", {"key", "value"}, 1, " ON CONFLICT(key) DO NOTHING");
  at(op::PutSection{}) = Upsert("course_sections", {"id", "course_id", "position", "title",
                                                    "deleted"}, 1);
  at(op::PutItem{}) = Upsert("course_items", {"id", "course_id", "section_id", "position", "kind",
                                              "title", "body", "blob", "file_name",
                                              "content_type", "size", "updated_ms", "deleted"}, 1);
  at(op::PutUpload{}) = Upsert("uploads", {"id", "user_id", "length", "file_name", "created_ms"}, 1);
  at(op::DeleteUpload{}) = Plain("DELETE FROM uploads WHERE id = $1");
  at(op::PutHomework{}) = Upsert("homeworks", {"item_id", "course_id", "due_ms", "cutoff_ms",
                                               "max_points", "max_files", "max_file_mb",
                                               "allowed", "text"}, 1);
  at(op::PutHandin{}) = Upsert("handins", {"item_id", "user_id", "version", "submitted_ms", "late",
                                           "text", "files"}, 2);
  at(op::PutHandinGrade{}) = Upsert("handin_grades", {"item_id", "user_id", "has_points",
                                                      "points", "comment", "returned_ms"}, 2);
  at(op::PutHomeworkExtra{}) = Upsert("homework_extra", {"item_id", "user_id", "extra_ms"}, 2);
  at(op::PutAnnouncement{}) = Upsert("announcements", {"id", "course_id", "author_id", "at_ms",
                                                       "title", "body"}, 1);
  // Read markers only move forward.
  at(op::PutAnnouncementRead{}) = Insert(
      "announcement_reads", {"user_id", "course_id", "last_id"}, 2,
      " ON CONFLICT(user_id, course_id) DO UPDATE SET "
      "last_id = GREATEST(announcement_reads.last_id, excluded.last_id)");
  at(op::PutLiveClass{}) = Upsert("live_classes", {"item_id", "course_id", "start_ms",
                                                   "duration_min", "record", "ended_ms"}, 1);
  at(op::PutLiveAttendance{}) = Upsert("live_attendance", {"item_id", "user_id", "first_ms",
                                                           "last_ms", "joins"}, 2);
  return s;
}

// At most this many values in one statement (PostgreSQL's limit is 65,535) and rows in one.
constexpr size_t kMaxValues = 30'000;
constexpr size_t kMaxRows = 1'000;

class PgBackend final : public Backend {
 public:
  explicit PgBackend(const std::string& conninfo)
      : statements_(Statements()),
        writer_(conninfo),
        reader_(conninfo),
        alloc_(conninfo),
        leases_(conninfo),
        changes_(conninfo) {}

  Status Open() {
    for (size_t i = 0; i < kWriteKinds; ++i) {
      if (i != KindOf<op::Barrier>::value && statements_[i].head.empty()) {
        return Error::Internal(fmt::format("postgresql: no statement for write {}", i));
      }
    }
    return Migrate();
  }

  Status ApplyBatch(std::span<const WriteOp> ops) override {
    if (auto r = writer_.Exec("BEGIN"); !r.ok()) return r.take_error();
    Status s = leases_.fence().empty() ? OkStatus() : CheckFence(writer_, ops, leases_.fence());
    if (s.ok()) s = ApplyAll(ops);
    if (s.ok()) {
      // What other nodes must read again, logged in the same transaction.
      changed_.clear();
      for (const WriteOp& op : ops) ChangesOf(op, changed_);
      Dedupe(changed_);
      if (!changed_.empty()) s = LogChanges(writer_, changed_);
    }
    if (s.ok()) {
      if (auto r = writer_.Exec("COMMIT"); !r.ok()) s = r.take_error();
    }
    if (!s.ok()) (void)writer_.Exec("ROLLBACK");  // the error that matters is s
    return s;
  }

  Result<Snapshot> Load(const Scope& scope) override {
    MutexLock lock(read_mu_);
    return ReadSnapshot(reader_, scope);
  }
  Result<std::optional<UserRecord>> FindUserByLogin(const std::string& login) override {
    MutexLock lock(read_mu_);
    return ReadUserByLogin(reader_, login);
  }
  Result<std::optional<SessionRecord>> FindSession(const std::string& token_hash) override {
    MutexLock lock(read_mu_);
    return ReadSessionByHash(reader_, token_hash);
  }
  Result<std::vector<std::string>> FindNamedSessions(const std::string& name,
                                                     size_t limit) override {
    MutexLock lock(read_mu_);
    return ReadNamedSessions(reader_, name, limit);
  }
  Result<std::optional<std::string>> GetSetting(const std::string& key) override {
    MutexLock lock(read_mu_);
    return ReadSetting(reader_, key);
  }
  Result<std::vector<AttemptEvent>> LoadAttemptEvents(int64_t attempt_id) override {
    MutexLock lock(read_mu_);
    return ReadAttemptEvents(reader_, attempt_id);
  }
  Result<Changed> ReadChanged(std::span<const ChangeKey> keys) override {
    MutexLock lock(read_mu_);
    return store::ReadChanged(reader_, keys);
  }

  Leases* leases() override { return &leases_; }
  ChangeLog* change_log() override { return &changes_; }

  Result<int64_t> AllocateIds(std::string_view kind, int64_t count) override {
    const char* first_id = FirstIdOf(kind);
    if (!first_id || count < 1) {
      return Error::Internal(fmt::format("AllocateIds: bad kind '{}' or count {}", kind, count));
    }
    MutexLock lock(alloc_mu_);
    const std::vector<std::string> params{std::string(kind), std::to_string(count)};
    auto begun = alloc_.Exec("BEGIN");
    if (!begun.ok()) return begun.take_error();
    // The first block starts after the largest id stored; the row's lock orders the nodes.
    auto seeded = alloc_.Exec(
        fmt::format("INSERT INTO id_blocks(kind, next) SELECT $1, {} "
                    "ON CONFLICT(kind) DO NOTHING", first_id),
        {params[0]});
    Result<PgResult> bumped = seeded.ok()
        ? alloc_.Exec("UPDATE id_blocks SET next = next + $2::bigint WHERE kind = $1 "
                      "RETURNING next - $2::bigint", params)
        : Result<PgResult>(seeded.take_error());
    if (bumped.ok() && PQntuples(bumped->get()) == 1) {
      const int64_t first = std::strtoll(PQgetvalue(bumped->get(), 0, 0), nullptr, 10);
      if (auto done = alloc_.Exec("COMMIT"); !done.ok()) return done.take_error();
      return first;
    }
    (void)alloc_.Exec("ROLLBACK");  // the error that matters is bumped's
    if (!bumped.ok()) return bumped.take_error();
    return Error::Internal("postgresql: id_blocks has no row after seeding it");
  }

 private:
  Status Migrate() {
    // One node migrates at a time; the others find it done.
    Status s = writer_.Script(
        "BEGIN; SELECT pg_advisory_xact_lock(7170700);"
        "CREATE TABLE IF NOT EXISTS pupitre_schema(version INT NOT NULL);"
        "INSERT INTO pupitre_schema SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM pupitre_schema);");
    if (!s.ok()) return s;
    auto version = writer_.Exec("SELECT version FROM pupitre_schema");
    if (!version.ok()) {
      (void)writer_.Exec("ROLLBACK");
      return version.take_error();
    }
    const int have = std::atoi(PQgetvalue(version->get(), 0, 0));
    const int target = static_cast<int>(kPgMigrations.size());
    if (have > target) {
      (void)writer_.Exec("ROLLBACK");
      return Error::Internal(fmt::format(
          "store schema version {} is newer than this program knows ({})", have, target));
    }
    for (int v = have; v < target; ++v) {
      if (s = writer_.Script(kPgMigrations[v]); !s.ok()) break;
    }
    if (s.ok()) {
      auto r = writer_.Exec("UPDATE pupitre_schema SET version = $1", {std::to_string(target)});
      if (!r.ok()) s = r.take_error();
    }
    if (s.ok()) {
      if (auto r = writer_.Exec("COMMIT"); !r.ok()) s = r.take_error();
    }
    if (!s.ok()) (void)writer_.Exec("ROLLBACK");  // the error that matters is s
    return s;
  }

  // Applies the batch in order: a run of inserts of one kind goes as multi-row statements, cut
  // where a key comes again (so that a later write still lands after an earlier one, as it
  // would alone); updates and deletes go one by one.
  Status ApplyAll(std::span<const WriteOp> ops) {
    size_t i = 0;
    while (i < ops.size()) {
      const size_t kind = ops[i].index();
      if (kind == KindOf<op::Barrier>::value) {
        ++i;
        continue;
      }
      const PgStatement& st = statements_[kind];
      if (!st.insert) {
        if (auto s = Run(st, ops.subspan(i, 1)); !s.ok()) return s;
        ++i;
        continue;
      }
      keys_seen_.clear();
      size_t end = i;
      size_t values = 0;
      while (end < ops.size() && ops[end].index() == kind && end - i < kMaxRows) {
        const OpFields f = FieldsOf(ops[end]);
        if (values + f.count > kMaxValues) break;
        std::string key;
        for (size_t k = 0; k < st.keys; ++k) {
          AppendText(key, f.values[k]);
          key.push_back('\0');
        }
        if (!keys_seen_.insert(std::move(key)).second) break;
        values += f.count;
        ++end;
      }
      if (auto s = Run(st, ops.subspan(i, end - i)); !s.ok()) return s;
      i = end;
    }
    return OkStatus();
  }

  static void AppendText(std::string& out, const Field& f) {
    if (const auto* n = std::get_if<int64_t>(&f)) {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *n);
      out.append(buf, end);
    } else if (const auto* d = std::get_if<double>(&f)) {
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);  // shortest exact form
      out.append(buf, end);
    } else {
      out.append(std::get<std::string_view>(f));
    }
  }

  // One statement for `rows` (all of one kind; more than one only for an insert).
  Status Run(const PgStatement& st, std::span<const WriteOp> rows) {
    sql_.assign(st.head);
    numbers_.clear();
    values_.clear();
    // Numbers are kept as text until the call: reserve so their addresses do not move.
    numbers_.reserve(rows.size() * OpFields::kMax);
    size_t n = 0;
    for (size_t r = 0; r < rows.size(); ++r) {
      const OpFields f = FieldsOf(rows[r]);
      if (st.insert) sql_.append(r == 0 ? " (" : ", (");
      for (size_t k = 0; k < f.count; ++k) {
        if (st.insert) fmt::format_to(std::back_inserter(sql_), "{}${}", k == 0 ? "" : ", ", ++n);
        if (const auto* text = std::get_if<std::string_view>(&f.values[k])) {
          // Text parameters end at their first NUL, and PostgreSQL's text cannot hold one:
          // refused rather than cut short.
          if (text->find('\0') != std::string_view::npos) {
            return Error::Invalid("postgresql: text with a NUL character cannot be stored");
          }
          values_.push_back(text->data());  // a whole std::string's: NUL-terminated
        } else {
          numbers_.emplace_back();
          AppendText(numbers_.back(), f.values[k]);
          values_.push_back(numbers_.back().c_str());
        }
      }
      if (st.insert) sql_.push_back(')');
    }
    sql_.append(st.tail);
    auto r = writer_.ExecRaw(sql_.c_str(), static_cast<int>(values_.size()), values_.data(),
                             nullptr);
    if (!r.ok()) return r.take_error();
    return OkStatus();
  }

  const std::vector<PgStatement> statements_;
  // The writer's connection and buffers: ApplyBatch runs on one thread at a time.
  PgConnection writer_;
  std::string sql_;
  std::vector<std::string> numbers_;
  std::vector<const char*> values_;
  std::set<std::string> keys_seen_;
  std::vector<ChangeKey> changed_;
  Mutex read_mu_;
  PgConnection reader_ GUARDED_BY(read_mu_);
  Mutex alloc_mu_;
  PgConnection alloc_ GUARDED_BY(alloc_mu_);
  PgLeases leases_;
  PgChangeLog changes_;
};

}  // namespace

int LatestPgSchemaVersion() { return static_cast<int>(kPgMigrations.size()); }

Result<std::unique_ptr<Backend>> OpenPostgres(const std::string& conninfo) {
  auto backend = std::make_unique<PgBackend>(conninfo);
  if (auto s = backend->Open(); !s.ok()) return s.take_error();
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace pupitre::store
