// A QTI text with gaps made a gaps question (see qti_gaps.h).
#include "import/qti/qti_gaps.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/text.h"
#include "import/qti/qti_names.h"
#include "import/qti/qti_rules.h"
#include "import/qti/qti_text.h"

namespace pupitre::importers::qti {
namespace {

// An answer no choice and no key is: what a gap holds while another is tried.
const char* const kNothing = "\x01pupitre-no-answer";
constexpr double kNoNumber = -987654321.125;  // the same, for a number
constexpr size_t kMaxTries = 2'000;           // answers tried, for all the gaps

bool Near(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

// One gap as read from its interaction: the response it sets and the answers worth trying.
struct GapSource {
  std::string response;
  bool menu = false;
  bool number = false;  // a number typed in: `values` are numbers, each with its tolerance
  std::vector<double> centres, tolerances;  // a number gap's numbers ("values": where each is tried)
  std::vector<std::string> values;  // a menu's choice identifiers; typed: the keys known
  std::vector<std::string> texts;   // a menu's choices as the student reads them
  std::string correct;              // the correct response ("" : none)
  std::vector<double> earns;        // per value: the score it alone gives
};

std::string SwappedCase(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    c = static_cast<char>(std::isupper(u) ? std::tolower(u) : std::toupper(u));
  }
  return out;
}

class GapsReader {
 public:
  GapsReader(const pugi::xml_node& item, const Declarations& declarations, exam::Question& q)
      : declarations_(declarations),
        processing_(Child(item, "responseProcessing")),
        runner_(item, declarations),
        q_(q) {}

  std::string Read(const std::vector<pugi::xml_node>& interactions) {
    for (size_t k = 0; k < interactions.size(); ++k) {
      if (std::string why = Source(interactions[k], k + 1); !why.empty()) return why;
    }
    size_t tries = 0;
    for (const GapSource& g : sources_) tries += g.values.size() * 2 + 2;
    if (tries > kMaxTries) return "its gaps have too many answers to learn how they score";
    for (const GapSource& g : sources_) {
      base_[g.response] = g.number ? RuleValue::Number(kNoNumber) : RuleValue::Text(kNothing);
    }

    Result<double> none = runner_.Score(base_);
    if (!none.ok()) return none.error().message;
    if (!Near(*none, 0)) {
      return fmt::format(
          "its response processing scores {} for answers that match nothing, "
          "which a gaps question does not",
          *none);
    }
    for (GapSource& g : sources_) {
      for (const std::string& v : g.values) {
        Result<double> s = Try({{g.response, v}});
        if (!s.ok()) return s.error().message;
        g.earns.push_back(*s);
      }
    }
    std::string why = Additive();
    if (why == kNotAdditive) why = AllOrNothing();
    if (!why.empty()) return why;
    if (std::string numbers = CheckNumbers(); !numbers.empty()) return numbers;
    return CaseOfTypedGaps();
  }

 private:
  static constexpr const char* kNotAdditive = "-";

