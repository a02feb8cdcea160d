#pragma once
// The web interface's files (web/, embedded in the binary), ready to serve: each with its
// content type and ETag. index.html names the others with a version (`?v=...`, a hash of every
// file), so that browsers may keep them for a year and still never mix two releases.

#include <string>
#include <string_view>
#include <unordered_map>

namespace pupitre::api {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;  // quoted, as sent
  std::string gzip;  // the body compressed once at start-up, sent to clients that accept it
};

class StaticFiles {
 public:
  StaticFiles();  // from kWebFiles

  // The file named `name` (e.g. "app.js"; "index.html" for the page), or nullptr.
  const StaticFile* Find(std::string_view name) const;
  // The version that index.html puts in the files' URLs.
  const std::string& version() const { return version_; }
  // The bytes of every file, for the size budget.
  size_t total_bytes() const;

 private:
  std::unordered_map<std::string, StaticFile> files_;
  std::string version_;
};

}  // namespace pupitre::api
