#pragma once
// Every exam's waiting rooms, and the signed tickets that name a place in one. An exam has one
// room, or one per wave: rooms are named by a key, "EXAM" or "EXAM#WAVE" (see RoomKey).
// Thread-safe: every public method may be called from any thread.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/settings.h"
#include "common/result.h"
#include "guard/waiting_room.h"

namespace pupitre::guard {

// What a ticket says. The signature (HMAC-SHA256) covers every field.
struct Ticket {
  int64_t user_id = 0;
  std::string exam_id;
  int64_t number = 0;  // the place in arrival order (0 before opening)
  int64_t issued_ms = 0;
};

struct RoomEntry {
  Place place;
  std::string ticket;  // signed; empty once admitted
};

struct RoomStatus {
  bool paused = false;
  double rate = 0;
  double max_rate = 0;
  int64_t waiting = 0;
  int64_t admitted = 0;
};

// The room of an exam's wave (`wave` < 0: the exam's only room); and the exam of a room.
std::string RoomKey(const std::string& exam_id, int wave);
std::string ExamOfRoom(const std::string& room_key);

class WaitingRooms {
 public:
  // `key`: the HMAC key for tickets (kept with the data, so that tickets outlive a restart).
  // `restored_by`: rooms do not open before then, so that students who held a place before a
  // restart can come back and take it again in the same order (see Arrive). REQUIRES: `clock`
  // outlives this.
  // Tickets issued from `claims_from` until this process started claim their place back.
  WaitingRooms(WaitingRoomOptions options, const Clock& clock, std::string key,
               TimePoint restored_by, TimePoint claims_from);

  // A student asks to start `exam_id`, whose doors open at `opens`. `claim`: the place number
  // of a genuine ticket of theirs issued before this process started (0: none).
  RoomEntry Arrive(const std::string& exam_id, TimePoint opens, int64_t user_id,
                   int64_t claim = 0);
  // Whether a genuine ticket claims its place back (see Arrive): issued by the process that
  // left the queue, before this one started.
  bool IsClaim(const Ticket& t) const;
  // Where a student stands, if they arrived (with a freshly signed ticket).
  std::optional<RoomEntry> Find(const std::string& exam_id, int64_t user_id) const;
  // The same without the ticket (no signing: cheap enough to ask often).
  std::optional<Place> FindPlace(const std::string& room_key, int64_t user_id) const;
  // A signed entry for a place found with FindPlace.
  RoomEntry EntryFor(const std::string& room_key, int64_t user_id, const Place& p) const;
  // Every room's version (WaitingRoom::version), by room key.
  std::map<std::string, uint64_t> Versions() const;

  std::string Sign(const Ticket& t) const;
  // The ticket's fields if its signature holds; kForbidden otherwise.
  Result<Ticket> Verify(const std::string& ticket) const;

  // Admits waiting students of every room as their rates allow: (exam, user) in order.
  std::vector<std::pair<std::string, int64_t>> Tick();
  // Moves every room's rate: down when the platform is overloaded, up otherwise.
  void Adapt(bool overloaded);

  // Operator's controls, over every room of an exam (every wave), and over the rooms it will
  // have: they hold before anyone arrives, and across restarts once PersistControlsTo is set
  // (then each change is durable when these return). The caller checks that the exam exists.
  Status SetPaused(const std::string& exam_id, bool paused);
  Status SetMaxRate(const std::string& exam_id, double max_rate);
  // Keeps the operator's controls in `settings` (JSON under kControlsSetting, replaced on every
  // change) and takes back those already there. A damaged value is an error (nothing is taken
  // back). REQUIRES: `settings` outlives this.
  Status PersistControlsTo(SettingsStore& settings);
  static constexpr std::string_view kControlsSetting = "waiting_rooms.controls";
  // This node takes `exam_id` over from another (a cluster's failover or hand-over): any room
  // of it held here is stale and goes; its tickets issued before now (by the node that held
  // it) claim their place back, and its rooms do not open before `restored_by`, so that the
  // students who waited come back first, in their old order. Its operator controls are read
  // again from the settings (another node may have changed them).
  void TakeOver(const std::string& exam_id, TimePoint restored_by) EXCLUDES(mu_);
  Status LetThrough(const std::string& room_key, TimePoint opens, int64_t user_id);
  void Unadmit(const std::string& room_key, int64_t user_id);
  // How long an admitted student waited in the room (see WaitingRoom::TakeWaited).
  Millis TakeWaited(const std::string& room_key, int64_t user_id);
  std::optional<RoomStatus> StatusOf(const std::string& exam_id) const;
  // The exams that have a room (someone arrived), in id order.
  std::vector<std::string> ExamIds() const;
  // Sum over rooms, for /metrics.
  RoomStatus Totals() const;

 private:
  WaitingRoom& RoomFor(const std::string& room_key, TimePoint opens) REQUIRES(mu_);
  // The operator's settings of one exam, applied to each of its rooms when it is made.
  struct Control {
    bool paused = false;
    double max_rate = 0;  // 0: none set
  };
  Status SaveControls(const std::string& exam_id) EXCLUDES(mu_, save_mu_);
  // The controls kept in `settings` (kControlsSetting), by exam.
  static Result<std::map<std::string, Control>> ReadControls(const SettingsStore& settings);
  // Exams taken over from another node: when, and until when their rooms stay shut.
  struct Takeover {
    TimePoint at;
    TimePoint restored_by;
  };
  // Calls f on every room of `exam_id`; returns how many.
  template <typename F>
  int ForExam(const std::string& exam_id, F&& f) REQUIRES(mu_);

  const WaitingRoomOptions options_;
  const Clock& clock_;
  const std::string key_;
  const TimePoint started_;
  const TimePoint restored_by_;
  const TimePoint claims_from_;
  mutable Mutex mu_;
  std::map<std::string, WaitingRoom> rooms_ GUARDED_BY(mu_);
  std::map<std::string, Control> controls_ GUARDED_BY(mu_);  // by exam
  std::map<std::string, Takeover> taken_ GUARDED_BY(mu_);    // by exam
  SettingsStore* settings_ GUARDED_BY(mu_) = nullptr;       // null: not kept
  Mutex save_mu_ ACQUIRED_BEFORE(mu_);  // one save of the controls at a time
};

}  // namespace pupitre::guard