  std::string Source(const pugi::xml_node& interaction, size_t number) {
    GapSource g;
    g.response = std::string(Attr(interaction, "responseIdentifier"));
    const auto decl = declarations_.find(g.response);
    if (decl == declarations_.end())
      return fmt::format("gap {}'s response is not declared", number);
    if (decl->second.cardinality != "single") {
      return fmt::format("gap {} takes several values, which a gap does not", number);
    }
    if (std::any_of(sources_.begin(), sources_.end(),
                    [&](const GapSource& s) { return s.response == g.response; })) {
      return fmt::format("gap {} sets the response of another gap", number);
    }
    g.correct = decl->second.correct.empty() ? "" : decl->second.correct[0];
    g.menu = NameOf(interaction) == "inlineChoiceInteraction";
    if (g.menu) {
      if (decl->second.base_type != "identifier") {
        return fmt::format("gap {}'s menu has a response of base type {}", number,
                           decl->second.base_type);
      }
      for (const pugi::xml_node& choice : Children(interaction, "inlineChoice")) {
        std::vector<Feedback> feedback;
        PlainText text(feedback);
        std::string shown = text.Of(choice);
        if (!text.why().empty()) return text.why();
        std::replace(shown.begin(), shown.end(), '\n', ' ');
        const std::string id = Trimmed(Attr(choice, "identifier"));
        if (shown.empty()) return fmt::format("gap {} offers a choice without text", number);
        if (std::find(g.texts.begin(), g.texts.end(), shown) != g.texts.end()) {
          return fmt::format("gap {} offers \"{}\" twice", number, shown);
        }
        if (id.empty() || std::find(g.values.begin(), g.values.end(), id) != g.values.end()) {
          return fmt::format("gap {}'s choices need identifiers, each its own", number);
        }
        g.values.push_back(id);
        g.texts.push_back(std::move(shown));
      }
      if (g.values.size() < 2) return fmt::format("gap {} offers fewer than 2 choices", number);
    } else {
      if (decl->second.base_type == "float" || decl->second.base_type == "integer") {
        g.number = true;
        if (std::string why = Numbers(g, decl->second, number); !why.empty()) return why;
        sources_.push_back(std::move(g));
        return "";
      }
      if (decl->second.base_type != "string") {
        return fmt::format("gap {} has a response of base type {}", number, decl->second.base_type);
      }
      std::vector<std::string> keys = decl->second.correct;
      if (decl->second.mapping) {
        for (const Mapping::Entry& e : decl->second.mapping->entries) keys.push_back(e.key);
      }
      for (std::string& k : keys) {
        k = Trimmed(k);
        if (k == "*") {
          return fmt::format("gap {} accepts the answer \"*\", which a gap reads as any answer",
                             number);
        }
        if (!k.empty() && std::find(g.values.begin(), g.values.end(), k) == g.values.end()) {
          g.values.push_back(std::move(k));
        }
      }
      if (g.values.empty()) {
        return fmt::format(
            "gap {} has no correct response and no mapping: which answers it "
            "scores is not known",
            number);
      }
    }
    sources_.push_back(std::move(g));
    return "";
  }

  // A number gap's numbers worth trying: each compared with the response in the rules (equal,
  // within its tolerance, or match), and the correct response; in the rules' order.
  std::string Numbers(GapSource& g, const Declaration& decl, size_t number) {
    const auto add = [&](double v, double t) {
      for (size_t i = 0; i < g.centres.size(); ++i) {
        if (g.centres[i] == v && g.tolerances[i] == t) return;
      }
      g.centres.push_back(v);
      g.tolerances.push_back(t);
    };
    for (const pugi::xpath_node& x : processing_.select_nodes(".//*")) {
      const pugi::xml_node n = x.node();
      const std::string name = NameOf(n);
      const pugi::xml_node var = Child(n, "variable");
      if (!var || Attr(var, "identifier") != g.response || name == "isNull") continue;
      if (name != "equal" && name != "match") {
        return fmt::format("gap {} is read by {}, which a number gap cannot say (it takes each "
                           "number within its tolerance)",
                           number, name);
      }
      // Compared with a number, or with its correct response.
      const pugi::xml_node value = Child(n, "baseValue");
      const pugi::xml_node correct = Child(n, "correct");
      std::optional<double> v;
      if (value) {
        v = ParseFiniteNumber(value.text().get());
      } else if (correct && Attr(correct, "identifier") == g.response && !decl.correct.empty()) {
        v = ParseFiniteNumber(decl.correct[0]);
      }
      if (!v) return fmt::format("gap {} is compared with what is not a number", number);
      double tolerance = 0;
      const std::string_view mode = Attr(n, "toleranceMode");
      if (name == "equal" && mode == "absolute") {
        const std::string t = Trimmed(Attr(n, "tolerance"));
        const size_t space = t.find(' ');
        const std::optional<double> below = ParseFiniteNumber(t.substr(0, space));
        const std::optional<double> above =
            space == std::string::npos ? below : ParseFiniteNumber(t.substr(space + 1));
        if (!below || !above || *below != *above || *below < 0) {
          return fmt::format(
              "gap {} is compared within a tolerance that is not the same below and "
              "above",
              number);
        }
        tolerance = *below;
      } else if (name == "equal" && !mode.empty() && mode != "exact") {
        return fmt::format(
            "gap {} is compared within a relative tolerance, which a gap does not "
            "say yet",
            number);
      }
      add(*v, tolerance);
    }
    for (const std::string& c : decl.correct) {  // unless a number compared already holds it
      const std::optional<double> v = ParseFiniteNumber(c);
      bool held = false;
      for (size_t i = 0; v && i < g.centres.size(); ++i) {
        held = held || std::fabs(*v - g.centres[i]) <= g.tolerances[i];
      }
      if (v && !held) add(*v, 0);
    }
    if (g.centres.empty()) {
      return fmt::format(
          "gap {} takes a number its rules never compare: which it scores is not "
          "known",
          number);
    }
    // Each number is tried where it decides: within its tolerance, outside those before it (the
    // first whose tolerance holds an answer decides), at its centre or an edge if it can be.
    for (size_t i = 0; i < g.centres.size(); ++i) {
      const double v = g.centres[i], t = g.tolerances[i];
      double at = v;
      for (const double p : {v, v + t, v - t, v + t / 2, v - t / 2}) {
        bool earlier = false;
        for (size_t j = 0; j < i; ++j) earlier = earlier || std::fabs(p - g.centres[j]) <= g.tolerances[j];
        if (!earlier) {
          at = p;
          break;
        }
      }
      g.values.push_back(fmt::format("{}", at));
    }
    return "";
  }

