#pragma once
// Who may send how much: request rates per address, subnet and account, and failed logins.
//
// - Anonymous requests (no session) are limited per source address and per subnet (/24, /64).
//   The login route is not: a school behind one address logs in together at 9:00. Logins are
//   bounded by the hashing queue instead (guard/work_queue.h), and failures by LoginThrottle.
// - Logged-in requests are limited per account, whatever the address (a school's NAT is many
//   students). Saves and submits of an attempt in progress are not: they are bounded by the
//   number each user may have in flight (api/middleware.h).
// - Failed logins slow down per account *from a subnet* and per address, never per account
//   alone: an attacker elsewhere cannot lock a student out of their own account.
//
// The [limits] section of the configuration (config/config.h composes LimitOptions; its
// defaults are written here only). A rate of 0 means no limit.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "guard/rate_table.h"

namespace pupitre::guard {

struct LimitOptions {
  Rate anonymous_per_address{100, 500};  // [limits] anonymous_rate, anonymous_burst
  Rate anonymous_per_subnet{400, 2000};  // [limits] anonymous_subnet_rate, anonymous_subnet_burst
  Rate per_account{100, 400};            // [limits] account_rate, account_burst
  // [limits] failed_login_interval_s, failed_login_burst: per account from one subnet.
  Rate failed_per_account{0.1, 5};
  // [limits] failed_login_address_interval_s, failed_login_address_burst: per address.
  Rate failed_per_address{0.1, 20};
};

// Request rates, by key. Thread-safe.
class RequestLimits {
 public:
  explicit RequestLimits(LimitOptions options) : options_(options) {}
  // An anonymous request from `address`: nothing, or how long to wait.
  std::optional<Millis> Anonymous(std::string_view address, MonoPoint now);
  // A logged-in request of account `user_id`.
  std::optional<Millis> Account(int64_t user_id, MonoPoint now);

 private:
  LimitOptions options_;
  RateTable table_;
};

// Failed logins. Thread-safe.
class LoginThrottle {
 public:
  explicit LoginThrottle(LimitOptions options) : options_(options) {}
  // Before hashing: nothing if a login of `login` from `address` may be tried now; otherwise
  // how long to wait (no hashing is spent on it).
  std::optional<Millis> Check(std::string_view login, std::string_view address,
                              MonoPoint now) const;
  // After a wrong password (or an unknown login).
  void Failed(std::string_view login, std::string_view address, MonoPoint now);
  // Whether `address` failed lately: its logins wait behind those of addresses that did not.
  bool Suspect(std::string_view address, MonoPoint now) const;

 private:
  static std::string AccountKey(std::string_view login, std::string_view address);
  static std::string AddressKey(std::string_view address);
  LimitOptions options_;
  RateTable table_;
};

}  // namespace pupitre::guard
