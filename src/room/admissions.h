#pragma once
// Exam admission through the waiting rooms: a student who asks to start an exam is admitted at
// once or given a place; the operator may let a student through; the rooms admit who is due at
// their rate. Each admission starts the student's attempt (their exam clock starts then); an
// admission whose attempt cannot start is undone, so the student may simply ask again.
//
// This is the one place that joins the exam service and the waiting rooms: the HTTP routes
// and the periodic admission both come here. Thread-safe: every method may be called from any
// thread (the services it joins are).

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/accounts.h"
#include "common/clock.h"
#include "common/result.h"
#include "exam/exam_service.h"
#include "guard/waiting_rooms.h"

namespace pupitre::room {

// The waiting room a student belongs to for an exam: their wave's, opening at its start.
struct RoomRef {
  std::string key;  // guard::RoomKey
  TimePoint opens;
  exam::WaveAssignment wave;
};

// What a request to start came to.
struct Arrival {
  bool admitted = false;   // the attempt may be started (or was already)
  guard::RoomEntry entry;  // the place, when not admitted
  RoomRef room;
};

// Where a student stands for an exam: admitted (their attempt's id), or a place in its room.
struct Standing {
  RoomRef room;
  std::optional<int64_t> attempt_id;   // set once their attempt exists
  std::optional<guard::RoomEntry> entry;  // their place, if they arrived and have no attempt
};

class Admissions {
 public:
  // REQUIRES: every argument outlives this.
  Admissions(guard::WaitingRooms& rooms, exam::ExamService& exams, auth::Accounts& accounts,
             const Clock& clock);

  // The room of `user_id` for exam `e` (their wave's).
  RoomRef RoomOf(const exam::ExamEntry& e, int64_t user_id) const;

  // A student asks to start `exam_id`, sending back `ticket` (empty: none). A ticket from
  // before a restart claims the place it names, so that the rebuilt queue keeps the old order.
  // Fails: kNotFound (no such exam, or not published), kConflict (the window has closed),
  // kForbidden (a forged ticket, or someone else's).
  Result<Arrival> Arrive(const exam::Caller& student, const std::string& exam_id,
                         std::string_view ticket);

  // Where the student stands for `exam_id` (checking `ticket` as Arrive does).
  Result<Standing> StandingOf(const exam::Caller& student, const std::string& exam_id,
                              std::string_view ticket) const;

  // The operator lets a student through at once: they are admitted and their attempt starts.
  // `done` gets the attempt (on the writer's thread) or why not; if the attempt cannot start
  // (the exam is not open), the admission is undone.
  void LetThrough(const exam::Caller& op, const std::string& exam_id, int64_t user_id,
                  std::function<void(Result<exam::AttemptView>)> done);

  // Admits waiting students of every room as their rates allow and starts their attempts.
  // Returns how many were admitted. Call every 100 ms or so.
  size_t AdmitDue();

  guard::WaitingRooms& rooms() { return rooms_; }

 private:
  // The ticket sent, if any; kForbidden if forged or not the student's for this room.
  Result<std::optional<guard::Ticket>> CheckTicket(std::string_view ticket, int64_t user_id,
                                                   const RoomRef& room) const;
  // Starts the attempt of an admitted student; undoes the admission if it cannot start.
  void StartAdmitted(const std::string& room_key, int64_t user_id,
                     std::function<void(Result<exam::AttemptView>)> done);

  guard::WaitingRooms& rooms_;
  exam::ExamService& exams_;
  auth::Accounts& accounts_;
  const Clock& clock_;
};

}  // namespace pupitre::room
