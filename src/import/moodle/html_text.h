#pragma once
// Moodle keeps most texts as HTML; an exam question's text is plain. A small HTML is made plain
// text: paragraphs, line breaks and list items become lines, other tags go, entities are
// decoded. What plain text cannot hold (an image, a sound) is for the caller to refuse.

#include <string>
#include <string_view>

namespace pupitre::importers {

std::string HtmlToText(std::string_view html);

// Whether `html` shows something that is not text (an image, a sound, a video, an object).
bool HtmlHasMedia(std::string_view html);

}  // namespace pupitre::importers
