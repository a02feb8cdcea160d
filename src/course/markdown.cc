#include "course/markdown.h"

#include <cmark.h>

#include <cstdlib>
#include <memory>

namespace pupitre::course {

std::string MarkdownToHtml(std::string_view markdown) {
  // Without CMARK_OPT_UNSAFE: raw HTML becomes a comment and unsafe links are emptied.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
  std::unique_ptr<char, decltype(&std::free)> html(
      cmark_markdown_to_html(markdown.data(), markdown.size(), options), &std::free);
  return html ? std::string(html.get()) : std::string();
}

}  // namespace pupitre::course
