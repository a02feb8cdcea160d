// A gaps question in its QTI item (see qti_export_gaps.h).
#include "import/qti/qti_export_gaps.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "import/qti/qti_xml_writer.h"

namespace pupitre::importers::qti {

using writing::Add;
using writing::Correct;
using writing::Declare;
using writing::Mapping;
using writing::Num;
using writing::Set;
using writing::SetScore;
using writing::SetText;

// Where the first gap mark "[[n]]" (n a gap of the question) stands in `line` (npos: none),
// and where it ends.
size_t GapsWriter::MarkIn(std::string_view line, size_t& end) const {
  for (size_t at = line.find("[["); at != std::string_view::npos; at = line.find("[[", at + 1)) {
    size_t e = at + 2;
    while (e < line.size() && e - at < 6 && std::isdigit(static_cast<unsigned char>(line[e]))) ++e;
    if (e == at + 2 || line.substr(e, 2) != "]]") continue;
    const unsigned long n = std::stoul(std::string(line.substr(at + 2, e - at - 2)));
    if (n < 1 || n > q_.gaps.size()) continue;
    end = e + 2;
    return at;
  }
  return std::string_view::npos;
}

// Gap n (1-based): a menu of inline choices, or a text entry, setting GAPn.
void GapsWriter::Interaction(pugi::xml_node p, size_t n) {
  const exam::Gap& gap = q_.gaps[n - 1];
  const std::string response = fmt::format("GAP{}", n);
  if (gap.choices.empty()) {
    Set(Add(p, "qti-text-entry-interaction"), "response-identifier", response);
    return;
  }
  pugi::xml_node menu = Add(p, "qti-inline-choice-interaction");
  Set(Set(menu, "response-identifier", response), "shuffle", "false");
  for (size_t k = 0; k < gap.choices.size(); ++k) {
    SetText(Set(Add(menu, "qti-inline-choice"), "identifier", fmt::format("G{}_{}", n, k)),
            gap.choices[k]);
  }
}

// What gap k (0-based) is worth in points: its share of the question's.
double GapsWriter::GapPoints(size_t k) const {
  double total = 0;
  for (const exam::Gap& g : q_.gaps) total += g.weight;
  return total > 0 ? q_.points * q_.gaps[k].weight / total : 0;
}

// Each gap's response: its right value, and what each value scores (a menu's choices, a
// typed gap's accepted answers).
void GapsWriter::Declarations(pugi::xml_node item) {
  for (size_t k = 0; k < q_.gaps.size(); ++k) {
    const exam::Gap& gap = q_.gaps[k];
    const bool menu = !gap.choices.empty();
    const pugi::xml_node response =
        Set(Add(item, "qti-response-declaration"), "identifier", fmt::format("GAP{}", k + 1));
    if (!gap.numbers.empty()) {  // scored by its rules (GapRules), each number within its tolerance
      Declare(response, "single", "float");
      const auto best =
          std::max_element(gap.numbers.begin(), gap.numbers.end(),
                           [](const auto& a, const auto& b) { return a.credit < b.credit; });
      Correct(response, {Num(best->value)});
      continue;
    }
    Declare(response, "single", menu ? "identifier" : "string");
    const size_t n = menu ? gap.choices.size() : gap.accepted.size();
    std::vector<std::pair<std::string, double>> entries;
    for (size_t i = 0; i < n; ++i) {
      const double credit = gap.credit.empty() ? 1.0 : gap.credit[i];
      if (!menu && gap.accepted[i] == "*") {
        notes_.push_back(
            fmt::format("question {}: gap {} accepts any answer (\"*\"), which "
                        "has no QTI mapping entry; left out",
                        q_.id, k + 1));
        continue;
      }
      std::string key = menu ? fmt::format("G{}_{}", k + 1, i) : gap.accepted[i];
      if (!menu && gap.wildcards) {
        std::optional<std::string> literal = exam::WildcardsLiteral(gap.accepted[i]);
        if (!literal) {  // a pattern: its words, which QTI compares as written
          literal = exam::PatternShown(gap.accepted[i]);
          notes_.push_back(fmt::format("question {}: gap {}'s pattern \"{}\" (a * stands for "
                                       "any text) is written \"{}\", which QTI compares as "
                                       "written{}",
                                       q_.id, k + 1, gap.accepted[i], *literal,
                                       literal->empty() ? ": left out" : ""));
          if (literal->empty()) continue;
        }
        key = std::move(*literal);
      }
      if (credit > 0) entries.emplace_back(std::move(key), credit);
    }
    const auto best =
        std::max_element(entries.begin(), entries.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best != entries.end()) Correct(response, {best->first});
    pugi::xml_node mapping = Mapping(response, 0, GapPoints(k));
    for (const auto& [key, credit] : entries) {
      pugi::xml_node e = Add(mapping, "qti-map-entry");
      Set(Set(e, "map-key", key), "mapped-value", Num(credit * GapPoints(k)));
      if (!menu) Set(e, "case-sensitive", gap.case_sensitive ? "true" : "false");
    }
  }
  if (std::any_of(q_.gaps.begin(), q_.gaps.end(),
                  [](const exam::Gap& g) { return g.choices.empty(); })) {
    notes_.push_back(
        fmt::format("question {}: Pupitre also ignores extra spaces and a final . ! "
                    "or ? in a gap typed in; QTI compares answers as written",
                    q_.id));
  }
}

// Whether number `a` holds the response of gap k: qti-equal within its tolerance.
void GapsWriter::NumberHolds(pugi::xml_node parent, size_t k, const exam::NumericAnswer& a) {
  pugi::xml_node equal = Add(parent, "qti-equal");
  Set(Set(equal, "tolerance-mode", "absolute"), "tolerance",
      Num(a.tolerance) + " " + Num(a.tolerance));
  Set(Add(equal, "qti-variable"), "identifier", fmt::format("GAP{}", k + 1));
  Set(Add(equal, "qti-base-value"), "base-type", "float").text().set(Num(a.value).c_str());
}

// Each gap adds what its answer maps to (a number gap: what the first number whose tolerance
// holds it gives); all or nothing: the points only when every gap earns its whole share.
void GapsWriter::Rules(pugi::xml_node processing) {
  if (!q_.all_or_nothing) {
    for (size_t k = 0; k < q_.gaps.size(); ++k) {
      const std::string response = fmt::format("GAP{}", k + 1);
      if (!q_.gaps[k].numbers.empty()) {
        pugi::xml_node condition = Add(processing, "qti-response-condition");
        for (size_t i = 0; i < q_.gaps[k].numbers.size(); ++i) {
          const exam::NumericAnswer& a = q_.gaps[k].numbers[i];
          pugi::xml_node branch =
              Add(condition, i == 0 ? "qti-response-if" : "qti-response-else-if");
          NumberHolds(branch, k, a);
          pugi::xml_node set = Set(Add(branch, "qti-set-outcome-value"), "identifier", "SCORE");
          pugi::xml_node sum = Add(set, "qti-sum");
          Set(Add(sum, "qti-variable"), "identifier", "SCORE");
          Set(Add(sum, "qti-base-value"), "base-type", "float")
              .text()
              .set(Num(a.credit * GapPoints(k)).c_str());
        }
        continue;
      }
      pugi::xml_node when = Add(Add(processing, "qti-response-condition"), "qti-response-if");
      Set(Add(Add(Add(when, "qti-not"), "qti-is-null"), "qti-variable"), "identifier", response);
      pugi::xml_node set = Set(Add(when, "qti-set-outcome-value"), "identifier", "SCORE");
      pugi::xml_node sum = Add(set, "qti-sum");
      Set(Add(sum, "qti-variable"), "identifier", "SCORE");
      Set(Add(sum, "qti-map-response"), "identifier", response);
    }
    return;
  }
  pugi::xml_node condition = Add(processing, "qti-response-condition");
  pugi::xml_node when = Add(condition, "qti-response-if");
  pugi::xml_node all = Add(when, "qti-and");
  for (size_t k = 0; k < q_.gaps.size(); ++k) {
    if (!q_.gaps[k].numbers.empty()) {
      // The first number whose tolerance holds the answer is worth the whole share: one such
      // number holds it, and none before it.
      const std::vector<exam::NumericAnswer>& numbers = q_.gaps[k].numbers;
      pugi::xml_node any = Add(all, "qti-or");
      for (size_t i = 0; i < numbers.size(); ++i) {
        if (numbers[i].credit < 1) continue;
        if (i == 0) {
          NumberHolds(any, k, numbers[0]);
          continue;
        }
        pugi::xml_node first = Add(any, "qti-and");
        pugi::xml_node before = Add(Add(first, "qti-not"), "qti-or");
        for (size_t j = 0; j < i; ++j) NumberHolds(before, k, numbers[j]);
        NumberHolds(first, k, numbers[i]);  // after those before it: read in their order
      }
      continue;
    }
    pugi::xml_node whole = Add(all, "qti-gte");
    Set(Add(whole, "qti-map-response"), "identifier", fmt::format("GAP{}", k + 1));
    Set(Add(whole, "qti-base-value"), "base-type", "float").text().set(Num(GapPoints(k)).c_str());
  }
  SetScore(when, Num(q_.points));
  SetScore(Add(condition, "qti-response-else"), "0");
}

}  // namespace pupitre::importers::qti
