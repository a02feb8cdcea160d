#pragma once
// A Safe Exam Browser configuration file (.seb) read for its Config Key, so that a teacher can
// upload the file instead of copying the key by hand.
//
// The Config Key is SEB's checksum of its settings (safeexambrowser.org/developer/
// seb-config-key.html): the settings as "SEB-JSON" (every dictionary sorted by key, no
// whitespace, no backslash escaping, empty dictionaries dropped, "originatorVersion" left out,
// data as Base64, dates as ISO 8601), then hex SHA-256 of that text. The conventions where the
// specification leaves a choice (quote escaping, date offset) are Moodle's, whose results its
// tests compare with SEB's own; tests/fixtures/seb/ holds two of its fixtures.
//
// A .seb file is a plist XML text, gzip-compressed or not, optionally prefixed "plnd" (plain
// data). Encrypted files ("pswd", "pwcc", "pkhs", "phsk") are refused with what to do instead:
// the Config Key depends on the settings only, so an unencrypted copy of the same settings gives
// the same key. Every input is hostile: sizes, nesting and decompressed length are bounded.

#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre::guard {

struct SebConfig {
  std::string config_key;      // 64 lower-case hex digits
  std::string start_url;       // the file's startURL, "" if none
  bool sends_keys = false;     // sendBrowserExamKey: SEB sends the key hashes in HTTP headers
  std::string seb_json;        // what the key is the SHA-256 of
};

inline constexpr size_t kMaxSebFileBytes = 4 << 20;   // decompressed, at every layer
inline constexpr int kMaxSebNesting = 32;             // dictionaries and arrays inside each other

// Reads a .seb file (plain, gzip-compressed, or "plnd"). Errors say what is wrong with the file
// (Invalid), or that it is encrypted and how to get a readable copy (code "seb_encrypted").
Result<SebConfig> ReadSebConfig(std::string_view file);

// The SEB-JSON text of a plist XML document's top dictionary, "originatorVersion" left out.
Result<std::string> SebJson(std::string_view plist_xml);

}  // namespace pupitre::guard
