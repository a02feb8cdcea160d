#pragma once
// Pushes waiting-room places to the students watching them over server-sent events, so that
// the waiting page never needs reloading. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exam/exam_service.h"
#include "guard/waiting_rooms.h"
#include "http/server.h"

namespace pupitre::api {

class RoomFeed {
 public:
  // REQUIRES: both outlive the feed.
  RoomFeed(guard::WaitingRooms& rooms, exam::ExamService& exams, const Clock& clock)
      : rooms_(rooms), exams_(exams), clock_(clock) {}

  // Sends the student's place now, then on every change of place, of paused state, or of the
  // estimate by more than a fifth (at most once a second), and a last
  // "admitted" event with the attempt id, after which the stream closes.
  // `room_key`: the student's room (guard::RoomKey: the exam, or its wave).
  void Subscribe(const std::string& room_key, int64_t user_id,
                 std::shared_ptr<http::EventStream> stream);

  // Sends what is due. Call every 100 ms or so.
  void Publish();

  size_t subscribers() const;

 private:
  struct Sub {
    std::string room_key;
    int64_t user_id;
    std::shared_ptr<http::EventStream> stream;
    int64_t last_sent_ms = 0;
    int64_t last_position = -1;
    bool last_paused = false;
    int64_t last_eta_ms = -1;
    uint64_t seen_version = 0;    // the room's version when last looked at
    int64_t last_checked_ms = 0;
    bool admitting = false;       // admitted, the attempt not created yet
    bool held_back = false;       // a change not sent yet (at most one update a second)
  };
  // Sends one update; false when the subscription is over.
  bool SendUpdate(Sub& s, int64_t now_ms, bool force);
  // Whether a subscriber needs looking at now: its room moved since, its admission is being
  // completed, or it has not been looked at for a while. Idle rooms cost next to nothing.
  static bool Due(const Sub& s, const std::map<std::string, uint64_t>& versions, int64_t now_ms);

  guard::WaitingRooms& rooms_;
  exam::ExamService& exams_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::vector<Sub> subs_;
};

// The JSON of a place, as sent by both the waiting-room route and the feed.
std::string PlaceJsonText(const guard::RoomEntry& e, int64_t now_ms);

}  // namespace pupitre::api
