#pragma once
// The line for logins at 9:00. Password hashing bounds logins (about 40 a second on 2 cores at
// the default argon2id cost), so when a school logs in at the minute most logins cannot be
// checked at once. Rather than refuse them (503, "try again later"), each gets a place in
// line and an honest estimate, as exam starts do in the waiting rooms:
//
// - A login with nobody in line and room in the hashing queue goes at once (no line, as on an
//   ordinary day). Otherwise it gets the next number: a signed ticket, 202, its position and
//   an estimate from the measured hashing rate. The page waits, then sends the login again with
//   its ticket; when its number has been called, it goes to the hashing queue.
// - Numbers are called first come, first served, at the rate hashing frees up: the hashing queue
//   is kept short (at most `backlog` worth of hashing), so a ticket's turn means its hash
//   starts within that. Numbers whose holders left are simply passed over.
// - Memory is constant: a ticket carries its number, its login and the line's epoch under an
//   HMAC; the line keeps two counters. A ticket from before a restart is not honoured (a new
//   number instead). Each called number goes to the hashing queue once at a time: a second
//   copy of the same login sent meanwhile waits for the first's answer.
// - Only a wait longer than `max_wait` is refused (503 with Retry-After): "within the morning".
//
// Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/clock.h"
#include "common/mutex.h"

namespace pupitre::guard {

struct LoginLineOptions {
  Millis backlog{1000};        // [auth] login_line_backlog_ms: hashing queued ahead, at most
  Millis max_wait{3 * 3600'000};  // [auth] login_line_max_wait_minutes: longer waits get 503
  Millis ticket_ttl{2 * 3600'000};  // a ticket is honoured this long after it was given
};

class LoginLine {
 public:
  // `key`: the HMAC key (the node's, kept in the store); `epoch`: this process's start, which
  // tickets carry so that a restarted line does not honour numbers it never issued.
  LoginLine(LoginLineOptions options, std::string key, TimePoint epoch);

  struct Place {
    int64_t number = 0;
    int64_t position = 0;  // 1: next to go
    Millis eta{0};
    std::string ticket;
  };
  struct Decision {
    enum Kind { kGo, kWait, kBusy, kFull } kind = kGo;  // kBusy: that number is being checked
    Place place;          // kWait, kBusy
    Millis retry_after{0};  // kFull
    int64_t number = 0;   // kGo with a ticket: pass it to Done()
  };

  // A login of `login` arrives with `ticket` ("" if none). `queued`: logins waiting in the
  // hashing queue now; `rate`: hashes a second the queue does (measured).
  Decision Arrive(std::string_view login, std::string_view ticket, int64_t queued, double rate,
                  TimePoint now);
  // The login of ticket `number` has its answer (kGo with a ticket only).
  void Done(int64_t number);
  // Every 100 ms or so: calls the next numbers as the hashing queue makes room.
  void Advance(MonoPoint now, int64_t queued, double rate);

  struct Stats {
    int64_t waiting = 0;  // numbers given and not yet called
    int64_t issued = 0;
    int64_t called = 0;
  };
  Stats stats() const;

 private:
  Place PlaceOf(int64_t number, double rate) const REQUIRES(mu_);
  std::optional<int64_t> Verify(std::string_view ticket, std::string_view login,
                                TimePoint now) const;

  const LoginLineOptions options_;
  const std::string key_;
  const int64_t epoch_ms_;
  mutable Mutex mu_;
  int64_t issued_ GUARDED_BY(mu_) = 0;  // the last number given
  int64_t called_ GUARDED_BY(mu_) = 0;  // numbers up to this one may go
  double allowance_ GUARDED_BY(mu_) = 0;
  MonoPoint last_advance_ GUARDED_BY(mu_){};
  std::unordered_set<int64_t> checking_ GUARDED_BY(mu_);  // called numbers being hashed
};

}  // namespace pupitre::guard
