#include "exam/results_csv.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace pupitre::exam {

namespace {

// As the API writes numbers: whole ones as integers.
std::string PointsText(double d) {
  // The range first: converting a double beyond int64's range is undefined behaviour.
  if (d > -1e15 && d < 1e15 && d == static_cast<double>(static_cast<int64_t>(d))) {
    return std::to_string(static_cast<int64_t>(d));
  }
  return boost::json::serialize(boost::json::value(d));
}

}  // namespace

namespace {

// Whether a spreadsheet would read `s` as a formula (OWASP, CSV injection): it begins, perhaps
// after spaces, with = + - @, a tab or a carriage return, or their full-width forms
// (U+FF1D, U+FF0B, U+FF0D, U+FF20), which some spreadsheets fold to the ASCII ones.
bool LooksLikeFormula(std::string_view s) {
  const size_t first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  s.remove_prefix(first);
  const char c = s[0];
  if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') return true;
  return s.size() >= 3 && s.substr(0, 2) == "\xEF\xBC" &&
         (s[2] == '\x9D' || s[2] == '\x8B' || s[2] == '\x8D' || s[2] == '\xA0');
}

}  // namespace

std::string CsvField(std::string_view s) {
  const bool formula = LooksLikeFormula(s);
  const bool quote = formula || s.find_first_of(",;\"\n\r\t") != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ResultsCsv(const ExamSpec& spec, const std::vector<AttemptView>& attempts,
                       const std::function<std::optional<Person>(int64_t user_id)>& person) {
  std::string csv = "login,name,attempt_id,status,started_ms,submitted_ms,auto_submitted,points,"
                    "max_points,ungraded_essays";
  for (const auto& q : spec.questions) csv += "," + CsvField("points_" + q.id);
  for (const auto& q : spec.questions) csv += "," + CsvField("answer_" + q.id);
  csv += "\n";
  for (const auto& v : attempts) {
    const std::optional<Person> who = person(v.state.user_id);
    const Score score = GradeAttempt(v.state, spec);
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{}", CsvField(who ? who->login : ""),
                       CsvField(who ? who->name : ""), v.state.id, AttemptStatusName(v.state.status),
                       v.state.started_ms, v.state.submitted_ms, v.state.auto_submitted ? 1 : 0,
                       score.total(), score.max_points, score.ungraded_essays);
    for (const std::optional<double>& p : PointsPerQuestion(v.state, spec)) {
      csv += ",";
      if (p) csv += PointsText(*p);
    }
    for (const auto& q : spec.questions) {
      auto it = v.state.answers.find(q.id);
      csv += ",";
      if (it != v.state.answers.end()) csv += CsvField(it->second.value_json);
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace pupitre::exam
