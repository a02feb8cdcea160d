#pragma once
// The waiting room of one exam: when more students want to start than the platform admits per
// second, they queue in a fair order and are admitted at the admission rate, each with an
// honest place and estimated wait.
//
// - Arrivals before the doors open are put in a random order at opening time, then FIFO.
// - After a restart the queue is rebuilt: the doors open a little later (see WaitingRooms), and
//   students who bring the place number of their ticket from before go first, in that order.
// - A student who is already queued keeps their place on every new request (reload, reconnect).
// - Admission paces itself with a token bucket at `rate` per second; the operator can pause it,
//   cap the rate, and let a student through at once.
//
// Pure logic: time is given by the caller, randomness is injected. Not thread-safe: the owner
// (WaitingRooms) serialises access.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/clock.h"

namespace pupitre::guard {

// The waiting rooms' options: the [waiting_room] section of the configuration (config/config.h
// composes this struct; its defaults are written here only).
struct WaitingRoomOptions {
  double initial_rate = 500;  // [waiting_room] initial_rate: exam starts admitted per second
  double min_rate = 1;        // [waiting_room] min_rate: the automatic rate never goes below
                              // (an operator's cap below it wins)
  double max_rate = 5000;     // [waiting_room] max_rate: nor above (the operator may lower it)
  int64_t restore_ms = 10'000;  // [waiting_room] restore_ms: after a start with students queued,
                                // rooms open this late so that those who held a place can take
                                // it again (see WaitingRooms)
};

// Where a student stands.
struct Place {
  bool admitted = false;
  int64_t ticket = 0;        // the student's sequence number in arrival order (1-based)
  int64_t position = 0;      // 1 = next to be admitted; 0 once admitted
  std::optional<Millis> eta;  // nothing while admission is paused
  bool before_opening = false;  // waiting for the doors: the order is drawn at opening time
};

class WaitingRoom {
 public:
  // `shuffle` puts a vector in a random order (injected so tests can fix it).
  using Shuffle = std::function<void(std::vector<int64_t>&)>;
  WaitingRoom(WaitingRoomOptions options, TimePoint opens, Shuffle shuffle, TimePoint now);

  // A student asks to start. Admits at once when nobody waits and the rate allows; otherwise
  // queues them (or finds them queued) and returns their place. `claim`: the place number a
  // student held before a restart (from their signed ticket; 0: none); it only counts before
  // the doors open, when the order is drawn.
  Place Arrive(int64_t user_id, TimePoint now, int64_t claim = 0);

  // Where a queued or admitted student stands; nothing if unknown here.
  std::optional<Place> Find(int64_t user_id, TimePoint now) const;

  // Admits waiting students as the rate allows since the last call, at most `at_most` of them
  // (e.g. the seats left); returns them in order.
  std::vector<int64_t> Tick(TimePoint now, size_t at_most = SIZE_MAX);

  // How long an admitted student waited (from their first arrival; 0 if let in at once), once:
  // it is forgotten then.
  Millis TakeWaited(int64_t user_id, TimePoint now);

  // Admits a student at once, ahead of the queue (operator's let-through).
  void LetThrough(int64_t user_id);

  void SetPaused(bool paused) {
    if (paused != paused_) ++version_;
    paused_ = paused;
  }
  bool paused() const { return paused_; }
  // Caps the rate (the operator's maximum); the automatic rate stays within it.
  // The operator's cap, from kMinOperatorRate (one admission every 100 s) to options' max_rate.
  void SetMaxRate(double max_rate);
  static constexpr double kMinOperatorRate = 0.01;
  double max_rate() const { return max_rate_; }
  // Moves the automatic rate (e.g. from measured capacity), within [min_rate, max_rate].
  void SetRate(double rate);
  double rate() const { return rate_; }

  int64_t waiting() const;  // queued, not yet admitted (including before opening)
  // Moves whenever a waiting student's place, estimate or state may have changed (admissions,
  // opening, pause, rate): watchers need not look again while it stands still.
  uint64_t version() const { return version_; }
  int64_t admitted_count() const { return static_cast<int64_t>(admitted_.size()); }
  bool IsAdmitted(int64_t user_id) const { return admitted_.count(user_id) > 0; }
  // Forgets an admission (its start failed): the student may arrive again.
  void Unadmit(int64_t user_id) {
    admitted_.erase(user_id);
    ++version_;
  }

 private:
  void OpenDoorsIfDue(TimePoint now);
  void Refill(TimePoint now);
  Place PlaceOf(int64_t ticket) const;

  const WaitingRoomOptions options_;
  const TimePoint opens_;
  Shuffle shuffle_;
  bool doors_open_;
  bool paused_ = false;
  double rate_;
  double max_rate_;
  double tokens_;
  // How many may go at once: one second's worth, and at least one (a rate below 1 per second
  // still admits, one at a time).
  double Burst() const { return std::max(rate_, 1.0); }
  TimePoint last_refill_;
  std::vector<int64_t> before_opening_;  // user ids, in arrival order until shuffled
  std::unordered_map<int64_t, size_t> early_index_;  // user -> index in before_opening_
  std::unordered_map<int64_t, int64_t> claims_;  // before opening: user -> place held before
  std::deque<int64_t> queue_;            // user ids in admission order
  uint64_t version_ = 0;
  int64_t next_ticket_ = 1;              // ticket of the next user appended to queue_
  int64_t head_ticket_ = 1;              // ticket of queue_.front()
  std::unordered_map<int64_t, int64_t> ticket_of_;  // queued user -> ticket
  std::unordered_set<int64_t> admitted_;
  std::unordered_map<int64_t, TimePoint> arrived_;  // queued (or admitted, until TakeWaited)
};

}  // namespace pupitre::guard
