// QTI's pairs made an exam matching question (see qti_match.h).
#include "import/qti/qti_match.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "import/qti/qti_names.h"
#include "import/qti/qti_pictures.h"
#include "import/qti/qti_scoring.h"

namespace pupitre::importers::qti {
namespace {

constexpr const char* kScoresWrongPairs =
    "its mapping scores wrong matches, which an exam question does not";

// Choices of one side: each one's identifier, words and pictures (a target's are none).
struct Side {
  std::vector<std::string> ids, texts;
  std::vector<std::vector<Picture>> pictures;
};

// Reads the simpleAssociableChoices of `set` into `side`, with their pictures when
// `with_pictures` (else a picture is refused); why not ("" : read).
std::string ReadChoices(const pugi::xml_node& set, bool with_pictures,
                        std::vector<Feedback>& feedback, Side& side) {
  for (const pugi::xml_node& c : Children(set, "simpleAssociableChoice")) {
    side.ids.emplace_back(Attr(c, "identifier"));
    PlainText text(feedback);
    side.pictures.emplace_back();
    if (with_pictures) text.TakePictures(side.pictures.back());
    side.texts.push_back(text.Of(c));
    if (!text.why().empty()) return text.why();
    if (side.texts.back().empty()) return "a choice to match has no text";
  }
  return "";
}

// The two identifiers of a pair ("A P", spaces between), or none.
std::optional<std::pair<std::string, std::string>> PairOf(std::string_view value) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < value.size() && words.size() <= 2) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    const size_t start = i;
    while (i < value.size() && !std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    if (i > start) words.emplace_back(value.substr(start, i - start));
  }
  if (words.size() != 2) return std::nullopt;
  return std::pair{std::move(words[0]), std::move(words[1])};
}

// Makes q a matching of `sources`, each matched with its target_of, among `targets` (those no
// source is matched with are distractors), scored as `scoring` and `decl` say. `unordered`: a
// mapping may name a pair either way round (an associate's pairs).
std::string MakeMatching(const Side& sources, const Side& targets,
                         const std::map<std::string, std::string>& target_of,
                         const Declaration& decl, const PairScoring& scoring, bool unordered,
                         const QtiFileReader& files, exam::Question& q) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::set<std::string> used;
  for (size_t i = 0; i < sources.ids.size(); ++i) {
    const auto it = target_of.find(sources.ids[i]);
    if (it == target_of.end()) {
      return fmt::format("{} has no right match; an exam question's every item has one",
                         sources.ids[i]);
    }
    const auto t = std::find(targets.ids.begin(), targets.ids.end(), it->second);
    if (t == targets.ids.end()) return fmt::format("{} is no target", it->second);
    pairs.emplace_back(sources.texts[i],
                       targets.texts[static_cast<size_t>(t - targets.ids.begin())]);
    if (std::string why = ReadPictures(sources.pictures[i], files, q.images, /*in_choice=*/true);
        !why.empty()) {
      return why;
    }
    used.insert(it->second);
  }
  if (target_of.size() != sources.ids.size()) return "a right match names no source";
  std::vector<std::string> distractors;
  for (size_t i = 0; i < targets.ids.size(); ++i) {
    if (!used.count(targets.ids[i])) distractors.push_back(targets.texts[i]);
  }
  if (pairs.size() < 2) return "a matching question needs two pairs at least";
  q.type = exam::QuestionType::kMatching;
  exam::SetMatchingPairs(q, pairs, distractors);
  if (q.match_choices.size() < 2) return "a matching question needs two choices at least";
  if (scoring.method == "match_correct") {
    q.all_or_nothing = true;
    q.points = scoring.points.value_or(1.0);
    return "";
  }
  if (scoring.method != "map_response") return kUnscored;
  if (!decl.mapping) return "map_response without a mapping";
  const Mapping& m = *decl.mapping;
  if (std::string why = UpperBelowPoints(m, scoring.points); !why.empty()) return why;
  if (m.default_value != 0) return kScoresWrongPairs;
  // The source of the right pair a key names ("" : none).
  const auto source_named = [&](const std::string& key) -> std::string {
    const auto p = PairOf(key);
    if (!p) return "";
    for (const auto& [a, b] : {*p, std::pair{p->second, p->first}}) {
      const auto right = target_of.find(a);
      if (right != target_of.end() && right->second == b) return a;
      if (!unordered) break;
    }
    return "";
  };
  std::map<std::string, double> value_of;  // each right pair's, by its source: the first entry
  for (const auto& e : m.entries) {
    const std::string source = source_named(e.key);
    if (source.empty() && e.value != 0) return kScoresWrongPairs;
    if (!source.empty()) value_of.emplace(source, e.value);
  }
  std::vector<double> values;
  double sum = 0;
  for (const std::string& source : sources.ids) {
    const auto v = value_of.find(source);
    values.push_back(v == value_of.end() ? 0 : v->second);
    sum += values.back();
  }
  if (std::any_of(values.begin(), values.end(), [](double v) { return !(v > 0); })) {
    return "its mapping gives a right match no credit";
  }
  q.points = scoring.points.value_or(m.upper ? std::min(*m.upper, sum) : sum);
  const auto near = [](double a, double b) { return std::fabs(a - b) < 1e-9; };
  const bool equal =
      std::all_of(values.begin(), values.end(), [&](double v) { return near(v, values[0]); });
  if (!equal || !near(q.points, sum)) {
    for (double v : values) q.credit.push_back(v / q.points);
  }
  return "";
}

}  // namespace

