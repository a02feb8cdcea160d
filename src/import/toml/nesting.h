#pragma once
// A scan of a TOML text before toml++ sees it. toml++ parses dotted keys and table headers
// recursively, one level per dot: a file of about 80 KB with keys nested 40,000 deep overflows a
// thread's stack and takes the whole server down. This scan reads the text once, in linear time
// and constant stack, and refuses any key, table header or nested value deeper than the limit.

#include <optional>
#include <string_view>

#include "common/result.h"

namespace pupitre::importers {

// Deeper than any exam file needs ([exam] tables are 2 levels; values nest a few).
inline constexpr int kMaxTomlNesting = 32;

// The first problem found (with its 1-based line), or nothing: a key or table header with more
// than `max_depth` dotted parts, or arrays/inline tables nested more than `max_depth` deep.
std::optional<Problem> FindTooDeepNesting(std::string_view text, int max_depth = kMaxTomlNesting);

}  // namespace pupitre::importers
