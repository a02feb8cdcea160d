#include "course/markdown.h"

#include <gtest/gtest.h>

namespace pupitre::course {
namespace {

TEST(MarkdownTest, RendersCommonMark) {
  EXPECT_EQ(MarkdownToHtml("# Week 1\n\nRead *chapter 2*."),
            "<h1>Week 1</h1>\n<p>Read <em>chapter 2</em>.</p>\n");
  EXPECT_NE(MarkdownToHtml("[the map](https://example.org/map.pdf)")
                .find("<a href=\"https://example.org/map.pdf\">the map</a>"),
            std::string::npos);
}

TEST(MarkdownTest, NeverLetsScriptThrough) {
  for (const char* md : {"<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                         "<div onclick=\"x()\">hi</div>", "<iframe src=//evil></iframe>"}) {
    const std::string html = MarkdownToHtml(md);
    EXPECT_EQ(html.find("<script"), std::string::npos) << md << " -> " << html;
    EXPECT_EQ(html.find("onerror"), std::string::npos) << md << " -> " << html;
    EXPECT_EQ(html.find("onclick"), std::string::npos) << md << " -> " << html;
    EXPECT_EQ(html.find("<iframe"), std::string::npos) << md << " -> " << html;
  }
  for (const char* md : {"[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))",
                         "![x](javascript:alert(1))", "[x](vbscript:msgbox)",
                         "[x](data:text/html;base64,PHNjcmlwdD4=)"}) {
    const std::string html = MarkdownToHtml(md);
    EXPECT_EQ(html.find("script:"), std::string::npos) << md << " -> " << html;
    EXPECT_EQ(html.find("data:text/html"), std::string::npos) << md << " -> " << html;
  }
  // Text that looks like markup is escaped.
  EXPECT_EQ(MarkdownToHtml("a < b & c"), "<p>a &lt; b &amp; c</p>\n");
  // Invalid UTF-8 is replaced, never passed on.
  EXPECT_EQ(MarkdownToHtml("caf\xC3"), "<p>caf\xEF\xBF\xBD</p>\n");
}

}  // namespace
}  // namespace pupitre::course
