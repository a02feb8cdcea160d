#pragma once
// The TOML exam importer's parser (exam_toml.cc: the file, the exam and its waves;
// question_toml.cc: the questions): one class whose problem-reporting helpers are here.
// Internal to import/toml.

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"
#include "import/toml/toml_parts.h"

namespace pupitre::importers::toml_exam {

using namespace pupitre::exam;  // the model this importer fills
using namespace toml_parts;     // its small pieces

inline constexpr std::string_view kTopLevelKeys[] = {"exam", "question", "wave", "group", "gift",
                                                     "moodle_xml", "qti"};
inline constexpr std::string_view kGroupKeys[] = {"id", "pick", "category"};
inline constexpr std::string_view kWaveKeys[] = {"name", "offset_minutes", "students", "letters"};
inline constexpr std::string_view kExamKeys[] = {
    "id",           "title",           "course",       "opens",    "closes",
    "duration_minutes", "shuffle_questions", "shuffle_options", "one_per_page", "review",
    "auto_waves",   "wave_interval_minutes"};
inline constexpr std::string_view kQuestionKeys[] = {
    "id",      "type",        "text",           "points",          "options",
    "answer",  "tolerance",   "feedback",       "option_feedback", "answer_feedback",
    "pairs",   "distractors", "case_sensitive", "wildcards",       "all_or_nothing",
    "grading", "group",       "units",          "unit_penalty",    "gaps",
    "shuffle_options", "numbering"};
inline constexpr std::string_view kGapKeys[] = {"choices",   "answer", "credit",   "case_sensitive",
                                                "wildcards", "weight", "tolerance"};
// A year: far beyond any exam, and small enough that milliseconds never overflow.
inline constexpr int64_t kMaxDurationMinutes = 366 * 24 * 60;
inline constexpr double kMaxPoints = 10'000;  // per question
inline constexpr std::string_view kDateTimeExample = "2026-11-23T08:00:00Z";

// Collects the problems of one file while building its ExamSpec. Each problem has a reason and
// values (the pages' sentences, web/i18n.js "problem.*") and an English sentence.
class ExamParser {
 public:
  Result<ExamSpec> Parse(std::string_view text);

 private:
  // A problem outside any table.
  void Add(int line, std::string reason, Params params, std::string english) {
    problems_.push_back({line, std::move(english), std::move(reason), std::move(params)});
  }
  void Add(const toml::node& at, std::string reason, Params params, std::string english) {
    Add(LineOf(at), std::move(reason), std::move(params), std::move(english));
  }
  // A problem in a table, named first.
  void Add(int line, const Where& where, std::string reason, Params params,
           const std::string& english) {
    where.AddTo(params);
    Add(line, std::move(reason), std::move(params), where.English() + ": " + english);
  }
  void Add(const toml::node& at, const Where& where, std::string reason, Params params,
           const std::string& english) {
    Add(LineOf(at), where, std::move(reason), std::move(params), english);
  }

  void UnknownKey(const toml::node& at, const std::optional<Where>& where, const std::string& key,
                  KeyList known) {
    Params params{{"key", key}};
    std::string english = (where ? "unknown key " : "unknown top-level key ") + Quote(key);
    if (std::optional<std::string_view> meant = LikelyMeant(key, known)) {
      params.emplace_back("meant", std::string(*meant));
      english += " (did you mean " + Quote(*meant) + "?)";
    }
    if (where) {
      Add(at, *where, "unknown_key", std::move(params), english);
    } else {
      Add(at, "unknown_key", std::move(params), english);
    }
  }

