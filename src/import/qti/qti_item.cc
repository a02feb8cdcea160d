// QTI items made exam questions (see qti_item.h), read with pugixml.
#include "import/qti/qti_item.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/text.h"
#include "import/moodle/xml_lines.h"
#include "import/qti/qti_declaration.h"
#include "import/qti/qti_gaps.h"
#include "import/qti/qti_match.h"
#include "import/qti/qti_names.h"
#include "import/qti/qti_pictures.h"
#include "import/qti/qti_scoring.h"
#include "import/qti/qti_text.h"

namespace pupitre::importers {
namespace {

using qti::Attr;
using qti::Child;
using qti::Children;
using qti::NameOf;
using qti::Trimmed;

using qti::Feedback;
using qti::kBlank;
using qti::kTemplates;
using qti::kUnscored;
using qti::Picture;
using qti::PlainText;
using qti::UpperBelowPoints;

bool Near(double a, double b) { return std::fabs(a - b) < 1e-9; }

using qti::Declaration;
using qti::Mapping;


// One item read into an exam question. Each step returns why the item cannot be made a
// question ("" : it can, so far).
class ItemReader {
 public:
  ItemReader(const pugi::xml_node& item, const QtiFileReader& files) : item_(item), files_(files) {}

  // The question, or why not; `note` says what of it was left out ("" : nothing).
  Result<exam::Question> Read(std::string& note) {
    if (std::string why = ReadItem(); !why.empty()) return Error::Invalid(std::move(why));
    note = LeftOut();
    return std::move(q_);
  }

