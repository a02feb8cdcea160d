#pragma once
// Files served or used by the binary, embedded at build time (cmake/embed.cmake) so that the
// binary runs from anywhere with no asset directory to configure.

#include <span>
#include <string_view>

namespace pupitre::api {

struct WebFile {
  std::string_view name;  // file name in web/, e.g. "app.js"
  std::string_view body;
};

extern const std::span<const WebFile> kWebFiles;  // every file of web/, sorted by name
extern const std::string_view kDemoExamToml;      // examples/demo-exam.toml

}  // namespace pupitre::api
