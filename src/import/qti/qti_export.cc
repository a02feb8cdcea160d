// An exam as a QTI 3.0 content package (see qti_export.h), written with pugixml and libzip.
#include "import/qti/qti_export.h"

#include <zip.h>

#include <fmt/format.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <optional>
#include <utility>

#include "import/qti/qti_export_gaps.h"
#include "import/qti/qti_xml_writer.h"

namespace pupitre::importers {
namespace {

using qti::writing::Add;
using qti::writing::Clean;
using qti::writing::Num;
using qti::writing::Set;
using qti::writing::SetScore;
using qti::writing::SetText;

constexpr const char* kNamespace = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
constexpr const char* kTemplates = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/";

// A QTI identifier (an XML name): the question's id, behind a letter when it starts otherwise.
std::string ItemId(const std::string& id) {
  return std::isalpha(static_cast<unsigned char>(id.front())) || id.front() == '_' ? id : "q" + id;
}

std::string Save(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

void Outcome(pugi::xml_node item, const char* id, const char* cardinality, const char* type,
             const std::string& value) {
  pugi::xml_node o = Add(item, "qti-outcome-declaration");
  Set(Set(Set(o, "identifier", id), "cardinality", cardinality), "base-type", type);
  if (!value.empty()) Add(Add(o, "qti-default-value"), "qti-value").text().set(value.c_str());
}

// The pictures of the package: each one file under images/, named by its blob, however many
// items show it.
struct PackagePictures {
  const QtiImageReader& read;
  std::map<std::string, std::string> files;  // path in the package -> bytes
  size_t bytes = 0;
};

std::string_view ExtensionOf(std::string_view content_type) {
  if (content_type == "image/jpeg") return "jpg";
  const size_t slash = content_type.find('/');
  return slash == std::string_view::npos ? "bin" : content_type.substr(slash + 1);
}

// One question's item, and what of it QTI does not say the same way.
class ItemWriter {
 public:
  ItemWriter(const exam::Question& q, std::string id, std::vector<std::string>& notes,
             PackagePictures& pictures)
      : q_(q), id_(std::move(id)), notes_(notes), pictures_(pictures) {}

  // The package's files this item shows (its pictures), once written.
  const std::vector<std::string>& shown() const { return shown_; }

  std::string Write() {
    pugi::xml_node item = Add(doc_, "qti-assessment-item");
    Set(item, "xmlns", kNamespace);
    Set(item, "identifier", id_);
    Set(item, "title", q_.id);
    Set(item, "adaptive", "false");
    Set(item, "time-dependent", "false");
    if (q_.type == exam::QuestionType::kGaps) {
      gaps_.emplace(q_, notes_);
      gaps_->Declarations(item);  // one response per gap, GAP1, GAP2...
    } else {
      response_ = Set(Add(item, "qti-response-declaration"), "identifier", "RESPONSE");
    }
    Outcome(item, "SCORE", "single", "float", "0");
    Outcome(item, "MAXSCORE", "single", "float", Num(q_.points));
    // Choices' feedback (and true/false's, a choice here) shows inline for the choice made.
    const bool feedback = !q_.option_feedback.empty() ||
                          (q_.type == exam::QuestionType::kTrueFalse && !q_.answer_feedback.empty());
    if (feedback) {
      Outcome(item, "FEEDBACK", q_.type == exam::QuestionType::kMultiple ? "multiple" : "single",
              "identifier", "");
    }
    body_ = Add(item, "qti-item-body");
    size_t image = 0;  // the next mark's image
    for (size_t at = 0; at <= q_.text.size();) {
      const size_t end = std::min(q_.text.find('\n', at), q_.text.size());
      const std::string_view line = std::string_view(q_.text).substr(at, end - at);
      if (line.find_first_not_of(" \t\r") != std::string::npos) Paragraph(line, image);
      at = end + 1;
    }
    processing_ = Add(item, "qti-response-processing");
    switch (q_.type) {
      case exam::QuestionType::kSingle:
      case exam::QuestionType::kMultiple:
        Choice();
        break;
      case exam::QuestionType::kTrueFalse:
        TrueFalse();
        break;
      case exam::QuestionType::kNumeric:
        Numeric();
        break;
      case exam::QuestionType::kShortText:
        Short();
        break;
      case exam::QuestionType::kEssay:
        Declare("single", "string");
        Set(Add(body_, "qti-extended-text-interaction"), "response-identifier", "RESPONSE");
        item.remove_child(processing_);  // scored by a person
        break;
      case exam::QuestionType::kMatching:
        Matching();
        break;
      case exam::QuestionType::kOrdering:
        Ordering();
        break;
      case exam::QuestionType::kGaps:
        gaps_->Rules(processing_);
        break;
      case exam::QuestionType::kDescription:  // a text without an interaction
        item.remove_child(response_);
        item.remove_child(processing_);
        break;
    }
    if (!q_.feedback.empty()) {
      notes_.push_back(fmt::format("question {}: its feedback is not in the package", q_.id));
    }

    if (!q_.units.empty()) {
      notes_.push_back(fmt::format(
          "question {}: QTI has no units: the answer is a number{}, other units are left out",
          q_.id, exam::AnswersUnit(q_).empty() ? "" : " in " + exam::AnswersUnit(q_)));
    }
    if (!q_.answer_feedback.empty() && q_.type != exam::QuestionType::kTrueFalse) {
      notes_.push_back(
          fmt::format("question {}: its feedback for each answer is not in the package", q_.id));
    }
    return Save(doc_);
  }

 private:
  // A line of the question's text, each image mark the picture it stands for (`image` counts
  // the marks met so far), and a gaps question's each gap mark its interaction.
  void Paragraph(std::string_view line, size_t& image) { Inline(Add(body_, "p"), line, image); }

  // `line` written into `p`, as Paragraph says; a picture left out is written as its alt text in
  // brackets when `words_if_left_out` (a choice must not be left empty).
  // `words_if_left_out`: a picture left out is written as its alt text in brackets (without one,
  // "[picture n]", n `option` + 1), so that a choice or an item is never empty.
  void Inline(pugi::xml_node p, std::string_view line, size_t& image, bool words_if_left_out = false,
              size_t option = 0) {
    for (;;) {
      const size_t mark = line.find(exam::kImageMark);
      size_t gap_end = 0;
      const size_t gap = gaps_ ? gaps_->MarkIn(line, gap_end) : std::string_view::npos;
      const size_t first = std::min(mark, gap);
      const std::string_view text = line.substr(0, first);
      if (!text.empty()) p.append_child(pugi::node_pcdata).set_value(Clean(text).c_str());
      if (first == std::string_view::npos) return;
      if (first == gap) {
        gaps_->Interaction(p, std::stoul(std::string(line.substr(gap + 2, gap_end - gap - 4))));
        line.remove_prefix(gap_end);
        continue;
      }
      if (image < q_.images.size() && !Picture(p, q_.images[image]) && words_if_left_out) {
        const std::string& alt = q_.images[image].alt;
        const std::string words = alt.empty() ? fmt::format("[picture {}]", option + 1) : "[" + alt + "]";
        p.append_child(pugi::node_pcdata).set_value(Clean(words).c_str());
      }
      ++image;
      line.remove_prefix(mark + exam::kImageMark.size());
    }
  }

  // Option i (a choice, an item to match or to order) into `node`, its pictures among them
  // (`image`: the index of its first, moved past them); a picture left out is its words.
  void Option(pugi::xml_node node, size_t i, size_t& image) {
    if (exam::CountImageMarks(q_.options[i]) > 0) {
      Inline(node, q_.options[i], image, /*words_if_left_out=*/true, i);
    } else {
      SetText(node, q_.options[i]);
    }
  }

  // An <img> of a picture kept in the package (its bytes read once for the whole package); a
  // note when it cannot be (false: left out).
  bool Picture(pugi::xml_node p, const exam::QuestionImage& image) {
    const std::string path = fmt::format("images/{}.{}", image.blob, ExtensionOf(image.content_type));
    if (!pictures_.files.count(path)) {
      Result<std::string> bytes = pictures_.read ? pictures_.read(image)
                                                 : Result<std::string>(Error::NotFound("no store"));
      if (bytes.ok() && pictures_.bytes + bytes->size() > kMaxExportPictureBytes) {
        bytes = Error::Invalid("the package would be larger than Pupitre reads back");
      }
      if (!bytes.ok()) {
        notes_.push_back(fmt::format("question {}: picture \"{}\" is left out: {}", q_.id,
                                     image.alt, bytes.error().message));
        return false;
      }
      pictures_.bytes += bytes->size();
      pictures_.files.emplace(path, std::move(*bytes));
    }
    pugi::xml_node img = Add(p, "img");
    Set(Set(img, "src", "../" + path), "alt", image.alt);
    if (std::find(shown_.begin(), shown_.end(), path) == shown_.end()) shown_.push_back(path);
    return true;
  }

  void Declare(const char* cardinality, const char* type) {
    qti::writing::Declare(response_, cardinality, type);
  }
  void Correct(const std::vector<std::string>& values) { qti::writing::Correct(response_, values); }
  pugi::xml_node Mapping(double lower, double upper) {
    return qti::writing::Mapping(response_, lower, upper);
  }
  void Entry(pugi::xml_node mapping, const std::string& key, double value) {
    Set(Set(Add(mapping, "qti-map-entry"), "map-key", key), "mapped-value", Num(value));
  }

  // match_correct: the template when worth 1 and nothing else to do, else written out.
  void MatchCorrect(bool feedback) {
    if (q_.points == 1 && !feedback) {
      Set(processing_, "template", std::string(kTemplates) + "match_correct.xml");
      return;
    }
    pugi::xml_node condition = Add(processing_, "qti-response-condition");
    pugi::xml_node when = Add(condition, "qti-response-if");
    pugi::xml_node match = Add(when, "qti-match");
    Set(Add(match, "qti-variable"), "identifier", "RESPONSE");
    Set(Add(match, "qti-correct"), "identifier", "RESPONSE");
    SetScore(when, Num(q_.points));
    SetScore(Add(condition, "qti-response-else"), "0");
    if (feedback) FeedbackRule();
  }
  void MapResponse(bool feedback) {
    if (!feedback) {
      Set(processing_, "template", std::string(kTemplates) + "map_response.xml");
      return;
    }
    pugi::xml_node condition = Add(processing_, "qti-response-condition");
    pugi::xml_node when = Add(condition, "qti-response-if");
    Set(Add(Add(when, "qti-is-null"), "qti-variable"), "identifier", "RESPONSE");
    SetScore(when, "0");
    SetScore(Add(condition, "qti-response-else"), "map");
    FeedbackRule();
  }
  // FEEDBACK holds the choices made: each choice's feedback inline shows for it.
  void FeedbackRule() {
    pugi::xml_node set = Set(Add(processing_, "qti-set-outcome-value"), "identifier", "FEEDBACK");
    Set(Add(set, "qti-variable"), "identifier", "RESPONSE");
  }

  void Choice() {
    const bool single = q_.type == exam::QuestionType::kSingle;
    const bool feedback = !q_.option_feedback.empty();
    Declare(single ? "single" : "multiple", "identifier");
    pugi::xml_node interaction = Add(body_, "qti-choice-interaction");
    const bool shuffle = Shuffled();
    Set(Set(Set(interaction, "response-identifier", "RESPONSE"), "shuffle", shuffle ? "true" : "false"),
        "max-choices", single ? "1" : "0");
    size_t image = exam::CountImageMarks(q_.text);  // a choice's pictures follow the text's
    for (size_t i = 0; i < q_.options.size(); ++i) {
      pugi::xml_node choice = Set(Add(interaction, "qti-simple-choice"), "identifier",
                                  fmt::format("c{}", i));
      if (shuffle && Fixed(i)) Set(choice, "fixed", "true");
      Option(choice, i, image);
      if (feedback && !q_.option_feedback[i].empty()) {
        pugi::xml_node f = Add(choice, "qti-feedback-inline");
        Set(Set(Set(f, "outcome-identifier", "FEEDBACK"), "identifier", fmt::format("c{}", i)),
            "show-hide", "show");
        SetText(f, q_.option_feedback[i]);
      }
    }
    std::vector<std::string> right;
    for (int i : q_.correct_options) right.push_back(fmt::format("c{}", i));
    if (single && right.size() > 1) right.resize(1);  // a single response has one value
    Correct(right);
    if (q_.credit.empty() && (single || q_.all_or_nothing)) return MatchCorrect(feedback);
    pugi::xml_node mapping = Mapping(0, q_.points);
    for (size_t i = 0; i < q_.options.size(); ++i) {
      double value = 0;
      if (!q_.credit.empty()) {
        value = q_.credit[i] * q_.points;
      } else {  // the plain rule: (right picks - wrong picks) / right options
        const bool is_right = std::find(q_.correct_options.begin(), q_.correct_options.end(),
                                        static_cast<int>(i)) != q_.correct_options.end();
        value = (is_right ? 1.0 : -1.0) * q_.points / static_cast<double>(q_.correct_options.size());
      }
      if (value != 0) Entry(mapping, fmt::format("c{}", i), value);
    }
    MapResponse(feedback);
  }

  void TrueFalse() {
    Declare("single", "identifier");
    pugi::xml_node interaction = Add(body_, "qti-choice-interaction");
    Set(Set(Set(interaction, "response-identifier", "RESPONSE"), "shuffle", "false"),
        "max-choices", "1");
    const bool feedback = !q_.answer_feedback.empty();
    for (const bool truth : {true, false}) {
      const char* value = truth ? "true" : "false";
      pugi::xml_node choice = Set(Add(interaction, "qti-simple-choice"), "identifier", value);
      SetText(choice, truth ? "True" : "False");
      const std::string said = feedback ? q_.answer_feedback[truth ? 0 : 1] : "";
      if (!said.empty()) {
        pugi::xml_node f = Add(choice, "qti-feedback-inline");
        Set(Set(Set(f, "outcome-identifier", "FEEDBACK"), "identifier", value), "show-hide", "show");
        SetText(f, said);
      }
    }
    Correct({q_.correct_bool ? "true" : "false"});
    MatchCorrect(feedback);
    notes_.push_back(fmt::format("question {}: true/false is a choice of \"True\" and \"False\"",
                                 q_.id));
  }

  void Numeric() {
    Declare("single", "float");
    Set(Add(Add(body_, "div"), "qti-text-entry-interaction"), "response-identifier", "RESPONSE");
    std::vector<exam::Question::NumericAnswer> answers = q_.numeric_answers;
    if (answers.empty()) answers.push_back({q_.numeric_answer, q_.numeric_tolerance, 1});
    const auto best = std::max_element(answers.begin(), answers.end(), [](const auto& a, const auto& b) {
      return a.credit < b.credit;
    });
    Correct({Num(best->value)});
    if (answers.size() == 1 && answers[0].tolerance == 0 && answers[0].credit == 1) {
      return MatchCorrect(false);
    }
    // The first answer whose tolerance holds the response gives its credit.
    pugi::xml_node condition = Add(processing_, "qti-response-condition");
    for (size_t i = 0; i < answers.size(); ++i) {
      pugi::xml_node branch = Add(condition, i == 0 ? "qti-response-if" : "qti-response-else-if");
      pugi::xml_node equal = Add(branch, "qti-equal");
      Set(Set(equal, "tolerance-mode", "absolute"), "tolerance",
          Num(answers[i].tolerance) + " " + Num(answers[i].tolerance));
      Set(Add(equal, "qti-variable"), "identifier", "RESPONSE");
      Set(Add(equal, "qti-base-value"), "base-type", "float").text().set(Num(answers[i].value).c_str());
      SetScore(branch, Num(answers[i].credit * q_.points));
    }
    SetScore(Add(condition, "qti-response-else"), "0");
  }

  void Short() {
    Declare("single", "string");
    Set(Add(Add(body_, "div"), "qti-text-entry-interaction"), "response-identifier", "RESPONSE");
    std::vector<std::string> right;
    pugi::xml_node mapping;
    std::vector<std::pair<std::string, double>> entries;
    for (size_t i = 0; i < q_.accepted.size(); ++i) {
      if (q_.accepted[i] == "*") {
        notes_.push_back(fmt::format("question {}: \"*\" (any answer) has no QTI mapping entry; "
                                     "left out",
                                     q_.id));
        continue;
      }
      std::optional<std::string> key =
          q_.wildcards ? exam::WildcardsLiteral(q_.accepted[i]) : q_.accepted[i];
      if (!key) {  // a pattern: its words, which QTI compares as written
        key = exam::PatternShown(q_.accepted[i]);
        notes_.push_back(fmt::format("question {}: the pattern \"{}\" (a * stands for any text) "
                                     "is written \"{}\", which QTI compares as written{}",
                                     q_.id, q_.accepted[i], *key, key->empty() ? ": left out" : ""));
        if (key->empty()) continue;
      }
      entries.emplace_back(*key, q_.credit.empty() ? q_.points : q_.credit[i] * q_.points);
    }
    for (const auto& [key, value] : entries) {
      if (value >= q_.points) right.push_back(key);
    }
    if (right.empty() && !entries.empty()) right.push_back(entries[0].first);
    Correct(right);
    mapping = Mapping(0, q_.points);
    for (const auto& [key, value] : entries) {
      pugi::xml_node e = Add(mapping, "qti-map-entry");
      Set(Set(Set(e, "map-key", key), "mapped-value", Num(value)), "case-sensitive",
          q_.case_sensitive ? "true" : "false");
    }
    MapResponse(false);
    notes_.push_back(fmt::format(
        "question {}: Pupitre also ignores extra spaces and a final . ! or ?{}; QTI compares "
        "answers as written",
        q_.id, q_.case_sensitive ? "" : " (the letters' case is ignored in QTI too)"));
  }

  // Whether option i keeps its place when the others are shuffled.
  bool Fixed(size_t i) const {
    return std::find(q_.fixed_options.begin(), q_.fixed_options.end(), static_cast<int>(i)) !=
           q_.fixed_options.end();
  }
  // An interaction's shuffle="true" (the exam's shuffle_options decides, which QTI has no place
  // for) unless every option keeps its place; those that keep theirs are written fixed.
  bool Shuffled() const {
    for (size_t i = 0; i < q_.options.size(); ++i) {
      if (!Fixed(i)) return true;
    }
    return false;
  }

  void Matching() {
    Declare("multiple", "directedPair");
    pugi::xml_node interaction = Add(body_, "qti-match-interaction");
    const bool shuffle = Shuffled();
    Set(Set(Set(interaction, "response-identifier", "RESPONSE"), "shuffle", shuffle ? "true" : "false"),
        "max-associations", std::to_string(q_.options.size()));
    pugi::xml_node sources = Add(interaction, "qti-simple-match-set");
    size_t image = exam::CountImageMarks(q_.text);  // an item's pictures follow the text's
    for (size_t i = 0; i < q_.options.size(); ++i) {
      pugi::xml_node s = Set(Add(sources, "qti-simple-associable-choice"), "identifier",
                             fmt::format("s{}", i));
      if (shuffle && Fixed(i)) Set(s, "fixed", "true");
      Option(Set(s, "match-max", "1"), i, image);
    }
    pugi::xml_node targets = Add(interaction, "qti-simple-match-set");
    for (size_t k = 0; k < q_.match_choices.size(); ++k) {
      pugi::xml_node t = Set(Add(targets, "qti-simple-associable-choice"), "identifier",
                             fmt::format("t{}", k));
      SetText(Set(t, "match-max", std::to_string(q_.options.size())), q_.match_choices[k]);
    }
    std::vector<std::string> pairs;
    for (size_t i = 0; i < q_.match_key.size(); ++i) {
      pairs.push_back(fmt::format("s{} t{}", i, q_.match_key[i]));
    }
    Correct(pairs);
    if (q_.all_or_nothing) return MatchCorrect(false);
    pugi::xml_node mapping = Mapping(0, q_.points);
    for (size_t i = 0; i < pairs.size(); ++i) {
      const double share = q_.credit.empty() ? 1.0 / static_cast<double>(pairs.size()) : q_.credit[i];
      Entry(mapping, pairs[i], share * q_.points);
    }
    MapResponse(false);
  }

  // Every item in order, scored all or nothing (QTI maps no ordered response): partial credit
  // per position is said in the notes.
  void Ordering() {
    Declare("ordered", "identifier");
    pugi::xml_node interaction = Add(body_, "qti-order-interaction");
    Set(Set(interaction, "response-identifier", "RESPONSE"), "shuffle", "true");
    size_t image = exam::CountImageMarks(q_.text);  // an item's pictures follow the text's
    for (size_t i = 0; i < q_.options.size(); ++i) {
      Option(Set(Add(interaction, "qti-simple-choice"), "identifier", fmt::format("c{}", i)), i,
             image);
    }
    std::vector<std::string> right;
    for (int i : q_.order_key) right.push_back(fmt::format("c{}", i));
    Correct(right);
    if (q_.all_or_nothing) return MatchCorrect(false);
    if (q_.ordering_grading != exam::OrderingGrading::kAbsolutePosition) {
      notes_.push_back(fmt::format(
          "question {}: graded {} here; QTI scores each item in its right place instead", q_.id,
          exam::OrderingGradingName(q_.ordering_grading)));
    }
    // Each place holding its item adds its share (qti-index n of the response), the whole
    // order right the points.
    pugi::xml_node condition = Add(processing_, "qti-response-condition");
    pugi::xml_node whole = Add(condition, "qti-response-if");
    pugi::xml_node match = Add(whole, "qti-match");
    Set(Add(match, "qti-variable"), "identifier", "RESPONSE");
    Set(Add(match, "qti-correct"), "identifier", "RESPONSE");
    SetScore(whole, Num(q_.points));
    pugi::xml_node otherwise = Add(condition, "qti-response-else");
    SetScore(otherwise, "0");
    const std::string share = Num(q_.points / static_cast<double>(right.size()));
    for (size_t n = 0; n < right.size(); ++n) {
      pugi::xml_node when = Add(Add(otherwise, "qti-response-condition"), "qti-response-if");
      pugi::xml_node at = Add(when, "qti-match");
      Set(Add(Set(Add(at, "qti-index"), "n", std::to_string(n + 1)), "qti-variable"), "identifier",
          "RESPONSE");
      Set(Add(at, "qti-base-value"), "base-type", "identifier").text().set(right[n].c_str());
      pugi::xml_node set = Set(Add(when, "qti-set-outcome-value"), "identifier", "SCORE");
      pugi::xml_node sum = Add(set, "qti-sum");
      Set(Add(sum, "qti-variable"), "identifier", "SCORE");
      Set(Add(sum, "qti-base-value"), "base-type", "float").text().set(share.c_str());
    }
  }

  const exam::Question& q_;
  const std::string id_;
  std::vector<std::string>& notes_;
  PackagePictures& pictures_;
  std::vector<std::string> shown_;
  pugi::xml_document doc_;
  pugi::xml_node response_, body_, processing_;
  std::optional<qti::GapsWriter> gaps_;  // a gaps question's
};

// Writes `files` (path, content) as a ZIP in memory; "" if libzip fails.
std::string Zip(const std::deque<std::pair<std::string, std::string>>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (out == nullptr) return "";
  zip_source_keep(out);
  zip_t* zip = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  bool ok = zip != nullptr;
  for (const auto& [path, content] : files) {
    if (!ok) break;
    zip_source_t* s = zip_source_buffer(zip, content.data(), content.size(), 0);
    if (s == nullptr || zip_file_add(zip, path.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) {
      if (s != nullptr) zip_source_free(s);
      ok = false;
    }
  }
  if (zip != nullptr) {
    if (ok) {
      ok = zip_close(zip) == 0;
      if (!ok) zip_discard(zip);
    } else {
      zip_discard(zip);
    }
  }
  std::string bytes;
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (ok && zip_source_stat(out, &stat) == 0 && zip_source_open(out) == 0) {
    bytes.resize(static_cast<size_t>(stat.size));
    const zip_int64_t n = zip_source_read(out, bytes.data(), bytes.size());
    zip_source_close(out);
    if (n < 0 || static_cast<size_t>(n) != bytes.size()) bytes.clear();
  }
  zip_source_free(out);
  zip_error_fini(&error);
  return bytes;
}

}  // namespace

QtiExport ExportQtiPackage(const exam::ExamSpec& spec, const QtiImageReader& images) {
  QtiExport out;
  PackagePictures pictures{images, {}, 0};
  std::deque<std::pair<std::string, std::string>> files;  // kept in place while zipped

  pugi::xml_document test;
  pugi::xml_node t = Add(test, "qti-assessment-test");
  Set(Set(Set(t, "xmlns", kNamespace), "identifier", "exam-" + spec.id), "title", spec.title);
  pugi::xml_node part = Add(t, "qti-test-part");
  Set(Set(Set(part, "identifier", "part-1"), "navigation-mode", "nonlinear"), "submission-mode",
      "simultaneous");
  pugi::xml_node section = Add(part, "qti-assessment-section");
  Set(Set(Set(section, "identifier", "section-1"), "title", spec.title), "visible", "true");

  pugi::xml_document manifest;
  pugi::xml_node m = Add(manifest, "manifest");
  Set(Set(m, "xmlns", "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"), "identifier",
      "manifest-" + spec.id);
  pugi::xml_node meta = Add(m, "metadata");
  Add(meta, "schema").text().set("QTI Package");
  Add(meta, "schemaversion").text().set("3.0.0");
  Add(m, "organizations");
  pugi::xml_node resources = Add(m, "resources");
  pugi::xml_node test_resource = Add(resources, "resource");
  Set(Set(Set(test_resource, "identifier", "test-" + spec.id), "type", "imsqti_test_xmlv3p0"),
      "href", "assessment.xml");
  Set(Add(test_resource, "file"), "href", "assessment.xml");

  std::set<std::string> ids;
  // A group (a random draw) is a section of its own, where its first question stands, selecting
  // `pick` of its items for each candidate (QTI's qti-selection).
  std::map<std::string, pugi::xml_node> group_sections;
  for (const exam::Question& q : spec.questions) {
    // Unique, as identifiers and file names ("1" becomes "q1", which a question may be too).
    std::string id = ItemId(q.id);
    for (int n = 2; !ids.insert(id).second; ++n) id = fmt::format("{}-{}", ItemId(q.id), n);
    const std::string href = "items/" + id + ".xml";
    pugi::xml_node holder = section;
    if (!q.group.empty()) {
      auto [at, fresh] = group_sections.try_emplace(q.group);
      if (fresh) {
        const auto g = std::find_if(spec.groups.begin(), spec.groups.end(),
                                    [&q](const exam::QuestionGroup& x) { return x.id == q.group; });
        at->second = Add(section, "qti-assessment-section");
        Set(Set(Set(at->second, "identifier", "group-" + ItemId(q.group)), "title", q.group), "visible",
            "false");
        Set(Add(at->second, "qti-selection"), "select",
            std::to_string(g == spec.groups.end() ? 1 : g->pick));
      }
      holder = at->second;
    }
    Set(Set(Add(holder, "qti-assessment-item-ref"), "identifier", id), "href", href);
    Set(Add(test_resource, "dependency"), "identifierref", "item-" + id);
    pugi::xml_node r = Add(resources, "resource");
    Set(Set(Set(r, "identifier", "item-" + id), "type", "imsqti_item_xmlv3p0"), "href", href);
    Set(Add(r, "file"), "href", href);
    ItemWriter writer(q, id, out.notes, pictures);
    files.emplace_back(href, writer.Write());
    for (const std::string& picture : writer.shown()) Set(Add(r, "file"), "href", picture);
  }
  for (auto& [path, bytes] : pictures.files) files.emplace_back(path, std::move(bytes));
  files.emplace_front("assessment.xml", Save(test));
  files.emplace_front("imsmanifest.xml", Save(manifest));
  if (!out.notes.empty()) {
    std::string text = "What this package does not say the same way as Pupitre's exam:\n";
    for (const std::string& n : out.notes) text += "- " + n + "\n";
    files.emplace_back("pupitre-notes.txt", std::move(text));
  }
  out.zip = Zip(files);
  return out;
}

}  // namespace pupitre::importers
