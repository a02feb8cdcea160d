#pragma once
// The TOML exam importer's small pieces (exam_toml.cc): what a value is, what it should have
// been, where a problem is, the key a typo likely stands for, ids, dates. Internal to
// import/toml.

#include <toml++/toml.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pupitre::importers::toml_parts {

using KeyList = std::span<const std::string_view>;

constexpr size_t kMaxIdLength = 64;  // an exam's or a question's id

inline int LineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out.push_back('"');
  return out;
}

inline bool Contains(KeyList keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

inline bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

// [A-Za-z0-9_-]{1,64}
inline bool IsQuestionId(std::string_view s) {
  return !s.empty() && s.size() <= kMaxIdLength && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

inline size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}


// The kind of a TOML value, as a stable name (the pages say it in the reader's language) and in
// English.
struct Kind {
  std::string_view name;
  std::string_view english;
};

inline Kind KindOf(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return {"string", "a string"};
    case toml::node_type::integer:
      return {"integer", "an integer"};
    case toml::node_type::floating_point:
      return {"decimal", "a decimal number"};
    case toml::node_type::boolean:
      return {"boolean", "a boolean"};
    case toml::node_type::array:
      return {"array", "an array"};
    case toml::node_type::table:
      return {"table", "a table"};
    case toml::node_type::date:
      return {"date", "a date"};
    case toml::node_type::time:
      return {"time", "a time"};
    case toml::node_type::date_time:
      return {"date_time", "a date-time"};
    case toml::node_type::none:
      break;
  }
  return {"nothing", "nothing"};
}

// What a value should have been, by name (web/i18n.js "expected.*") and in English.
struct Expected {
  std::string_view name;
  std::string_view english;
};
constexpr Expected kString{"string", "a string in quotes"};
constexpr Expected kBool{"bool", "true or false (without quotes)"};
constexpr Expected kNumber{"number", "a number"};
constexpr Expected kMinutes{"minutes", "a whole number of minutes"};
constexpr Expected kFeedbackList{"feedback_list", "an array of strings, one per option"};
constexpr Expected kAnswerFeedbackList{"answer_feedback_list",
                                      "an array of strings, one per answer"};
constexpr Expected kUnits{"units",
                          "an array of [name, multiplier] pairs, e.g. [[\"m\", 1], [\"cm\", 100]]"};
constexpr Expected kStringList{"string_list", "an array of strings"};
constexpr Expected kOptionIndex{"option_index",
                                "an option index (an integer, 0 for the first option)"};
constexpr Expected kOptionIndices{"option_indices", "an array of option indices, e.g. [0, 2]"};
constexpr Expected kAccepted{"accepted", "a string or an array of strings"};
constexpr Expected kGaps{"gaps", "an array of tables, one per gap, e.g. [{ choices = [\"a\", \"b\"], answer = \"a\" }, { answer = \"c\" }]"};
constexpr Expected kPairs{"pairs", "an array of [item, choice] pairs, e.g. [[\"France\", \"Paris\"]]"};

using Params = std::vector<std::pair<std::string, std::string>>;

// The table a problem is in: the exam, or a question or wave by its id or name once known, else
// by its number. Named in English ("question \"q3\"", "wave #2") and as values for the pages.
struct Where {
  std::string at;    // "exam", "question", "wave" or "group"
  std::string name;  // the id or name, once read
  size_t number = 0;  // 1-based, for a question or wave without a name yet

  std::string English() const {
    if (at == "exam") return at;
    return at + (name.empty() ? " #" + std::to_string(number) : " " + Quote(name));
  }
  void AddTo(Params& params) const {
    params.emplace_back("at", at);
    if (!name.empty()) {
      params.emplace_back("name", name);
    } else if (number > 0) {
      params.emplace_back("number", std::to_string(number));
    }
  }
};

// The key `key` likely stands for, when it is a typo of one of `known`: at most two edits away,
// and fewer edits than either word has letters (so "x" does not suggest "id").
inline std::optional<std::string_view> LikelyMeant(std::string_view key, KeyList known) {
  for (std::string_view k : known) {
    const size_t d = EditDistance(key, k);
    if (d <= 2 && d < std::min(key.size(), k.size())) return k;
  }
  return std::nullopt;
}

// REQUIRES: a valid date (toml::parse checks it).
inline int64_t DateTimeToUnixMs(const toml::date_time& dt) {
  using namespace std::chrono;
  const sys_days date = year_month_day{year{dt.date.year}, month{dt.date.month}, day{dt.date.day}};
  const int64_t offset_minutes = dt.offset ? dt.offset->minutes : 0;
  return duration_cast<milliseconds>(date.time_since_epoch()).count() +
         ((int64_t{dt.time.hour} * 60 + dt.time.minute - offset_minutes) * 60 + dt.time.second) *
             1000 +
         dt.time.nanosecond / 1'000'000;
}

}  // namespace pupitre::importers::toml_parts
