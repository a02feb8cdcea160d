#pragma once
// Signed values the server hands out and checks later without keeping them: waiting-room
// tickets, proof-of-work challenges and passes. HMAC-SHA256 (libsodium).

#include <string>
#include <string_view>

namespace pupitre::guard {

// Hex of HMAC-SHA256(key, payload).
std::string HmacHex(std::string_view key, std::string_view payload);

// Whether `mac` is HmacHex(key, payload), in constant time.
bool HmacMatches(std::string_view key, std::string_view payload, std::string_view mac);

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Base64 (standard alphabet, padded) of SHA-256(data): what a Content-Security-Policy hash
// source ('sha256-...') names.
std::string Sha256Base64(std::string_view data);

}  // namespace pupitre::guard
