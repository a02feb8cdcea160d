#pragma once
// The exam service: courses, exams, attempts and their answers, held in memory and written
// through the group-commit writer. Callbacks (`done`) run once the change is durable, on the
// writer's thread, or at once on the caller's thread when the request is refused; never with
// the service's locks held, so a `done` may call back into the service.
// Thread-safe: every public method may be called from any thread.

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/metrics.h"
#include "exam/answer_file.h"
#include "exam/exam.h"
#include "exam/timeline.h"
#include "store/id_blocks.h"
#include "store/changes.h"
#include "store/writer.h"

namespace pupitre::exam {

struct Course {
  std::string id;
  std::string title;
  std::string description;
};

// Where an exam stands, beyond its paper.
struct ExamState {
  int64_t owner_id = 0;
  bool published = false;
  int64_t published_ms = 0;
  bool results_released = false;
  int64_t closes_override_ms = 0;  // the operator extended the window: its new close (0: not)
};

// A published (or draft) exam as served. Immutable once built; replaced as a whole on change.
struct ExamEntry {
  std::shared_ptr<const ExamSpec> spec;  // as served: its close extended, if it was
  ExamState state;
  std::shared_ptr<const std::string> paper_json;  // set once published
  std::string etag;                                // of paper_json
  // Set once published when the exam draws questions (groups): each student's paper is joined
  // from these, with only the questions drawn for them (paper_json holds every question).
  std::shared_ptr<const PaperPieces> paper_pieces;
  // Where it came from, kept with it: the teacher's file and its format, and the model's
  // canonical form as imported (exam/exam_json.h).
  std::string source;
  std::string source_format;
  std::string spec_json;
};

// Who asks. Teachers act on the exams they own (imported) and on the exams of the courses they
// teach (a teacher enrolled in a course teaches it); admins act on every exam.
struct Caller {
  int64_t user_id = 0;
  bool is_teacher = false;  // teachers and admins
  bool is_admin = false;
};

// A paper as served to one caller: the exam's (shared by all) or, where questions are drawn, the
// student's own; its entity tag differs from one attempt's paper to another's.
struct PaperView {
  std::shared_ptr<const std::string> json;
  std::string etag;
};

// An attempt with what is needed to present it.
struct AttemptView {
  AttemptState state;
  std::shared_ptr<const ExamSpec> spec;
  AttemptOrder order;
  bool results_released = false;
};

// A course's gradebook: its published exams (by opening time) and, for each student enrolled,
// where they stand in each.
struct GradebookCell {
  bool taken = false;      // an attempt exists
  bool submitted = false;
  double points = 0;       // so far (essays graded so far)
  int ungraded_essays = 0;
};
struct Gradebook {
  Course course;
  std::vector<std::shared_ptr<const ExamEntry>> exams;
  std::vector<int64_t> students;                  // user ids, ascending
  std::vector<std::vector<GradebookCell>> cells;  // [student][exam]
  // Columns the course adds beside the exams (its homework): a header each, and each student's
  // cell as the CSV writes it ("" when there is nothing).
  std::vector<std::string> extra_headers;
  std::vector<std::vector<std::string>> extra_cells;  // [student][column]
};

struct LiveCounts {
  int64_t enrolled = 0;
  int64_t started = 0;
  int64_t in_progress = 0;
  int64_t submitted = 0;
  int64_t saves_last_minute = 0;
};

struct SaveAck {
  int64_t seq = 0;  // the sequence number now held for the question
  bool applied = false;
  int64_t deadline_ms = 0;  // the attempt's deadline now (time may have been added)
};

class ExamService {
 public:
  // REQUIRES: every argument outlives the service.
  ExamService(store::Writer& writer, const Clock& clock, Millis save_grace, Metrics& metrics);

