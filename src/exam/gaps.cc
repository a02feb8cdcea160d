// Gaps questions: where their gaps stand, what makes them whole, their answers and their grade.

#include "exam/gaps.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/text.h"

namespace pupitre::exam {
namespace {

// The numbers of the marks "[[n]]" in `text`, in order (a number past 9,999 read as 0).
std::vector<size_t> MarksIn(std::string_view text) {
  std::vector<size_t> out;
  for (size_t at = text.find("[["); at != std::string_view::npos; at = text.find("[[", at + 1)) {
    size_t end = at + 2;
    size_t n = 0;
    while (end < text.size() && end - at - 2 < 5 && text[end] >= '0' && text[end] <= '9') {
      n = n * 10 + static_cast<size_t>(text[end] - '0');
      ++end;
    }
    if (end == at + 2 || text.substr(end, 2) != "]]") continue;
    out.push_back(end - at - 2 > 4 ? 0 : n);
  }
  return out;
}

std::string CreditProblem(const std::vector<double>& credit, size_t count, std::string_view of) {
  if (credit.empty()) return "";
  if (credit.size() != count)
    return "has " + std::to_string(credit.size()) + " credits for " + std::to_string(count) + " " +
           std::string(of);
  double best = 0;
  for (double c : credit) {
    if (!(c >= 0 && c <= 1)) return "has a credit outside 0 to 1";
    best = std::max(best, c);
  }
  if (best != 1)
    return "has no " + std::string(of == "choices" ? "choice" : "answer") +
           " earning its whole share (credit 1)";
  return "";
}

std::optional<int64_t> IndexOf(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64())
    return v.get_uint64() > 1'000'000 ? 1'000'000 : static_cast<int64_t>(v.get_uint64());
  return std::nullopt;
}

// A number as a student types it: spaces around, a decimal comma or point, an exponent.
std::optional<double> TypedNumber(std::string_view s) {
  if (s.size() > 256) return std::nullopt;
  std::string t(s);
  if (const size_t comma = t.find(',');
      comma != std::string::npos && t.find('.') == std::string::npos) {
    t[comma] = '.';
  }
  return ParseFiniteNumber(t);
}

// |x - value| <= tolerance, with a relative slack for binary rounding (as numeric questions).
bool WithinTolerance(double x, const NumericAnswer& a) {
  const double slack = 1e-9 * std::max(std::fabs(a.value), std::fabs(a.tolerance));
  return std::fabs(x - a.value) <= a.tolerance + slack;
}

// What gap `g`'s answer `v` (valid) earns of its share, 0 to 1.
double Earned(const Gap& g, const boost::json::value& v) {
  if (!g.numbers.empty()) {
    const std::optional<double> x = v.is_string() ? TypedNumber(v.get_string()) : std::nullopt;
    if (!x) return 0;
    for (const NumericAnswer& a : g.numbers) {
      if (WithinTolerance(*x, a)) return std::clamp(a.credit, 0.0, 1.0);
    }
    return 0;
  }
  if (!g.choices.empty()) {
    const std::optional<int64_t> k = IndexOf(v);
    if (!k || *k < 0 || *k >= static_cast<int64_t>(g.choices.size())) return 0;
    return static_cast<size_t>(*k) < g.credit.size() ? g.credit[static_cast<size_t>(*k)] : 0;
  }
  if (!v.is_string()) return 0;
  const std::string given = NormaliseText(v.get_string(), !g.case_sensitive);
  if (given.empty()) return 0;
  const std::string kept = g.wildcards ? NormaliseText(v.get_string(), !g.case_sensitive, false) : "";
  for (size_t i = 0; i < g.accepted.size(); ++i) {
    if (g.wildcards ? MatchesAnswer(g.accepted[i], kept, given)
                    : g.accepted[i] == given || g.accepted[i] == "*") {
      return g.credit.empty() ? 1.0 : std::clamp(g.credit[i], 0.0, 1.0);
    }
  }
  return 0;
}

}  // namespace

std::string GapMark(size_t n) { return "[[" + std::to_string(n) + "]]"; }

void SetGapMenu(Gap& gap, std::vector<std::string> choices, std::vector<double> credit) {
  credit.resize(choices.size(), 0.0);
  std::vector<std::pair<std::string, double>> pairs;
  for (size_t i = 0; i < choices.size(); ++i) pairs.emplace_back(std::move(choices[i]), credit[i]);
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  gap.choices.clear();
  gap.credit.clear();
  gap.accepted.clear();
  for (auto& [text, c] : pairs) {
    gap.choices.push_back(std::move(text));
    gap.credit.push_back(c);
  }
}

