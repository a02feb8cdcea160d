#include "guard/signing.h"

#include <sodium.h>

namespace pupitre::guard {

std::string HmacHex(std::string_view key, std::string_view payload) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(payload.data()),
                                payload.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex);
}

bool HmacMatches(std::string_view key, std::string_view payload, std::string_view mac) {
  const std::string expected = HmacHex(key, payload);
  return mac.size() == expected.size() &&
         sodium_memcmp(mac.data(), expected.data(), expected.size()) == 0;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char out[2 * sizeof digest + 1];
  sodium_bin2hex(out, sizeof out, digest, sizeof digest);
  return std::string(out);
}

std::string Sha256Base64(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char out[sodium_base64_ENCODED_LEN(sizeof digest, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(out, sizeof out, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
  return std::string(out);
}

}  // namespace pupitre::guard
