#pragma once
// QTI (1EdTech Question and Test Interoperability) assessment items, versions 2.1, 2.2 and 3.0,
// made exam questions. QTI 3.0 writes <qti-choice-interaction response-identifier=...> where
// 2.x writes <choiceInteraction responseIdentifier=...>: both are read the same way.
//
// Made questions: choiceInteraction (single or multiple), textEntryInteraction (text, or a
// number), extendedTextInteraction (an essay), matchInteraction (each source matched with one
// target); scored by the response processing templates match_correct (all or nothing) and
// map_response (each value's mapped credit), points from a MAXSCORE outcome's default or else
// the mapping's bounds. What the exam model cannot say the same way (another interaction,
// several in one item, media, MathML, feedback, templates, rules written out, a score below
// 0...) is reported with its line and why, and nothing is made of that item.

#include <string>
#include <string_view>

#include "import/moodle/question_bank.h"

namespace pupitre::importers {

// One or more items (each an assessmentItem / qti-assessment-item element, at the top of the
// text or anywhere below it); `file` names the text in problems ("" : none). Ids come from the
// items' identifiers (letters, digits, '-' and '_'), made unique.
ExamQuestions ParseQtiItems(std::string_view xml, std::string_view file = "");

}  // namespace pupitre::importers