  // The score of the answer that matches nothing but in `given` (response, value).
  Result<double> Try(const std::vector<std::pair<std::string, std::string>>& given) {
    Responses r = base_;
    for (const auto& [response, value] : given) {
      const bool number = r[response].kind == RuleValue::Kind::kNumber;
      r[response] = value == kNothing && number ? RuleValue::Number(kNoNumber)
                    : number ? RuleValue::Number(ParseFiniteNumber(value).value_or(kNoNumber))
                             : RuleValue::Text(value);
    }
    return runner_.Score(r);
  }

  static size_t Best(const GapSource& g) {
    return static_cast<size_t>(std::max_element(g.earns.begin(), g.earns.end()) - g.earns.begin());
  }

  // Each gap scores alone what it scores within the whole: each its share (its best score),
  // each answer what it earns of it.
  std::string Additive() {
    std::vector<std::pair<std::string, std::string>> best;
    double total = 0;
    for (const GapSource& g : sources_) {
      const size_t b = Best(g);
      if (!(g.earns[b] > 0)) return kNotAdditive;
      best.emplace_back(g.response, g.values[b]);
      total += g.earns[b];
    }
    Result<double> all = Try(best);
    if (!all.ok()) return all.error().message;
    if (!Near(*all, total)) return kNotAdditive;
    for (size_t j = 0; j < sources_.size(); ++j) {
      std::vector<std::pair<std::string, std::string>> but = best;
      but.erase(but.begin() + static_cast<std::ptrdiff_t>(j));
      Result<double> s = Try(but);
      if (!s.ok()) return s.error().message;
      if (!Near(*s, total - sources_[j].earns[Best(sources_[j])])) return kNotAdditive;
    }
    q_.points = total;
    q_.all_or_nothing = false;
    for (size_t k = 0; k < sources_.size(); ++k) {
      const GapSource& g = sources_[k];
      const double share = g.earns[Best(g)];
      std::vector<double> credit;
      for (double e : g.earns) {
        if (e < -1e-9) {
          return fmt::format("an answer of gap {} takes points away, which a gap never does",
                             k + 1);
        }
        credit.push_back(std::clamp(e / share, 0.0, 1.0));
      }
      Make(g, credit, share);
    }
    return "";
  }

  // The whole right scores, anything less nothing: each gap's right answers are those that keep
  // the whole right.
  std::string AllOrNothing() {
    std::vector<std::pair<std::string, std::string>> right;
    for (const GapSource& g : sources_) {
      if (g.correct.empty()) return kTogether;
      right.emplace_back(g.response, g.correct);
    }
    Result<double> whole = Try(right);
    if (!whole.ok()) return whole.error().message;
    if (!(*whole > 0)) return kTogether;
    for (size_t k = 0; k < sources_.size(); ++k) {
      const GapSource& g = sources_[k];
      std::vector<double> credit;
      for (const std::string& v : g.values) {
        std::vector<std::pair<std::string, std::string>> with = right;
        with[k].second = v;
        Result<double> s = Try(with);
        if (!s.ok()) return s.error().message;
        if (!Near(*s, *whole) && !Near(*s, 0)) return kTogether;
        credit.push_back(Near(*s, *whole) ? 1.0 : 0.0);
      }
      std::vector<std::pair<std::string, std::string>> without = right;
      without[k].second = kNothing;
      Result<double> s = Try(without);
      if (!s.ok()) return s.error().message;
      if (!Near(*s, 0)) return kTogether;
      Make(g, credit, 1);
    }
    q_.points = *whole;
    q_.all_or_nothing = true;
    return "";
  }
  static constexpr const char* kTogether =
      "its response processing scores the gaps together in a way a gaps question cannot say "
      "(each gap its share, or all or nothing)";

