#pragma once
// Homework: a course item (kind "homework", its instructions in Markdown) with rules (a due time,
// per-student extra time, a late policy, what may be handed in), the students' hand-ins (files
// and/or a text, replaced at will until the due time), and the teacher's grades and comments,
// returned to the students when the teacher says so.
//
// A hand-in is acknowledged only once durable: its files were adopted into the blob store
// (fsynced) before HandIn is called, and HandIn returns once the store committed it. Edits and
// hand-ins wait until durable: call them from the worker pool. Reads come from memory.
// Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "course/course_space.h"
#include "store/records.h"
#include "store/writer.h"

namespace pupitre::course {

struct HomeworkRules {
  int64_t due_ms = 0;     // hand-ins after it (plus the student's extra time) are late
  int64_t cutoff_ms = 0;  // late hand-ins are accepted until then; 0: none after the due time
  double max_points = 0;  // graded out of this; 0: a comment only
  int64_t max_files = 5;
  int64_t max_file_mb = 0;           // per file; 0: the site's cap ([course] max_file_mb)
  std::vector<std::string> allowed;  // file extensions, lower case ("pdf"); empty: any
  bool text = true;                  // a written answer may be given
};

struct HandinFile {
  std::string name;
  std::string blob;  // its SHA-256 (the receipt's fingerprint of the file)
  int64_t size = 0;
};

struct Handin {
  int64_t user_id = 0;
  int64_t version = 0;  // 1 for the first, then one more for each replacement
  int64_t submitted_ms = 0;
  bool late = false;
  std::string text;
  std::vector<HandinFile> files;
};

struct HandinGrade {
  std::optional<double> points;
  std::string comment;
  int64_t returned_ms = 0;  // 0: not returned yet (the student sees nothing of it)
};

// One student's line in the teacher's list.
struct HandinRow {
  int64_t user_id = 0;
  std::optional<Handin> handin;  // nothing: missing
  HandinGrade grade;
  int64_t extra_ms = 0;
};

// What a student sees of a homework.
struct HomeworkView {
  Item item;
  HomeworkRules rules;
  int64_t my_due_ms = 0;     // the due time with the student's extra time
  int64_t my_cutoff_ms = 0;  // the same for the cut-off (0: none)
  std::optional<Handin> handin;
  std::optional<HandinGrade> grade;  // once returned
};

inline constexpr size_t kMaxHandinTextBytes = 100 * 1024;
inline constexpr int64_t kMaxHandinFiles = 20;

// Who is enrolled in a course as a student (user ids, ascending).
using StudentsOfCourse = std::function<std::vector<int64_t>(const std::string& course_id)>;

class Homeworks {
 public:
  // REQUIRES: every argument outlives this. `site_max_file_mb`: [course] max_file_mb.
  Homeworks(store::Writer& writer, const Clock& clock, CourseSpace& space,
            StudentsOfCourse students_of, int64_t site_max_file_mb);

  // Fills memory from the store; again with what another node changed (each record replaces
  // its copy).
  void Load(const store::Snapshot& snapshot);

  // Checks rules as a teacher wrote them (kInvalid with a reason otherwise).
  static Status CheckRules(const HomeworkRules& rules);
  // A homework item's rules are set with the item (the route adds the item, then this).
  Status SetRules(const Caller& caller, const std::string& course_id, int64_t item_id,
                  const HomeworkRules& rules);
  // The rules of a homework item (nothing: not a homework, or not set).
  std::optional<HomeworkRules> RulesOf(int64_t item_id) const;

  // A student's view: the homework, their hand-in, their grade once returned. A teacher gets
  // the same without a hand-in.
  Result<HomeworkView> ViewOf(const Caller& caller, const std::string& course_id,
                              int64_t item_id) const;

  // Checks a hand-in before its files are adopted (what HandIn would refuse for its rules and
  // time): the number of files, their names' types and sizes, the text, the time.
  Status CheckHandin(const Caller& caller, const std::string& course_id, int64_t item_id,
                     const std::string& text, const std::vector<HandinFile>& files) const;
  // Hands in (or replaces) the caller's work; returns it as kept (the receipt). Refused after
  // the cut-off (kDeadlinePassed, reason "homework_closed"), and a replacement after the due
  // time (reason "handin_final").
  Result<Handin> HandIn(const Caller& caller, const std::string& course_id, int64_t item_id,
                        std::string text, std::vector<HandinFile> files);

  // --- the course's teachers
  Result<std::vector<HandinRow>> Handins(const Caller& caller, const std::string& course_id,
                                         int64_t item_id) const;
  // One student's hand-in, for a teacher of the course.
  Result<Handin> HandinOf(const Caller& caller, const std::string& course_id, int64_t item_id,
                          int64_t user_id) const;
  // Grades and/or comments a student's work; `returned` gives it back to the student now (or
  // keeps it back, false, until the teacher returns it).
  Status Grade(const Caller& caller, const std::string& course_id, int64_t item_id,
               int64_t user_id, std::optional<double> points, std::string comment,
               bool returned);
  Status SetExtraTime(const Caller& caller, const std::string& course_id, int64_t item_id,
                      int64_t user_id, int64_t extra_ms);

 private:
  Result<Item> HomeworkItem(const Caller& caller, const std::string& course_id,
                            int64_t item_id) const;
  int64_t ExtraLocked(int64_t item_id, int64_t user_id) const REQUIRES_SHARED(mu_);

  store::Writer& writer_;
  const Clock& clock_;
  CourseSpace& space_;
  StudentsOfCourse students_of_;
  const int64_t site_max_file_mb_;

  Mutex handin_mu_ ACQUIRED_BEFORE(mu_);  // hand-ins one at a time, from checking to applying
  mutable SharedMutex mu_;
  std::map<int64_t, HomeworkRules> rules_ GUARDED_BY(mu_);
  std::map<std::pair<int64_t, int64_t>, Handin> handins_ GUARDED_BY(mu_);  // (item, user)
  std::map<std::pair<int64_t, int64_t>, HandinGrade> grades_ GUARDED_BY(mu_);
  std::map<std::pair<int64_t, int64_t>, int64_t> extra_ms_ GUARDED_BY(mu_);
};

// A hand-in's receipt as plain text: what was received, when, and each file's SHA-256.
std::string ReceiptText(const std::string& course_title, const Item& item,
                        const std::string& student, const Handin& h, std::string_view zone_time);

}  // namespace pupitre::course
