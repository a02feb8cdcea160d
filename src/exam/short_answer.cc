// Short answers as Moodle's patterns (see exam.h: MatchesWildcards, MatchesAnswer,
// WildcardsLiteral, PatternShown): a run of '*' any text, "\*" a star.
#include <string>
#include <string_view>
#include <vector>

#include "exam/exam.h"

namespace pupitre::exam {

bool MatchesWildcards(std::string_view pattern, std::string_view text) {
  // The literal runs between the stars: the first begins the text, the last ends it, and the
  // others come in order between (the leftmost place of each leaves the most room after it).
  std::vector<std::string> runs(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      runs.back().push_back('*');
      ++i;
    } else if (pattern[i] == '*') {
      if (runs.size() == 1 || !runs.back().empty()) runs.emplace_back();
    } else {
      runs.back().push_back(pattern[i]);
    }
  }
  if (runs.size() == 1) return text == runs[0];
  const std::string& first = runs.front();
  const std::string& last = runs.back();
  if (text.size() < first.size() + last.size() || !text.starts_with(first) ||
      !text.ends_with(last)) {
    return false;
  }
  const std::string_view between = text.substr(0, text.size() - last.size());
  size_t at = first.size();
  for (size_t k = 1; k + 1 < runs.size(); ++k) {
    const size_t found = between.find(runs[k], at);
    if (found == std::string_view::npos) return false;
    at = found + runs[k].size();
  }
  return true;
}

bool MatchesAnswer(std::string_view pattern, std::string_view kept, std::string_view dropped) {
  if (MatchesWildcards(pattern, kept)) return true;
  const size_t before = pattern.size();
  while (!pattern.empty() && (pattern.back() == '.' || pattern.back() == '!' ||
                              pattern.back() == '?' || pattern.back() == ' ')) {
    pattern.remove_suffix(1);
  }
  // Punctuation after a star ("*?") is all that pattern asks for there: without it the pattern
  // would accept anything.
  const bool star_last = pattern.ends_with('*') && !pattern.ends_with("\\*");
  if (pattern.size() != before && star_last) return false;
  return MatchesWildcards(pattern, dropped);
}

std::optional<std::string> WildcardsLiteral(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      ++i;
    } else if (pattern[i] == '*') {
      return std::nullopt;
    }
    out.push_back(pattern[i]);
  }
  return out;
}

std::string PatternShown(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      out.push_back(pattern[++i]);
    } else if (pattern[i] != '*') {
      out.push_back(pattern[i]);
    } else if (!out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace pupitre::exam
