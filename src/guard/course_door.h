#pragma once
// The door of the course space: while the platform has room, everyone goes in; when it is
// saturated, or an exam's waiting room has students in it (exams go first), newcomers to the
// course space get a place in one site-wide line (a WaitingRoom: a place and an estimate) and go
// in at a rate that follows what the platform absorbs. Whoever went in holds a pass for a while
// (`pass`), renewed as they use it, so that a student reading a course is never sent back to the
// line. Never "try again later": a place, and the page goes on by itself.
//
// The operator may hold the line on ("line": everyone without a pass queues) or leave it to the
// load ("auto", the default). Thread-safe.

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/settings.h"
#include "guard/waiting_room.h"

namespace pupitre::guard {

struct CourseDoorOptions {
  double initial_rate = 200;  // [course] entry_rate: people let in per second while in line
  double min_rate = 5;
  double max_rate = 5000;
  Millis pass{std::chrono::minutes(30)};  // [course] entry_pass_minutes
};

// What a knock at the door came to: in, or a place.
struct DoorAnswer {
  bool in = false;
  Place place;  // while not in
};

struct DoorStatus {
  bool line = false;      // newcomers queue now
  bool held = false;      // the operator holds the line on
  double rate = 0;
  int64_t waiting = 0;
  int64_t passes = 0;     // people holding a pass
};

class CourseDoor {
 public:
  CourseDoor(CourseDoorOptions options, const Clock& clock);

  // A person comes to the course space.
  DoorAnswer Knock(int64_t user_id);
  // Once a second: whether the platform is saturated, and whether students wait to start an
  // exam. Opens or closes the line, moves its rate, forgets expired passes.
  void Adapt(bool overloaded, bool exam_rush);
  // Every 100 ms or so: lets the next ones in, at the line's rate. Returns how many.
  size_t Tick();
  // The operator's choice: hold the line on (true) or leave it to the load (false). Durable
  // when it returns once PersistTo was called (it waits for the store: not on an event loop).
  Status Hold(bool on);
  // Keeps the operator's choice in `settings` (under kHoldSetting) and takes back the one kept
  // there, so that it holds across a restart. REQUIRES: `settings` outlives this.
  void PersistTo(SettingsStore& settings);
  static constexpr std::string_view kHoldSetting = "course_door.hold";
  // Another node's operator chose (the setting changed in the shared store): followed here,
  // nothing written.
  void Follow(bool held);
  DoorStatus Current() const;

 private:
  void NewLineLocked(TimePoint now) REQUIRES(mu_);

  const CourseDoorOptions options_;
  const Clock& clock_;
  mutable Mutex mu_;
  bool busy_ GUARDED_BY(mu_) = false;  // saturated or an exam rush, at the last Adapt
  bool held_ GUARDED_BY(mu_) = false;
  SettingsStore* settings_ = nullptr;  // set once, before serving
  double rate_ GUARDED_BY(mu_);
  std::optional<WaitingRoom> line_ GUARDED_BY(mu_);  // while anyone waits or the door is busy
  std::unordered_map<int64_t, TimePoint> passes_ GUARDED_BY(mu_);  // user -> until
};

}  // namespace pupitre::guard
