// An item's text as a student reads it (see qti_text.h).
#include "import/qti/qti_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "exam/exam.h"
#include "import/mathml/mathml_text.h"
#include "import/qti/qti_names.h"

namespace pupitre::importers::qti {
namespace {

bool IsBlock(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "p",  "div", "blockquote", "li", "ul", "ol", "h1",    "h2",      "h3",      "h4",
      "h5", "h6",  "table",      "tr", "pre", "section", "article", "prompt", "simpleChoice",
      "dl", "dt",  "dd",         "figure", "figcaption", "hr", "address", "caption"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), name) != std::end(kBlocks);
}

}  // namespace

std::string PlainText::Of(const pugi::xml_node& n) {
  Walk(n, base_depth_);
  return why_.empty() ? Finish() : "";
}

void PlainText::Walk(const pugi::xml_node& n, int depth) {
  if (depth > 64) why_ = "its text nests deeper than 64 elements";
  for (const pugi::xml_node& c : n.children()) {
    if (!why_.empty()) return;
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      Text(exam::WithoutImageMarks(c.value()));  // a mark is the question's own
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    const std::string name = NameOf(c);
    if (c == inline_at_) {
      Text(kBlank);
      continue;
    }
    if (gaps_ != nullptr) {
      if (const auto at = std::find(gaps_->begin(), gaps_->end(), c); at != gaps_->end()) {
        Text(exam::GapMark(static_cast<size_t>(at - gaps_->begin()) + 1));
        continue;
      }
    }
    if (name == "gapMatchInteraction" && gaps_ != nullptr) {  // its text holds its gaps
      Walk(c, depth + 1);
      continue;
    }
    if (name == "gapText") continue;  // a gap match's words: read apart
    if (name.ends_with("Interaction")) continue;  // read apart
    const bool picture = name == "img" || (name == "object" && Attr(c, "type").starts_with("image/"));
    if (picture && pictures_ == nullptr && !in_feedback_) {
      why_ = "a picture in what an item is matched with, or in a gap's choice, is not imported "
             "yet (in the question's text, a choice, an item to match or to order it is; in "
             "feedback it is written as words)";
      return;
    }
    if (picture) {
      const bool img = name == "img";
      // What it shows: an <img>'s alt, an <object>'s content (shown where it cannot be).
      std::string alt = img ? exam::WithoutImageMarks(Trimmed(Attr(c, "alt"))) : "";
      if (!img) {
        std::vector<Feedback> none;
        PlainText inner(none, {}, depth + 1);
        alt = inner.Of(c);
        std::replace(alt.begin(), alt.end(), '\n', ' ');
      }
      if (pictures_ == nullptr) {  // feedback's: the exam model keeps no picture there
        Text("[" + (alt.empty() ? std::string("picture") : alt) + "]");
        continue;
      }
      pictures_->push_back({std::string(Attr(c, img ? "src" : "data")), std::move(alt)});
      Text(exam::kImageMark);
      continue;
    }
    if (name == "object" || name == "audio" || name == "video" || name == "svg" ||
        name == "embed" || name == "iframe" || name == "picture") {
      why_ = fmt::format("{} (a sound, a video or another medium) in an item is not imported yet", name);
      return;
    }
    if (name == "math") {  // written as linear text (x³ − 5x + 87), and the import says so
      const MathText math = MathMlToText(c, depth + 1);
      if (!math.why.empty()) {
        why_ = math.why;
        return;
      }
      const bool block = Attr(c, "display") == "block";
      if (block) Break();
      Text(exam::WithoutImageMarks(math.text));
      if (block) Break();
      continue;
    }
    if (name == "feedbackInline" || name == "feedbackBlock") {
      PlainText inner(feedback_, {}, depth + 1);  // the depth goes on: nesting is bounded
      inner.InFeedback();
      std::string text = inner.Of(c);
      if (!inner.why().empty()) {
        why_ = inner.why();
        return;
      }
      const bool shown = Attr(c, "showHide") != "hide";
      feedback_.push_back({std::string(Attr(c, "outcomeIdentifier")),
                           shown ? std::string(Attr(c, "identifier")) : "",
                           std::move(text)});
      continue;
    }
    if (name == "printedVariable" && in_feedback_) {
      // An outcome's value in feedback ("No, 2 correct."): the item's templates are refused
      // apart, and feedback the exam keeps never shows a value.
      Text("\u2026");
      continue;
    }
    if (name.starts_with("template") || name == "printedVariable") {
      why_ = kTemplates;
      return;
    }
    if (name == "rubricBlock" || name == "stylesheet") continue;  // for scorers, or style
    if (name == "br") {
      Break();
      continue;
    }
    const bool block = IsBlock(name);
    if (block) Break();
    if (name == "li") out_ += "- ";
    Walk(c, depth + 1);
    if (block) Break();
  }
}

void PlainText::Text(std::string_view s) {
  for (char ch : s) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      space_ = true;
      continue;
    }
    if (space_ && !out_.empty() && out_.back() != '\n' && !out_.ends_with("- ")) {
      out_.push_back(' ');
    }
    space_ = false;
    out_.push_back(ch);
  }
}

void PlainText::Break() {
  space_ = false;
  while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  if (!out_.empty() && out_.back() != '\n') out_.push_back('\n');
}

std::string PlainText::Finish() {
  Break();
  while (!out_.empty() && out_.back() == '\n') out_.pop_back();
  return out_;
}

}  // namespace pupitre::importers::qti
