#pragma once
// The text of a QTI item's body as a student reads it (import/qti's own): blocks on their own
// lines, white space collapsed as HTML does; a text entry shown as a blank, the gaps of a text
// with gaps marked [[n]] where they stand, other interactions left out (their prompts are read
// apart); feedback set aside; pictures marked where they stand (exam::kImageMark) and listed;
// mathematics (MathML) written as linear text. What text cannot hold is refused with why.
// Internal to import/qti.

#include <pugixml.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pupitre::importers::qti {

inline constexpr std::string_view kBlank = "_____";
inline constexpr const char* kTemplates =
    "items made from templates (variables in the text) are not imported yet";

// Feedback an item shows once answered: kept where the exam model has a place for it (a choice's
// own), else left out and said.
struct Feedback {
  std::string outcome;     // the outcome whose value shows it
  std::string identifier;  // shown when the outcome holds this identifier
  std::string text;
};

// A picture met in the question's text: where its file is, what it shows.
struct Picture {
  std::string href;
  std::string alt;
};

class PlainText {
 public:
  // Feedback met in the text goes to `feedback` (left out of the text); `inline_at`, a text
  // entry, shows as kBlank; `depth`: how deep the walk starts (nesting is bounded).
  explicit PlainText(std::vector<Feedback>& feedback, pugi::xml_node inline_at = {},
                     int depth = 0)
      : feedback_(feedback), inline_at_(inline_at), base_depth_(depth) {}

  // Pictures met go to `pictures`, each marked in the text by exam::kImageMark; without,
  // a picture is refused (only the question's text has images in the exam model).
  void TakePictures(std::vector<Picture>& pictures) { pictures_ = &pictures; }
  // Feedback's text: a printed outcome shows as "…" (it is the value of a score).
  void InFeedback() { in_feedback_ = true; }
  // The k-th of `gaps` (interactions within the text) shows as exam::GapMark(k + 1).
  void MarkGaps(const std::vector<pugi::xml_node>& gaps) { gaps_ = &gaps; }

  // The text of `n`'s content; "" with why() set when text cannot hold it.
  std::string Of(const pugi::xml_node& n);
  const std::string& why() const { return why_; }

 private:
  void Walk(const pugi::xml_node& n, int depth);
  void Text(std::string_view s);
  void Break();
  std::string Finish();

  std::vector<Feedback>& feedback_;
  bool in_feedback_ = false;
  std::vector<Picture>* pictures_ = nullptr;
  pugi::xml_node inline_at_;
  const std::vector<pugi::xml_node>* gaps_ = nullptr;
  int base_depth_;
  std::string out_;
  bool space_ = false;
  std::string why_;
};

}  // namespace pupitre::importers::qti
