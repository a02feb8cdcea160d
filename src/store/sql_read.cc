// The SQL store's reads, shared by its backends (see sql_read.h): the snapshot (every table, or
// an exam's scope, in one read transaction) and the look-ups of one row.
#include "store/sql_read.h"

#include <map>

namespace pupitre::store {

const char* FirstIdOf(std::string_view kind) {
  if (kind == "user") return "COALESCE(MAX(id), 0) + 1 FROM users";
  if (kind == "attempt") return "COALESCE(MAX(id), 0) + 1 FROM attempts";
  if (kind == "section") return "COALESCE(MAX(id), 0) + 1 FROM course_sections";
  if (kind == "item") return "COALESCE(MAX(id), 0) + 1 FROM course_items";
  if (kind == "announcement") return "COALESCE(MAX(id), 0) + 1 FROM announcements";
  if (kind == "incident") return "COALESCE(MAX(incident_id), 0) + 1 FROM incident_updates";
  return nullptr;
}

UserRecord ReadUser(const SqlRow& q) {
  return UserRecord{q.Int(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4)};
}

SessionRecord ReadSession(const SqlRow& q) {
  return SessionRecord{q.Text(0), q.Int(1), q.Text(2), q.Int(3), q.Bool(4), q.Int(5)};
}

Result<std::optional<UserRecord>> ReadUserByLogin(SqlReader& db, const std::string& login) {
  std::optional<UserRecord> out;
  Status st = db.Query(
      "SELECT id, login, display_name, role, password_hash FROM users WHERE login = $1", login,
      [&](const SqlRow& q) { out = ReadUser(q); });
  if (!st.ok()) return st.take_error();
  return out;
}

Result<std::optional<SessionRecord>> ReadSessionByHash(SqlReader& db,
                                                       const std::string& token_hash) {
  std::optional<SessionRecord> out;
  Status st = db.Query(
      "SELECT token_hash, user_id, csrf_token, expires_ms, remembered, issued_ms "
      "FROM sessions WHERE token_hash = $1",
      token_hash, [&](const SqlRow& q) { out = ReadSession(q); });
  if (!st.ok()) return st.take_error();
  return out;
}

Result<std::optional<std::string>> ReadSetting(SqlReader& db, const std::string& key) {
  std::optional<std::string> out;
  Status st = db.Query("SELECT value FROM settings WHERE key = $1", key,
                       [&](const SqlRow& q) { out = q.Text(0); });
  if (!st.ok()) return st.take_error();
  return out;
}

Result<std::vector<AttemptEvent>> ReadAttemptEvents(SqlReader& db, int64_t attempt_id) {
  std::vector<AttemptEvent> out;
  Status st = db.Query(
      "SELECT at_ms, kind, data FROM attempt_events WHERE attempt_id = CAST($1 AS BIGINT) "
      "ORDER BY at_ms, kind",
      std::to_string(attempt_id),
      [&](const SqlRow& q) { out.push_back({q.Int(0), q.Text(1), q.Text(2)}); });
  if (!st.ok()) return st.take_error();
  return out;
}

Result<Snapshot> ReadSnapshot(SqlReader& db, const Scope& scope) {
  Snapshot s;
  std::map<int64_t, size_t> attempt_index;
  const bool all = scope.all();
  const std::string& exam = scope.exam_id;
  // One read transaction: every table as of the same commit.
  if (Status begun = db.BeginRead(); !begun.ok()) return begun.take_error();
  Status st = OkStatus();
  if (all) {
    st = db.Query("SELECT id, login, display_name, role, password_hash FROM users ORDER BY id",
               "", [&](const SqlRow& q) { s.users.push_back(ReadUser(q)); });
    if (st.ok()) {
      st = db.Query("SELECT token_hash, user_id, csrf_token, expires_ms, remembered, issued_ms "
                 "FROM sessions", "",
                 [&](const SqlRow& q) { s.sessions.push_back(ReadSession(q)); });
    }
    if (st.ok()) {
      st = db.Query("SELECT user_id FROM disabled_users WHERE disabled = 1 ORDER BY user_id",
                 "", [&](const SqlRow& q) { s.disabled_users.push_back(q.Int(0)); });
    }
    if (st.ok()) {
      st = db.Query("SELECT id, course_id, position, title, deleted FROM course_sections ORDER BY id",
                 "", [&](const SqlRow& q) {
                   s.sections.push_back({q.Int(0), q.Text(1),
                                         q.Int(2), q.Text(3),
                                         q.Bool(4)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT id, course_id, section_id, position, kind, title, body, blob, file_name, "
                 "content_type, size, updated_ms, deleted FROM course_items ORDER BY id",
                 "", [&](const SqlRow& q) {
                   s.items.push_back({q.Int(0), q.Text(1),
                                      q.Int(2), q.Int(3),
                                      q.Text(4), q.Text(5), q.Text(6), q.Text(7), q.Text(8),
                                      q.Text(9), q.Int(10),
                                      q.Int(11), q.Bool(12)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT id, user_id, length, file_name, created_ms FROM uploads ORDER BY id", "",
                 [&](const SqlRow& q) {
                   s.uploads.push_back({q.Text(0), q.Int(1),
                                        q.Int(2), q.Text(3),
                                        q.Int(4)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT item_id, course_id, due_ms, cutoff_ms, max_points, max_files, "
                 "max_file_mb, allowed, text FROM homeworks ORDER BY item_id",
                 "", [&](const SqlRow& q) {
                   s.homeworks.push_back({q.Int(0), q.Text(1),
                                          q.Int(2), q.Int(3),
                                          q.Real(4), q.Int(5),
                                          q.Int(6), q.Text(7),
                                          q.Bool(8)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT item_id, user_id, version, submitted_ms, late, text, files FROM handins",
                 "", [&](const SqlRow& q) {
                   s.handins.push_back({q.Int(0), q.Int(1),
                                        q.Int(2), q.Int(3),
                                        q.Bool(4), q.Text(5), q.Text(6)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT item_id, user_id, has_points, points, comment, returned_ms "
                 "FROM handin_grades",
                 "", [&](const SqlRow& q) {
                   s.handin_grades.push_back({q.Int(0),
                                              q.Int(1),
                                              q.Bool(2),
                                              q.Real(3), q.Text(4),
                                              q.Int(5)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT item_id, user_id, extra_ms FROM homework_extra", "",
                 [&](const SqlRow& q) {
                   s.homework_extras.push_back({q.Int(0),
                                                q.Int(1),
                                                q.Int(2)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT id, course_id, author_id, at_ms, title, body FROM announcements "
                 "ORDER BY id",
                 "", [&](const SqlRow& q) {
                   s.announcements.push_back({q.Int(0), q.Text(1),
                                              q.Int(2),
                                              q.Int(3), q.Text(4), q.Text(5)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT user_id, course_id, last_id FROM announcement_reads", "",
                 [&](const SqlRow& q) {
                   s.announcement_reads.push_back({q.Int(0), q.Text(1),
                                                   q.Int(2)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT item_id, course_id, start_ms, duration_min, record, ended_ms "
                 "FROM live_classes ORDER BY item_id",
                 "", [&](const SqlRow& q) {
                   s.live_classes.push_back({q.Int(0), q.Text(1),
                                             q.Int(2),
                                             q.Int(3),
                                             q.Bool(4),
                                             q.Int(5)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT item_id, user_id, first_ms, last_ms, joins FROM live_attendance "
                 "ORDER BY item_id, user_id",
                 "", [&](const SqlRow& q) {
                   s.live_attendance.push_back(
                       {q.Int(0), q.Int(1),
                        q.Int(2), q.Int(3),
                        q.Int(4)});
                 });
    }
    if (st.ok()) {
      st = db.Query("SELECT key, value FROM settings", "",
                 [&](const SqlRow& q) { s.settings[q.Text(0)] = q.Text(1); });
    }
    if (st.ok()) {
      st = db.Query("SELECT incident_id, version, at_ms, author_id, severity, scope_kind, scope_id, "
                 "text_en, text_fr, resolved FROM incident_updates ORDER BY incident_id, version",
                 "", [&](const SqlRow& q) {
                   s.incident_updates.push_back(
                       {q.Int(0), q.Int(1),
                        q.Int(2), q.Int(3), q.Text(4),
                        q.Text(5), q.Text(6), q.Text(7), q.Text(8),
                        q.Bool(9)});
                 });
    }
  }
  if (st.ok()) {
    // Courses and enrolments are read whole in any scope: which course an exam belongs to
    // is in its file, which the store does not read.
    st = db.Query("SELECT id, title, description FROM courses ORDER BY id", "",
               [&](const SqlRow& q) { s.courses.push_back({q.Text(0), q.Text(1), q.Text(2)}); });
  }
  if (st.ok()) {
    st = db.Query("SELECT course_id, user_id, teaches, assists FROM enrolments", "", [&](const SqlRow& q) {
      s.enrolments.push_back({q.Text(0), q.Int(1), q.Bool(2),
                              q.Bool(3)});
    });
  }
  if (st.ok()) {
    st = db.Query("SELECT id, source_toml, owner_id, published, published_ms, results_released, "
               "closes_override_ms, source_format, spec_json FROM exams "
               "WHERE $1 = '' OR id = $1 ORDER BY id",
               exam, [&](const SqlRow& q) {
                 s.exams.push_back({q.Text(0), q.Text(1), q.Int(2),
                                    q.Bool(3), q.Int(4),
                                    q.Bool(5), q.Int(6),
                                    q.Text(7), q.Text(8)});
               });
  }
  if (st.ok()) {
    st = db.Query("SELECT exam_id, user_id, extra_ms FROM extra_time WHERE $1 = '' OR exam_id = $1",
               exam, [&](const SqlRow& q) {
                 s.extra_times.push_back(
                     {q.Text(0), q.Int(1), q.Int(2)});
               });
  }
  if (st.ok()) {
    st = db.Query("SELECT id, exam_id, user_id, seed, started_ms, deadline_ms, submitted, submitted_ms, "
        "auto_submitted FROM attempts WHERE $1 = '' OR exam_id = $1 ORDER BY id",
        exam, [&](const SqlRow& q) {
          AttemptRecord a;
          a.id = q.Int(0);
          a.exam_id = q.Text(1);
          a.user_id = q.Int(2);
          a.seed = static_cast<uint64_t>(q.Int(3));
          a.started_ms = q.Int(4);
          a.deadline_ms = q.Int(5);
          a.status = q.Bool(6) ? AttemptStatus::kSubmitted
                                              : AttemptStatus::kInProgress;
          a.submitted_ms = q.Int(7);
          a.auto_submitted = q.Bool(8);
          attempt_index[a.id] = s.attempts.size();
          s.attempts.push_back(std::move(a));
        });
  }
  if (st.ok()) {
    st = db.Query("SELECT attempt_id, question_id, seq, value_json, saved_at_ms FROM answers "
               "WHERE $1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = $1)",
               exam, [&](const SqlRow& q) {
                 auto it = attempt_index.find(q.Int(0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].answers[q.Text(1)] = AnswerRecord{
                     q.Int(2), q.Text(3), q.Int(4)};
               });
  }
  if (st.ok()) {
    st = db.Query("SELECT attempt_id, question_id, points FROM manual_grades "
               "WHERE $1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = $1)",
               exam, [&](const SqlRow& q) {
                 auto it = attempt_index.find(q.Int(0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].manual_points[q.Text(1)] = q.Real(2);
               });
  }
  if (st.ok()) {
    st = db.Query("SELECT attempt_id, question_id, text FROM grade_comments WHERE text <> '' AND "
               "($1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = $1))",
               exam, [&](const SqlRow& q) {
                 auto it = attempt_index.find(q.Int(0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].comments[q.Text(1)] = q.Text(2);
               });
  }
  if (st.ok()) {
    st = db.Query("SELECT attempt_id, at_ms, kind, data FROM attempt_events "
               "WHERE $1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = $1) "
               "ORDER BY attempt_id, at_ms",
               exam, [&](const SqlRow& q) {
                 auto it = attempt_index.find(q.Int(0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].events.push_back(
                     AttemptEvent{q.Int(1), q.Text(2), q.Text(3)});
               });
  }
  db.EndRead();
  if (!st.ok()) return st.take_error();
  return s;
}

}  // namespace pupitre::store