  // Fills memory from the store. Exams whose stored file no longer parses are skipped and named
  // in the returned list of warnings. REQUIRES: called once, before serving.
  std::vector<std::string> Load(const store::Snapshot& snapshot);
  // Where attempt ids come from (memory on one node; the store's blocks when nodes share it).
  store::IdSource& attempt_ids() { return attempt_ids_; }
  // Replaces what this node holds of exam `exam_id` (its record, extra times and attempts) with
  // `scope`, as the store has it (Backend::Load of the exam's scope): when this node takes the
  // exam over from another. Courses and their people are the change feed's (AbsorbShared).
  // Returns load warnings.
  std::vector<std::string> ReloadExam(const std::string& exam_id, const store::Snapshot& scope);
  // What another node changed (cluster/change_feed.h): courses and all their people as the
  // store has them now, and the records of exams this node does not serve (their holder is
  // the only writer of the others; an exam's attempts are loaded when it is taken).
  void AbsorbShared(const store::Changed& changed);
  // In a cluster: which exams this node serves. The sweeps (automatic submission, save counts)
  // leave the others alone: their node does it. REQUIRES: set before serving; thread-safe.
  void SetServes(std::function<bool(const std::string& exam_id)> serves) {
    serves_ = std::move(serves);
  }
  // The exam of an attempt this node holds (nothing if it holds no such attempt).
  std::optional<std::string> ExamOfAttempt(int64_t attempt_id) const;

  // --- courses
  Status PutCourse(const Course& course);  // waits for durability
  bool HasCourse(const std::string& course_id) const;
  // Makes these users teachers of the course (they act on its exams). Waits for durability.
  Status AddTeachers(const std::string& course_id, const std::vector<int64_t>& user_ids);
  Status Enrol(const std::string& course_id, const std::vector<int64_t>& user_ids);  // waits
  // Assistants grade the course's homework and edit nothing (a student account may assist
  // another course). A person has one role in a course: adding them again changes it.
  Status AddAssistants(const std::string& course_id, const std::vector<int64_t>& user_ids);
  bool Assists(const std::string& course_id, int64_t user_id) const;
  std::vector<int64_t> AssistantsOfCourse(const std::string& course_id) const;
  std::vector<Course> CoursesOf(const Caller& caller) const;
  bool IsEnrolled(const std::string& course_id, int64_t user_id) const;
  // Whether `user_id` is one of the course's teachers.
  bool Teaches(const std::string& course_id, int64_t user_id) const;
  std::optional<Course> CourseOf(const std::string& course_id) const;
  // The students enrolled in a course (user ids, ascending).
  std::vector<int64_t> StudentsOfCourse(const std::string& course_id) const;
  std::vector<int64_t> TeachersOfCourse(const std::string& course_id) const;
  // The students who may take an exam (those enrolled in its course), for its teachers.
  Result<std::vector<int64_t>> StudentsOf(const Caller& caller, const std::string& exam_id) const;
  // Whether `caller` may act on exam `exam_id` as its teacher: admins always, teachers on the
  // exams they own or whose course they teach.
  bool Manages(const Caller& caller, const std::string& exam_id) const;
  // The student's wave for an exam (see WaveFor), from their place in the course.
  WaveAssignment WaveOf(const ExamSpec& spec, int64_t user_id, std::string_view login,
                        std::string_view display_name) const;