std::string ReadMatch(const pugi::xml_node& interaction, const Declaration& decl,
                      const PairScoring& scoring, const QtiFileReader& files,
                      std::vector<Feedback>& feedback, exam::Question& q) {
  const std::vector<pugi::xml_node> sets = Children(interaction, "simpleMatchSet");
  if (sets.size() != 2) return "a match interaction has two simpleMatchSets";
  Side sources, targets;
  if (std::string why = ReadChoices(sets[0], /*with_pictures=*/true, feedback, sources);
      !why.empty()) {
    return why;
  }
  if (std::string why = ReadChoices(sets[1], /*with_pictures=*/false, feedback, targets);
      !why.empty()) {
    return why;
  }
  if (decl.correct.empty()) return "a match interaction without a correctResponse";
  std::map<std::string, std::string> target_of;  // source id -> its right target's id
  for (const std::string& value : decl.correct) {
    auto pair = PairOf(value);
    if (!pair) return fmt::format("its correct response {} is not a pair", value.substr(0, 64));
    if (!target_of.emplace(pair->first, pair->second).second) {
      return fmt::format("{} has several right matches; an exam question's item has one",
                         pair->first);
    }
  }
  std::string why =
      MakeMatching(sources, targets, target_of, decl, scoring, /*unordered=*/false, files, q);
  // Its items keep their place unless it shuffles them, as a choice's (qti_names.h).
  if (why.empty()) q.fixed_options = FixedChoices(interaction, Children(sets[0], "simpleAssociableChoice"));
  return why;
}

std::string ReadAssociate(const pugi::xml_node& interaction, const Declaration& decl,
                          const PairScoring& scoring, const QtiFileReader& files,
                          std::vector<Feedback>& feedback, exam::Question& q, std::string& note) {
  // Pairs either way round: QTI's baseType pair (a directedPair's "b a" is not "a b").
  if (decl.base_type != "pair") return "an associate interaction's response is not of pairs";
  Side all;
  if (std::string why = ReadChoices(interaction, /*with_pictures=*/true, feedback, all);
      !why.empty()) {
    return why;
  }
  if (decl.correct.empty()) return "an associate interaction without a correctResponse";
  // The right pairs by the choices' places, each once whichever way round it is written.
  std::set<std::pair<size_t, size_t>> right;
  for (const std::string& value : decl.correct) {
    const auto pair = PairOf(value);
    if (!pair) return fmt::format("its correct response {} is not a pair", value.substr(0, 64));
    size_t at[2];
    for (int k = 0; k < 2; ++k) {
      const std::string& id = k == 0 ? pair->first : pair->second;
      const auto it = std::find(all.ids.begin(), all.ids.end(), id);
      if (it == all.ids.end()) return fmt::format("{} is no choice", id.substr(0, 64));
      at[k] = static_cast<size_t>(it - all.ids.begin());
    }
    if (at[0] == at[1])
      return fmt::format("its correct response pairs {} with itself", pair->first);
    right.emplace(std::min(at[0], at[1]), std::max(at[0], at[1]));
  }
  std::vector<int> pairs_of(all.ids.size(), 0);
  for (const auto& [a, b] : right) ++pairs_of[a], ++pairs_of[b];
  // Which are the items: one of each right pair, in no other (a choice in several is what
  // each of its partners is matched with; of two each in one, the first in the list).
  std::vector<bool> item(all.ids.size(), false);
  std::map<std::string, std::string> target_of;
  for (const auto& [a, b] : right) {
    if (pairs_of[a] > 1 && pairs_of[b] > 1) {
      return fmt::format("{} and {} are each in several right pairs: a matching cannot ask it",
                         all.ids[a], all.ids[b]);
    }
    const size_t source = pairs_of[a] > 1 ? b : a;
    item[source] = true;
    target_of[all.ids[source]] = all.ids[source == a ? b : a];
  }
  Side sources, targets;
  for (size_t i = 0; i < all.ids.size(); ++i) {
    Side& side = item[i] ? sources : targets;
    if (!item[i] && !all.pictures[i].empty()) {
      return fmt::format(
          "a picture in what an item is matched with is not imported yet ({} is "
          "matched with, as a matching asks this list)",
          all.ids[i]);
    }
    side.ids.push_back(all.ids[i]);
    side.texts.push_back(all.texts[i]);
    side.pictures.push_back(all.pictures[i]);
  }
  std::string why =
      MakeMatching(sources, targets, target_of, decl, scoring, /*unordered=*/true, files, q);
  if (why.empty()) {
    note = fmt::format(
        "its pairs are made within one list in QTI; here its list is split in two, "
        "{} items (one of each right pair) each matched with one of the other {} "
        "choices",
        sources.ids.size(), targets.ids.size());
  }
  return why;
}

}  // namespace pupitre::importers::qti
