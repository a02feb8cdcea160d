#pragma once
// The course space: each course's ordered sections, each holding ordered items (a page of
// Markdown, a file, a link), held in memory and written through the store.
//
// Who sees what: the course's people only (its students and teachers, and operators); anyone
// else is told the course does not exist (404, not 403: a course's existence is not public).
// Teachers of the course and operators edit; students read.
//
// Edits are rare (teachers): they are made one at a time and each waits until it is durable
// (call them from the worker pool); reads come from memory, from any thread.
// Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "store/id_blocks.h"
#include "store/records.h"
#include "store/writer.h"

namespace pupitre::course {

// A course's people: its students, its teachers (who edit it), and its assistants (who grade its
// homework and see what teachers see of its students' work, but edit nothing).
enum class Role { kNone, kStudent, kTeacher, kAssistant };

// Who belongs to which course: today the exam service keeps the enrolments.
using RoleInCourse = std::function<Role(const std::string& course_id, int64_t user_id)>;

struct Caller {
  int64_t user_id = 0;
  bool is_admin = false;  // operators act as teachers of every course
};

struct Item {
  int64_t id = 0;
  int64_t section_id = 0;
  int64_t position = 0;
  std::string kind;   // "page", "file", "link", "homework" (course/homework.h), "live"
                      // (live/live_classes.h) or "exam" (its body: the exam's id)
  std::string title;
  std::string body;   // a page's Markdown, a link's URL, a file's description, instructions,
                      // an exam's id
  std::string html;   // a page's Markdown rendered (course/markdown.h), a file's description
  std::string blob;   // a file's SHA-256
  std::string file_name;
  std::string content_type;
  int64_t size = 0;
  int64_t updated_ms = 0;
};

struct Section {
  int64_t id = 0;
  int64_t position = 0;
  std::string title;
  std::vector<Item> items;  // by position
};

struct Outline {
  std::string course_id;
  Role role = Role::kNone;  // the caller's
  std::vector<Section> sections;  // by position
};

// What a teacher writes for an item. `kind` is fixed once created.
struct ItemDraft {
  std::string kind;
  std::string title;
  std::string body;  // page: Markdown; link: an http(s) URL; file: a description (may be empty)
  // A file's blob, as the upload that brought it made it (the route adopts the upload).
  std::string blob;
  std::string file_name;
  std::string content_type;
  int64_t size = 0;
};

// Limits of what a teacher writes.
inline constexpr size_t kMaxTitleBytes = 200;
inline constexpr size_t kMaxPageBytes = 200 * 1024;
inline constexpr size_t kMaxUrlBytes = 2000;
inline constexpr size_t kMaxSectionsPerCourse = 200;
inline constexpr size_t kMaxItemsPerSection = 200;

class CourseSpace {
 public:
  // `has_course` tells whether a course exists (the exam service keeps the courses).
  CourseSpace(store::Writer& writer, const Clock& clock, RoleInCourse role_in,
              std::function<bool(const std::string&)> has_course);

  // Fills memory from the store; again with what another node changed (each section and
  // item replaces its copy: a deleted one leaves).
  void Load(const store::Snapshot& snapshot);
  // Where section and item ids come from (memory on one node; the store's blocks when nodes
  // share it).
  store::IdSource& section_ids() { return section_ids_; }
  store::IdSource& item_ids() { return item_ids_; }

  // The caller's role in a course (kNone: not one of its people, or no such course).
  Role RoleOf(const Caller& caller, const std::string& course_id) const;

  // Ok when the caller may edit the course; kNotFound (no such course, or not one of its
  // people) or kForbidden (a student of it) otherwise.
  Status CheckTeacher(const Caller& caller, const std::string& course_id) const;

  // Ok when the caller may grade the course's work (its teachers, its assistants, operators);
  // kNotFound or kForbidden ("for_course_teachers") otherwise.
  Status CheckGrader(const Caller& caller, const std::string& course_id) const;

  // The course's sections and items, for its people (kNotFound, reason "no_course", otherwise).
  Result<Outline> OutlineOf(const Caller& caller, const std::string& course_id) const;
  // One item, for the course's people.
  Result<Item> ItemOf(const Caller& caller, const std::string& course_id, int64_t item_id) const;

  // --- teachers (kForbidden, reason "for_course_teachers", for a student of the course)
  Result<Section> AddSection(const Caller& caller, const std::string& course_id,
                             const std::string& title);
  // Renames and/or moves a section (position: its index among the course's sections).
  Status UpdateSection(const Caller& caller, const std::string& course_id, int64_t section_id,
                       std::optional<std::string> title, std::optional<int64_t> position);
  // Deletes a section and every item in it.
  Status DeleteSection(const Caller& caller, const std::string& course_id, int64_t section_id);
  // Adds an item at the end of a section.
  Result<Item> AddItem(const Caller& caller, const std::string& course_id, int64_t section_id,
                       ItemDraft draft);
  // Changes an item's title and body (and a file item's file, when `draft.blob` is set).
  Result<Item> UpdateItem(const Caller& caller, const std::string& course_id, int64_t item_id,
                          ItemDraft draft);
  // Moves an item to `position` (its index) in `section_id` (the same section or another).
  Status MoveItem(const Caller& caller, const std::string& course_id, int64_t item_id,
                  int64_t section_id, int64_t position);
  Status DeleteItem(const Caller& caller, const std::string& course_id, int64_t item_id);

 private:
  struct CourseState {
    std::map<int64_t, store::SectionRecord> sections;  // live ones
    std::map<int64_t, store::ItemRecord> items;        // live ones
    std::map<int64_t, std::string> html;  // pages and descriptions, rendered once per change
  };
  Status Validate(ItemDraft& draft) const;
  // Writes `ops` durably, then applies them to memory. REQUIRES: edit_mu_ held.
  Status Commit(std::vector<store::WriteOp> ops) REQUIRES(edit_mu_);
  void ApplyLocked(const store::SectionRecord& r) REQUIRES(mu_);
  void ApplyLocked(const store::ItemRecord& r) REQUIRES(mu_);
  // A live item as stored (kNotFound, reason "no_item", otherwise).
  Result<store::ItemRecord> RecordOf(const std::string& course_id, int64_t item_id) const;
  // REQUIRES (both): mu_ held, shared at least, while `c` is read.
  Item ViewOf(const CourseState& c, const store::ItemRecord& r) const;
  // The live items of a section, by position then id.
  std::vector<store::ItemRecord> ItemsOf(const CourseState& c, int64_t section_id) const;

  store::Writer& writer_;
  const Clock& clock_;
  RoleInCourse role_in_;
  std::function<bool(const std::string&)> has_course_;

  Mutex edit_mu_ ACQUIRED_BEFORE(mu_);  // one edit at a time, from reading to applying
  mutable SharedMutex mu_;
  std::map<std::string, CourseState> courses_ GUARDED_BY(mu_);
  store::IdSource section_ids_;
  store::IdSource item_ids_;
};

// Whether `url` is an absolute http or https URL a link item may point to.
bool IsWebUrl(std::string_view url);

}  // namespace pupitre::course
