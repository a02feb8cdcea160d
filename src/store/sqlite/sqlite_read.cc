// The SQLite store's snapshot: every table (or an exam's scope) read in one transaction, at
// start-up and when a node takes an exam.
#include <map>

#include "store/sqlite/sqlite_read.h"

namespace pupitre::store {

Result<Snapshot> ReadSnapshot(sqlite3* db, const Scope& scope) {
  Snapshot s;
  std::map<int64_t, size_t> attempt_index;
  const bool all = scope.all();
  const std::string& exam = scope.exam_id;
  // One read transaction: every table as of the same commit.
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqlError(db, "BEGIN");
  }
  Status st = OkStatus();
  if (all) {
    st = Query(db, "SELECT id, login, display_name, role, password_hash FROM users ORDER BY id",
               "", [&](sqlite3_stmt* q) { s.users.push_back(ReadUser(q)); });
    if (st.ok()) {
      st = Query(db, "SELECT token_hash, user_id, csrf_token, expires_ms, remembered, issued_ms "
                 "FROM sessions", "",
                 [&](sqlite3_stmt* q) { s.sessions.push_back(ReadSession(q)); });
    }
    if (st.ok()) {
      st = Query(db, "SELECT user_id FROM disabled_users WHERE disabled = 1 ORDER BY user_id",
                 "", [&](sqlite3_stmt* q) { s.disabled_users.push_back(sqlite3_column_int64(q, 0)); });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT id, course_id, position, title, deleted FROM course_sections ORDER BY id",
                 "", [&](sqlite3_stmt* q) {
                   s.sections.push_back({sqlite3_column_int64(q, 0), Text(q, 1),
                                         sqlite3_column_int64(q, 2), Text(q, 3),
                                         sqlite3_column_int(q, 4) != 0});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT id, course_id, section_id, position, kind, title, body, blob, file_name, "
                 "content_type, size, updated_ms, deleted FROM course_items ORDER BY id",
                 "", [&](sqlite3_stmt* q) {
                   s.items.push_back({sqlite3_column_int64(q, 0), Text(q, 1),
                                      sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
                                      Text(q, 4), Text(q, 5), Text(q, 6), Text(q, 7), Text(q, 8),
                                      Text(q, 9), sqlite3_column_int64(q, 10),
                                      sqlite3_column_int64(q, 11), sqlite3_column_int(q, 12) != 0});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT id, user_id, length, file_name, created_ms FROM uploads ORDER BY id", "",
                 [&](sqlite3_stmt* q) {
                   s.uploads.push_back({Text(q, 0), sqlite3_column_int64(q, 1),
                                        sqlite3_column_int64(q, 2), Text(q, 3),
                                        sqlite3_column_int64(q, 4)});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT item_id, course_id, due_ms, cutoff_ms, max_points, max_files, "
                 "max_file_mb, allowed, text FROM homeworks ORDER BY item_id",
                 "", [&](sqlite3_stmt* q) {
                   s.homeworks.push_back({sqlite3_column_int64(q, 0), Text(q, 1),
                                          sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
                                          sqlite3_column_double(q, 4), sqlite3_column_int64(q, 5),
                                          sqlite3_column_int64(q, 6), Text(q, 7),
                                          sqlite3_column_int(q, 8) != 0});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT item_id, user_id, version, submitted_ms, late, text, files FROM handins",
                 "", [&](sqlite3_stmt* q) {
                   s.handins.push_back({sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                                        sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
                                        sqlite3_column_int(q, 4) != 0, Text(q, 5), Text(q, 6)});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT item_id, user_id, has_points, points, comment, returned_ms "
                 "FROM handin_grades",
                 "", [&](sqlite3_stmt* q) {
                   s.handin_grades.push_back({sqlite3_column_int64(q, 0),
                                              sqlite3_column_int64(q, 1),
                                              sqlite3_column_int(q, 2) != 0,
                                              sqlite3_column_double(q, 3), Text(q, 4),
                                              sqlite3_column_int64(q, 5)});
                 });
    }
    if (st.ok()) {
      st = Query(db, "SELECT item_id, user_id, extra_ms FROM homework_extra", "",
                 [&](sqlite3_stmt* q) {
                   s.homework_extras.push_back({sqlite3_column_int64(q, 0),
                                                sqlite3_column_int64(q, 1),
                                                sqlite3_column_int64(q, 2)});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT id, course_id, author_id, at_ms, title, body FROM announcements "
                 "ORDER BY id",
                 "", [&](sqlite3_stmt* q) {
                   s.announcements.push_back({sqlite3_column_int64(q, 0), Text(q, 1),
                                              sqlite3_column_int64(q, 2),
                                              sqlite3_column_int64(q, 3), Text(q, 4), Text(q, 5)});
                 });
    }
    if (st.ok()) {
      st = Query(db, "SELECT user_id, course_id, last_id FROM announcement_reads", "",
                 [&](sqlite3_stmt* q) {
                   s.announcement_reads.push_back({sqlite3_column_int64(q, 0), Text(q, 1),
                                                   sqlite3_column_int64(q, 2)});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT item_id, course_id, start_ms, duration_min, record, ended_ms "
                 "FROM live_classes ORDER BY item_id",
                 "", [&](sqlite3_stmt* q) {
                   s.live_classes.push_back({sqlite3_column_int64(q, 0), Text(q, 1),
                                             sqlite3_column_int64(q, 2),
                                             sqlite3_column_int64(q, 3),
                                             sqlite3_column_int(q, 4) != 0,
                                             sqlite3_column_int64(q, 5)});
                 });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT item_id, user_id, first_ms, last_ms, joins FROM live_attendance "
                 "ORDER BY item_id, user_id",
                 "", [&](sqlite3_stmt* q) {
                   s.live_attendance.push_back(
                       {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                        sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3),
                        sqlite3_column_int64(q, 4)});
                 });
    }
    if (st.ok()) {
      st = Query(db, "SELECT key, value FROM settings", "",
                 [&](sqlite3_stmt* q) { s.settings[Text(q, 0)] = Text(q, 1); });
    }
    if (st.ok()) {
      st = Query(db,
                 "SELECT incident_id, version, at_ms, author_id, severity, scope_kind, scope_id, "
                 "text_en, text_fr, resolved FROM incident_updates ORDER BY incident_id, version",
                 "", [&](sqlite3_stmt* q) {
                   s.incident_updates.push_back(
                       {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                        sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 3), Text(q, 4),
                        Text(q, 5), Text(q, 6), Text(q, 7), Text(q, 8),
                        sqlite3_column_int(q, 9) != 0});
                 });
    }
  }
  if (st.ok()) {
    // Courses and enrolments are read whole in any scope: which course an exam belongs to
    // is in its file, which the store does not read.
    st = Query(db, "SELECT id, title, description FROM courses ORDER BY id", "",
               [&](sqlite3_stmt* q) { s.courses.push_back({Text(q, 0), Text(q, 1), Text(q, 2)}); });
  }
  if (st.ok()) {
    st = Query(db, "SELECT course_id, user_id, teaches, assists FROM enrolments", "", [&](sqlite3_stmt* q) {
      s.enrolments.push_back({Text(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2) != 0,
                              sqlite3_column_int64(q, 3) != 0});
    });
  }
  if (st.ok()) {
    st = Query(db,
               "SELECT id, source_toml, owner_id, published, published_ms, results_released, "
               "closes_override_ms, source_format, spec_json FROM exams "
               "WHERE ?1 = '' OR id = ?1 ORDER BY id",
               exam, [&](sqlite3_stmt* q) {
                 s.exams.push_back({Text(q, 0), Text(q, 1), sqlite3_column_int64(q, 2),
                                    sqlite3_column_int(q, 3) != 0, sqlite3_column_int64(q, 4),
                                    sqlite3_column_int(q, 5) != 0, sqlite3_column_int64(q, 6),
                                    Text(q, 7), Text(q, 8)});
               });
  }
  if (st.ok()) {
    st = Query(db,
               "SELECT exam_id, user_id, extra_ms FROM extra_time WHERE ?1 = '' OR exam_id = ?1",
               exam, [&](sqlite3_stmt* q) {
                 s.extra_times.push_back(
                     {Text(q, 0), sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 2)});
               });
  }
  if (st.ok()) {
    st = Query(
        db,
        "SELECT id, exam_id, user_id, seed, started_ms, deadline_ms, submitted, submitted_ms, "
        "auto_submitted FROM attempts WHERE ?1 = '' OR exam_id = ?1 ORDER BY id",
        exam, [&](sqlite3_stmt* q) {
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
    st = Query(db,
               "SELECT attempt_id, question_id, seq, value_json, saved_at_ms FROM answers "
               "WHERE ?1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = ?1)",
               exam, [&](sqlite3_stmt* q) {
                 auto it = attempt_index.find(sqlite3_column_int64(q, 0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].answers[Text(q, 1)] = AnswerRecord{
                     sqlite3_column_int64(q, 2), Text(q, 3), sqlite3_column_int64(q, 4)};
               });
  }
  if (st.ok()) {
    st = Query(db,
               "SELECT attempt_id, question_id, points FROM manual_grades "
               "WHERE ?1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = ?1)",
               exam, [&](sqlite3_stmt* q) {
                 auto it = attempt_index.find(sqlite3_column_int64(q, 0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].manual_points[Text(q, 1)] = sqlite3_column_double(q, 2);
               });
  }
  if (st.ok()) {
    st = Query(db,
               "SELECT attempt_id, question_id, text FROM grade_comments WHERE text <> '' AND "
               "(?1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = ?1))",
               exam, [&](sqlite3_stmt* q) {
                 auto it = attempt_index.find(sqlite3_column_int64(q, 0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].comments[Text(q, 1)] = Text(q, 2);
               });
  }
  if (st.ok()) {
    st = Query(db,
               "SELECT attempt_id, at_ms, kind, data FROM attempt_events "
               "WHERE ?1 = '' OR attempt_id IN (SELECT id FROM attempts WHERE exam_id = ?1) "
               "ORDER BY attempt_id, at_ms",
               exam, [&](sqlite3_stmt* q) {
                 auto it = attempt_index.find(sqlite3_column_int64(q, 0));
                 if (it == attempt_index.end()) return;
                 s.attempts[it->second].events.push_back(
                     AttemptEvent{sqlite3_column_int64(q, 1), Text(q, 2), Text(q, 3)});
               });
  }
  (void)sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);  // a read: nothing to lose
  if (!st.ok()) return st.take_error();
  return s;
}

}  // namespace pupitre::store