  void Make(const GapSource& g, const std::vector<double>& credit, double weight) {
    exam::Gap gap;
    gap.weight = weight;
    if (g.number) {
      for (size_t i = 0; i < g.values.size(); ++i) {
        // Every number, in order (the first whose tolerance holds decides, worth 0 or not).
        gap.numbers.push_back({g.centres[i], g.tolerances[i], credit[i]});
      }
    } else if (g.menu) {
      exam::SetGapMenu(gap, g.texts, credit);
    } else {
      for (size_t i = 0; i < g.values.size(); ++i) {
        if (credit[i] <= 0) continue;  // worth nothing: as any other answer
        gap.accepted.push_back(g.values[i]);
        gap.credit.push_back(credit[i]);
      }
    }
    q_.gaps.push_back(std::move(gap));
  }

  // A number gap grades as its rules score: at each number's centre and edges, and just beyond
  // them, the first number whose tolerance holds the answer earns what the rules give.
  std::string CheckNumbers() {
    for (size_t k = 0; k < sources_.size(); ++k) {
      if (!sources_[k].number) continue;
      const exam::Gap& gap = q_.gaps[k];
      std::vector<std::pair<std::string, std::string>> others;
      if (q_.all_or_nothing) {
        for (const GapSource& g : sources_) others.emplace_back(g.response, g.correct);
      }
      Result<double> whole = q_.all_or_nothing ? Try(others) : Result<double>(0.0);
      if (!whole.ok()) return whole.error().message;
      for (const exam::NumericAnswer& n : gap.numbers) {
        const double beyond = std::max(n.tolerance * 1e-3, 1e-6);
        for (const double p : {n.value, n.value + n.tolerance, n.value - n.tolerance,
                               n.value + n.tolerance + beyond, n.value - n.tolerance - beyond}) {
          double credit = 0;
          for (const exam::NumericAnswer& m : gap.numbers) {
            if (std::fabs(p - m.value) <= m.tolerance) {
              credit = m.credit;
              break;
            }
          }
          std::vector<std::pair<std::string, std::string>> with = others;
          if (q_.all_or_nothing) {
            with[k].second = fmt::format("{}", p);
          } else {
            with.emplace_back(sources_[k].response, fmt::format("{}", p));
          }
          Result<double> s = Try(with);
          if (!s.ok()) return s.error().message;
          const double want = q_.all_or_nothing ? (credit == 1 ? *whole : 0) : credit * gap.weight;
          if (!Near(*s, want)) {
            return fmt::format("gap {} scores {} in ways a number gap cannot say (the first number "
                               "whose tolerance holds the answer decides)",
                               k + 1, p);
          }
        }
      }
    }
    return "";
  }

  // A typed gap compares case as the processing does: an accepted answer with its letters'
  // case swapped scoring the same says case does not matter.
  std::string CaseOfTypedGaps() {
    for (size_t k = 0; k < sources_.size(); ++k) {
      exam::Gap& gap = q_.gaps[k];
      if (sources_[k].menu || sources_[k].number) continue;
      bool sensitive = false;
      std::vector<std::pair<std::string, std::string>> right;
      if (q_.all_or_nothing) {
        for (const GapSource& g : sources_) right.emplace_back(g.response, g.correct);
      }
      for (const std::string& a : gap.accepted) {
        const std::string swapped = SwappedCase(a);
        if (swapped == a) continue;
        std::vector<std::pair<std::string, std::string>> with = right;
        if (q_.all_or_nothing) {
          with[k].second = a;
        } else {
          with.emplace_back(sources_[k].response, a);
        }
        Result<double> as_is = Try(with);
        with[q_.all_or_nothing ? k : 0].second = swapped;
        Result<double> other = Try(with);
        if (!as_is.ok()) return as_is.error().message;
        if (!other.ok()) return other.error().message;
        sensitive = sensitive || !Near(*as_is, *other);
      }
      gap.case_sensitive = sensitive;
      for (std::string& a : gap.accepted) a = exam::NormaliseText(a, !sensitive);
      if (std::any_of(gap.accepted.begin(), gap.accepted.end(),
                      [](const std::string& a) { return a.empty(); })) {
        return fmt::format("gap {} accepts an answer that is empty once its spaces are set aside",
                           k + 1);
      }
    }
    for (const exam::Gap& gap : q_.gaps) {
      for (const auto* list : {&gap.choices, &gap.accepted}) {
        for (const std::string& s : *list) {
          if (FirstInvalidUtf8(s)) {
            return "its text is not UTF-8 (declare the file's encoding in its XML declaration)";
          }
        }
      }
    }
    return "";
  }