  // --- exams (teachers)
  // Imports or replaces a draft exam, as an importer (src/import/) read it from `source`, a
  // file of `source_format`; the store keeps the model's canonical form and the file as it
  // came. A published exam cannot be replaced.
  void Import(const Caller& caller, ExamSpec spec, std::string source, std::string source_format,
              std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done);
  // The same for a new exam only (made elsewhere than in a file: from a course's bank): kConflict
  // (reason "exam_exists") when the id is taken.
  void Create(const Caller& caller, ExamSpec spec, std::string source_format,
              std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done);
  // Changes a draft's window, duration or layout (a published exam's are frozen: 409).
  // A new draft with `new_id` and `new_title`, a copy of the paper and settings of `exam_id` (a
  // draft or published, which the caller manages). kConflict (reason "exam_exists") when
  // `new_id` is taken; kInvalid for an id outside [a-z0-9-]{1,64} or an empty title.
  void Duplicate(const Caller& caller, const std::string& exam_id, const std::string& new_id,
                 const std::string& new_title,
                 std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done);
  void UpdateSettings(const Caller& caller, const std::string& exam_id,
                      const SettingsChange& change,
                      std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done);
  void Publish(const Caller& caller, const std::string& exam_id,
               std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done);
  void SetExtraTime(const Caller& caller, const std::string& exam_id, int64_t user_id,
                    Millis extra, std::function<void(Status)> done);
  // Moves the exam's close later (operator's decision, e.g. after a long queue), and extends
  // the deadlines of attempts in progress that the old close cut short. `done` gets how many
  // attempts were extended. Blocks until durable: call from a worker thread.
  void ExtendWindow(const std::string& exam_id, int64_t new_closes_ms,
                    std::function<void(Result<int>)> done);
  // Shows the results to the students; with `review`, at that level (see ReviewLevel), else at
  // the exam's. Again later: changes the level (results stay released).
  void ReleaseResults(const Caller& caller, const std::string& exam_id,
                      std::optional<ReviewLevel> review, std::function<void(Status)> done);
  void GradeEssay(const Caller& caller, int64_t attempt_id, const std::string& question_id,
                  double points, std::function<void(Status)> done);
  // The teacher's comment on a question of a submitted attempt (`question_id` "": on the whole
  // attempt), any question type; "" removes it. At most kMaxCommentBytes of UTF-8, no control
  // character but new lines and tabs. Durable when `done` is called.
  void SetComment(const Caller& caller, int64_t attempt_id, const std::string& question_id,
                  std::string text, std::function<void(Status)> done);
  static constexpr size_t kMaxCommentBytes = 8'000;
  Result<LiveCounts> Live(const Caller& caller, const std::string& exam_id) const;
  // The gradebook of a course its caller teaches (an admin: any); kNotFound otherwise.
  Result<Gradebook> GradebookOf(const Caller& caller, const std::string& course_id) const;
  // Every attempt of an exam (teachers), ordered by attempt id.
  Result<std::vector<AttemptView>> AttemptsOf(const Caller& caller,
                                              const std::string& exam_id) const;

  // --- exams (everyone)
  // The exams a caller can see: students those of their courses, published; teachers all.
  std::vector<std::shared_ptr<const ExamEntry>> ExamsFor(const Caller& caller) const;
  Result<std::shared_ptr<const ExamEntry>> GetExam(const Caller& caller,
                                                   const std::string& exam_id) const;
  // The published paper, for a teacher (every question) or a student who has started the exam
  // (the questions drawn for their attempt only: a student never sees the others of a group).
  Result<PaperView> PaperFor(const Caller& caller, const std::string& exam_id) const;
  // The caller's own attempt at an exam, if any, once its start is durable (an attempt whose
  // start is still being written is not announced: see Held::durable).
  std::optional<int64_t> AttemptIdOf(const std::string& exam_id, int64_t user_id) const;
  Millis ExtraTimeOf(const std::string& exam_id, int64_t user_id) const;
  // Every student given extra time for `exam_id`, by user id: the accommodations in one list.
  Result<std::vector<std::pair<int64_t, Millis>>> ExtraTimesOf(const Caller& caller,
                                                              const std::string& exam_id) const;

