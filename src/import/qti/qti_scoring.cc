// How a QTI item scores (see qti_scoring.h).
#include "import/qti/qti_scoring.h"

#include <fmt/format.h>

#include <utility>

#include "import/qti/qti_names.h"

namespace pupitre::importers::qti {
namespace {

class ScoringReader {
 public:
  explicit ScoringReader(const std::function<bool(std::string_view)>& declared)
      : declared_(declared) {}

  Result<Scoring> Read(const pugi::xml_node& rp) {
    std::string_view uri = Attr(rp, "template");
    if (uri.empty()) uri = Attr(rp, "templateLocation");
    if (uri.ends_with(".xml")) uri.remove_suffix(4);
    if (uri.ends_with("/match_correct")) {
      scoring_.method = "match_correct";
    } else if (uri.ends_with("/map_response")) {
      scoring_.method = "map_response";
    } else if (!uri.empty()) {
      return Error::Invalid(fmt::format("the response processing template {} is not imported "
                                        "yet (match_correct and map_response are)",
                                        uri));
    } else if (rp.first_child()) {
      // match_correct's score when right may be other than 1: it is then the points.
      std::string right_score;
      const std::string shape = Shape(rp, right_score, 0);
      if (shape == kMatchCorrectShape || shape == kGuardedMatchCorrectShape) {
        scoring_.method = "match_correct";
        scoring_.right_score = ParseFiniteNumber(right_score);
        if (!scoring_.right_score || !(*scoring_.right_score > 0)) {
          return Error::Invalid("its match_correct gives no points");
        }
      } else if (shape == kMapResponseShape) {
        scoring_.method = "map_response";
      } else if (ReadToleranceChain(rp)) {
        scoring_.method = "tolerance";
      } else if (ReadPlaces(rp)) {
        scoring_.method = "places";
      } else {
        return Error::Invalid(
            "response processing written out rule by rule is not imported yet (the templates "
            "match_correct and map_response are, by address or written out)");
      }
    }
    return std::move(scoring_);
  }

 private:
  // The rules under `n` that make the score: rules setting another outcome (which feedback
  // shows) set aside.
  static std::vector<pugi::xml_node> ScoreRules(const pugi::xml_node& n) {
    std::vector<pugi::xml_node> out;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      const std::string name = NameOf(c);
      if (name == "setOutcomeValue" && Attr(c, "identifier") != "SCORE") continue;
      if (name == "responseCondition" && !SetsScore(c, 0)) continue;
      out.push_back(c);
    }
    return out;
  }

  // SCORE set to a number: that number.
  static std::optional<double> ScoreSetTo(const pugi::xml_node& set) {
    if (NameOf(set) != "setOutcomeValue" || Attr(set, "identifier") != "SCORE") return {};
    const pugi::xml_node v = Child(set, "baseValue");
    return v ? ParseFiniteNumber(v.text().get()) : std::nullopt;
  }

