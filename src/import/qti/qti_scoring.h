#pragma once
// How a QTI item's responseProcessing scores, when the exam model can say it the same way:
// a template by its address (match_correct, map_response), one of them written out as the
// specification writes it (rules choosing which feedback shows set aside, match_correct also
// behind a test for no answer), numbers within tolerances, the first that holds giving its
// score (qti-equal chains, as numeric questions are written), or an order's places each
// scoring when they hold their item (qti-index, as 1EdTech's order examples and Pupitre's export
// write it). Internal to import/qti.

#include <functional>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"
#include "import/qti/qti_declaration.h"

namespace pupitre::importers::qti {

struct Scoring {
  std::string method;  // "match_correct", "map_response", "tolerance" or "places"
  std::optional<double> right_score;  // match_correct written out: the score when right
  // "tolerance": each number, its tolerance and the score it gives (in `credit`), in order.
  std::vector<exam::Question::NumericAnswer> tolerance_chain;
  // "places": the whole order right scores right_score; else each place (1-based) holding its
  // item (an identifier) adds its score.
  struct Place {
    int n = 0;
    std::string item;
    double score = 0;
  };
  std::vector<Place> places;
  // An outcome the processing sets to the response itself: feedback keyed by it follows the
  // choice made ("" : none).
  std::string choice_outcome;
};

// `declared`: whether an identifier names a declared response. Fails kInvalid with why (in
// words a teacher reads) when the processing is none of those forms.
Result<Scoring> ReadScoring(const pugi::xml_node& response_processing,
                            const std::function<bool(std::string_view)>& declared);

// Why an item whose processing is none of those scoring an interaction is not imported.
inline constexpr const char* kUnscored = "it has no response processing: not scored";

// A mapping's upperBound below the item's declared `points` caps the score below them, which an
// exam question cannot say: why ("" : it does not).
std::string UpperBelowPoints(const Mapping& m, std::optional<double> points);

}  // namespace pupitre::importers::qti
