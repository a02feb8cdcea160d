// The PostgreSQL schema (see pg_schema.h). The same tables and columns as the SQLite store's,
// so that the shared reads (store/sql_read.cc) run on both: flags are SMALLINT 0/1, times are
// milliseconds in BIGINT. Text keys sort byte by byte (COLLATE "C"), as SQLite's do.
#include "store/postgres/pg_schema.h"

namespace pupitre::store {
namespace {

const char* const kMigrationList[] = {
    // 1: everything the SQLite store has at its migration 15.
    R"sql(
CREATE TABLE users(
  id BIGINT PRIMARY KEY, login TEXT COLLATE "C" NOT NULL UNIQUE, display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK(role IN ('student','teacher','admin')), password_hash TEXT NOT NULL);
CREATE TABLE sessions(
  token_hash TEXT COLLATE "C" PRIMARY KEY, user_id BIGINT NOT NULL, csrf_token TEXT NOT NULL,
  expires_ms BIGINT NOT NULL, remembered SMALLINT NOT NULL DEFAULT 0,
  issued_ms BIGINT NOT NULL DEFAULT 0);
CREATE TABLE courses(id TEXT COLLATE "C" PRIMARY KEY, title TEXT NOT NULL,
  description TEXT NOT NULL);
CREATE TABLE enrolments(course_id TEXT COLLATE "C" NOT NULL, user_id BIGINT NOT NULL,
  teaches SMALLINT NOT NULL DEFAULT 0, assists SMALLINT NOT NULL DEFAULT 0,
  PRIMARY KEY(course_id, user_id));
CREATE TABLE exams(
  id TEXT COLLATE "C" PRIMARY KEY, source_toml TEXT NOT NULL, owner_id BIGINT NOT NULL,
  published SMALLINT NOT NULL, published_ms BIGINT NOT NULL, results_released SMALLINT NOT NULL,
  closes_override_ms BIGINT NOT NULL DEFAULT 0, source_format TEXT NOT NULL DEFAULT 'toml',
  spec_json TEXT NOT NULL DEFAULT '');
CREATE TABLE extra_time(exam_id TEXT COLLATE "C" NOT NULL, user_id BIGINT NOT NULL,
  extra_ms BIGINT NOT NULL, PRIMARY KEY(exam_id, user_id));
CREATE TABLE attempts(
  id BIGINT PRIMARY KEY, exam_id TEXT COLLATE "C" NOT NULL, user_id BIGINT NOT NULL,
  seed BIGINT NOT NULL, started_ms BIGINT NOT NULL, deadline_ms BIGINT NOT NULL,
  submitted SMALLINT NOT NULL DEFAULT 0, submitted_ms BIGINT NOT NULL DEFAULT 0,
  auto_submitted SMALLINT NOT NULL DEFAULT 0, UNIQUE(exam_id, user_id));
CREATE TABLE answers(
  attempt_id BIGINT NOT NULL, question_id TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL,
  value_json TEXT NOT NULL, saved_at_ms BIGINT NOT NULL, PRIMARY KEY(attempt_id, question_id));
CREATE TABLE manual_grades(
  attempt_id BIGINT NOT NULL, question_id TEXT COLLATE "C" NOT NULL,
  points DOUBLE PRECISION NOT NULL, PRIMARY KEY(attempt_id, question_id));
CREATE TABLE settings(key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE id_blocks(kind TEXT PRIMARY KEY, next BIGINT NOT NULL);
CREATE TABLE attempt_events(
  attempt_id BIGINT NOT NULL, at_ms BIGINT NOT NULL, kind TEXT COLLATE "C" NOT NULL,
  data TEXT NOT NULL, PRIMARY KEY(attempt_id, at_ms, kind));
CREATE TABLE incident_updates(
  incident_id BIGINT NOT NULL, version BIGINT NOT NULL, at_ms BIGINT NOT NULL,
  author_id BIGINT NOT NULL, severity TEXT NOT NULL, scope_kind TEXT NOT NULL,
  scope_id TEXT NOT NULL, text_en TEXT NOT NULL, text_fr TEXT NOT NULL,
  resolved SMALLINT NOT NULL, PRIMARY KEY(incident_id, version));
CREATE TABLE grade_comments(
  attempt_id BIGINT NOT NULL, question_id TEXT COLLATE "C" NOT NULL, text TEXT NOT NULL,
  PRIMARY KEY(attempt_id, question_id));
CREATE TABLE disabled_users(user_id BIGINT PRIMARY KEY, disabled SMALLINT NOT NULL);
CREATE TABLE course_sections(id BIGINT PRIMARY KEY, course_id TEXT COLLATE "C" NOT NULL,
  position BIGINT NOT NULL, title TEXT NOT NULL, deleted SMALLINT NOT NULL);
CREATE TABLE course_items(id BIGINT PRIMARY KEY, course_id TEXT COLLATE "C" NOT NULL,
  section_id BIGINT NOT NULL, position BIGINT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
  body TEXT NOT NULL, blob TEXT NOT NULL, file_name TEXT NOT NULL, content_type TEXT NOT NULL,
  size BIGINT NOT NULL, updated_ms BIGINT NOT NULL, deleted SMALLINT NOT NULL);
CREATE TABLE uploads(id TEXT COLLATE "C" PRIMARY KEY, user_id BIGINT NOT NULL,
  length BIGINT NOT NULL, file_name TEXT NOT NULL, created_ms BIGINT NOT NULL);
CREATE TABLE homeworks(item_id BIGINT PRIMARY KEY, course_id TEXT COLLATE "C" NOT NULL,
  due_ms BIGINT NOT NULL, cutoff_ms BIGINT NOT NULL, max_points DOUBLE PRECISION NOT NULL,
  max_files BIGINT NOT NULL, max_file_mb BIGINT NOT NULL, allowed TEXT NOT NULL,
  text SMALLINT NOT NULL);
CREATE TABLE handins(item_id BIGINT NOT NULL, user_id BIGINT NOT NULL, version BIGINT NOT NULL,
  submitted_ms BIGINT NOT NULL, late SMALLINT NOT NULL, text TEXT NOT NULL, files TEXT NOT NULL,
  PRIMARY KEY(item_id, user_id));
CREATE TABLE handin_grades(item_id BIGINT NOT NULL, user_id BIGINT NOT NULL,
  has_points SMALLINT NOT NULL, points DOUBLE PRECISION NOT NULL, comment TEXT NOT NULL,
  returned_ms BIGINT NOT NULL, PRIMARY KEY(item_id, user_id));
CREATE TABLE homework_extra(item_id BIGINT NOT NULL, user_id BIGINT NOT NULL,
  extra_ms BIGINT NOT NULL, PRIMARY KEY(item_id, user_id));
CREATE TABLE announcements(id BIGINT PRIMARY KEY, course_id TEXT COLLATE "C" NOT NULL,
  author_id BIGINT NOT NULL, at_ms BIGINT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE announcement_reads(user_id BIGINT NOT NULL, course_id TEXT COLLATE "C" NOT NULL,
  last_id BIGINT NOT NULL, PRIMARY KEY(user_id, course_id));
CREATE TABLE live_classes(item_id BIGINT PRIMARY KEY, course_id TEXT COLLATE "C" NOT NULL,
  start_ms BIGINT NOT NULL, duration_min BIGINT NOT NULL, record SMALLINT NOT NULL,
  ended_ms BIGINT NOT NULL);
CREATE TABLE live_attendance(item_id BIGINT NOT NULL, user_id BIGINT NOT NULL,
  first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL, joins BIGINT NOT NULL,
  PRIMARY KEY(item_id, user_id));
)sql",
    // 2: exam ownership among nodes: who holds each exam, until when (the store's clock, ms),
    // the fencing token, and which node asked for it.
    R"sql(
CREATE TABLE exam_leases(exam_id TEXT COLLATE "C" PRIMARY KEY, holder TEXT NOT NULL,
  token BIGINT NOT NULL, expires_ms BIGINT NOT NULL, wanted_by TEXT NOT NULL DEFAULT '');
CREATE INDEX exam_leases_by_holder ON exam_leases(holder);
)sql",
    // 3: the change log nodes read (pg_changes.h): what each transaction changed of the shared
    // state, by key, with the transaction's id.
    R"sql(
CREATE TABLE changes(seq BIGSERIAL PRIMARY KEY, xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  at TIMESTAMPTZ NOT NULL DEFAULT now(), kind SMALLINT NOT NULL, key TEXT NOT NULL);
CREATE INDEX changes_by_xid ON changes(xid);
CREATE INDEX changes_by_time ON changes(at);
)sql",
    // 4: files shared by the nodes (pg_blob_store.h): blobs and uploads in progress, in parts;
    // a blob's head is written last (a blob with a head is whole). Files are mostly compressed
    // already: their parts are stored out of line, uncompressed.
    R"sql(
CREATE TABLE blob_heads(sha256 TEXT COLLATE "C" PRIMARY KEY, size BIGINT NOT NULL,
  parts INT NOT NULL);
CREATE TABLE blob_parts(sha256 TEXT COLLATE "C" NOT NULL, part INT NOT NULL,
  data BYTEA NOT NULL, PRIMARY KEY(sha256, part));
ALTER TABLE blob_parts ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE upload_heads(id TEXT COLLATE "C" PRIMARY KEY, length BIGINT NOT NULL,
  have BIGINT NOT NULL);
CREATE TABLE upload_parts(id TEXT COLLATE "C" NOT NULL, at BIGINT NOT NULL,
  data BYTEA NOT NULL, PRIMARY KEY(id, at));
ALTER TABLE upload_parts ALTER COLUMN data SET STORAGE EXTERNAL;
)sql",
    // 5: the names an identity provider's single logout gives for the sessions it opened (a
    // CAS ticket, an OpenID Connect session or subject); deleting a session deletes them.
    R"sql(
CREATE TABLE sso_names(name TEXT COLLATE "C" NOT NULL, token_hash TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY(name, token_hash));
CREATE INDEX sso_names_by_session ON sso_names(token_hash);
)sql",
};

}  // namespace

const std::span<const char* const> kPgMigrations(kMigrationList);

}  // namespace pupitre::store