  const Declarations& declarations_;
  pugi::xml_node processing_;
  RuleRunner runner_;
  exam::Question& q_;
  std::vector<GapSource> sources_;
  Responses base_;  // every gap answered with what matches nothing
};

}  // namespace

bool IsGapsItem(const std::vector<pugi::xml_node>& interactions) {
  size_t menus = 0, typed = 0;
  for (const pugi::xml_node& i : interactions) {
    const std::string name = NameOf(i);
    if (name == "inlineChoiceInteraction") {
      ++menus;
    } else if (name == "textEntryInteraction") {
      ++typed;
    } else {
      return false;
    }
  }
  return menus > 0 || typed > 1;
}

std::string ReadGaps(const pugi::xml_node& item, const std::vector<pugi::xml_node>& gaps,
                     const Declarations& declarations, exam::Question& q) {
  q.type = exam::QuestionType::kGaps;
  q.gaps.clear();
  std::string why = GapsReader(item, declarations, q).Read(gaps);
  if (why.empty() && (!(q.points > 0) || q.points > 10'000)) {
    why = "an exam question is worth more than 0 and at most 10000 points";
  }
  if (why.empty()) why = exam::GapsProblem(q);
  return why;
}

std::string ReadGapMatch(const pugi::xml_node& interaction, const std::vector<pugi::xml_node>& gaps,
                         const Declaration& decl, std::string_view method,
                         std::optional<double> points, exam::Question& q) {
  q.type = exam::QuestionType::kGaps;
  q.gaps.clear();
  if (decl.cardinality != "multiple" || decl.base_type != "directedPair") {
    return "a gap match whose response is not a set of pairs (word, gap)";
  }
  std::vector<std::string> words, texts;
  for (const pugi::xml_node& w : Children(interaction, "gapText")) {
    std::vector<Feedback> feedback;
    PlainText text(feedback);
    std::string shown = text.Of(w);
    if (!text.why().empty()) return text.why();
    std::replace(shown.begin(), shown.end(), '\n', ' ');
    if (shown.empty()) return "a gap match offers a word without text";
    if (std::find(texts.begin(), texts.end(), shown) != texts.end()) {
      return fmt::format("a gap match offers \"{}\" twice", shown);
    }
    words.push_back(Trimmed(Attr(w, "identifier")));
    texts.push_back(std::move(shown));
  }
  if (texts.size() < 2) return "a gap match offers fewer than 2 words";
  if (gaps.empty() || gaps.size() > exam::kMaxGaps) {
    return fmt::format("a gap match has 1 to {} gaps", exam::kMaxGaps);
  }
  std::vector<std::string> gap_ids;
  for (const pugi::xml_node& g : gaps) gap_ids.push_back(Trimmed(Attr(g, "identifier")));
  // "word gap": their indices, or nothing.
  const auto pair = [&](const std::string& v) -> std::optional<std::pair<size_t, size_t>> {
    const std::string t = Trimmed(v);
    const size_t space = t.find_first_of(" \t");
    if (space == std::string::npos) return std::nullopt;
    const auto w = std::find(words.begin(), words.end(), t.substr(0, space));
    const auto g = std::find(gap_ids.begin(), gap_ids.end(), Trimmed(t.substr(space + 1)));
    if (w == words.end() || g == gap_ids.end()) return std::nullopt;
    return std::pair{static_cast<size_t>(w - words.begin()),
                     static_cast<size_t>(g - gap_ids.begin())};
  };
  std::vector<std::vector<double>> credit(gaps.size(), std::vector<double>(texts.size(), 0.0));
  std::vector<double> weight(gaps.size(), 1.0);
  if (method == "match_correct") {
    std::vector<bool> filled(gaps.size(), false);
    for (const std::string& v : decl.correct) {
      const auto p = pair(v);
      if (!p)
        return fmt::format("its correct pair '{}' names no word and gap of it",
                           PrintableAscii(v, 60));
      if (filled[p->second]) return fmt::format("gap {} has two correct words", p->second + 1);
      filled[p->second] = true;
      credit[p->second][p->first] = 1;
    }
    for (size_t k = 0; k < gaps.size(); ++k) {
      if (!filled[k]) {
        return fmt::format("gap {} is left empty in its correct response, which a gap cannot say",
                           k + 1);
      }
    }
    q.all_or_nothing = true;
    q.points = points.value_or(1.0);
  } else if (method == "map_response") {
    if (!decl.mapping) return "its map_response has no mapping";
    if (decl.mapping->default_value != 0) {
      return fmt::format(
          "its mapping gives {} for each pair it does not name (defaultValue): a "
          "wrong word earns 0 in a gap, never more nor less",
          decl.mapping->default_value);
    }
    for (const Mapping::Entry& e : decl.mapping->entries) {
      const auto p = pair(e.key);
      if (!p)
        return fmt::format("its mapped pair '{}' names no word and gap of it",
                           PrintableAscii(e.key, 60));
      if (e.value < 0) return "its mapping takes points away, which a gap never does";
      credit[p->second][p->first] = e.value;
    }
    double total = 0;
    for (size_t k = 0; k < gaps.size(); ++k) {
      weight[k] = *std::max_element(credit[k].begin(), credit[k].end());
      if (!(weight[k] > 0))
        return fmt::format("gap {} earns nothing whatever word is put in it", k + 1);
      for (double& c : credit[k]) c /= weight[k];
      total += weight[k];
    }
    if (decl.mapping->upper && *decl.mapping->upper < total - 1e-9) {
      return "its mapping's upperBound caps the sum of its gaps, which a gaps question cannot say";
    }
    q.all_or_nothing = false;
    q.points = total;
  } else {
    return "a gap match is read with the templates match_correct or map_response, by address or "
           "written out";
  }
  for (size_t k = 0; k < gaps.size(); ++k) {
    exam::Gap gap;
    gap.weight = weight[k];
    exam::SetGapMenu(gap, texts, credit[k]);
    q.gaps.push_back(std::move(gap));
  }
  if (!(q.points > 0) || q.points > 10'000) {
    return "an exam question is worth more than 0 and at most 10000 points";
  }
  for (const std::string& t : texts) {
    if (FirstInvalidUtf8(t))
      return "its text is not UTF-8 (declare the file's encoding in its XML declaration)";
  }
  return exam::GapsProblem(q);
}

void LoneEntryAsQuestion(exam::Question& q) {
  const std::string mark = "\n" + exam::GapMark(1);
  if (q.type != exam::QuestionType::kGaps || q.gaps.size() != 1 || !q.gaps[0].choices.empty() ||
      !q.text.ends_with(mark) || q.all_or_nothing) {
    return;
  }
  exam::Gap gap = std::move(q.gaps[0]);
  q.gaps.clear();
  q.text.resize(q.text.size() - mark.size());
  if (!gap.numbers.empty()) {
    q.type = exam::QuestionType::kNumeric;
    const auto best = std::max_element(gap.numbers.begin(), gap.numbers.end(),
                                       [](const auto& a, const auto& b) { return a.credit < b.credit; });
    q.numeric_answer = best->value;
    q.numeric_tolerance = best->tolerance;
    if (gap.numbers.size() > 1 || best->credit != 1) q.numeric_answers = std::move(gap.numbers);
    return;
  }
  q.type = exam::QuestionType::kShortText;
  q.accepted = std::move(gap.accepted);
  q.credit = std::move(gap.credit);
  q.case_sensitive = gap.case_sensitive;
  q.wildcards = gap.wildcards;
  if (!q.credit.empty() && std::all_of(q.credit.begin(), q.credit.end(), [](double c) { return c == 1; })) {
    q.credit.clear();
  }
}

}  // namespace pupitre::importers::qti
