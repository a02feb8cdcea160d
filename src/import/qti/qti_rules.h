#pragma once
// A QTI item's response processing run on a given answer, as a delivery engine runs it, to learn
// what it scores: responseCondition (if, else if, else), setOutcomeValue and exitResponse over
// the expressions scoring uses (baseValue, variable, correct, mapResponse, isNull, match,
// stringMatch, equal, lt, gt, lte, gte, and, or, not, sum, subtract, product, divide, min, max),
// single values only, and the templates match_correct and map_response. The gaps of an item are
// read by running it on one answer after another (qti_gaps.h). Anything else is said, never
// guessed; every run is bounded in steps. Internal to import/qti.

#include <pugixml.hpp>

#include <map>
#include <string>
#include <unordered_map>

#include "common/result.h"
#include "import/qti/qti_declaration.h"

namespace pupitre::importers::qti {

// One value: none (NULL: no answer), a number, a text (an identifier or a string), a truth.
struct RuleValue {
  enum class Kind { kNull, kNumber, kText, kBool };
  Kind kind = Kind::kNull;
  double number = 0;
  std::string text;
  bool truth = false;

  static RuleValue Null() { return {}; }
  static RuleValue Number(double x) { return {Kind::kNumber, x, {}, false}; }
  static RuleValue Text(std::string s) { return {Kind::kText, 0, std::move(s), false}; }
  static RuleValue Bool(bool b) { return {Kind::kBool, 0, {}, b}; }
};

using Responses = std::map<std::string, RuleValue, std::less<>>;

// A mapping's keys, each to its first entry: as written (case-sensitive entries) and folded to
// lower case (the others), so that a lookup costs the length of the answer, not of the mapping.
struct MappingIndex {
  std::unordered_map<std::string, size_t> exact, folded;
};

class RuleRunner {
 public:
  // `item`: the assessmentItem (its outcome declarations give the outcomes' defaults, its
  // responseProcessing the rules); `declarations`: its responses'. Both outlive the runner.
  RuleRunner(const pugi::xml_node& item, const Declarations& declarations);

  // SCORE once the processing has run on `responses` (a response not given is NULL); why not
  // (kInvalid, in words a teacher reads) when the rules use what is not read here, or the
  // runner's budget of steps (for all its runs) is spent.
  Result<double> Score(const Responses& responses);

 private:
  pugi::xml_node item_;
  pugi::xml_node processing_;
  const Declarations& declarations_;
  std::map<std::string, MappingIndex, std::less<>> mappings_;  // by response
  Responses defaults_;  // each outcome's value before the rules run
  long budget_;         // steps left, for every run
};

}  // namespace pupitre::importers::qti
