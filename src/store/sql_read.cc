// The SQL store's reads, shared by its backends (see sql_read.h): the snapshot (every table, or
// an exam's scope, in one read transaction) and the look-ups of one row.
#include "store/sql_read.h"

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <string_view>

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

// Each table's columns, in its record's field order, and the record read from a row.
namespace {

constexpr const char* kUsers = "SELECT id, login, display_name, role, password_hash FROM users";
constexpr const char* kSessions =
    "SELECT token_hash, user_id, csrf_token, expires_ms, remembered, issued_ms FROM sessions";
constexpr const char* kCourses = "SELECT id, title, description FROM courses";
constexpr const char* kEnrolments = "SELECT course_id, user_id, teaches, assists FROM enrolments";
constexpr const char* kExams =
    "SELECT id, source_toml, owner_id, published, published_ms, results_released, "
    "closes_override_ms, source_format, spec_json FROM exams";
constexpr const char* kSections =
    "SELECT id, course_id, position, title, deleted FROM course_sections";
constexpr const char* kItems =
    "SELECT id, course_id, section_id, position, kind, title, body, blob, file_name, "
    "content_type, size, updated_ms, deleted FROM course_items";
constexpr const char* kHomeworks =
    "SELECT item_id, course_id, due_ms, cutoff_ms, max_points, max_files, max_file_mb, "
    "allowed, text FROM homeworks";
constexpr const char* kHandins =
    "SELECT item_id, user_id, version, submitted_ms, late, text, files FROM handins";
constexpr const char* kHandinGrades =
    "SELECT item_id, user_id, has_points, points, comment, returned_ms FROM handin_grades";
constexpr const char* kHomeworkExtras = "SELECT item_id, user_id, extra_ms FROM homework_extra";
constexpr const char* kAnnouncements =
    "SELECT id, course_id, author_id, at_ms, title, body FROM announcements";
constexpr const char* kReads = "SELECT user_id, course_id, last_id FROM announcement_reads";
constexpr const char* kLiveClasses =
    "SELECT item_id, course_id, start_ms, duration_min, record, ended_ms FROM live_classes";
constexpr const char* kAttendance =
    "SELECT item_id, user_id, first_ms, last_ms, joins FROM live_attendance";
constexpr const char* kIncidents =
    "SELECT incident_id, version, at_ms, author_id, severity, scope_kind, scope_id, text_en, "
    "text_fr, resolved FROM incident_updates";

CourseRecord ReadCourse(const SqlRow& q) { return {q.Text(0), q.Text(1), q.Text(2)}; }
EnrolmentRecord ReadEnrolment(const SqlRow& q) {
  return {q.Text(0), q.Int(1), q.Bool(2), q.Bool(3)};
}
ExamRecord ReadExam(const SqlRow& q) {
  return {q.Text(0), q.Text(1), q.Int(2), q.Bool(3), q.Int(4),
          q.Bool(5), q.Int(6),  q.Text(7), q.Text(8)};
}
SectionRecord ReadSection(const SqlRow& q) {
  return {q.Int(0), q.Text(1), q.Int(2), q.Text(3), q.Bool(4)};
}
ItemRecord ReadItem(const SqlRow& q) {
  return {q.Int(0),  q.Text(1), q.Int(2),  q.Int(3),  q.Text(4),  q.Text(5), q.Text(6),
          q.Text(7), q.Text(8), q.Text(9), q.Int(10), q.Int(11), q.Bool(12)};
}
HomeworkRecord ReadHomework(const SqlRow& q) {
  return {q.Int(0), q.Text(1), q.Int(2), q.Int(3), q.Real(4),
          q.Int(5), q.Int(6),  q.Text(7), q.Bool(8)};
}
HandinRecord ReadHandin(const SqlRow& q) {
  return {q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Bool(4), q.Text(5), q.Text(6)};
}
HandinGradeRecord ReadHandinGrade(const SqlRow& q) {
  return {q.Int(0), q.Int(1), q.Bool(2), q.Real(3), q.Text(4), q.Int(5)};
}
HomeworkExtraRecord ReadHomeworkExtra(const SqlRow& q) { return {q.Int(0), q.Int(1), q.Int(2)}; }
AnnouncementRecord ReadAnnouncement(const SqlRow& q) {
  return {q.Int(0), q.Text(1), q.Int(2), q.Int(3), q.Text(4), q.Text(5)};
}
AnnouncementReadRecord ReadRead(const SqlRow& q) { return {q.Int(0), q.Text(1), q.Int(2)}; }
LiveClassRecord ReadLiveClass(const SqlRow& q) {
  return {q.Int(0), q.Text(1), q.Int(2), q.Int(3), q.Bool(4), q.Int(5)};
}
LiveAttendanceRecord ReadAttendance(const SqlRow& q) {
  return {q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Int(4)};
}
IncidentUpdate ReadIncident(const SqlRow& q) {
  return {q.Int(0),  q.Int(1),  q.Int(2),  q.Int(3),  q.Text(4),
          q.Text(5), q.Text(6), q.Text(7), q.Text(8), q.Bool(9)};
}

// Appends the record of every row of `select` + `rest` ($1 bound to `param`) to `out`.
template <class Rec>
Status Append(SqlReader& db, const char* select, std::string_view rest, const std::string& param,
              std::vector<Rec>& out, Rec (*read)(const SqlRow&)) {
  const std::string sql = std::string(select) + " " + std::string(rest);
  return db.Query(sql.c_str(), param, [&](const SqlRow& q) { out.push_back(read(q)); });
}

}  // namespace

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

