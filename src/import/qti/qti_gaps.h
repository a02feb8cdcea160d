#pragma once
// A QTI item whose interactions sit within its text, inline choices and text entries, made a
// gaps question: each interaction a gap (a menu of its inline choices, or typed in), scored as
// the item's own response processing scores it, learnt by running that processing on one answer
// after another (qti_rules.h): each gap's share and what each of its answers earns, or all or
// nothing. Internal to import/qti.

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "exam/exam.h"
#include "import/qti/qti_declaration.h"

namespace pupitre::importers::qti {

// Whether an item of these interactions is a text with gaps: inline choices and text entries
// only, and at least one inline choice or two text entries (one text entry alone is a short
// answer question).
bool IsGapsItem(const std::vector<pugi::xml_node>& interactions);

// Sets q's gaps, points and all_or_nothing from the item's `gaps` (its interactions, in the
// order its text marks them) and its processing. Why not ("" : done), in words a teacher reads.
std::string ReadGaps(const pugi::xml_node& item, const std::vector<pugi::xml_node>& gaps,
                     const Declarations& declarations, exam::Question& q);

// A text whose one gap, typed in, stands alone on its last line (an entry below the question)
// is a short answer or a numeric question: made so, graded the same.
void LoneEntryAsQuestion(exam::Question& q);

// A gap match (gapMatchInteraction): each of its `gaps` (in the text's order) a menu of its
// words (gapText), scored by `method` ("match_correct": the points, `points` or 1, for every
// gap right; "map_response": each pair word-gap its mapped value). Why not ("" : done).
std::string ReadGapMatch(const pugi::xml_node& interaction, const std::vector<pugi::xml_node>& gaps,
                         const Declaration& decl, std::string_view method,
                         std::optional<double> points, exam::Question& q);

}  // namespace pupitre::importers::qti
