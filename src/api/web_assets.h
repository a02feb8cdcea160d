#pragma once
// Files served or used by the binary, embedded at build time (cmake/embed.cmake) so that the
// binary runs from anywhere with no asset directory to configure.

#include <string_view>

namespace pupitre::api {

extern const std::string_view kIndexHtml;      // web/index.html
extern const std::string_view kDemoExamToml;   // examples/demo-exam.toml

}  // namespace pupitre::api