std::string GapsProblem(const Question& q) {
  if (q.type != QuestionType::kGaps) {
    return q.gaps.empty() ? "" : "only a gaps question has gaps";
  }
  if (q.gaps.empty()) return "a gaps question needs at least one gap";
  if (q.gaps.size() > kMaxGaps) {
    return "a gaps question has at most " + std::to_string(kMaxGaps) + " gaps";
  }
  const std::vector<size_t> marks = MarksIn(q.text);
  for (size_t i = 0; i < marks.size(); ++i) {
    if (marks[i] != i + 1 || i >= q.gaps.size()) {
      return "its text must mark gaps [[1]] to [[" + std::to_string(q.gaps.size()) +
             "]], each once and in order";
    }
  }
  if (marks.size() != q.gaps.size()) {
    return "its text marks " + std::to_string(marks.size()) + " gaps of its " +
           std::to_string(q.gaps.size()) + " (each as [[n]])";
  }
  for (size_t i = 0; i < q.gaps.size(); ++i) {
    const Gap& g = q.gaps[i];
    const std::string which = "gap " + std::to_string(i + 1) + " ";
    if (!(g.weight > 0 && g.weight <= 1e6))
      return which + "has a weight not above 0 (or past 10^6)";
    std::string problem;
    if (!g.numbers.empty()) {
      if (!g.choices.empty() || !g.accepted.empty() || !g.credit.empty()) {
        return which + "takes a number and something else";
      }
      if (g.numbers.size() > 100) return which + "accepts more than 100 numbers";
      double best = 0;
      for (const NumericAnswer& a : g.numbers) {
        if (!std::isfinite(a.value) || !(a.tolerance >= 0) || !std::isfinite(a.tolerance)) {
          return which + "has a number or tolerance that is not a finite number (tolerance >= 0)";
        }
        if (!(a.credit >= 0 && a.credit <= 1)) return which + "has a credit outside 0 to 1";
        best = std::max(best, a.credit);
      }
      if (best != 1) return which + "has no number earning its whole share (credit 1)";
      continue;
    }
    if (!g.choices.empty()) {
      if (!g.accepted.empty()) return which + "is both a menu and typed in";
      if (g.choices.size() < 2) return which + "offers fewer than 2 choices";
      for (size_t k = 0; k < g.choices.size(); ++k) {
        if (std::all_of(g.choices[k].begin(), g.choices[k].end(),
                        [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }))
          return which + "offers a blank choice";
        if (std::find(g.choices.begin(), g.choices.begin() + static_cast<std::ptrdiff_t>(k),
                      g.choices[k]) != g.choices.begin() + static_cast<std::ptrdiff_t>(k)) {
          return which + "offers \"" + g.choices[k] + "\" twice";
        }
      }
      if (g.credit.empty()) return which + "has no right choice";
      problem = CreditProblem(g.credit, g.choices.size(), "choices");
    } else {
      if (g.accepted.empty()) return which + "has neither choices nor accepted answers";
      for (const std::string& a : g.accepted) {
        if (a.empty()) return which + "accepts an empty answer";
      }
      problem = CreditProblem(g.credit, g.accepted.size(), "accepted answers");
    }
    if (!problem.empty()) return which + problem;
  }
  return "";
}

boost::json::array GapsRightAnswer(const Question& q) {
  boost::json::array out;
  for (const Gap& g : q.gaps) {
    // The first with the most credit (typed without credit: the first accepted).
    size_t best = 0;
    for (size_t i = 1; i < g.credit.size(); ++i) {
      if (g.credit[i] > g.credit[best]) best = i;
    }
    if (!g.numbers.empty()) {
      const auto top =
          std::max_element(g.numbers.begin(), g.numbers.end(),
                           [](const auto& a, const auto& b) { return a.credit < b.credit; });
      out.emplace_back(top->value);
    } else if (!g.choices.empty()) {
      out.emplace_back(static_cast<int64_t>(best));
    } else if (best < g.accepted.size()) {
      const std::string shown = g.wildcards ? PatternShown(g.accepted[best]) : g.accepted[best];
      if (shown.empty()) {
        out.emplace_back(nullptr);  // any answer ("*"): no words to show
      } else {
        out.emplace_back(shown);
      }
    } else {
      out.emplace_back(nullptr);
    }
  }
  return out;
}

Status ValidateGapsAnswer(const Question& q, const boost::json::value& answer) {
  const size_t n = q.gaps.size();
  if (!answer.is_array() || answer.get_array().size() != n) {
    return Error::Invalid("the answer must be an array of " + std::to_string(n) +
                          " entries or nulls, one per gap");
  }
  for (size_t i = 0; i < n; ++i) {
    const boost::json::value& v = answer.get_array()[i];
    if (v.is_null()) continue;
    const Gap& g = q.gaps[i];
    const std::string which = "gap " + std::to_string(i + 1);
    if (!g.choices.empty()) {
      const std::optional<int64_t> k = IndexOf(v);
      if (!k || *k < 0 || *k >= static_cast<int64_t>(g.choices.size())) {
        return Error::Invalid(which + " takes a choice index from 0 to " +
                              std::to_string(g.choices.size() - 1) + ", or null");
      }
    } else if (!v.is_string()) {
      return Error::Invalid(which + " takes a string, or null");
    } else if (v.get_string().size() > kMaxGapAnswerBytes) {
      return Error::Invalid(which + "'s answer is longer than " +
                            std::to_string(kMaxGapAnswerBytes) + " bytes");
    }
  }
  return OkStatus();
}

double GradeGaps(const Question& q, const boost::json::value& answer) {
  if (!answer.is_array() || q.gaps.empty()) return 0;
  const boost::json::array& given = answer.get_array();
  double total_weight = 0;
  double earned = 0;
  bool all_whole = true;
  for (size_t i = 0; i < q.gaps.size(); ++i) {
    const double e = i < given.size() ? Earned(q.gaps[i], given[i]) : 0.0;
    total_weight += q.gaps[i].weight;
    earned += q.gaps[i].weight * e;
    all_whole = all_whole && e == 1.0;
  }
  if (q.all_or_nothing) return all_whole ? q.points : 0.0;
  if (!(total_weight > 0)) return 0;
  return q.points * std::clamp(earned / total_weight, 0.0, 1.0);
}

}  // namespace pupitre::exam