  // --- attempts (students)
  // Starts the caller's attempt, or returns the one already started (idempotent). `waited`:
  // the time the student spent in the waiting room, recorded with a new attempt.
  void Start(const Caller& caller, const std::string& exam_id,
             std::function<void(Result<AttemptView>)> done, Millis waited = Millis(0));
  Result<AttemptView> GetAttempt(const Caller& caller, int64_t attempt_id) const;
  // The exam of an attempt of `user_id` (nothing if unknown, or someone else's). Fast: one
  // shard lock.
  std::optional<std::string> ExamOfAttempt(int64_t attempt_id, int64_t user_id) const;
  // True when `user_id` owns attempt `attempt_id` and it is in progress. Fast: one shard lock.
  bool HasAttemptInProgress(int64_t user_id, int64_t attempt_id) const;
  // `resent`: the page's journal sends it again after being offline (counted in the timeline).
  void Save(const Caller& caller, int64_t attempt_id, const std::string& question_id,
            int64_t seq, const boost::json::value& answer,
            std::function<void(Result<SaveAck>)> done, bool resent = false);
  void Submit(const Caller& caller, int64_t attempt_id,
              std::function<void(Result<AttemptView>)> done);

  // --- the encrypted answer file (exam/answer_file.h)
  struct FileOutcome {
    int applied = 0;  // newer than what the server held: kept
    int replays = 0;  // the server had them (or newer) already
    int late = 0;     // written after the deadline (plus grace): not kept
    int refused = 0;  // for no question of the exam, or malformed for its question
  };
  // Applies an opened answer file to its attempt, for its student or its teachers, until
  // `accept_for` after the attempt's deadline (also once submitted), with the usual sequence
  // rules; recorded in the timeline (event kAnswerFileEvent). Durable when it returns (it waits
  // for the commit: call from the worker pool).
  Result<FileOutcome> ApplyAnswerFile(const Caller& caller, int64_t attempt_id,
                                      const OpenedAnswerFile& file, Millis accept_for);
  static constexpr std::string_view kAnswerFileEvent = "answer_file";

  // --- the timeline (exam/timeline.h)
  // How the recorded events of one attempt are read back (the store's LoadAttemptEvents).
  using EventReader =
      std::function<Result<std::vector<store::AttemptEvent>>(int64_t attempt_id)>;
  // REQUIRES: called once, before serving. Without it, timelines hold what memory has.
  void SetEventReader(EventReader reader) { event_reader_ = std::move(reader); }
  // An attempt's timeline (its teachers): what is stored, and the minute still being counted.
  Result<std::vector<TimelineEntry>> Timeline(const Caller& caller, int64_t attempt_id) const;
  // Records an event of an attempt, best effort (not on any answer's path): a lost one only
  // leaves a line out of the timeline.
  void NoteEvent(int64_t attempt_id, std::string_view kind, std::string data_json);
  // Records the exam page's stream connecting or dropping, at most kMaxPageEvents times per
  // attempt (a page in a reconnect loop must not fill the store), then one line saying so.
  void NotePage(int64_t attempt_id, bool connected);
  // Writes the minutes of saves that are over (every minute still open too when `all`, at
  // shutdown), one event per attempt and minute. Returns how many. Blocking: call from the
  // worker pool, about once a minute.
  Result<int> FlushSaveCounts(bool all);

  // Submits every attempt whose deadline plus grace has passed. Returns how many. While a hold
  // is set (HoldAutoSubmit), attempts that were running at its time are left in progress.
  int AutoSubmitDue();
  // The operator is asked whether to give an outage back (exam.outage_compensation = "ask"):
  // until they answer, attempts that were running when the platform went away (`from_ms`) are
  // not submitted by their deadline, so that the time can still be given. 0 lifts the hold.
  // `to_ms`: when the platform was back (attempts started since are not held).
  void HoldAutoSubmit(int64_t from_ms, int64_t to_ms) {
    hold_to_ms_.store(to_ms, std::memory_order_relaxed);
    hold_from_ms_.store(from_ms, std::memory_order_relaxed);
  }
  // How many attempts an outage from `from_ms` to `to_ms` interrupted and are still in progress.
  int CountInterrupted(int64_t from_ms, int64_t to_ms) const;