  // An order's places: responseIf [match[RESPONSE, correct], SCORE = the whole's score];
  // responseElse [SCORE = 0, then for each place a responseCondition: responseIf
  // [match[index n [RESPONSE], its item], SCORE = sum[SCORE, the place's score]]].
  bool ReadPlaces(const pugi::xml_node& rp) {
    const std::vector<pugi::xml_node> top = ScoreRules(rp);
    if (top.size() != 1 || NameOf(top[0]) != "responseCondition") return false;
    const std::vector<pugi::xml_node> branches = ScoreRules(top[0]);
    if (branches.size() != 2 || NameOf(branches[0]) != "responseIf" ||
        NameOf(branches[1]) != "responseElse") {
      return false;
    }
    const std::vector<pugi::xml_node> whole = ScoreRules(branches[0]);
    if (whole.size() != 2 || NameOf(whole[0]) != "match") return false;
    const pugi::xml_node var = Child(whole[0], "variable"), correct = Child(whole[0], "correct");
    if (!var || !correct || !declared_(Attr(var, "identifier")) || !declared_(Attr(correct, "identifier"))) {
      return false;
    }
    const std::optional<double> right = ScoreSetTo(whole[1]);
    const std::vector<pugi::xml_node> parts = ScoreRules(branches[1]);
    if (!right || parts.size() < 2 || ScoreSetTo(parts[0]) != 0.0) return false;
    for (size_t i = 1; i < parts.size(); ++i) {
      if (NameOf(parts[i]) != "responseCondition") return false;
      const std::vector<pugi::xml_node> when = ScoreRules(parts[i]);
      if (when.size() != 1 || NameOf(when[0]) != "responseIf") return false;
      const std::vector<pugi::xml_node> rule = ScoreRules(when[0]);
      if (rule.size() != 2 || NameOf(rule[0]) != "match") return false;
      const pugi::xml_node index = Child(rule[0], "index");
      const pugi::xml_node of = Child(index, "variable");
      const pugi::xml_node item = Child(rule[0], "baseValue");
      const std::optional<double> n = ParseFiniteNumber(Attr(index, "n"));
      if (!index || !of || !declared_(Attr(of, "identifier")) || !item || !n || *n < 1 ||
          *n > 1000 || *n != static_cast<int>(*n)) {
        return false;
      }
      const pugi::xml_node set = rule[1];
      const pugi::xml_node sum = Child(set, "sum");
      if (NameOf(set) != "setOutcomeValue" || Attr(set, "identifier") != "SCORE" || !sum ||
          Attr(Child(sum, "variable"), "identifier") != "SCORE" || !Child(sum, "baseValue")) {
        return false;
      }
      const std::optional<double> score = ParseFiniteNumber(Child(sum, "baseValue").text().get());
      if (!score) return false;
      scoring_.places.push_back({static_cast<int>(*n), Trimmed(item.text().get()), *score});
    }
    scoring_.right_score = right;
    return true;
  }

  // A number within a tolerance, the first that holds giving its score, as numeric questions are
  // written (and exported): one responseCondition of responseIf / responseElseIf, each
  // [qti-equal of the response and a number, absolute or exact] then [SCORE = a number], and a
  // responseElse setting SCORE to 0.
  bool ReadToleranceChain(const pugi::xml_node& rp) {
    std::vector<pugi::xml_node> rules;
    for (const pugi::xml_node& c : rp.children()) {
      if (c.type() == pugi::node_element) rules.push_back(c);
    }
    if (rules.size() != 1 || NameOf(rules[0]) != "responseCondition") return false;
    for (const pugi::xml_node& branch : rules[0].children()) {
      if (branch.type() != pugi::node_element) continue;
      const std::string name = NameOf(branch);
      std::vector<pugi::xml_node> parts;
      for (const pugi::xml_node& c : branch.children()) {
        if (c.type() == pugi::node_element) parts.push_back(c);
      }
      const auto score_of = [&](const pugi::xml_node& set) -> std::optional<double> {
        if (NameOf(set) != "setOutcomeValue" || Attr(set, "identifier") != "SCORE") return {};
        const pugi::xml_node v = Child(set, "baseValue");
        return v ? ParseFiniteNumber(v.text().get()) : std::nullopt;
      };
      if (name == "responseElse") {
        const std::optional<double> zero = parts.size() == 1 ? score_of(parts[0]) : std::nullopt;
        if (!zero || *zero != 0) return false;
        continue;
      }
      if ((name != "responseIf" && name != "responseElseIf") || parts.size() != 2) return false;
      const pugi::xml_node equal = parts[0];
      if (NameOf(equal) != "equal") return false;
      const pugi::xml_node var = Child(equal, "variable");
      const pugi::xml_node value = Child(equal, "baseValue");
      const std::optional<double> x = value ? ParseFiniteNumber(value.text().get()) : std::nullopt;
      const std::optional<double> score = score_of(parts[1]);
      if (!var || !declared_(Attr(var, "identifier")) || !x || !score) return false;
      const std::string_view mode = Attr(equal, "toleranceMode");
      double tolerance = 0;
      if (mode == "absolute") {
        // "t" or "t t": the same below and above (Pupitre's tolerance is one number).
        std::string_view t = Attr(equal, "tolerance");
        const size_t space = t.find(' ');
        const std::optional<double> below = ParseFiniteNumber(t.substr(0, space));
        const std::optional<double> above =
            space == std::string_view::npos ? below : ParseFiniteNumber(t.substr(space + 1));
        if (!below || !above || *below != *above || *below < 0) return false;
        tolerance = *below;
      } else if (!mode.empty() && mode != "exact") {
        return false;
      }
      scoring_.tolerance_chain.push_back({*x, tolerance, *score});
    }
    return !scoring_.tolerance_chain.empty();
  }

