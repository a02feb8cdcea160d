// Moodle's cloze made a gaps question (see cloze.h).
#include "import/moodle/cloze.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>

#include "common/text.h"
#include "import/moodle/html_text.h"

namespace pupitre::importers {
namespace {

enum class Kind { kMenu, kRadios, kTyped, kTypedCase, kNumber, kPicks };

std::optional<Kind> KindNamed(std::string_view name) {
  static constexpr std::pair<std::string_view, Kind> kNames[] = {
      {"SHORTANSWER", Kind::kTyped},
      {"SA", Kind::kTyped},
      {"MW", Kind::kTyped},
      {"SHORTANSWER_C", Kind::kTypedCase},
      {"SAC", Kind::kTypedCase},
      {"MWC", Kind::kTypedCase},
      {"MULTICHOICE", Kind::kMenu},
      {"MC", Kind::kMenu},
      {"MULTICHOICE_S", Kind::kMenu},
      {"MCS", Kind::kMenu},
      {"MULTICHOICE_V", Kind::kRadios},
      {"MCV", Kind::kRadios},
      {"MULTICHOICE_H", Kind::kRadios},
      {"MCH", Kind::kRadios},
      {"MULTICHOICE_VS", Kind::kRadios},
      {"MCVS", Kind::kRadios},
      {"MULTICHOICE_HS", Kind::kRadios},
      {"MCHS", Kind::kRadios},
      {"NUMERICAL", Kind::kNumber},
      {"NM", Kind::kNumber},
      {"MULTIRESPONSE", Kind::kPicks},
      {"MR", Kind::kPicks},
      {"MULTIRESPONSE_H", Kind::kPicks},
      {"MRH", Kind::kPicks},
      {"MULTIRESPONSE_S", Kind::kPicks},
      {"MRS", Kind::kPicks},
      {"MULTIRESPONSE_HS", Kind::kPicks},
      {"MRHS", Kind::kPicks}};
  for (const auto& [n, k] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

// Where the first of `stops` not escaped by a backslash stands in `s` (npos: none).
// A '#' after '&' (or "&amp;") is an HTML entity's (&#233;), never a stop, as Moodle reads it.
size_t Unescaped(std::string_view s, std::string_view stops) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (stops.find(s[i]) != std::string_view::npos) {
      const bool entity = s[i] == '#' && ((i >= 1 && s[i - 1] == '&') ||
                                          (i >= 5 && s.substr(i - 5, 5) == "&amp;"));
      if (!entity) return i;
    }
  }
  return std::string_view::npos;
}

// `s` with each \x written x, but \* (a star in a short answer's pattern) kept as it is.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '*') ++i;
    out += s[i];
  }
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

struct Answer {
  std::string text;  // plain
  double credit = 0;
  bool feedback = false;
};

// One answer: "=text", "%50%text" or "text", then "#feedback".
Result<Answer> ReadAnswer(std::string_view raw, size_t gap) {
  Answer a;
  std::string_view s = raw;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  if (!s.empty() && s.front() == '=') {
    a.credit = 1;
    s.remove_prefix(1);
  } else if (!s.empty() && s.front() == '%') {
    const size_t end = s.find('%', 1);
    double percent = 0;
    const std::string_view number = end == std::string_view::npos ? "" : s.substr(1, end - 1);
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), percent);
    if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() ||
        !(percent >= -100 && percent <= 100)) {
      return Error::Invalid(
          fmt::format("gap {}: an answer's %percentage% is not from -100 to 100", gap));
    }
    if (percent < 0) {
      return Error::Invalid(
          fmt::format("gap {}: an answer takes points away, which a gap never does", gap));
    }
    a.credit = percent / 100;
    s.remove_prefix(end + 1);
  }
  const size_t hash = Unescaped(s, "#");
  a.feedback = hash != std::string_view::npos && !Trim(s.substr(hash + 1)).empty();
  a.text = HtmlToText(Unescape(s.substr(0, hash)));
  std::replace(a.text.begin(), a.text.end(), '\n', ' ');
  a.text = Trim(a.text);
  return a;
}