  // The platform was down from `from_ms` (its last heartbeat) to `to_ms` (back): every attempt
  // that had started and was in progress then gets that time added to its deadline, recorded
  // with it (durable when this returns; memory is put back if the commit fails). Call at
  // start-up before deadlines are swept, or later while HoldAutoSubmit(from_ms) holds (the
  // operator's answer). Returns how many.
  Result<int> CompensateOutage(int64_t from_ms, int64_t to_ms, const std::string& only_exam = "");
  // The kind of the attempt event that records it (store::AttemptEvent).
  static constexpr std::string_view kCompensationEvent = "outage_compensation";

  // A teacher gives `added` more time now to running attempts of `exam_id`: those of
  // `user_ids`, or every running one if it is empty. Recorded with each attempt (an event of
  // kind kExtraTimeEvent); durable when `done` is called. Returns how many were extended.
  // Blocking (it waits for the commit): call from the worker pool.
  Result<int> AddTimeNow(const Caller& caller, const std::string& exam_id,
                         const std::vector<int64_t>& user_ids, Millis added);
  static constexpr std::string_view kExtraTimeEvent = "extra_time";

 private:
  // The caller's durable attempt at the exam: its id and seed (AttemptIdOf's rule).
  struct AttemptKey {
    int64_t id = 0;
    uint64_t seed = 0;
  };
  std::optional<AttemptKey> AttemptKeyOf(const std::string& exam_id, int64_t user_id) const;
  static constexpr size_t kShards = 64;
  // An attempt in memory, with its exam's spec as it was published (the questions never change
  // once published), so that a save needs no exam lookup.
  struct Held {
    AttemptState a;
    std::shared_ptr<const ExamSpec> spec;  // null: the exam no longer loads (its saves fail)
    // Its creation is committed. Until then its id is told to nobody (AttemptIdOf): a crash
    // before the commit loses it, and its id may then be given to someone else.
    bool durable = true;
    // The saves of the minute being counted (the timeline's "saves" events).
    int64_t minute_ms = 0, first_ms = 0;  // the minute, and its first save
    int32_t saves = 0, resent = 0, replays = 0;
    int32_t page_events = 0;  // the page's connects and drops seen since this process loaded it
  };
  struct Shard {
    mutable Mutex mu;
    std::unordered_map<int64_t, Held> attempts GUARDED_BY(mu);
    // Minutes of saves that are over, not written yet (FlushSaveCounts).
    std::vector<store::op::AddAttemptEvent> minutes GUARDED_BY(mu);
  };
  // Counts one save in its attempt's minute, closing the minute before if it is over.
  static void CountMinute(Shard& sh, int64_t attempt_id, Held& h, int64_t now_ms, bool resent,
                          bool replay) REQUIRES(sh.mu);
  static store::op::AddAttemptEvent MinuteEvent(int64_t attempt_id, const Held& h);
  // Loading (Load, ReloadExam): courses and people, an exam, an attempt (true: in progress).
  void LoadMembersLocked(const store::Snapshot& snapshot) REQUIRES(exams_mu_);
  void LoadExamLocked(const store::ExamRecord& rec, std::vector<std::string>& warnings)
      REQUIRES(exams_mu_);
  bool LoadAttemptLocked(const store::AttemptRecord& r) REQUIRES(exams_mu_);
  Shard& ShardOf(int64_t attempt_id) { return shards_[attempt_id % kShards]; }
  const Shard& ShardOf(int64_t attempt_id) const { return shards_[attempt_id % kShards]; }
  std::shared_ptr<const ExamEntry> FindExam(const std::string& exam_id) const;
  void Put(const Caller& caller, ExamSpec spec, std::string source, std::string source_format,
           bool only_new, std::function<void(Result<std::shared_ptr<const ExamEntry>>)> done);
  bool CanTake(const ExamEntry& e, int64_t user_id) const;
  // Whether `caller` may act on `e` as its teacher (see Caller).
  bool ManagesLocked(const Caller& caller, const ExamEntry& e) const REQUIRES_SHARED(exams_mu_);
  bool TeachesLocked(const std::string& course_id, int64_t user_id) const
      REQUIRES_SHARED(exams_mu_);
  // Adds students, teachers or assistants to a course, durably, then in memory (each leaves the
  // role they had in it).
  enum class Membership { kStudent, kTeacher, kAssistant };
  Status AddMembers(const std::string& course_id, const std::vector<int64_t>& user_ids,
                    Membership as);
  // The refusal for a teacher who does not manage `exam_id`.
  static Error NotYours(const std::string& exam_id);
  AttemptView MakeView(const AttemptState& a) const;
  std::optional<AttemptState> CopyOf(int64_t attempt_id) const;
  // Calls `done` once everything queued so far is durable.
  void AfterCommit(std::function<void(Status)> done);
  // The one shape of a change: memory was changed already; `op` makes it durable. `done` gets
  // the commit's status; if the write is refused or fails, `undo` first puts memory back.
  // (A template, so that a save's callbacks are not copied from one std::function to another.)
  template <typename Undo, typename Done>
  void WriteThrough(store::WriteOp op, Undo undo, Done done) {
    auto both = std::make_shared<std::pair<Undo, Done>>(std::move(undo), std::move(done));
    Status s = writer_.Submit(std::move(op), [both](const Status& st) {
      if (!st.ok()) both->first();
      both->second(st);
    });
    if (s.ok()) return;  // refused at once: the writer will not call back
    both->first();
    both->second(s);
  }
  void CountSave(const std::string& exam_id);

