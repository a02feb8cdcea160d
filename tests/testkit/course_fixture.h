#pragma once
// Test support for the course space: resumable uploads (tus) from a test client, and the
// helpers to check bytes (SHA-256, a pattern that differs at every offset).

#include <sodium.h>

#include <map>
#include <string>

#include "testkit/http_client.h"

namespace pupitre::testkit {

inline const std::map<std::string, std::string> kTus = {{"Tus-Resumable", "1.0.0"}};

inline std::string Base64(const std::string& s) {
  std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

inline std::string Sha256Hex(const std::string& s) {
  unsigned char d[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, d, sizeof d);
  return hex;
}

// Bytes that differ at every offset, so that a range off by one shows.
inline std::string Pattern(size_t n, int seed = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + i / 256 + seed * 7) & 0xFF);
  return s;
}

// Begins an upload; returns its path (from Location).
inline std::string BeginUpload(HttpClient& c, size_t length, const std::string& name) {
  auto h = kTus;
  h["Upload-Length"] = std::to_string(length);
  h["Upload-Metadata"] = "filename " + Base64(name);
  auto r = c.Send(boost::beast::http::verb::post, "/api/uploads", "", h);
  return r.status == 201 ? r.headers["location"] : "";
}

inline HttpResult Patch(HttpClient& c, const std::string& path, size_t offset,
                        const std::string& part) {
  auto h = kTus;
  h["Upload-Offset"] = std::to_string(offset);
  h["Content-Type"] = "application/offset+octet-stream";
  return c.Send(boost::beast::http::verb::patch, path, part, h);
}

// Uploads `bytes` in 64 KiB parts; returns the upload's id ("" if a step failed).
inline std::string UploadAll(HttpClient& c, const std::string& name, const std::string& bytes) {
  const std::string path = BeginUpload(c, bytes.size(), name);
  if (path.empty()) return "";
  for (size_t at = 0; at < bytes.size(); at += 64 * 1024) {
    if (Patch(c, path, at, bytes.substr(at, 64 * 1024)).status != 204) return "";
  }
  return path.substr(path.rfind('/') + 1);
}

}  // namespace pupitre::testkit
