#pragma once
// Password hashing (argon2id) and random tokens, on libsodium. Thread-safe after InitCrypto().

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre::auth {

// Initialises libsodium. Call once at start-up, before any other function here.
Status InitCrypto();

struct HashCost {
  int64_t iterations = 2;
  int64_t memory_kib = 19 * 1024;
};

// An argon2id hash in libsodium's self-describing encoded form. Slow by design (tens of ms):
// never call on an event-loop thread.
Result<std::string> HashPassword(std::string_view password, const HashCost& cost);

// True when `password` matches `encoded_hash`. As slow as HashPassword.
bool VerifyPassword(std::string_view password, const std::string& encoded_hash);

// `bytes` random bytes, hex-encoded (2 * bytes characters).
std::string RandomHex(size_t bytes);

// A random 64-bit number (for shuffling seeds).
uint64_t RandomU64();

// Hex of BLAKE2b-256 of `token`: what the store keeps instead of a session token.
std::string HashToken(std::string_view token);

// Constant-time comparison of two strings.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace pupitre::auth
