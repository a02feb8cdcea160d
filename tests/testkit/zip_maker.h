#pragma once
// A ZIP archive made in memory (libzip) from (path, content) pairs: a content package for the
// importers' tests, or a hostile one.

#include <string>
#include <utility>
#include <vector>

namespace pupitre::testkit {

std::string ZipOf(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace pupitre::testkit
