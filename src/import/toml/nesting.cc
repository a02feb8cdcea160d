#include "import/toml/nesting.h"

#include <cctype>
#include <string>

namespace pupitre::importers {

std::optional<Problem> FindTooDeepNesting(std::string_view text, int max_depth) {
  int line = 1;
  int depth = 0;          // open [ and { of values (and of table headers)
  int key_parts = 1;      // dotted parts of the key or header being read
  bool in_key = true;     // before the '=' of a key/value, or inside a [header]
  size_t i = 0;
  // `kind` names `what` for the pages (web/i18n.js "nesting.*").
  auto too_deep = [&](const char* kind, const char* what) {
    const std::string max = std::to_string(max_depth);
    return Problem{line,
                   std::string(what) + " nested deeper than " + max +
                       " levels: an exam file never needs that (refused before parsing)",
                   "too_deep",
                   {{"what", kind}, {"max", max}}};
  };
  auto is_digit = [&](size_t k) {
    return k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]));
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      if (depth == 0) {
        in_key = true;
        key_parts = 1;
      }
      ++i;
      continue;
    }
    if (c == '#') {  // a comment, to the end of the line
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      // A string: basic or literal, single- or multi-line. Its content is not structure.
      const bool multi = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      i += multi ? 3 : 1;
      while (i < text.size()) {
        if (c == '"' && text[i] == '\\') {
          if (i + 1 < text.size() && text[i + 1] == '\n') ++line;
          i += 2;
          continue;
        }
        if (text[i] == '\n') {
          ++line;
          if (!multi) break;  // an unterminated string: toml++ will say so
        }
        if (text[i] == c && (!multi || text.substr(i, 3) == std::string_view(
                                                       c == '"' ? "\"\"\"" : "'''"))) {
          i += multi ? 3 : 1;
          break;
        }
        ++i;
      }
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > max_depth) return too_deep("values", "arrays, inline tables or table headers");
      if (c == '{') {
        in_key = true;
        key_parts = 1;
      }
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (c == '=') {
      in_key = false;
    } else if (c == ',') {
      if (depth > 0) {  // the next key of an inline table
        in_key = true;
        key_parts = 1;
      }
    } else if (c == '.' && !(is_digit(i + 1) && i > 0 && is_digit(i - 1))) {
      if (in_key && ++key_parts > max_depth) return too_deep("keys", "dotted keys or table names");
    }
    ++i;
  }
  return std::nullopt;
}

}  // namespace pupitre::importers