 private:
  std::string ReadItem() {
    for (const pugi::xml_node& d : Children(item_, "responseDeclaration")) {
      if (std::string why = qti::ReadDeclaration(d, declarations_); !why.empty()) return why;
    }
    for (const pugi::xml_node& o : Children(item_, "outcomeDeclaration")) {
      if (Attr(o, "identifier") == std::string_view("MAXSCORE")) {
        const pugi::xml_node v = Child(Child(o, "defaultValue"), "value");
        if (auto x = ParseFiniteNumber(v.text().get()); x && *x > 0) max_score_ = x;
      }
    }
    if (Child(item_, "templateDeclaration") || Child(item_, "templateProcessing")) {
      return kTemplates;
    }
    for (const pugi::xml_node& m : Children(item_, "modalFeedback")) {
      PlainText text(feedback_);
      text.InFeedback();
      feedback_.push_back({std::string(Attr(m, "outcomeIdentifier")), "", text.Of(m)});
      if (!text.why().empty()) return text.why();
    }

    const pugi::xml_node body = Child(item_, "itemBody");
    if (!body) return "it has no itemBody";
    std::vector<pugi::xml_node> interactions;
    if (!FindInteractions(body, interactions, 0)) return "its body nests deeper than 64 elements";
    if (interactions.empty()) {  // a text to read among the questions: a description
      PlainText text(feedback_);
      text.TakePictures(pictures_);
      q_.text = text.Of(body);
      if (!text.why().empty()) return text.why();
      if (std::string why = qti::ReadPictures(pictures_, files_, q_.images); !why.empty()) return why;
      if (q_.text.empty()) return "it has no interaction and no text: nothing to answer or read";
      if (FirstInvalidUtf8(q_.text) ||
          std::any_of(q_.images.begin(), q_.images.end(),
                      [](const exam::QuestionImage& i) { return FirstInvalidUtf8(i.alt).has_value(); })) {
        return "its text is not UTF-8 (declare the file's encoding in its XML declaration)";
      }
      q_.type = exam::QuestionType::kDescription;
      q_.points = 0;
      return "";
    }
    if (interactions.size() > exam::kMaxGaps) {
      return fmt::format("it has more than {} interactions", exam::kMaxGaps);
    }
    if (qti::IsGapsItem(interactions)) return ReadGapsItem(body, interactions);
    if (interactions.size() == 1 && NameOf(interactions[0]) == "gapMatchInteraction") {
      return ReadGapMatchItem(body, interactions[0]);
    }
    if (interactions.size() > 1) {
      return fmt::format("it has {} interactions; an exam question takes one answer (a text "
                         "with gaps takes inline choices and text entries)",
                         interactions.size());
    }
    const pugi::xml_node interaction = interactions[0];
    const std::string kind = NameOf(interaction);
    if (kind != "choiceInteraction" && kind != "textEntryInteraction" &&
        kind != "extendedTextInteraction" && kind != "matchInteraction" &&
        kind != "associateInteraction" && kind != "orderInteraction") {
      return fmt::format("{} is not imported yet", kind);
    }
    if (std::string why = ReadProcessing(); !why.empty()) {
      // Rules of another shape: a text entry is still read as a text with one gap, scored by
      // running them (qti_gaps.h); if it cannot be, the shapes' reason stands.
      if (kind == "textEntryInteraction" && ReadGapsItem(body, interactions).empty()) return "";
      return why;
    }
    if (template_ == "places" && kind != "orderInteraction") {
      return "its response processing scores the places of an order, and it has no order "
             "interaction";
    }
    PlainText body_text(feedback_, kind == "textEntryInteraction" ? interaction : pugi::xml_node());
    body_text.TakePictures(pictures_);
    q_.text = body_text.Of(body);
    if (!body_text.why().empty()) return body_text.why();
    if (const pugi::xml_node prompt = Child(interaction, "prompt")) {
      PlainText prompt_text(feedback_);
      prompt_text.TakePictures(pictures_);  // after the body's, as the text has them
      const std::string p = prompt_text.Of(prompt);
      if (!prompt_text.why().empty()) return prompt_text.why();
      if (!p.empty()) q_.text += (q_.text.empty() ? "" : "\n") + p;
    }
    // A blank alone on the last line (an entry below the question) says nothing.
    if (q_.text.ends_with(std::string("\n") + std::string(kBlank))) {
      q_.text.resize(q_.text.size() - kBlank.size() - 1);
    }
    if (q_.text.empty()) return "it has no text";
    if (std::string why = qti::ReadPictures(pictures_, files_, q_.images); !why.empty()) return why;

    const auto decl = declarations_.find(Attr(interaction, "responseIdentifier"));
    if (decl == declarations_.end()) return "its interaction's response is not declared";
    std::string why;
    if (kind == "choiceInteraction") {
      why = Choice(interaction, decl->second);
    } else if (kind == "textEntryInteraction") {
      why = TextEntry(decl->second);
    } else if (kind == "extendedTextInteraction") {
      q_.type = exam::QuestionType::kEssay;
      const auto& m = decl->second.mapping;
      q_.points = max_score_.value_or(m && m->upper ? *m->upper : 1.0);
    } else if (kind == "orderInteraction") {
      why = Order(interaction, decl->second);
    } else if (kind == "matchInteraction") {
      why =
          qti::ReadMatch(interaction, decl->second, {template_, max_score_}, files_, feedback_, q_);
    } else {
      why = qti::ReadAssociate(interaction, decl->second, {template_, max_score_}, files_,
                               feedback_, q_, note_);
    }
    if (why.empty() && (!(q_.points > 0) || q_.points > 10'000)) {
      why = "an exam question is worth more than 0 and at most 10000 points";
    }
    // Every text is UTF-8 (what the store and the pages hold): a file in another encoding
    // without saying so is refused, not stored to fail later.
    const auto utf8 = [](const std::string& s) { return !FirstInvalidUtf8(s).has_value(); };
    const auto all_utf8 = [&](const std::vector<std::string>& v) {
      return std::all_of(v.begin(), v.end(), utf8);
    };
    const bool alts_utf8 = std::all_of(q_.images.begin(), q_.images.end(),
                                       [&](const exam::QuestionImage& i) { return utf8(i.alt); });
    if (why.empty() && !(utf8(q_.text) && all_utf8(q_.options) && all_utf8(q_.match_choices) &&
                         all_utf8(q_.accepted) && all_utf8(q_.option_feedback) && alts_utf8)) {
      why = "its text is not UTF-8 (declare the file's encoding in its XML declaration)";
    }
    // An answer's credit is at most the question's points, either way.
    const auto beyond = [](double c) { return !(c >= -1 - 1e-9 && c <= 1 + 1e-9); };
    if (why.empty() && (std::any_of(q_.credit.begin(), q_.credit.end(), beyond) ||
                        std::any_of(q_.numeric_answers.begin(), q_.numeric_answers.end(),
                                    [&](const auto& a) { return beyond(a.credit); }))) {
      why = "its mapping gives an answer more than the question's points, which an exam question "
            "does not";
    }
    for (double& c : q_.credit) c = std::clamp(c, -1.0, 1.0);
    return why;
  }

  // A text with gaps (qti_gaps.h): the text with each gap marked where it stands.
  std::string ReadGapsItem(const pugi::xml_node& body, const std::vector<pugi::xml_node>& gaps) {
    if (std::string why = ReadGapsItemText(body, gaps); !why.empty()) return why;
    std::string why = qti::ReadGaps(item_, gaps, declarations_, q_);
    if (why.empty()) qti::LoneEntryAsQuestion(q_);
    return why;
  }
  // The text of an item with gaps: each of `gaps` marked where it stands, its pictures read.
  std::string ReadGapsItemText(const pugi::xml_node& body, const std::vector<pugi::xml_node>& gaps) {
    PlainText text(feedback_);
    text.TakePictures(pictures_);
    text.MarkGaps(gaps);
    q_.text = text.Of(body);
    if (!text.why().empty()) return text.why();
    if (std::string why = qti::ReadPictures(pictures_, files_, q_.images); !why.empty()) return why;
    if (FirstInvalidUtf8(q_.text) ||
        std::any_of(q_.images.begin(), q_.images.end(),
                    [](const exam::QuestionImage& i) { return FirstInvalidUtf8(i.alt).has_value(); })) {
      return "its text is not UTF-8 (declare the file's encoding in its XML declaration)";
    }
    return "";
  }

  // A gap match (qti_gaps.h): words put in the text's gaps, each gap a menu of the words.
  std::string ReadGapMatchItem(const pugi::xml_node& body, const pugi::xml_node& interaction) {
    std::vector<pugi::xml_node> gaps;
    for (const pugi::xpath_node& g : interaction.select_nodes(".//*")) {
      if (NameOf(g.node()) == "gap") gaps.push_back(g.node());
    }
    if (gaps.size() > exam::kMaxGaps) return fmt::format("it has more than {} gaps", exam::kMaxGaps);
    if (std::string why = ReadProcessing(); !why.empty()) return why;
    const auto decl = declarations_.find(Attr(interaction, "responseIdentifier"));
    if (decl == declarations_.end()) return "its interaction's response is not declared";
    if (std::string why = ReadGapsItemText(body, gaps); !why.empty()) return why;
    note_ = "its words are put into the gaps by dragging in QTI; here each gap is a menu of them";
    return qti::ReadGapMatch(interaction, gaps, decl->second, template_, max_score_, q_);
  }

  std::string LeftOut() const {
    std::string out = note_;
    if (item_.find_node([](const pugi::xml_node& n) { return NameOf(n) == "math"; })) {
      out += (out.empty() ? "" : "; ") + std::string(kMathNote);
    }
    if (!feedback_.empty()) {
      out += fmt::format("{}{} feedback text(s) shown by its processing are left out (the exam "
                         "model keeps feedback per choice, shown at review)",
                         out.empty() ? "" : "; ", feedback_.size());
    }
    return out;
  }

  static bool FindInteractions(const pugi::xml_node& n, std::vector<pugi::xml_node>& out,
                               int depth) {
    if (depth > 64) return false;
    for (const pugi::xml_node& c : n.children()) {
      if (c.type() != pugi::node_element) continue;
      if (NameOf(c).ends_with("Interaction")) {
        out.push_back(c);
      } else if (!FindInteractions(c, out, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  // How the item scores (qti_scoring.h): a template, the points a written-out match_correct
  // gives, the numbers of a tolerance chain, the outcome feedback per choice follows.
  std::string ReadProcessing() {
    const pugi::xml_node rp = Child(item_, "responseProcessing");
    if (!rp) return "";
    auto scoring = qti::ReadScoring(rp, [this](std::string_view id) {
      return declarations_.count(id) > 0;
    });
    if (!scoring.ok()) return scoring.error().message;
    template_ = scoring->method;
    choice_outcome_ = std::move(scoring->choice_outcome);
    tolerance_chain_ = std::move(scoring->tolerance_chain);
    places_ = std::move(scoring->places);
    if (scoring->right_score && !max_score_) max_score_ = scoring->right_score;
    return "";
  }

  // QTI lets a mapped score go below 0 unless lowerBound says otherwise; the exam model never.
  static bool BelowZero(const Mapping& m, const std::vector<double>& values) {
    const bool negative =
        m.default_value < 0 || std::any_of(values.begin(), values.end(), [](double v) { return v < 0; });
    return negative && (!m.lower || *m.lower < 0);
  }

  static constexpr const char* kBelowZero =
      "its mapping can score below 0, which an exam question never does";

  std::string Choice(const pugi::xml_node& interaction, const Declaration& decl) {
    std::vector<std::string> ids;
    std::vector<std::string> option_feedback;
    std::vector<Picture> pictures;  // a choice may be a picture: after the text's, in order
    // QTI shuffles a choice's list only when it says so (shuffle="true"), and never its fixed
    // choices: they keep their place.
    q_.fixed_options = qti::FixedChoices(interaction, Children(interaction, "simpleChoice"));
    for (const pugi::xml_node& c : Children(interaction, "simpleChoice")) {
      ids.emplace_back(Attr(c, "identifier"));
      const size_t before = feedback_.size();
      PlainText text(feedback_);
      text.TakePictures(pictures);
      q_.options.push_back(text.Of(c));
      if (!text.why().empty()) return text.why();
      if (q_.options.back().empty()) return "a choice has no text";
      // Feedback inside a choice, shown when that choice is the response: the choice's own.
      option_feedback.emplace_back();
      for (size_t k = before; k < feedback_.size(); ++k) {
        const Feedback& f = feedback_[k];
        if (!choice_outcome_.empty() && f.outcome == choice_outcome_ && f.identifier == ids.back()) {
          option_feedback.back() += (option_feedback.back().empty() ? "" : "\n") + f.text;
          feedback_.erase(feedback_.begin() + static_cast<ptrdiff_t>(k--));
        }
      }
    }
    if (std::any_of(option_feedback.begin(), option_feedback.end(),
                    [](const std::string& f) { return !f.empty(); })) {
      q_.option_feedback = std::move(option_feedback);
    }
    if (q_.options.size() < 2) return "a choice interaction needs two choices at least";
    if (std::string why = qti::ReadPictures(pictures, files_, q_.images, /*in_choice=*/true);
        !why.empty()) {
      return why;
    }
    const bool single = decl.cardinality == "single";
    q_.type = single ? exam::QuestionType::kSingle : exam::QuestionType::kMultiple;
    if (template_ == "match_correct") {
      if (decl.correct.empty()) return "match_correct without a correctResponse";
      if (single && decl.correct.size() != 1) return "a single choice with several right";
      for (const std::string& id : decl.correct) {
        const auto it = std::find(ids.begin(), ids.end(), id);
        if (it == ids.end()) return fmt::format("the correct response {} is no choice", id);
        q_.correct_options.push_back(static_cast<int>(it - ids.begin()));
      }
      std::sort(q_.correct_options.begin(), q_.correct_options.end());
      q_.all_or_nothing = !single;
      q_.points = max_score_.value_or(1.0);
      return "";
    }
    if (template_ != "map_response") return kUnscored;
    if (!decl.mapping) return "map_response without a mapping";
    const Mapping& m = *decl.mapping;
    if (std::string why = UpperBelowPoints(m, max_score_); !why.empty()) return why;
    std::vector<double> values;
    for (const std::string& id : ids) values.push_back(m.ValueOf(id));
    if (BelowZero(m, values)) return kBelowZero;
    const double top = *std::max_element(values.begin(), values.end());
    double positive = 0;
    for (double v : values) positive += std::max(0.0, v);
    const double best = single ? top : positive;
    if (!(best > 0)) return "no choice gives credit";
    q_.points = max_score_.value_or(m.upper ? std::min(*m.upper, best) : best);
    for (size_t i = 0; i < values.size(); ++i) {
      q_.credit.push_back(values[i] / q_.points);
      if (single ? Near(values[i], top) : values[i] > 0) {
        q_.correct_options.push_back(static_cast<int>(i));
      }
    }
    return "";
  }

  std::string TextEntry(const Declaration& decl) {
    const bool numeric = decl.base_type == "float" || decl.base_type == "integer";
    if (!numeric && decl.base_type != "string") {
      return fmt::format("a text entry of base type {} is not imported", decl.base_type);
    }
    if (decl.cardinality != "single") return "a text entry with several values";
    q_.type = numeric ? exam::QuestionType::kNumeric : exam::QuestionType::kShortText;
    if (template_ == "match_correct") {
      if (decl.correct.empty()) return "match_correct without a correctResponse";
      q_.points = max_score_.value_or(1.0);
      if (numeric) {
        const std::optional<double> x = ParseFiniteNumber(decl.correct[0]);
        if (!x) return "its correct response is not a number";
        q_.numeric_answer = *x;
        return "";
      }
      q_.case_sensitive = true;  // QTI's match compares strings exactly
      for (const std::string& v : decl.correct) Accept(v, 1);
      q_.credit.clear();
      return q_.accepted.empty() ? "its correct response is empty" : "";
    }
    if (template_ == "tolerance") {
      if (!numeric) return "a text entry of strings compared as numbers";
      double top = 0;
      for (const auto& a : tolerance_chain_) top = std::max(top, a.credit);
      if (!(top > 0)) return "no answer gives credit";
      if (std::any_of(tolerance_chain_.begin(), tolerance_chain_.end(),
                      [](const auto& a) { return a.credit < 0; })) {
        return kBelowZero;
      }
      q_.points = max_score_.value_or(top);
      // In order, those worth nothing too: the first whose tolerance holds decides.
      for (auto a : tolerance_chain_) {
        a.credit /= q_.points;
        q_.numeric_answers.push_back(a);
      }
      const auto best = std::max_element(
          q_.numeric_answers.begin(), q_.numeric_answers.end(),
          [](const auto& a, const auto& b) { return a.credit < b.credit; });
      q_.numeric_answer = best->value;
      q_.numeric_tolerance = best->tolerance;
      if (q_.numeric_answers.size() == 1 && Near(q_.numeric_answers[0].credit, 1)) {
        q_.numeric_answers.clear();  // one answer worth the points: the plain form
      }
      return "";
    }
    if (template_ != "map_response") return kUnscored;
    if (!decl.mapping) return "map_response without a mapping";
    const Mapping& m = *decl.mapping;
    if (std::string why = UpperBelowPoints(m, max_score_); !why.empty()) return why;
    if (m.default_value != 0) return "its mapping gives credit to any other answer";
    std::vector<double> values;
    for (const auto& e : m.entries) values.push_back(e.value);
    if (BelowZero(m, values)) return kBelowZero;
    const double top = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
    if (!(top > 0)) return "no answer gives credit";
    q_.points = max_score_.value_or(m.upper ? std::min(*m.upper, top) : top);
    if (numeric) {
      for (const auto& e : m.entries) {
        const std::optional<double> x = ParseFiniteNumber(e.key);
        if (!x) return fmt::format("the mapped answer {} is not a number", e.key);
        if (e.value > 0) q_.numeric_answers.push_back({*x, 0, e.value / q_.points});
      }
      q_.numeric_answer = q_.numeric_answers[0].value;
      return "";
    }
    const bool sensitive = m.entries[0].case_sensitive;
    for (const auto& e : m.entries) {
      if (e.case_sensitive != sensitive) {
        return "some answers' case matters and others' not; an exam question has one rule";
      }
    }
    q_.case_sensitive = sensitive;
    for (const auto& e : m.entries) {
      if (e.value > 0) Accept(e.key, e.value / q_.points);
    }
    return q_.accepted.empty() ? "no answer gives credit" : "";
  }

  // An accepted answer, unless one the same once normalised comes first (it wins in grading).
  void Accept(const std::string& answer, double credit) {
    const std::string normalised = exam::NormaliseText(answer, !q_.case_sensitive);
    if (normalised.empty()) return;
    if (std::find(q_.accepted.begin(), q_.accepted.end(), normalised) != q_.accepted.end()) return;
    q_.accepted.push_back(normalised);
    q_.credit.push_back(credit);
  }

  // orderInteraction: every item put in order, scored all or nothing (match_correct) or each
  // place holding its item its equal share (the "places" rules; QTI maps no ordered response).
  std::string Order(const pugi::xml_node& interaction, const Declaration& decl) {
    if (decl.cardinality != "ordered") return "an order interaction's response is not ordered";
    std::vector<std::string> ids, texts;
    std::vector<std::vector<Picture>> pictures;  // each item's, read once the order is known
    for (const pugi::xml_node& c : Children(interaction, "simpleChoice")) {
      ids.emplace_back(Attr(c, "identifier"));
      PlainText text(feedback_);
      pictures.emplace_back();
      text.TakePictures(pictures.back());
      texts.push_back(text.Of(c));
      if (!text.why().empty()) return text.why();
      if (texts.back().empty()) return "an item to order has no text";
    }
    for (const char* bound : {"minChoices", "maxChoices"}) {
      const std::optional<double> n = ParseFiniteNumber(Attr(interaction, bound));
      if (n && *n != 0 && *n != static_cast<double>(ids.size())) {
        return "it orders some of its items only; an exam question orders them all";
      }
    }
    if (ids.size() < 2) return "an ordering question needs two items at least";
    if (decl.correct.size() != ids.size()) return "its correct response does not order every item";
    std::vector<std::string> in_order;
    std::set<std::string> seen;
    for (const std::string& id : decl.correct) {
      const auto at = std::find(ids.begin(), ids.end(), id);
      if (at == ids.end() || !seen.insert(id).second) {
        return fmt::format("its correct response names {} wrongly (no such item, or twice)", id);
      }
      const size_t k = static_cast<size_t>(at - ids.begin());
      in_order.push_back(texts[k]);
      // Its pictures after the text's, in the right order (SetOrderingItems shuffles them with it).
      if (std::string why = qti::ReadPictures(pictures[k], files_, q_.images, /*in_choice=*/true);
          !why.empty()) {
        return why;
      }
    }
    // Two items read the same when their words and their pictures' files are the same.
    std::set<std::string> read;
    for (size_t k = 0; k < texts.size(); ++k) {
      std::string key = texts[k];
      for (const Picture& p : pictures[k]) key += '\0' + p.href;
      read.insert(std::move(key));
    }
    if (read.size() != texts.size()) return "two items to order read the same";
    q_.type = exam::QuestionType::kOrdering;
    exam::SetOrderingItems(q_, in_order);
    if (template_ == "match_correct") {
      q_.all_or_nothing = true;
      q_.points = max_score_.value_or(1.0);
      return "";
    }
    if (template_ == "map_response") return "map_response cannot score an ordered response";
    if (template_ != "places") return kUnscored;
    // Each place holding its item earns its share, as the exam grades an ordering: the same
    // score for every place, adding up to the whole order's.
    std::vector<bool> scored(ids.size(), false);
    for (const qti::Scoring::Place& p : places_) {
      const size_t at = static_cast<size_t>(p.n - 1);
      if (at >= ids.size() || scored[at] || decl.correct[at] != p.item) {
        return fmt::format("its response processing scores place {} for {}, which is not that "
                           "place's item",
                           p.n, p.item.substr(0, 64));
      }
      scored[at] = true;
    }
    const double points = max_score_.value_or(0);
    const double share = points / static_cast<double>(ids.size());
    if (places_.size() != ids.size() || !(points > 0) ||
        std::any_of(places_.begin(), places_.end(),
                    [&](const qti::Scoring::Place& p) { return !Near(p.score, share); })) {
      return "its response processing scores the places of its order otherwise than each its "
             "equal share of the points, which an exam question does not";
    }
    q_.points = points;
    return "";
  }

  pugi::xml_node item_;
  const QtiFileReader& files_;
  std::vector<Picture> pictures_;  // met in the question's text, in its order
  exam::Question q_;
  qti::Declarations declarations_;
  std::optional<double> max_score_;
  std::string note_;  // what the import changed, for the teacher ("" : nothing)
  std::vector<Feedback> feedback_;
  std::string choice_outcome_;  // an outcome the processing sets to the response ("" : none)
  // template_ "tolerance": each number, its tolerance and the score it gives (credit: a score).
  std::vector<exam::Question::NumericAnswer> tolerance_chain_;
  std::string template_;  // "match_correct", "map_response", "tolerance", "places" or "" (none)
  std::vector<qti::Scoring::Place> places_;  // template_ "places": what each place scores
};

void FindItems(const pugi::xml_node& n, std::vector<pugi::xml_node>& out, int depth) {
  if (depth > 8) return;
  for (const pugi::xml_node& c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    if (NameOf(c) == "assessmentItem") {
      out.push_back(c);
    } else {
      FindItems(c, out, depth + 1);
    }
  }
}

}  // namespace

ExamQuestions ParseQtiItems(std::string_view xml, std::string_view file, const QtiFileReader& files) {
  ExamQuestions out;
  const std::string where = file.empty() ? "" : fmt::format("{}: ", file);
  XmlLines lines(xml);
  pugi::xml_document doc;
  // No DTD, no entities from outside: the parser never reaches beyond the text it is given.
  const pugi::xml_parse_result parsed = doc.load_buffer(
      xml.data(), xml.size(), (pugi::parse_default | pugi::parse_fragment) & ~pugi::parse_doctype);
  if (!parsed) {
    out.problems.push_back({lines.At(static_cast<size_t>(std::max<ptrdiff_t>(0, parsed.offset))),
                            fmt::format("{}not XML: {}", where, parsed.description())});
    return out;
  }
  std::vector<pugi::xml_node> items;
  FindItems(doc, items, 0);
  if (items.empty()) {
    out.problems.push_back({1, where + "no QTI item (assessmentItem or qti-assessment-item)"});
  }
  constexpr size_t kMaxItems = 1'000;  // an exam is far smaller
  if (items.size() > kMaxItems) {
    out.problems.push_back({1, fmt::format("{}more than {} items", where, kMaxItems)});
    return out;
  }
  std::set<std::string> taken;
  for (size_t i = 0; i < items.size(); ++i) {
    const int line = lines.Of(items[i]);
    const std::string name(Attr(items[i], "identifier"));
    std::string note;
    Result<exam::Question> q = ItemReader(items[i], files).Read(note);
    if (!q.ok()) {
      out.problems.push_back({line, fmt::format("{}item {}: {}: not imported", where,
                                                name.empty() ? "?" : name, q.error().message)});
      continue;
    }
    q->line = line;
    q->id = QuestionIdFrom(name, i, taken);
    if (!note.empty()) {
      out.notes.push_back({line, fmt::format("{}item {}: {}", where, name, note)});
    }
    out.questions.push_back(std::move(*q));
  }
  return out;
}

}  // namespace pupitre::importers
