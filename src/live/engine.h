#pragma once
// The video engine live classes run on, as Pupitre needs it: a meeting created (again, harmlessly)
// before people join, a signed way in for each person, who is in, an end, the recordings.
// BbbEngine (live/bbb_engine.h) talks to a BigBlueButton server; tests may give another.
//
// Calls that reach the server block (up to the configured timeout): call them from the worker
// pool. JoinUrl only computes. Implementations are thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "live/bbb_api.h"

namespace pupitre::live {

struct MeetingSpec {
  std::string meeting_id;
  std::string name;
  std::string attendee_pw;
  std::string moderator_pw;
  bool record = false;
  int64_t duration_min = 0;  // the engine ends the meeting after this (0: when everyone left)
  std::string welcome;
};

struct JoinSpec {
  std::string meeting_id;
  std::string full_name;
  std::string user_id;
  std::string password;  // the attendee's or the moderator's: it sets the role
  int64_t create_time = 0;  // the meeting's, so that the link cannot enter a later meeting
};

class Engine {
 public:
  virtual ~Engine() = default;
  // Creates the meeting, or finds it running; returns its createTime. Fails kUnavailable
  // (reason "live_engine_down") when the server does not answer or refuses.
  virtual Result<int64_t> Create(const MeetingSpec& m) = 0;
  // Who is in the meeting now (empty when it is not running).
  virtual Result<std::vector<Attendee>> Attendees(const std::string& meeting_id) = 0;
  virtual Status End(const std::string& meeting_id, const std::string& moderator_pw) = 0;
  virtual Result<std::vector<Recording>> Recordings(const std::string& meeting_id) = 0;
  // The address that lets one person in (signed; the browser follows it).
  virtual std::string JoinUrl(const JoinSpec& j) const = 0;
};

}  // namespace pupitre::live