Result<std::vector<std::string>> ReadNamedSessions(SqlReader& db, const std::string& name,
                                                  size_t limit) {
  std::vector<std::string> out;
  // The join drops a name whose session another node ended as this one named it.
  const std::string sql = fmt::format(
      "SELECT n.token_hash FROM sso_names n JOIN sessions s ON s.token_hash = n.token_hash "
      "WHERE n.name = $1 ORDER BY s.issued_ms DESC, n.token_hash LIMIT {}",
      limit);
  Status st = db.Query(sql.c_str(), name, [&](const SqlRow& q) { out.push_back(q.Text(0)); });
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
    st = Append(db, kUsers, "ORDER BY id", "", s.users, ReadUser);
    if (st.ok()) st = Append(db, kSessions, "", "", s.sessions, ReadSession);
    if (st.ok()) {
      st = db.Query("SELECT user_id FROM disabled_users WHERE disabled = 1 ORDER BY user_id",
                 "", [&](const SqlRow& q) { s.disabled_users.push_back(q.Int(0)); });
    }
    if (st.ok()) st = Append(db, kSections, "ORDER BY id", "", s.sections, ReadSection);
    if (st.ok()) st = Append(db, kItems, "ORDER BY id", "", s.items, ReadItem);
    if (st.ok()) {
      st = db.Query("SELECT id, user_id, length, file_name, created_ms FROM uploads ORDER BY id", "",
                 [&](const SqlRow& q) {
                   s.uploads.push_back({q.Text(0), q.Int(1), q.Int(2), q.Text(3), q.Int(4)});
                 });
    }
    if (st.ok()) st = Append(db, kHomeworks, "ORDER BY item_id", "", s.homeworks, ReadHomework);
    if (st.ok()) st = Append(db, kHandins, "", "", s.handins, ReadHandin);
    if (st.ok()) st = Append(db, kHandinGrades, "", "", s.handin_grades, ReadHandinGrade);
    if (st.ok()) st = Append(db, kHomeworkExtras, "", "", s.homework_extras, ReadHomeworkExtra);
    if (st.ok()) {
      st = Append(db, kAnnouncements, "ORDER BY id", "", s.announcements, ReadAnnouncement);
    }
    if (st.ok()) st = Append(db, kReads, "", "", s.announcement_reads, ReadRead);
    if (st.ok()) st = Append(db, kLiveClasses, "ORDER BY item_id", "", s.live_classes, ReadLiveClass);
    if (st.ok()) {
      st = Append(db, kAttendance, "ORDER BY item_id, user_id", "", s.live_attendance,
                  ReadAttendance);
    }
    if (st.ok()) {
      st = db.Query("SELECT key, value FROM settings", "",
                 [&](const SqlRow& q) { s.settings[q.Text(0)] = q.Text(1); });
    }
    if (st.ok()) {
      st = Append(db, kIncidents, "ORDER BY incident_id, version", "", s.incident_updates,
                  ReadIncident);
    }
  }
  if (all && st.ok()) st = Append(db, kCourses, "ORDER BY id", "", s.courses, ReadCourse);
  if (all && st.ok()) st = Append(db, kEnrolments, "", "", s.enrolments, ReadEnrolment);
  if (st.ok()) st = Append(db, kExams, "WHERE $1 = '' OR id = $1 ORDER BY id", exam, s.exams, ReadExam);
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


