#include "guard/proof_of_work.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>

#include "common/text.h"
#include "guard/signing.h"

namespace pupitre::guard {
namespace {

std::string ChallengePayload(std::string_view address, std::string_view expires,
                             std::string_view bits, std::string_view random) {
  return fmt::format("pow1|{}|{}|{}|{}", address, expires, bits, random);
}

std::string PassPayload(std::string_view address, std::string_view expires) {
  return fmt::format("pass1|{}|{}", address, expires);
}

}  // namespace

int ProofBits(std::string_view challenge, std::string_view nonce) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(challenge.data()),
                            challenge.size());
  const unsigned char colon = ':';
  crypto_hash_sha256_update(&st, &colon, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(nonce.data()),
                            nonce.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  int bits = 0;
  for (unsigned char byte : digest) {
    if (byte == 0) {
      bits += 8;
      continue;
    }
    for (int b = 7; b >= 0 && !(byte & (1u << b)); --b) ++bits;
    break;
  }
  return bits;
}

ProofOfWork::ProofOfWork(const AttackOptions& options, std::string key)
    : bits_(static_cast<int>(std::clamp<int64_t>(options.pow_bits, 0, 32))),
      challenge_ttl_ms_(options.challenge_ttl_ms),
      pass_ttl_ms_(options.pass_ttl_ms),
      key_(std::move(key)) {}

std::string ProofOfWork::Challenge(std::string_view address, TimePoint now) const {
  unsigned char random[8];
  randombytes_buf(random, sizeof random);
  char hex[sizeof random * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  const std::string expires = std::to_string(ToUnixMs(now) + challenge_ttl_ms_);
  const std::string bits = std::to_string(bits_);
  return fmt::format("{}.{}.{}.{}", expires, bits, hex,
                     HmacHex(key_, ChallengePayload(address, expires, bits, hex)));
}

Result<std::string> ProofOfWork::Redeem(std::string_view challenge, std::string_view nonce,
                                        std::string_view address, TimePoint now) const {
  std::array<std::string_view, 4> p;  // expires, bits, random, mac
  int64_t expires = 0, bits = 0;
  if (challenge.size() > 200 || !SplitExactly(challenge, '.', p) || !ParseInt64(p[0], expires) ||
      !ParseInt64(p[1], bits) || !HmacMatches(key_, ChallengePayload(address, p[0], p[1], p[2]), p[3])) {
    return Error::Forbidden("this challenge was not issued to you; reload the page");
  }
  if (ToUnixMs(now) > expires) return Error::Forbidden("this challenge has expired; reload the page");
  if (nonce.empty() || nonce.size() > 32) return Error::BadRequest("'nonce' must be 1 to 32 characters");
  if (ProofBits(challenge, nonce) < bits) return Error::Forbidden("this nonce does not solve the challenge");
  const std::string until = std::to_string(ToUnixMs(now) + pass_ttl_ms_);
  return until + "." + HmacHex(key_, PassPayload(address, until));
}

bool ProofOfWork::Valid(std::string_view pass, std::string_view address, TimePoint now) const {
  std::array<std::string_view, 2> p;  // expires, mac
  int64_t expires = 0;
  return pass.size() <= 100 && SplitExactly(pass, '.', p) && ParseInt64(p[0], expires) &&
         ToUnixMs(now) <= expires && HmacMatches(key_, PassPayload(address, p[0]), p[1]);
}

Result<AttackMode::Switch> AttackMode::ParseSwitch(std::string_view text) {
  if (text == "off") return Switch::kOff;
  if (text == "on") return Switch::kOn;
  if (text == "auto") return Switch::kAuto;
  return Error::BadRequest("the under-attack mode must be \"off\", \"on\" or \"auto\"");
}

std::string_view AttackMode::SwitchName(Switch s) {
  switch (s) {
    case Switch::kOff: return "off";
    case Switch::kOn: return "on";
    case Switch::kAuto: break;
  }
  return "auto";
}

AttackMode::AttackMode(const AttackOptions& options, Switch initial)
    : options_(options), mode_(initial) {
  engaged_.store(initial == Switch::kOn, std::memory_order_relaxed);
}

bool AttackMode::Tick(MonoPoint now) {
  MutexLock lock(mu_);
  const uint64_t count = counted_.load(std::memory_order_relaxed);
  const double seconds =
      last_tick_ == MonoPoint{} ? 0
                                : std::chrono::duration<double>(now - last_tick_).count();
  rate_ = seconds > 0 ? static_cast<double>(count - last_count_) / seconds : 0;
  last_count_ = count;
  last_tick_ = now;
  if (rate_ > options_.auto_rate) {
    ++seconds_above_;
  } else {
    seconds_above_ = 0;
  }
  if (rate_ >= options_.auto_rate / 2 || low_since_ == MonoPoint{}) low_since_ = now;
  if (!auto_engaged_ && seconds_above_ >= options_.auto_seconds) {
    auto_engaged_ = true;
  } else if (auto_engaged_ && now - low_since_ >= Millis(options_.auto_hold_ms)) {
    auto_engaged_ = false;
  }
  const bool engaged = mode_ == Switch::kOn || (mode_ == Switch::kAuto && auto_engaged_);
  return engaged_.exchange(engaged, std::memory_order_relaxed) != engaged;
}

void AttackMode::Set(Switch s) {
  MutexLock lock(mu_);
  mode_ = s;
  engaged_.store(s == Switch::kOn || (s == Switch::kAuto && auto_engaged_),
                 std::memory_order_relaxed);
}

AttackMode::Status AttackMode::status() const {
  MutexLock lock(mu_);
  return {mode_, engaged_.load(std::memory_order_relaxed), rate_, options_.auto_rate};
}

}  // namespace pupitre::guard