  // Whether a rule under `n` sets the score.
  static bool SetsScore(const pugi::xml_node& n, int depth) {
    if (depth > 16) return true;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      if (NameOf(c) == "setOutcomeValue" && Attr(c, "identifier") == "SCORE") return true;
      if (SetsScore(c, depth + 1)) return true;
    }
    return false;
  }

  // The rules under `n` that make the score, as one line of names: a declared response's
  // identifier is "$", a baseValue its number (the first non-zero one also in `right_score`).
  // Rules for other outcomes (which feedback shows) are left out: what they show is read
  // apart. An outcome set to the response itself is remembered: feedback keyed by it follows
  // the choice made.
  std::string Shape(const pugi::xml_node& n, std::string& right_score, int depth) {
    if (depth > 16) return "?";
    std::string out;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      const std::string name = NameOf(c);
      if (name == "setOutcomeValue" && Attr(c, "identifier") != "SCORE") {
        const pugi::xml_node v = Child(c, "variable");
        if (depth == 0 && v && declared_(Attr(v, "identifier"))) {
          scoring_.choice_outcome = std::string(Attr(c, "identifier"));
        }
        continue;
      }
      if (name == "responseCondition" && !SetsScore(c, 0)) continue;
      if (!out.empty()) out += ',';
      out += NameOf(c);
      const std::string_view id = Attr(c, "identifier");
      if (!id.empty()) out += declared_(id) ? "#$" : "#" + std::string(id);
      if (NameOf(c) == "baseValue") {
        const std::optional<double> v = ParseFiniteNumber(c.text().get());
        out += v && *v == 0 ? "=0" : "=x";
        if (v && *v != 0 && right_score.empty()) right_score = Trimmed(c.text().get());
      }
      const std::string inner = Shape(c, right_score, depth + 1);
      if (!inner.empty()) out += "[" + inner + "]";
    }
    return out;
  }
  static constexpr std::string_view kMatchCorrectShape =
      "responseCondition[responseIf[match[variable#$,correct#$],setOutcomeValue#SCORE[baseValue=x]],"
      "responseElse[setOutcomeValue#SCORE[baseValue=0]]]";
  // match_correct behind a test for no answer (which scores 0 either way).
  static constexpr std::string_view kGuardedMatchCorrectShape =
      "responseCondition[responseIf[isNull[variable#$],setOutcomeValue#SCORE[baseValue=0]],"
      "responseElse[responseCondition[responseIf[match[variable#$,correct#$],"
      "setOutcomeValue#SCORE[baseValue=x]],responseElse[setOutcomeValue#SCORE[baseValue=0]]]]]";
  static constexpr std::string_view kMapResponseShape =
      "responseCondition[responseIf[isNull[variable#$],setOutcomeValue#SCORE[baseValue=0]],"
      "responseElse[setOutcomeValue#SCORE[mapResponse#$]]]";


  const std::function<bool(std::string_view)>& declared_;
  Scoring scoring_;
};

}  // namespace

Result<Scoring> ReadScoring(const pugi::xml_node& response_processing,
                            const std::function<bool(std::string_view)>& declared) {
  return ScoringReader(declared).Read(response_processing);
}

std::string UpperBelowPoints(const Mapping& m, std::optional<double> points) {
  if (m.upper && points && *m.upper < *points) {
    return "its mapping's upperBound is below its MAXSCORE, which an exam question cannot say";
  }
  return "";
}

}  // namespace pupitre::importers::qti