  store::Writer& writer_;
  const Clock& clock_;
  const Millis save_grace_;
  EventReader event_reader_;
  std::atomic<int64_t> hold_from_ms_{0}, hold_to_ms_{0};
  std::atomic<int64_t> last_file_event_ms_{0};  // answer-file events get distinct times
  // Still being taken at `ms`: in progress, and its time (with the saves' grace) not over, as
  // the deadline sweep sees it.
  bool RunningAt(const AttemptState& a, int64_t ms) const {
    return a.status == AttemptStatus::kInProgress && ms <= a.deadline_ms + save_grace_.count();
  }
  // What an outage from `from_ms` (the last sign of life) to `to_ms` (back) interrupted: an
  // attempt started before the platform came back, and still being taken when it went away.
  bool Interrupted(const AttemptState& a, int64_t from_ms, int64_t to_ms) const {
    return a.started_ms < to_ms && RunningAt(a, from_ms);
  }
  Metrics& metrics_;

  // Lock order: exams_mu_ before any shard's mu, never the other way round.
  mutable SharedMutex exams_mu_;
  std::map<std::string, std::shared_ptr<const ExamEntry>> exams_ GUARDED_BY(exams_mu_);
  std::map<std::pair<std::string, int64_t>, int64_t> extra_ms_ GUARDED_BY(exams_mu_);
  std::map<std::string, Course> courses_ GUARDED_BY(exams_mu_);
  // course -> sorted users
  std::map<std::string, std::vector<int64_t>> enrolled_ GUARDED_BY(exams_mu_);
  std::map<std::string, std::vector<int64_t>> teachers_ GUARDED_BY(exams_mu_);  // sorted
  std::map<std::string, std::vector<int64_t>> assistants_ GUARDED_BY(exams_mu_);  // sorted
  // (exam, user) -> attempt
  std::map<std::pair<std::string, int64_t>, int64_t> by_user_ GUARDED_BY(exams_mu_);
  store::IdSource attempt_ids_;
  std::function<bool(const std::string&)> serves_;  // null: every exam (a node alone)

  std::array<Shard, kShards> shards_;

  mutable Mutex saves_mu_;
  // Saves of the last minute per exam, for its live view: a ring by Unix second.
  struct SaveRing {
    std::array<int64_t, 60> count{};
    std::array<int64_t, 60> second{};
  };
  std::map<std::string, SaveRing, std::less<>> saves_ GUARDED_BY(saves_mu_);
};

}  // namespace pupitre::exam