  Result<ExamSpec> Finish() {
    if (problems_.empty()) return std::move(spec_);
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });
    const std::string count = std::to_string(problems_.size());
    return Error::Invalid("exam file has " + count + " problem(s)", std::move(problems_))
        .Because("exam_file_problems", {{"count", count}});
  }

  void CheckKeys(const toml::table& t, KeyList known, const Where& where) {
    for (auto&& [key, node] : t) {
      if (!Contains(known, key.str())) UnknownKey(node, where, std::string(key.str()), known);
    }
  }

  // The node under `key`, or nullptr; a missing required key is reported at the table's line.
  const toml::node* Get(const toml::table& t, std::string_view key, const Where& where,
                        bool required) {
    const toml::node* n = t.get(key);
    if (n == nullptr && required) {
      Add(t, where, "missing_key", {{"key", std::string(key)}}, "missing key " + Quote(key));
    }
    return n;
  }

  void WrongType(const toml::node& n, std::string_view key, const Where& where,
                 const Expected& expected) {
    const Kind kind = KindOf(n);
    Add(n, where, "wrong_type",
        {{"key", std::string(key)},
         {"expected", std::string(expected.name)},
         {"found", std::string(kind.name)}},
        Quote(key) + " must be " + std::string(expected.english) + ", not " +
            std::string(kind.english));
  }

  std::optional<std::string> GetString(const toml::table& t, std::string_view key,
                                       const Where& where, bool required) {
    const toml::node* n = Get(t, key, where, required);
    if (n == nullptr) return std::nullopt;
    if (!n->is_string()) {
      WrongType(*n, key, where, kString);
      return std::nullopt;
    }
    return n->as_string()->get();
  }

  // Non-blank text.
  std::optional<std::string> GetText(const toml::table& t, std::string_view key,
                                     const Where& where) {
    std::optional<std::string> s = GetString(t, key, where, /*required=*/true);
    if (s && IsBlank(*s)) {
      Add(*t.get(key), where, "empty_value", {{"key", std::string(key)}},
          Quote(key) + " must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<bool> GetBool(const toml::table& t, std::string_view key, const Where& where) {
    const toml::node* n = Get(t, key, where, /*required=*/false);
    if (n == nullptr) return std::nullopt;
    if (!n->is_boolean()) {
      WrongType(*n, key, where, kBool);
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  // An integer or a finite decimal number.
  std::optional<double> GetNumber(const toml::node& n, std::string_view key, const Where& where) {
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    if (n.is_floating_point()) {
      const double x = n.as_floating_point()->get();
      if (std::isfinite(x)) return x;
      Add(n, where, "not_finite", {{"key", std::string(key)}, {"value", std::to_string(x)}},
          Quote(key) + " must be a finite number, not " + std::to_string(x));
      return std::nullopt;
    }
    WrongType(n, key, where, kNumber);
    return std::nullopt;
  }

  // A date-time with a UTC offset, as Unix milliseconds.
  std::optional<int64_t> GetInstant(const toml::table& t, std::string_view key,
                                    const Where& where) {
    const toml::node* n = Get(t, key, where, /*required=*/true);
    if (n == nullptr) return std::nullopt;
    const std::string k(key);
    const std::string quoted = Quote(key);
    const std::string example = std::string(kDateTimeExample);
    if (n->is_date_time()) {
      const toml::date_time& dt = n->as_date_time()->get();
      if (dt.offset) {
        const int64_t ms = DateTimeToUnixMs(dt);
        if (IsValidInstantMs(ms)) return ms;
        Add(*n, where, "year_range", {{"key", k}}, quoted + " must be from year 1970 to 9999");
        return std::nullopt;
      }
      Add(*n, where, "no_utc_offset", {{"key", k}, {"example", example}},
          quoted + " has no UTC offset: add one, e.g. " + example +
              " for UTC or 2026-11-23T09:00:00+01:00");
    } else if (n->is_string()) {
      Add(*n, where, "date_in_quotes", {{"key", k}, {"example", example}},
          quoted + " must be a date-time without quotes, e.g. " + example);
    } else {
      const Kind kind = KindOf(*n);
      Add(*n, where, "not_date_time",
          {{"key", k}, {"example", example}, {"found", std::string(kind.name)}},
          quoted + " must be a date-time with a UTC offset, e.g. " + example + ", not " +
              std::string(kind.english));
    }
    return std::nullopt;
  }

  // The exam and its waves (exam_toml.cc).
  void ParseExam(const toml::table& t);
  void ParseWave(const toml::table& t, size_t index);
  void ParseGroup(const toml::table& t, size_t index);
  // Once everything is read: each question's group declared, each group's pick and points.
  void CheckGroups();

  // The questions (question_toml.cc).
  void ParseQuestion(const toml::table& t, size_t index);
  void ParseFeedback(const toml::table& t, Question& q, const Where& where);
  void ParseAnswerFeedback(const toml::table& t, Question& q, const Where& where);
  void ParseUnits(const toml::table& t, Question& q, const Where& where);
  // How the options are shown: shuffle_options (false: never shuffled) and numbering.
  void ParseOptionDisplay(const toml::table& t, Question& q, const Where& where);
  void ParseOptions(const toml::table& t, Question& q, const Where& where);
  std::optional<int> GetIndex(const toml::node& n, const Question& q, const Where& where);
  void ParseKey(const toml::table& t, Question& q, const Where& where);
  void ParseAccepted(const toml::node& n, Question& q, const Where& where);
  void ParseMatching(const toml::table& t, Question& q, const Where& where);
  // gaps_toml.cc: a gaps question's gaps.
  void ParseGaps(const toml::table& t, Question& q, const Where& where);
  std::optional<Gap> ParseGap(const toml::table& t, size_t number, const Where& where);

  ExamSpec spec_;
  std::vector<Problem> problems_;
  std::map<std::string, int> first_line_of_id_;
};

}  // namespace pupitre::importers::toml_exam
