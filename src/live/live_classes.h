#pragma once
// Live classes: a course item (kind "live") that a teacher schedules; at its time the course's
// people join a meeting on the video engine (BigBlueButton). Pupitre keeps the schedule, hands
// each person a signed way in, records who joined, and holds the join rush: when the engine's
// declared capacity ([live] max_participants) is reached, students wait in the class's waiting
// room (guard::WaitingRoom: a place and an estimate) and go in at [live] join_rate as seats free.
//
// Seats: the people the engine lists in each running meeting (polled by Refresh), plus those
// given a way in since, for two minutes (until the engine shows them, or they never went).
//
// Blocking calls (OpenMeeting, End, Recordings, Refresh) reach the engine: call them off the
// event loops. The rest works from memory. Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "course/course_space.h"
#include "course/homework.h"
#include "guard/waiting_room.h"
#include "live/engine.h"
#include "store/records.h"
#include "store/writer.h"

namespace pupitre::live {

struct LiveRules {
  int64_t start_ms = 0;
  int64_t duration_min = 60;
  bool record = false;  // the engine records it (its recordings are listed to the course)
};
inline constexpr int64_t kMaxDurationMin = 8 * 60;

// The [live] section as this module needs it (config/config.h has the words).
struct LiveOptions {
  int64_t max_participants = 0;  // 0: no cap
  double join_rate = 20;
  int64_t open_minutes_before = 15;
  std::string meeting_prefix = "pupitre-";
  std::string password_key;  // the meetings' passwords are derived from it (the shared secret)
};

enum class Phase { kScheduled, kOpen, kEnded };
std::string_view PhaseName(Phase p);  // "scheduled", "open", "ended"

struct Attendance {
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  int64_t joins = 0;
};

struct LiveView {
  course::Item item;
  LiveRules rules;
  Phase phase = Phase::kScheduled;
  int64_t opens_ms = 0;   // students may join from then
  int64_t ends_ms = 0;    // the scheduled end
  int64_t ended_ms = 0;   // when its teacher ended it (0: not)
  bool teacher = false;
  bool engine = false;    // an engine is configured
  std::optional<Attendance> mine;
  std::optional<guard::Place> place;  // the caller's place, while queued for a seat
  int64_t present = 0;    // people the engine listed at its last look (teachers)
  int64_t waiting = 0;    // students queued for a seat (teachers)
};

// What a request to join came to: a way in (url), a place in the line, or the meeting must be
// opened on the engine first (OpenMeeting, then Join again).
struct JoinOutcome {
  std::string url;
  std::optional<guard::Place> place;
  bool needs_meeting = false;
};

struct AttendanceRow {
  int64_t user_id = 0;
  std::optional<Attendance> attended;  // nothing: absent
  bool present = false;                // in the meeting at the engine's last look
};

struct LiveStats {
  int64_t seats_used = 0;
  int64_t waiting = 0;
  int64_t meetings = 0;  // classes with a meeting open on the engine
  bool engine_up = true;
};

class LiveClasses {
 public:
  // `engine`: null when none is configured (classes are scheduled; joins say so).
  // REQUIRES: every argument outlives this.
  LiveClasses(store::Writer& writer, const Clock& clock, course::CourseSpace& space,
              course::StudentsOfCourse students_of, Engine* engine, LiveOptions options);

  // Fills memory from the store; again with what another node changed (each record replaces
  // its copy).
  void Load(const store::Snapshot& snapshot);

  static Status CheckRules(const LiveRules& rules);
  // A live item's schedule, set with the item (the route adds the item, then this). Durable.
  Status SetRules(const course::Caller& caller, const std::string& course_id, int64_t item_id,
                  const LiveRules& rules);
  std::optional<LiveRules> RulesOf(int64_t item_id) const;

  Result<LiveView> ViewOf(const course::Caller& caller, const std::string& course_id,
                          int64_t item_id) const;

  // The caller asks to join. Refused: kNotFound (not the course's, not a live class),
  // kConflict ("live_not_open" before it opens, "live_ended"), kUnavailable
  // ("live_not_configured"). A teacher goes in at once; a student too while seats are free,
  // otherwise they get (or keep) a place. Records attendance when it gives a way in.
  Result<JoinOutcome> Join(const course::Caller& caller, const std::string& course_id,
                           int64_t item_id, const std::string& full_name);
  // Creates the class's meeting on the engine (again after a while: harmless there), one call
  // at a time. Fails fast ("live_engine_down") for 10 s after the engine failed. Blocking.
  Status OpenMeeting(const std::string& course_id, int64_t item_id);

  // The teacher ends the class: the engine's meeting ends, nobody joins any more. Blocking.
  Status End(const course::Caller& caller, const std::string& course_id, int64_t item_id);
  // The course's students, each with their attendance (teachers).
  Result<std::vector<AttendanceRow>> AttendanceOf(const course::Caller& caller,
                                                  const std::string& course_id,
                                                  int64_t item_id) const;
  // The class's recordings on the engine, for the course's people. Blocking.
  Result<std::vector<Recording>> Recordings(const course::Caller& caller,
                                            const std::string& course_id, int64_t item_id);

  // Lets queued students in as seats free and the join rate allows. Returns how many.
  // Call every 100 ms or so.
  size_t AdmitDue();
  // Asks the engine who is in each open meeting (seats, presence). Blocking; every 10 s or so.
  void Refresh();

  LiveStats Stats() const;

 private:
  // The classes someone joined: the engine's meeting, its seats and its line.
  struct Room {
    std::unique_ptr<guard::WaitingRoom> line;  // with a cap only
    std::map<int64_t, TimePoint> seated;       // given a way in, not yet seen by the engine
    std::set<int64_t> present;                 // as the engine last listed them
    int64_t create_time = 0;
    TimePoint created_at{};
    bool open = false;     // the meeting was created (and not seen gone since)
    bool running = false;  // the engine listed it at its last look
    std::string course_id;
  };
  Result<course::Item> LiveItem(const course::Caller& caller, const std::string& course_id,
                                int64_t item_id) const;
  Phase PhaseOf(const LiveRules& r, int64_t ended_ms, TimePoint now) const;
  std::string MeetingId(const std::string& course_id, int64_t item_id) const;
  std::string Password(std::string_view role, const std::string& meeting_id) const;
  int64_t SeatsUsedLocked() const REQUIRES(mu_);
  Room& RoomLocked(int64_t item_id, const std::string& course_id) REQUIRES(mu_);
  bool MeetingFreshLocked(const Room& r, TimePoint now) const REQUIRES(mu_);
  void RecordJoinLocked(int64_t item_id, int64_t user_id, int64_t now_ms) REQUIRES(mu_);

  store::Writer& writer_;
  const Clock& clock_;
  course::CourseSpace& space_;
  course::StudentsOfCourse students_of_;
  Engine* const engine_;
  const LiveOptions options_;

  Mutex open_mu_ ACQUIRED_BEFORE(mu_);  // one meeting creation at a time
  mutable Mutex mu_;
  std::map<int64_t, LiveRules> rules_ GUARDED_BY(mu_);
  std::map<int64_t, int64_t> ended_ms_ GUARDED_BY(mu_);
  std::map<std::pair<int64_t, int64_t>, Attendance> attendance_ GUARDED_BY(mu_);  // (item, user)
  std::map<int64_t, Room> rooms_ GUARDED_BY(mu_);
  TimePoint engine_down_until_ GUARDED_BY(mu_){};
};

}  // namespace pupitre::live