Result<Changed> ReadChanged(SqlReader& db, std::span<const ChangeKey> keys) {
  Changed c;
  Snapshot& s = c.now;
  constexpr const char* kById = "WHERE id = CAST($1 AS BIGINT)";
  constexpr const char* kByItem = "WHERE item_id = CAST($1 AS BIGINT)";
  if (Status begun = db.BeginRead(); !begun.ok()) return begun.take_error();
  Status st = OkStatus();
  for (const ChangeKey& k : keys) {
    if (!st.ok()) break;
    ++c.keys;
    const std::string& key = k.key;
    switch (k.kind) {
      case ChangeKind::kUser: {
        st = Append(db, kUsers, kById, key, s.users, ReadUser);
        bool disabled = false;
        if (st.ok()) {
          st = db.Query("SELECT disabled FROM disabled_users WHERE user_id = CAST($1 AS BIGINT)",
                        key, [&](const SqlRow& q) { disabled = q.Bool(0); });
        }
        c.users_disabled.emplace_back(std::strtoll(key.c_str(), nullptr, 10), disabled);
        break;
      }
      case ChangeKind::kSession: {
        bool stored = false;
        st = db.Query("SELECT 1 FROM sessions WHERE token_hash = $1", key,
                      [&](const SqlRow&) { stored = true; });
        if (st.ok() && !stored) c.ended_sessions.push_back(key);
        break;
      }
      case ChangeKind::kCourse:
        st = Append(db, kCourses, "WHERE id = $1", key, s.courses, ReadCourse);
        if (st.ok()) st = Append(db, kEnrolments, "WHERE course_id = $1", key, s.enrolments, ReadEnrolment);
        c.courses.push_back(key);
        break;
      case ChangeKind::kExam:
        st = Append(db, kExams, "WHERE id = $1", key, s.exams, ReadExam);
        break;
      case ChangeKind::kSection:
        st = Append(db, kSections, kById, key, s.sections, ReadSection);
        break;
      case ChangeKind::kItem:
        st = Append(db, kItems, kById, key, s.items, ReadItem);
        break;
      case ChangeKind::kHomework:
        st = Append(db, kHomeworks, kByItem, key, s.homeworks, ReadHomework);
        if (st.ok()) st = Append(db, kHandins, kByItem, key, s.handins, ReadHandin);
        if (st.ok()) st = Append(db, kHandinGrades, kByItem, key, s.handin_grades, ReadHandinGrade);
        if (st.ok()) {
          st = Append(db, kHomeworkExtras, kByItem, key, s.homework_extras, ReadHomeworkExtra);
        }
        break;
      case ChangeKind::kAnnouncement:
        st = Append(db, kAnnouncements, kById, key, s.announcements, ReadAnnouncement);
        break;
      case ChangeKind::kReads:
        st = Append(db, kReads, "WHERE user_id = CAST($1 AS BIGINT)", key, s.announcement_reads,
                    ReadRead);
        break;
      case ChangeKind::kLive:
        st = Append(db, kLiveClasses, kByItem, key, s.live_classes, ReadLiveClass);
        if (st.ok()) st = Append(db, kAttendance, kByItem, key, s.live_attendance, ReadAttendance);
        break;
      case ChangeKind::kIncident:
        st = Append(db, kIncidents, "WHERE incident_id = CAST($1 AS BIGINT) ORDER BY version", key,
                    s.incident_updates, ReadIncident);
        break;
      case ChangeKind::kSetting: {
        bool stored = false;
        st = db.Query("SELECT key, value FROM settings WHERE key = $1", key, [&](const SqlRow& q) {
          s.settings[q.Text(0)] = q.Text(1);
          stored = true;
        });
        if (st.ok() && !stored) c.erased_settings.push_back(key);
        break;
      }
      case ChangeKind::kUpload: {
        bool stored = false;
        st = db.Query("SELECT id, user_id, length, file_name, created_ms FROM uploads WHERE id = $1",
                      key, [&](const SqlRow& q) {
                        s.uploads.push_back({q.Text(0), q.Int(1), q.Int(2), q.Text(3), q.Int(4)});
                        stored = true;
                      });
        if (st.ok() && !stored) c.ended_uploads.push_back(key);
        break;
      }
      default:  // written by a later version: not ours to read
        --c.keys;
        break;
    }
  }
  db.EndRead();
  if (!st.ok()) return st.take_error();
  return c;
}

}  // namespace pupitre::store
