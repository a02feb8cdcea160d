#include "guard/limits.h"

#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace pupitre::guard {

std::optional<Millis> RequestLimits::Anonymous(std::string_view address, MonoPoint now) {
  std::string key = "a|";
  key += address;
  auto wait = table_.Take(key, options_.anonymous_per_address, now);
  if (wait) return wait;
  return table_.Take("s|" + SubnetOf(address), options_.anonymous_per_subnet, now);
}

std::optional<Millis> RequestLimits::Account(int64_t user_id, MonoPoint now) {
  return table_.Take("u|" + std::to_string(user_id), options_.per_account, now);
}

std::string LoginThrottle::AccountKey(std::string_view login, std::string_view address) {
  // Logins are matched ignoring case, as the accounts are.
  std::string key = "l|";
  key += AsciiLower(login);
  key += '|';
  key += SubnetOf(address);
  return key;
}

std::string LoginThrottle::AddressKey(std::string_view address) {
  std::string key = "f|";
  key += address;
  return key;
}

std::optional<Millis> LoginThrottle::Check(std::string_view login, std::string_view address,
                                           MonoPoint now) const {
  auto a = table_.Peek(AccountKey(login, address), options_.failed_per_account, now);
  auto b = table_.Peek(AddressKey(address), options_.failed_per_address, now);
  if (a && b) return std::max(*a, *b);
  return a ? a : b;
}

void LoginThrottle::Failed(std::string_view login, std::string_view address, MonoPoint now) {
  table_.Charge(AccountKey(login, address), options_.failed_per_account, now);
  table_.Charge(AddressKey(address), options_.failed_per_address, now);
}

bool LoginThrottle::Suspect(std::string_view address, MonoPoint now) const {
  return table_.Owes(AddressKey(address), now);
}

}  // namespace pupitre::guard
