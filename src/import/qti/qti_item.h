#pragma once
// QTI (1EdTech Question and Test Interoperability) assessment items, versions 2.1, 2.2 and 3.0,
// made exam questions. QTI 3.0 writes <qti-choice-interaction response-identifier=...> where
// 2.x writes <choiceInteraction responseIdentifier=...>: both are read the same way.
//
// Made questions: choiceInteraction (single or multiple), textEntryInteraction (text, or a
// number), extendedTextInteraction (an essay), matchInteraction (each source matched with one
// target), orderInteraction (every item put in order); scored by the response processing
// templates match_correct (all or nothing) and map_response (each value's mapped credit), an
// order's places each scored with qti-index, points from a MAXSCORE outcome's default or else
// the mapping's bounds. What the exam model cannot say the same way (another interaction,
// several in one item, sound or video, feedback, templates, rules written out, a score below
// 0...) is reported with its line and why, and nothing is made of that item. Mathematics
// (MathML) is written as linear text (MathMlToText: x³ − 5x + 87), and a note says so.
//
// Pictures (<img>, or an <object> of an image type) in an item's text or prompt become the
// question's images when the item's files can be read (a content package): PNG, JPEG, GIF or
// WebP, as many and as large as exam::QuestionImage allows. A link elsewhere is never fetched.

#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "import/moodle/question_bank.h"

namespace pupitre::importers {

// One or more items (each an assessmentItem / qti-assessment-item element, at the top of the
// text or anywhere below it); `file` names the text in problems ("" : none). Ids come from the
// items' identifiers (letters, digits, '-' and '_'), made unique.
//
// `files` reads a file the item links to, by the href the item writes (relative to the item);
// none (an item uploaded alone): its pictures are reported missing.
using QtiFileReader = std::function<Result<std::string>(std::string_view href)>;
ExamQuestions ParseQtiItems(std::string_view xml, std::string_view file = "",
                            const QtiFileReader& files = {});

}  // namespace pupitre::importers
