#include "exam/results_csv.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace pupitre::exam {

namespace {

// A number as a spreadsheet reads it in any locale's CSV import: digits, an optional minus and
// a point, never an exponent (1e-7 would be read as text, 3.5E0 too).
std::string PlainNumber(double d) {
  // The range first: converting a double beyond int64's range is undefined behaviour.
  if (d > -1e15 && d < 1e15 && d == static_cast<double>(static_cast<int64_t>(d))) {
    return std::to_string(static_cast<int64_t>(d));
  }
  std::string out = fmt::format("{}", d);  // the shortest text that reads back the same
  if (out.find_first_of("eE") == std::string::npos) return out;
  out = fmt::format("{:.12f}", d);
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  return out;
}

// An answer as a teacher reads it: the option's text, not its index; text without its JSON
// quotes; a number as a number. A value that does not fit the question is written as stored.
std::string AnswerCell(const Question& q, const std::string& value_json) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(value_json, ec);
  if (ec) return CsvField(value_json);
  const auto option = [&](const boost::json::value& x) -> std::optional<std::string> {
    if (!x.is_int64() || x.as_int64() < 0 ||
        x.as_int64() >= static_cast<int64_t>(q.options.size())) {
      return std::nullopt;
    }
    return OptionWords(q, static_cast<size_t>(x.as_int64()));
  };
  switch (q.type) {
    case QuestionType::kSingle:
      if (auto text = option(v)) return CsvField(*text);
      break;
    case QuestionType::kMultiple:
      if (v.is_array()) {
        std::string joined;
        for (const auto& x : v.as_array()) {
          auto text = option(x);
          if (!text) return CsvField(value_json);
          joined += (joined.empty() ? "" : "; ") + *text;
        }
        return CsvField(joined);
      }
      break;
    case QuestionType::kTrueFalse:
      if (v.is_bool()) return v.as_bool() ? "true" : "false";
      break;
    case QuestionType::kNumeric:
      if (v.is_number()) return PlainNumber(v.to_number<double>());
      if (const auto* o = v.if_object(); o && o->contains("value") && o->at("value").is_number()) {
        const auto* unit = o->if_contains("unit");
        return CsvField(PlainNumber(o->at("value").to_number<double>()) +
                        (unit && unit->is_string() ? " " + std::string(unit->get_string()) : ""));
      }
      break;
    case QuestionType::kShortText:
    case QuestionType::kEssay:
      if (v.is_string()) return CsvField(std::string_view(v.as_string()));
      break;
    case QuestionType::kDescription:  // never answered
      break;
    case QuestionType::kOrdering:  // "first > second > ..."
      if (v.is_array()) {
        std::string joined;
        for (const auto& x : v.as_array()) {
          auto text = option(x);
          if (!text) return CsvField(value_json);
          joined += (joined.empty() ? "" : " > ") + *text;
        }
        return CsvField(joined);
      }
      break;
    case QuestionType::kGaps:  // "first | second | ...", a gap left empty as nothing
      if (v.is_array() && v.as_array().size() == q.gaps.size()) {
        std::string joined;
        for (size_t i = 0; i < q.gaps.size(); ++i) {
          const boost::json::value& x = v.as_array()[i];
          const std::vector<std::string>& choices = q.gaps[i].choices;
          if (i > 0) joined += " | ";
          if (x.is_string()) {
            joined += std::string_view(x.get_string());
          } else if (x.is_int64() && x.as_int64() >= 0 &&
                     x.as_int64() < static_cast<int64_t>(choices.size())) {
            joined += choices[static_cast<size_t>(x.as_int64())];
          } else if (!x.is_null()) {
            return CsvField(value_json);
          }
        }
        return CsvField(joined);
      }
      break;
    case QuestionType::kMatching:  // "item -> choice; ..." for the items matched
      if (v.is_array() && v.as_array().size() == q.options.size()) {
        std::string joined;
        for (size_t i = 0; i < q.options.size(); ++i) {
          const boost::json::value& x = v.as_array()[i];
          if (x.is_null()) continue;
          if (!x.is_int64() || x.as_int64() < 0 ||
              x.as_int64() >= static_cast<int64_t>(q.match_choices.size())) {
            return CsvField(value_json);
          }
          joined += (joined.empty() ? "" : "; ") + OptionWords(q, i) + " -> " +
                    q.match_choices[static_cast<size_t>(x.as_int64())];
        }
        return CsvField(joined);
      }
      break;
  }
  if (v.is_null()) return "";
  return CsvField(value_json);
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
                       const std::function<std::optional<Person>(int64_t user_id)>& person,
                       const TimeZone& zone) {
  std::string csv = "login,name,attempt_id,status,started_at,submitted_at,auto_submitted,points,"
                    "max_points,ungraded_essays";
  // A description has neither points nor an answer: no columns.
  const auto answerable = [](const Question& q) { return q.type != QuestionType::kDescription; };
  for (const auto& q : spec.questions) {
    if (answerable(q)) csv += "," + CsvField("points_" + q.id);
  }
  for (const auto& q : spec.questions) {
    if (answerable(q)) csv += "," + CsvField("answer_" + q.id);
  }
  csv += "\n";
  const auto when = [&](int64_t ms) { return ms > 0 ? zone.Iso8601(ms) : std::string(); };
  for (const auto& v : attempts) {
    const std::optional<Person> who = person(v.state.user_id);
    const Score score = GradeAttempt(v.state, spec);
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{}", CsvField(who ? who->login : ""),
                       CsvField(who ? who->name : ""), v.state.id, AttemptStatusName(v.state.status),
                       when(v.state.started_ms), when(v.state.submitted_ms),
                       v.state.auto_submitted ? 1 : 0, PlainNumber(score.total()),
                       PlainNumber(score.max_points), score.ungraded_essays);
    const std::vector<std::optional<double>> points = PointsPerQuestion(v.state, spec);
    for (size_t i = 0; i < points.size(); ++i) {
      if (!answerable(spec.questions[i])) continue;
      csv += ",";
      if (points[i]) csv += PlainNumber(*points[i]);
    }
    for (const auto& q : spec.questions) {
      if (!answerable(q)) continue;
      auto it = v.state.answers.find(q.id);
      csv += ",";
      if (it != v.state.answers.end()) csv += AnswerCell(q, it->second.value_json);
    }
    csv += "\n";
  }
  return csv;
}

