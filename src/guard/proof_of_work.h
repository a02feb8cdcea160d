#pragma once
// Under-attack mode: anonymous visitors prove they spent a little work before they are served.
//
// Hashcash on SHA-256, as Anubis and ALTCHA do it. The server hands out a signed challenge; the
// page looks for a nonce such that SHA-256(challenge ":" nonce) starts with `bits` zero bits
// (2^bits tries on average: 32,768 at the default 15; tests/browser/attack.test.mjs prints how
// long a newcomer's page takes from the challenge to the application, under a second on this
// project's 2-core machine), while a flood needs that work for every address it uses.
// It stops what does not run the page's script (most floods); an attacker who computes hashes
// natively pays far less, which the rate limits per address and subnet still bound. The server
// checks the answer with one hash and hands back a *pass*, a signed cookie bound to the client's address, so that the
// page and its files are then served as usual until the pass expires. Nothing is stored: the
// challenge and the pass carry their expiry and the address, under an HMAC with a key shared by
// every node. Logged-in users never meet any of this (api/middleware.h).
//
// AttackMode says whether the proof is asked for: the operator's switch (off, on, or auto) and,
// in auto, a meter of anonymous requests that engages the mode above a threshold and releases
// it once traffic has stayed low for a while.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"

namespace pupitre::guard {

struct AttackOptions {
  int64_t pow_bits = 15;                   // [attack] pow_bits: leading zero bits asked for
  int64_t challenge_ttl_ms = 5 * 60'000;   // [attack] challenge_ttl_s: time to solve and send
  int64_t pass_ttl_ms = 60 * 60'000;       // [attack] pass_minutes: how long a pass serves
  std::string mode = "auto";               // [attack] mode: "off", "on" or "auto" at start-up
  double auto_rate = 5'000;  // [attack] auto_anonymous_rate: anonymous requests/s that engage it
  int64_t auto_seconds = 3;  // [attack] auto_seconds: consecutive seconds above that engage it
  int64_t auto_hold_ms = 60'000;  // [attack] auto_hold_s: below half the rate this long releases
};

// The number of leading zero bits of SHA-256(challenge ":" nonce).
int ProofBits(std::string_view challenge, std::string_view nonce);

// Challenges and passes. Thread-safe (immutable after construction).
class ProofOfWork {
 public:
  // REQUIRES: `key` is secret and the same on every node.
  ProofOfWork(const AttackOptions& options, std::string key);

  // A challenge for a client at `address`: "EXPIRES.BITS.RANDOM.MAC".
  std::string Challenge(std::string_view address, TimePoint now) const;
  // The pass, if `nonce` solves a live `challenge` issued to `address`; otherwise why not.
  Result<std::string> Redeem(std::string_view challenge, std::string_view nonce,
                             std::string_view address, TimePoint now) const;
  // Whether `pass` is a live pass of `address`.
  bool Valid(std::string_view pass, std::string_view address, TimePoint now) const;

  int bits() const { return bits_; }
  Millis pass_ttl() const { return Millis(pass_ttl_ms_); }

 private:
  const int bits_;
  const int64_t challenge_ttl_ms_;
  const int64_t pass_ttl_ms_;
  const std::string key_;
};

// Whether the proof is asked for now. Note() on the request path (one relaxed increment),
// Tick() once a second. Thread-safe.
class AttackMode {
 public:
  enum class Switch { kOff, kOn, kAuto };
  // The setting (common/settings.h) that keeps the operator's switch across restarts and for
  // every node; it wins over [attack] mode.
  static constexpr std::string_view kSetting = "under_attack_mode";
  static Result<Switch> ParseSwitch(std::string_view text);
  static std::string_view SwitchName(Switch s);

  AttackMode(const AttackOptions& options, Switch initial);

  // One anonymous request (counted whatever happens to it next).
  void Note() { counted_.fetch_add(1, std::memory_order_relaxed); }
  // Once a second: measures the last second and engages or releases the auto mode. Returns
  // true when engagement changed (for a log line).
  bool Tick(MonoPoint now);

  bool Engaged() const { return engaged_.load(std::memory_order_relaxed); }
  void Set(Switch s);

  struct Status {
    Switch mode;
    bool engaged;
    double anonymous_rate;  // requests per second over the last measured second
    double auto_rate;       // the threshold
  };
  Status status() const;

 private:
  const AttackOptions options_;
  std::atomic<uint64_t> counted_{0};
  std::atomic<bool> engaged_{false};
  mutable Mutex mu_;
  Switch mode_ GUARDED_BY(mu_);
  bool auto_engaged_ GUARDED_BY(mu_) = false;
  uint64_t last_count_ GUARDED_BY(mu_) = 0;
  MonoPoint last_tick_ GUARDED_BY(mu_){};
  double rate_ GUARDED_BY(mu_) = 0;
  int64_t seconds_above_ GUARDED_BY(mu_) = 0;
  MonoPoint low_since_ GUARDED_BY(mu_){};
};

}  // namespace pupitre::guard
