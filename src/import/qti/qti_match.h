#pragma once
// QTI's pairs made an exam matching question: a matchInteraction (items of its first set, each
// matched with one of its second), and an associateInteraction (pairs made within one list),
// its list split in two where its right pairs allow: the one of each right pair that is in no
// other is an item, matched with its partner among the other choices. Scored all or nothing
// (match_correct) or each right pair its mapped value (map_response; a mapping scoring a wrong
// pair is refused). Internal to import/qti.

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "exam/exam.h"
#include "import/qti/qti_declaration.h"
#include "import/qti/qti_item.h"
#include "import/qti/qti_text.h"

namespace pupitre::importers::qti {

// How the item scores, as its processing says: "match_correct", "map_response" or another
// method (refused here); its points when it declares them (MAXSCORE, match_correct's score).
struct PairScoring {
  std::string_view method;
  std::optional<double> points;
};

// Makes q a matching question from a matchInteraction; why not ("" : done), in words a teacher
// reads. Feedback met in its choices goes to `feedback`; pictures are read through `files`.
std::string ReadMatch(const pugi::xml_node& interaction, const Declaration& decl,
                      const PairScoring& scoring, const QtiFileReader& files,
                      std::vector<Feedback>& feedback, exam::Question& q);

// The same from an associateInteraction; `note` says how its list was split for the teacher.
std::string ReadAssociate(const pugi::xml_node& interaction, const Declaration& decl,
                          const PairScoring& scoring, const QtiFileReader& files,
                          std::vector<Feedback>& feedback, exam::Question& q, std::string& note);

}  // namespace pupitre::importers::qti