namespace {

// `s` as XML character data: & < > " escaped; control characters XML 1.0 forbids, dropped.
std::string XmlText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string ResultsMoodleXml(const ExamSpec& spec, const std::vector<AttemptView>& attempts,
                             const std::function<std::optional<Person>(int64_t user_id)>& person,
                             std::string_view item) {
  std::string results;
  std::vector<std::string> left_out;
  for (const auto& v : attempts) {
    const std::optional<Person> who = person(v.state.user_id);
    const std::string login = who ? who->login : std::to_string(v.state.user_id);
    const Score score = GradeAttempt(v.state, spec);
    if (v.state.status != AttemptStatus::kSubmitted) {
      left_out.push_back(login + " (still running)");
      continue;
    }
    if (score.ungraded_essays > 0) {
      left_out.push_back(login + " (essays to grade)");
      continue;
    }
    const auto comment = v.state.comments.find("");
    results += fmt::format(
        "  <result>\n    <assignment>{}</assignment>\n    <student>{}</student>\n"
        "    <score>{}</score>\n",
        XmlText(item), XmlText(login), PlainNumber(score.total()));
    if (comment != v.state.comments.end() && !comment->second.empty()) {
      results += fmt::format("    <feedback>{}</feedback>\n", XmlText(comment->second));
    }
    results += "  </result>\n";
  }
  std::string said = fmt::format("{}: {} out of {} points. Left out: ", spec.id, spec.title,
                                 PlainNumber(spec.MaxPoints()));
  for (size_t i = 0; i < left_out.size(); ++i) said += (i ? ", " : "") + left_out[i];
  if (left_out.empty()) said += "none";
  // A comment may not hold "--" (a title might).
  std::string comment = XmlText(said);
  for (size_t at; (at = comment.find("--")) != std::string::npos;) comment.replace(at, 2, "- -");
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<!-- " + comment + " -->\n";
  return xml + "<results>\n" + results + "</results>\n";
}

std::string GradebookCsv(const Gradebook& g,
                         const std::function<std::optional<Person>(int64_t user_id)>& person) {
  std::string csv = "login,name";
  for (const auto& e : g.exams) {
    csv += "," + CsvField(fmt::format("{} (max {})", e->spec->title,
                                      PlainNumber(e->spec->MaxPoints())));
  }
  for (const auto& h : g.extra_headers) csv += "," + CsvField(h);
  csv += "\n";
  for (size_t i = 0; i < g.students.size(); ++i) {
    const std::optional<Person> who = person(g.students[i]);
    csv += CsvField(who ? who->login : "") + "," + CsvField(who ? who->name : "");
    for (const GradebookCell& cell : g.cells[i]) {
      csv += ",";
      if (cell.taken) csv += PlainNumber(cell.points);
    }
    if (i < g.extra_cells.size()) {
      for (const auto& cell : g.extra_cells[i]) csv += "," + CsvField(cell);
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace pupitre::exam
