#include "auth/users_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/text.h"

namespace pupitre::auth {
namespace {

// Splits one CSV record (RFC 4180 quoting, no embedded newlines).
Result<std::vector<std::string>> SplitRecord(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return Error::Invalid("unterminated quoted field").Because("csv_quote");
  return fields;
}

}  // namespace

Result<std::vector<NewUser>> ParseUsersCsv(std::string_view text) {
  // Spreadsheets often save UTF-8 with a byte-order mark: it is not part of the header.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (auto bad = FirstInvalidUtf8(text)) {
    // Said with its line: a file saved as Latin-1 or Windows-1252 shows here first.
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + *bad, '\n'));
    return Error::Invalid("the file is not valid UTF-8; nothing was imported",
                          {{line, "not valid UTF-8 (save the file as UTF-8)", "not_utf8", {}}});
  }
  std::vector<NewUser> users;
  std::vector<Problem> problems;
  std::set<std::string> seen;
  int line_no = 0;
  bool header_seen = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto fields = SplitRecord(line);
    if (!fields.ok()) {
      problems.push_back({line_no, fields.error().message, fields.error().reason, {}});
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      if (fields->size() < 3 || (*fields)[0] != "login" || (*fields)[1] != "name" ||
          (*fields)[2] != "password") {
        problems.push_back({line_no, "the first line must be the header login,name,password[,role]",
                            "csv_header", {}});
        break;
      }
      continue;
    }
    if (fields->size() < 3 || fields->size() > 4) {
      const std::string found = std::to_string(fields->size());
      problems.push_back(
          {line_no, "expected 3 or 4 fields, found " + found, "csv_fields", {{"found", found}}});
      continue;
    }
    if (std::any_of(fields->begin(), fields->end(),
                    [](const std::string& f) { return HasControlCharacter(f); })) {
      problems.push_back({line_no, "a field holds a control character (a tab, an escape...)",
                          "csv_control", {}});
      continue;
    }
    NewUser u{(*fields)[0], (*fields)[1], Role::kStudent, (*fields)[2]};
    if (fields->size() == 4 && !(*fields)[3].empty()) {
      auto role = auth::ParseRole((*fields)[3]);
      if (!role) {
        problems.push_back({line_no,
                            fmt::format("role '{}' is not student, teacher or admin", (*fields)[3]),
                            "bad_role",
                            {{"role", (*fields)[3]}}});
        continue;
      }
      u.role = *role;
    }
    if (auto s = auth::ValidateNewUser(u); !s.ok()) {
      problems.push_back({line_no, s.error().message, s.error().reason, s.error().params});
      continue;
    }
    // Logins are one account whatever their case: "Anna" and "anna" would be two people
    // nobody can tell apart.
    if (!seen.insert(auth::FoldLogin(u.login)).second) {
      problems.push_back({line_no, fmt::format("login '{}' appears twice (ignoring case)", u.login),
                          "login_twice",
                          {{"login", u.login}}});
      continue;
    }
    users.push_back(std::move(u));
  }
  if (!header_seen) problems.push_back({1, "the file is empty", "csv_empty", {}});
  if (!problems.empty()) {
    // The message first: the order in which arguments are evaluated is unspecified, and the
    // moved-from list would count 0.
    std::string message = fmt::format("{} problem(s); nothing was imported", problems.size());
    return Error::Invalid(std::move(message), std::move(problems));
  }
  return users;
}

}  // namespace pupitre::auth
