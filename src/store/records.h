#pragma once
// What the store keeps: plain records, owned here and read by every backend. The domain turns
// them into its own types when it loads (the store knows nothing of exams' rules).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <map>

namespace pupitre::store {

struct UserRecord {
  int64_t id = 0;
  std::string login;         // unique
  std::string display_name;
  std::string role;          // "student", "teacher" or "admin"
  std::string password_hash;  // argon2id, libsodium's encoded string
};

struct SessionRecord {
  std::string token_hash;  // hex of a keyed hash of the token; the token itself is never stored
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t expires_ms = 0;
  bool remembered = false;  // "remember this device": long-lived, rotated (auth::Accounts)
  int64_t issued_ms = 0;    // when this token was given out
};

struct CourseRecord {
  std::string id;
  std::string title;
  std::string description;
};

struct EnrolmentRecord {
  std::string course_id;
  int64_t user_id = 0;
  bool teaches = false;  // a teacher of the course (may act on its exams), not a student of it
  bool assists = false;  // an assistant of the course (grades its homework; edits nothing)
};

struct ExamRecord {
  std::string id;
  std::string source;  // the teacher's file as imported (never rewritten)
  int64_t owner_id = 0;
  bool published = false;
  int64_t published_ms = 0;
  bool results_released = false;
  int64_t closes_override_ms = 0;  // the operator extended the window: its new close (0: none)
  std::string source_format = "toml";  // the format of `source`
  // The exam's model in its canonical form (exam/exam_json.h): what is loaded. Empty in
  // stores written before it existed: the wiring imports `source` once and fills it in.
  std::string spec_json;
};

struct ExtraTimeRecord {
  std::string exam_id;
  int64_t user_id = 0;
  int64_t extra_ms = 0;
};

enum class AttemptStatus { kInProgress, kSubmitted };

struct AnswerRecord {
  int64_t seq = 0;         // the client's sequence number: the higher wins
  std::string value_json;  // the answer as compact JSON text
  int64_t saved_at_ms = 0;
};

// Something that happened to an attempt, kept for the teacher and the student: `kind` names it
// ("outage_compensation": the platform was down and the time was given back), `data_json` says
// the rest as a JSON object.
struct AttemptEvent {
  int64_t at_ms = 0;
  std::string kind;
  std::string data_json;
};

// An attempt with its answers and the teacher's grades of its essays.
struct AttemptRecord {
  int64_t id = 0;
  std::string exam_id;
  int64_t user_id = 0;
  uint64_t seed = 0;
  int64_t started_ms = 0;
  int64_t deadline_ms = 0;
  AttemptStatus status = AttemptStatus::kInProgress;
  int64_t submitted_ms = 0;
  bool auto_submitted = false;
  std::map<std::string, AnswerRecord> answers;   // by question id
  std::map<std::string, double> manual_points;   // by question id
  std::map<std::string, std::string> comments;   // the teacher's, by question id ("": overall)
  std::vector<AttemptEvent> events;              // in time order
};

// One version of an incident's message (posted, updated, resolved): an incident is the list of
// its versions, the last one saying where it stands now; none is ever overwritten, so the
// history is kept. `scope_kind` is "all", "course" or "exam", `scope_id` the course or exam.
struct IncidentUpdate {
  int64_t incident_id = 0;
  int64_t version = 0;  // 1, 2, ... per incident
  int64_t at_ms = 0;
  int64_t author_id = 0;
  std::string severity;  // "info", "warning" or "critical"
  std::string scope_kind;
  std::string scope_id;
  std::string text_en;
  std::string text_fr;
  bool resolved = false;
};

// A course's content: ordered sections, each holding ordered items (course/course_space.h).
// Nothing is ever removed: a deleted section or item is kept with `deleted` set.
struct SectionRecord {
  int64_t id = 0;
  std::string course_id;
  int64_t position = 0;
  std::string title;
  bool deleted = false;
};

struct ItemRecord {
  int64_t id = 0;
  std::string course_id;
  int64_t section_id = 0;
  int64_t position = 0;
  std::string kind;   // "page", "file" or "link"
  std::string title;
  std::string body;   // a page's Markdown, a link's URL, a file's description
  std::string blob;   // a file's blob (store/blob: the SHA-256 of its bytes)
  std::string file_name;
  std::string content_type;
  int64_t size = 0;
  int64_t updated_ms = 0;
  bool deleted = false;
};

// An upload in progress (its bytes are in the blob store's uploads until it is complete).
struct UploadRecord {
  std::string id;
  int64_t user_id = 0;
  int64_t length = 0;
  std::string file_name;
  int64_t created_ms = 0;
};

// A homework item's rules (course/homework.h); `allowed`: extensions, comma-separated.
struct HomeworkRecord {
  int64_t item_id = 0;
  std::string course_id;
  int64_t due_ms = 0;
  int64_t cutoff_ms = 0;
  double max_points = 0;
  int64_t max_files = 0;
  int64_t max_file_mb = 0;
  std::string allowed;
  bool text = true;
};

// A student's hand-in as it is now (a replacement overwrites it, with the next version).
// `files`: one line per file, "sha256 size name".
struct HandinRecord {
  int64_t item_id = 0;
  int64_t user_id = 0;
  int64_t version = 0;
  int64_t submitted_ms = 0;
  bool late = false;
  std::string text;
  std::string files;
};

struct HandinGradeRecord {
  int64_t item_id = 0;
  int64_t user_id = 0;
  bool has_points = false;
  double points = 0;
  std::string comment;
  int64_t returned_ms = 0;  // 0: kept back
};

struct HomeworkExtraRecord {
  int64_t item_id = 0;
  int64_t user_id = 0;
  int64_t extra_ms = 0;
};

// An announcement to a course's people (course_id) or to everyone (course_id empty).
struct AnnouncementRecord {
  int64_t id = 0;
  std::string course_id;
  int64_t author_id = 0;
  int64_t at_ms = 0;
  std::string title;
  std::string body;  // Markdown
};

// What a person has read of a course's announcements (course_id empty: the school-wide ones):
// everything up to `last_id`.
struct AnnouncementReadRecord {
  int64_t user_id = 0;
  std::string course_id;
  int64_t last_id = 0;
};

// A live class (a course item of kind "live"): when it is, how long, whether the engine records
// it, and when its teacher ended it (0: not ended).
struct LiveClassRecord {
  int64_t item_id = 0;
  std::string course_id;
  int64_t start_ms = 0;
  int64_t duration_min = 0;
  bool record = false;
  int64_t ended_ms = 0;
};

// Who joined a live class: first and last time they were given a way in, and how many times.
struct LiveAttendanceRecord {
  int64_t item_id = 0;
  int64_t user_id = 0;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  int64_t joins = 0;
};

// What is loaded: everything (at start-up), or what a scope names (see Backend::Load).
struct Snapshot {
  std::vector<UserRecord> users;
  std::vector<SessionRecord> sessions;
  std::vector<CourseRecord> courses;
  std::vector<EnrolmentRecord> enrolments;
  std::vector<ExamRecord> exams;
  std::vector<ExtraTimeRecord> extra_times;
  std::vector<AttemptRecord> attempts;
  std::map<std::string, std::string> settings;  // small named values (see op::PutSetting)
  std::vector<IncidentUpdate> incident_updates;  // by incident, then version (full load only)
  std::vector<int64_t> disabled_users;            // accounts an operator disabled (full load)
  // Course content and uploads in progress (full load only).
  std::vector<SectionRecord> sections;
  std::vector<ItemRecord> items;
  std::vector<UploadRecord> uploads;
  std::vector<HomeworkRecord> homeworks;
  std::vector<HandinRecord> handins;
  std::vector<HandinGradeRecord> handin_grades;
  std::vector<HomeworkExtraRecord> homework_extras;
  std::vector<AnnouncementRecord> announcements;
  std::vector<AnnouncementReadRecord> announcement_reads;
  std::vector<LiveClassRecord> live_classes;
  std::vector<LiveAttendanceRecord> live_attendance;
};

// The writes, one struct each. Every write is idempotent when replayed.
namespace op {
struct PutUser { UserRecord user; };
struct PutSession { SessionRecord session; };
struct DeleteSession { std::string token_hash; };  // its single-logout names go with it
// A name the identity provider's single logout will give for a session (a CAS ticket, an OpenID
// Connect provider's session or subject; auth::Accounts stores its hash): written after the
// session; nothing if it has ended.
struct NameSession { std::string name; std::string token_hash; };
struct PutCourse { CourseRecord course; };
struct PutEnrolment { EnrolmentRecord enrolment; };
struct PutExam { ExamRecord exam; };
struct PutExtraTime { ExtraTimeRecord extra; };
struct CreateAttempt {
  int64_t id; std::string exam_id; int64_t user_id; uint64_t seed;
  int64_t started_ms; int64_t deadline_ms;
};
// Keeps the newer of the stored and the given sequence number.
struct SaveAnswer {
  int64_t attempt_id; std::string question_id; int64_t seq; std::string value_json;
  int64_t saved_at_ms;
};
struct SubmitAttempt { int64_t attempt_id; int64_t submitted_ms; bool auto_submitted; };
// A user's new password hash (they changed their password).
struct SetPassword { int64_t user_id; std::string password_hash; };
// An operator disables an account (no login, its sessions end) or enables it again.
struct SetDisabled { int64_t user_id; bool disabled; };
struct SetManualGrade { int64_t attempt_id; std::string question_id; double points; };
// The teacher's comment on a question of an attempt ("": on the whole attempt); "" text: none.
struct SetGradeComment { int64_t attempt_id; std::string question_id; std::string text; };
// Moves an attempt's deadline (the window was extended).
struct SetDeadline { int64_t attempt_id; int64_t deadline_ms; };
// Keeps an event of an attempt (replayed: the same attempt, time and kind is one event).
struct AddAttemptEvent { int64_t attempt_id; AttemptEvent event; };
// Keeps a version of an incident (replayed: the same incident and version is one).
struct AddIncidentUpdate { IncidentUpdate update; };
// A small named value the process keeps (the waiting rooms' ticket key, the operator's
// admission controls, the note that students were queued): kept in the store, not in loose files,
// so that it is backed up with the rest and shared by every node.
struct PutSetting { std::string key; std::string value; };
struct DeleteSetting { std::string key; };
// Sets a value unless the key has one already (a key made once for every node: the first wins).
struct AddSetting { std::string key; std::string value; };
// A course's section or item, as it is now (replaces what was there).
struct PutSection { SectionRecord section; };
struct PutItem { ItemRecord item; };
// An upload begun; forgotten once complete or abandoned.
struct PutUpload { UploadRecord upload; };
struct DeleteUpload { std::string id; };
// Homework: its rules, a hand-in, a grade, a student's extra time (each replaces the last).
struct PutHomework { HomeworkRecord homework; };
struct PutHandin { HandinRecord handin; };
struct PutHandinGrade { HandinGradeRecord grade; };
struct PutHomeworkExtra { HomeworkExtraRecord extra; };
struct PutAnnouncement { AnnouncementRecord announcement; };
struct PutAnnouncementRead { AnnouncementReadRecord read; };
// A live class as it is now; a person's attendance of one as it is now (each replaces the last).
struct PutLiveClass { LiveClassRecord live; };
struct PutLiveAttendance { LiveAttendanceRecord attendance; };
// Writes nothing: its completion tells that everything queued before it is committed.
struct Barrier {};
}  // namespace op

using WriteOp = std::variant<op::PutUser, op::SetPassword, op::SetDisabled, op::PutSession, op::DeleteSession, op::PutCourse,
                             op::PutEnrolment, op::PutExam, op::PutExtraTime, op::CreateAttempt,
                             op::SaveAnswer, op::SubmitAttempt, op::SetManualGrade,
                             op::SetGradeComment,
                             op::SetDeadline, op::AddAttemptEvent, op::AddIncidentUpdate, op::PutSetting,
                             op::DeleteSetting, op::AddSetting, op::PutSection, op::PutItem, op::PutUpload,
                             op::DeleteUpload, op::PutHomework, op::PutHandin,
                             op::PutHandinGrade, op::PutHomeworkExtra, op::PutAnnouncement,
                             op::PutAnnouncementRead, op::PutLiveClass,
                             op::PutLiveAttendance, op::NameSession, op::Barrier>;

}  // namespace pupitre::store
