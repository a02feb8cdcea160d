// The SQLite schema's migrations (see schema.h).
#include "store/sqlite/schema.h"

namespace pupitre::store {
namespace {

// Schema migrations, applied in order; PRAGMA user_version holds how many have run.
// Never edit a shipped migration: append a new one.
const char* const kMigrationList[] = {
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
    // 3: small settings kept in the store (not in loose files); id blocks for several nodes.
    R"sql(
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE id_blocks(kind TEXT PRIMARY KEY, next INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX attempts_by_exam ON attempts(exam_id);
)sql",
    // 4: an exam's canonical form (what is loaded) beside the teacher's file and its format.
    R"sql(
ALTER TABLE exams ADD COLUMN source_format TEXT NOT NULL DEFAULT 'toml';
ALTER TABLE exams ADD COLUMN spec_json TEXT NOT NULL DEFAULT '';
)sql",
    // 5: a course's teachers: enrolled, and marked as teaching it.
    R"sql(
ALTER TABLE enrolments ADD COLUMN teaches INTEGER NOT NULL DEFAULT 0;
)sql",
    // 6: what happened to an attempt (outage compensation; the timeline's seam).
    R"sql(
CREATE TABLE attempt_events(
  attempt_id INTEGER NOT NULL, at_ms INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY(attempt_id, at_ms, kind)) WITHOUT ROWID;
)sql",
    // 7: incidents told to users, every version kept.
    R"sql(
CREATE TABLE incident_updates(
  incident_id INTEGER NOT NULL, version INTEGER NOT NULL, at_ms INTEGER NOT NULL,
  author_id INTEGER NOT NULL, severity TEXT NOT NULL, scope_kind TEXT NOT NULL,
  scope_id TEXT NOT NULL, text_en TEXT NOT NULL, text_fr TEXT NOT NULL, resolved INTEGER NOT NULL,
  PRIMARY KEY(incident_id, version)) WITHOUT ROWID;
)sql",
    // 8: "remember this device" sessions: long-lived, and rotated from their issue time.
    R"sql(
ALTER TABLE sessions ADD COLUMN remembered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN issued_ms INTEGER NOT NULL DEFAULT 0;
)sql",
    // 9: the teacher's comments on an attempt, per question and overall (question_id '').
    R"sql(
CREATE TABLE grade_comments(
  attempt_id INTEGER NOT NULL, question_id TEXT NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(attempt_id, question_id)) WITHOUT ROWID;
)sql",
    // 10: accounts an operator disabled (a row with disabled = 0: enabled again).
    R"sql(
CREATE TABLE disabled_users(user_id INTEGER PRIMARY KEY, disabled INTEGER NOT NULL);
)sql",
    // 11: the course space: sections and items (deleted ones kept, flagged), and uploads in
    // progress (their bytes are in the blob store).
    R"sql(
CREATE TABLE course_sections(id INTEGER PRIMARY KEY, course_id TEXT NOT NULL,
  position INTEGER NOT NULL, title TEXT NOT NULL, deleted INTEGER NOT NULL);
CREATE TABLE course_items(id INTEGER PRIMARY KEY, course_id TEXT NOT NULL,
  section_id INTEGER NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
  body TEXT NOT NULL, blob TEXT NOT NULL, file_name TEXT NOT NULL, content_type TEXT NOT NULL,
  size INTEGER NOT NULL, updated_ms INTEGER NOT NULL, deleted INTEGER NOT NULL);
CREATE TABLE uploads(id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, length INTEGER NOT NULL,
  file_name TEXT NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql",
    // 12: homework: rules per item, each student's hand-in (the last), grades, extra time.
    R"sql(
CREATE TABLE homeworks(item_id INTEGER PRIMARY KEY, course_id TEXT NOT NULL,
  due_ms INTEGER NOT NULL, cutoff_ms INTEGER NOT NULL, max_points REAL NOT NULL,
  max_files INTEGER NOT NULL, max_file_mb INTEGER NOT NULL, allowed TEXT NOT NULL,
  text INTEGER NOT NULL);
CREATE TABLE handins(item_id INTEGER NOT NULL, user_id INTEGER NOT NULL, version INTEGER NOT NULL,
  submitted_ms INTEGER NOT NULL, late INTEGER NOT NULL, text TEXT NOT NULL, files TEXT NOT NULL,
  PRIMARY KEY(item_id, user_id)) WITHOUT ROWID;
CREATE TABLE handin_grades(item_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
  has_points INTEGER NOT NULL, points REAL NOT NULL, comment TEXT NOT NULL,
  returned_ms INTEGER NOT NULL, PRIMARY KEY(item_id, user_id)) WITHOUT ROWID;
CREATE TABLE homework_extra(item_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
  extra_ms INTEGER NOT NULL, PRIMARY KEY(item_id, user_id)) WITHOUT ROWID;
)sql",
    // 13: announcements (a course's, or everyone's: course_id ''), and what each person read.
    R"sql(
CREATE TABLE announcements(id INTEGER PRIMARY KEY, course_id TEXT NOT NULL,
  author_id INTEGER NOT NULL, at_ms INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE announcement_reads(user_id INTEGER NOT NULL, course_id TEXT NOT NULL,
  last_id INTEGER NOT NULL, PRIMARY KEY(user_id, course_id)) WITHOUT ROWID;
)sql",
    // 14: live classes (course items of kind "live") and who joined them.
    R"sql(
CREATE TABLE live_classes(item_id INTEGER PRIMARY KEY, course_id TEXT NOT NULL,
  start_ms INTEGER NOT NULL, duration_min INTEGER NOT NULL, record INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL);
CREATE TABLE live_attendance(item_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
  first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, joins INTEGER NOT NULL,
  PRIMARY KEY(item_id, user_id)) WITHOUT ROWID;
)sql",
    // 15: a course's assistants (they grade its homework and edit nothing).
    R"sql(
ALTER TABLE enrolments ADD COLUMN assists INTEGER NOT NULL DEFAULT 0;
)sql",
    // 16: the names an identity provider's single logout gives for the sessions it opened (a
    // CAS ticket, an OpenID Connect session or subject), forgotten with their session. (A
    // session's INSERT OR REPLACE deletes no name: delete triggers are not recursive here.)
    R"sql(
CREATE TABLE sso_names(name TEXT NOT NULL, token_hash TEXT NOT NULL,
  PRIMARY KEY(name, token_hash)) WITHOUT ROWID;
CREATE INDEX sso_names_by_session ON sso_names(token_hash);
CREATE TRIGGER sessions_forget_sso_names AFTER DELETE ON sessions BEGIN
  DELETE FROM sso_names WHERE token_hash = OLD.token_hash;
END;
)sql",
};

}  // namespace

const std::span<const char* const> kMigrations(kMigrationList);

}  // namespace pupitre::store
