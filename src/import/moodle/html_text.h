#pragma once
// Moodle keeps most texts as HTML; an exam question's text is plain. A small HTML is made plain
// text: paragraphs, line breaks and list items become lines, other tags go, entities are
// decoded. What plain text cannot hold (an image, a sound) is for the caller to refuse.

#include <string>
#include <string_view>
#include <vector>

namespace pupitre::importers {

std::string HtmlToText(std::string_view html);

// An <img> of the HTML: where it comes from and what it shows.
struct HtmlImage {
  std::string src;  // as written (entities decoded)
  std::string alt;
};
// The same, each <img> made exam::kImageMark and listed, in order, in `images`.
std::string HtmlToText(std::string_view html, std::vector<HtmlImage>& images);

// The same, each <img> written as what it shows in brackets ("[A red dot]", "[picture]"):
// feedback, whose pictures the exam model does not keep.
std::string HtmlToWords(std::string_view html);

// Mathematics (MathML's <math>, as MathType and Moodle's editors write it) is made linear text
// (import/mathml: x³ − 5x + 87). Whether `html` has any, and why some of it cannot be written
// as text ("" : it all can, or there is none; the caller then refuses the question).
bool HtmlHasMath(std::string_view html);
std::string HtmlMathProblem(std::string_view html);

// Whether `html` shows something that is not text (an image, a sound, a video, an object).
bool HtmlHasMedia(std::string_view html);
// Whether it shows something that is neither text nor an <img> (a sound, a video, an object).
bool HtmlHasOtherMedia(std::string_view html);

}  // namespace pupitre::importers
