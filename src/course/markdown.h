#pragma once
// Course pages are Markdown (CommonMark, Debian's cmark), rendered on the server into HTML that
// is safe to put in a page: raw HTML is dropped and links or images with a dangerous scheme
// (javascript:, vbscript:, file:, data: other than images) are emptied, as cmark does without
// its UNSAFE option. Invalid UTF-8 is replaced.

#include <string>
#include <string_view>

namespace pupitre::course {

std::string MarkdownToHtml(std::string_view markdown);

}  // namespace pupitre::course
