#pragma once
// What nodes sharing a store tell each other: the shared state a batch changed (everything not
// tied to one exam: people, courses and their content, announcements, incidents, settings),
// named by key. A node that reads a change reads the thing as it is now in the store (never
// the change's values), so changes read in any order leave every node as the store is.
// Exam data (attempts, answers, extra time) is not here: the node holding an exam is its
// only writer, and another loads it whole when it takes the exam (cluster/ownership.h).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace pupitre::store {

// What changed, and what its key names. Values are stored: never renumber.
enum class ChangeKind : int16_t {
  kUser = 1,          // a user id: the account, its password, whether disabled
  kSession = 2,       // a session's token hash: it ended
  kCourse = 3,        // a course id: the course and all its people
  kExam = 4,          // an exam id: its record (file, publication, window)
  kSection = 5,       // a section id
  kItem = 6,          // an item id
  kHomework = 7,      // an item id: the homework's rules, hand-ins, grades, extra times
  kAnnouncement = 8,  // an announcement id
  kReads = 9,         // a user id: what they have read of announcements
  kLive = 10,         // an item id: the live class and who joined it
  kIncident = 11,     // an incident id: all its versions
  kSetting = 12,      // a setting's key
  kUpload = 13,       // an upload in progress (its id): begun, or finished
};

struct ChangeKey {
  ChangeKind kind{};
  std::string key;
  friend auto operator<=>(const ChangeKey&, const ChangeKey&) = default;
};

// Appends what `op` changes of the shared state (nothing for exam data, uploads in progress,
// new sessions, barriers).
void ChangesOf(const WriteOp& op, std::vector<ChangeKey>& out);

// Sorts `keys` and drops repeats.
void Dedupe(std::vector<ChangeKey>& keys);

// The changed things as they are now in the store.
struct Changed {
  // The current rows: users, courses, enrolments (every enrolment of each course in
  // `courses`), exams, sections, items, homework rules, hand-ins, grades and extras (every
  // one of each homework item), announcements, read markers (every one of each changed
  // reader), live classes and attendance, incident versions (all of each incident),
  // settings.
  Snapshot now;
  std::vector<std::pair<int64_t, bool>> users_disabled;  // each changed user: disabled or not
  std::vector<std::string> courses;                      // whose people are all in now.enrolments
  std::vector<std::string> ended_sessions;               // token hashes no longer stored
  std::vector<std::string> erased_settings;              // keys no longer set
  std::vector<std::string> ended_uploads;                // uploads no longer in progress
  size_t keys = 0;                                       // how many keys were read
};

// The log of changes nodes read (PostgreSQL: the changes table and a notification channel).
// Thread: one reader at a time.
class ChangeLog {
 public:
  virtual ~ChangeLog() = default;
  // Where the log stands: everything committed later is read by Since(mark). Taken before a
  // node loads the store, so that nothing falls between the load and the first read.
  virtual Result<std::string> Mark() = 0;
  struct Window {
    std::vector<ChangeKey> keys;  // in commit order of each key's writers, repeats possible
    std::string next;             // the mark after them
  };
  // Waits up to `wait` for a change to be announced, then reads every change committed since
  // `mark`: each exactly once over successive calls, whatever order transactions commit in.
  virtual Result<Window> Since(const std::string& mark, std::chrono::milliseconds wait) = 0;
};

}  // namespace pupitre::store