// The gap of `kind` from its answers, worth `weight`.
Result<exam::Gap> MakeGap(Kind kind, const std::vector<Answer>& answers, double weight, size_t n) {
  exam::Gap gap;
  gap.weight = weight;
  double best = 0;
  for (const Answer& a : answers) best = std::max(best, a.credit);
  if (best != 1) return Error::Invalid(fmt::format("gap {} has no answer worth 100%", n));
  if (kind == Kind::kNumber) {  // value:tolerance, in order (the first that holds decides)
    for (const Answer& a : answers) {
      if (a.text == "*" && a.credit <= 0) continue;  // any other number: worth nothing
      const size_t colon = a.text.find(':');
      const std::optional<double> value =
          ParseFiniteNumber(std::string_view(a.text).substr(0, colon));
      const std::optional<double> tolerance =
          colon == std::string::npos
              ? 0.0
              : ParseFiniteNumber(std::string_view(a.text).substr(colon + 1));
      if (!value || !tolerance || *tolerance < 0) {
        return Error::Invalid(
            fmt::format("gap {}: '{}' is not a number with a tolerance "
                        "(NUMERICAL: =3.14:0.01)",
                        n, a.text.substr(0, 40)));
      }
      gap.numbers.push_back({*value, std::fabs(*tolerance), a.credit});
    }
    return gap;
  }
  if (kind == Kind::kMenu || kind == Kind::kRadios) {
    std::vector<std::string> choices;
    std::vector<double> credit;
    for (const Answer& a : answers) {
      if (a.text.empty()) return Error::Invalid(fmt::format("gap {} offers an empty choice", n));
      const auto same = std::find(choices.begin(), choices.end(), a.text);
      if (same == choices.end()) {
        choices.push_back(a.text);
        credit.push_back(a.credit);
      } else {
        double& c = credit[static_cast<size_t>(same - choices.begin())];
        c = std::max(c, a.credit);
      }
    }
    if (choices.size() < 2)
      return Error::Invalid(fmt::format("gap {} offers fewer than 2 choices", n));
    exam::SetGapMenu(gap, std::move(choices), std::move(credit));
    return gap;
  }
  gap.case_sensitive = kind == Kind::kTypedCase;
  // A '*' inside an answer stands for any text there, "\*" for a star, as in Moodle.
  gap.wildcards = std::any_of(answers.begin(), answers.end(), [](const Answer& a) {
    return a.text != "*" && a.text.find('*') != std::string::npos;
  });
  for (const Answer& a : answers) {
    // Every answer in order, those worth nothing too: the first that matches decides.
    std::string accepted =
        a.text == "*" ? "*" : exam::NormaliseText(a.text, !gap.case_sensitive, !gap.wildcards);
    if (exam::NormaliseText(accepted).empty()) {
      return Error::Invalid(fmt::format("gap {} accepts an empty answer", n));
    }
    gap.accepted.push_back(std::move(accepted));
    gap.credit.push_back(a.credit);
  }
  return gap;
}

}  // namespace

Result<Cloze> ReadCloze(std::string_view html) {
  Cloze out;
  bool feedback = false, radios = false;
  std::string_view rest = html;
  for (size_t open; (open = rest.find('{')) != std::string_view::npos;) {
    // {weight:TYPE:answers}: anything else is text, as Moodle leaves it.
    size_t at = open + 1;
    while (at < rest.size() && at - open <= 4 && std::isdigit(static_cast<unsigned char>(rest[at])))
      ++at;
    const std::string_view weight_text = rest.substr(open + 1, at - open - 1);
    size_t name_end = at + 1;
    while (name_end < rest.size() &&
           (std::isupper(static_cast<unsigned char>(rest[name_end])) || rest[name_end] == '_')) {
      ++name_end;
    }
    const std::optional<Kind> kind = at < rest.size() && rest[at] == ':'
                                         ? KindNamed(rest.substr(at + 1, name_end - at - 1))
                                         : std::nullopt;
    if (!kind || name_end >= rest.size() || (rest[name_end] != ':' && rest[name_end] != '}')) {
      out.text += rest.substr(0, open + 1);
      rest.remove_prefix(open + 1);
      continue;
    }
    const size_t n = out.gaps.size() + 1;
    const std::string_view type = rest.substr(at + 1, name_end - at - 1);
    if (rest[name_end] == '}')
      return Error::Invalid(fmt::format("gap {} ({}) has no answers", n, type));
    if (*kind == Kind::kPicks) {
      return Error::Invalid(
          fmt::format("gap {} ({}) takes several picks, which a gap does not", n, type));
    }
    if (n > exam::kMaxGaps) return Error::Invalid(fmt::format("more than {} gaps", exam::kMaxGaps));
    std::string_view body = rest.substr(name_end + 1);
    const size_t close = Unescaped(body, "}");
    if (close == std::string_view::npos)
      return Error::Invalid(fmt::format("gap {} is not closed by }}", n));
    const std::string_view all = body.substr(0, close);
    std::vector<Answer> answers;
    for (std::string_view left = all;;) {
      const size_t tilde = Unescaped(left, "~");
      Result<Answer> a = ReadAnswer(left.substr(0, tilde), n);
      if (!a.ok()) return a.error();
      feedback = feedback || a->feedback;
      answers.push_back(std::move(*a));
      if (tilde == std::string_view::npos) break;
      left.remove_prefix(tilde + 1);
    }
    double weight = 1;
    if (!weight_text.empty()) weight = std::stoi(std::string(weight_text));
    if (!(weight > 0)) return Error::Invalid(fmt::format("gap {} is worth 0", n));
    Result<exam::Gap> gap = MakeGap(*kind, answers, weight, n);
    if (!gap.ok()) return gap.error();
    radios = radios || *kind == Kind::kRadios;
    out.points += weight;
    out.gaps.push_back(std::move(*gap));
    out.text += rest.substr(0, open);
    out.text += exam::GapMark(n);
    rest.remove_prefix(name_end + 1 + close + 1);
  }
  out.text += rest;
  if (out.gaps.empty())
    return Error::Invalid("a cloze without embedded answers ({1:SHORTANSWER:=...})");
  std::vector<std::string> said;
  if (feedback) said.push_back("the feedback of its gaps' answers is left out");
  if (radios) said.push_back("its choices shown as buttons in Moodle are a menu here");
  for (const std::string& s : said) out.note += (out.note.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace pupitre::importers
