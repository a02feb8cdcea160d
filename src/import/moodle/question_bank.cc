// Moodle's questions made exam questions (see question_bank.h).
#include "import/moodle/question_bank.h"

#include "common/text.h"
#include "import/moodle/html_text.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace pupitre::importers {
namespace {

// `id`, or `id`-2, -3... if taken; then taken.
std::string Unique(const std::string& id, std::set<std::string>& taken) {
  std::string unique = id;
  for (int n = 2; taken.count(unique); ++n) unique = fmt::format("{}-{}", id, n);
  taken.insert(unique);
  return unique;
}

bool Near(double a, double b) { return std::fabs(a - b) < 1e-6; }

// Moodle's <shuffleanswers> off: every option (a choice, an item to match) keeps its place.
void KeepOptionsInPlace(exam::Question& q) {
  q.fixed_options.clear();
  for (size_t i = 0; i < q.options.size(); ++i) q.fixed_options.push_back(static_cast<int>(i));
}

size_t CountNoCase(std::string_view s, std::string_view needle) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t n = 0;
  for (size_t at = lower.find(needle); at != std::string::npos; at = lower.find(needle, at + 1)) ++n;
  return n;
}

// The images `found` in `html` (a question's text, or a choice's), from the files embedded with
// it in its export (Moodle XML), with their bytes (the route stores them), appended to `out`; why
// not, if one cannot be taken. Without an alt text, the text's pictures are named by their file;
// a choice's are not (a file's name, "correct.png", could tell the key: the page names them).
std::string EmbeddedImages(std::string_view html, const std::map<std::string, std::string>& files,
                           const std::vector<HtmlImage>& found,
                           std::vector<exam::QuestionImage>& out, bool in_choice = false) {
  constexpr std::string_view kPluginFile = "@@PLUGINFILE@@/";
  if (CountNoCase(html, "@@pluginfile@@") > found.size()) {
    return "a file linked from the text (other than an image) is not imported yet";
  }
  if (out.size() + found.size() > exam::kMaxImagesPerQuestion) {
    return fmt::format("a question has at most {} images", exam::kMaxImagesPerQuestion);
  }
  for (const HtmlImage& image : found) {
    const std::string name = image.src.starts_with(kPluginFile)
                                 ? PercentDecoded(image.src.substr(kPluginFile.size()))
                                 : "";
    const auto file = files.find(name);
    if (name.empty() || file == files.end()) {
      return fmt::format("image '{}' is not in the file (images embedded in the export are "
                         "imported, not links)",
                         image.src.substr(0, 200));
    }
    const std::string& base64 = file->second;
    std::string bytes(base64.size() / 4 * 3 + 3, '\0');
    size_t length = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(),
                          base64.data(), base64.size(), " \t\r\n", &length, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
      return fmt::format("image '{}' is not base64", name);
    }
    bytes.resize(length);
    const std::string_view type = exam::ImageTypeOf(bytes);
    if (type.empty()) return fmt::format("image '{}' is not a PNG, JPEG, GIF or WebP picture", name);
    if (static_cast<int64_t>(bytes.size()) > exam::kMaxImageBytes) {
      return fmt::format("image '{}' is larger than {} MiB", name, exam::kMaxImageBytes / (1024 * 1024));
    }
    exam::QuestionImage i;
    i.content_type = std::string(type);
    i.alt = image.alt.empty() && !in_choice ? name : image.alt;
    i.size = static_cast<int64_t>(bytes.size());
    i.bytes = std::move(bytes);
    out.push_back(std::move(i));
  }
  return "";
}

// A choice's, an item's to match or to order text, plain, its pictures (a.html's: XML) marked
// in it and appended to `images`; `why` set when one cannot be taken.
std::string PicturedText(const MoodleAnswer& a, std::vector<exam::QuestionImage>& images,
                         std::string& why) {
  if (a.html.empty()) return exam::WithoutImageMarks(a.text);
  std::vector<HtmlImage> found;
  std::string text = HtmlToText(exam::WithoutImageMarks(a.html), found);
  if (exam::NormaliseText(text).empty()) return "";  // blank: no choice, no item
  why = EmbeddedImages(a.html, a.files, found, images, /*in_choice=*/true);
  return text;
}

// The variants of calculated questions (MoodleQuestion::variant), in the order ToExamQuestions
// meets them: each question's made one draw, its id from the question's title, its variants'
// ids <draw>-v<item>. What refuses variants is said once for each reason; a draw is told (and
// made) once its variants are all met, of those imported.
class VariantDraws {
 public:
  VariantDraws(ExamQuestions& out, std::set<std::string>& taken) : out_(out), taken_(taken) {}

  // Meets question `g` (the i-th of its file): a new calculated question's first variant starts
  // its draw, after telling the last one.
  void Enter(const MoodleQuestion& g, size_t i) {
    if (g.draw == draw_) return;
    Flush();
    if (g.variant == 0) return;
    draw_ = g.draw;
    line_ = g.line;
    id_ = QuestionIdFrom(g.title, i, taken_);
    // Its category in a bank: its title, once in the file ("Speed", "Speed (2)"...).
    std::string label = g.title.empty() ? id_ : g.title;
    std::replace(label.begin(), label.end(), '/', '-');
    label_ = label;
    for (int n = 2; !labels_.insert(label_).second; ++n) label_ = fmt::format("{} ({})", label, n);
  }
  void Refuse(int variant, std::string why) { refused_.emplace_back(variant, std::move(why)); }
  // The id of variant `variant`, imported; `first` whether it is the first imported.
  std::string Accept(int variant, bool& first) {
    first = imported_.empty();
    imported_.push_back(Unique(fmt::format("{}-v{}", id_, variant), taken_));
    return imported_.back();
  }
  const std::string& id() const { return id_; }
  const std::string& label() const { return label_; }

  // Tells the draw met last (its refusals, one problem a reason; the draw and its note when a
  // variant was imported).
  void Flush() {
    if (draw_ == 0) return;
    std::vector<std::pair<std::string, std::vector<int>>> reasons;
    for (auto& refusal : refused_) {
      const std::string& why = refusal.second;
      auto at = std::find_if(reasons.begin(), reasons.end(),
                             [&why](const auto& r) { return r.first == why; });
      if (at == reasons.end()) at = reasons.insert(reasons.end(), {why, {}});
      at->second.push_back(refusal.first);
    }
    for (const auto& [why, variants] : reasons) {
      std::string which = fmt::format("variant {}", variants[0]);
      if (variants.size() > 1) {
        which = fmt::format("{} variants ({}{}{})", variants.size(), variants.front(),
                            variants.size() > 2 ? " ... " : ", ", variants.back());
      }
      out_.problems.push_back({line_, fmt::format("{}: {}", which, why)});
    }
    if (!imported_.empty()) {
      out_.groups.push_back({id_, 1, line_, ""});
      out_.notes.push_back(
          {line_, fmt::format("question {}: its {} variant(s) (Moodle's dataset items) are "
                              "questions {} to {}, one drawn for each student",
                              id_, imported_.size(), imported_.front(), imported_.back())});
    }
    draw_ = 0;
    refused_.clear();
    imported_.clear();
  }

 private:
  ExamQuestions& out_;
  std::set<std::string>& taken_;
  std::set<std::string> labels_;
  int draw_ = 0;
  int line_ = 0;
  std::string id_, label_;
  std::vector<std::pair<int, std::string>> refused_;
  std::vector<std::string> imported_;
};

}  // namespace

std::string QuestionIdFrom(std::string_view title, size_t index, std::set<std::string>& taken) {
  std::string id;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      id.push_back(c);
    } else if ((c == ' ' || c == '.') && !id.empty() && id.back() != '-') {
      id.push_back('-');
    }
    if (id.size() >= 56) break;
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.empty()) id = fmt::format("q{}", index + 1);
  return Unique(id, taken);
}

ExamQuestions ToExamQuestions(const QuestionBank& file) {
  ExamQuestions out;
  out.problems = file.problems;
  std::set<std::string> taken;
  VariantDraws draws(out, taken);
  for (size_t i = 0; i < file.questions.size(); ++i) {
    const MoodleQuestion& g = file.questions[i];
    draws.Enter(g, i);
    auto refuse = [&](std::string why) {
      if (g.variant > 0) return draws.Refuse(g.variant, std::move(why));
      out.problems.push_back({g.line, std::move(why)});
    };
    exam::Question q;
    q.line = g.line;
    q.text = exam::WithoutImageMarks(g.text);
    q.feedback = g.general_feedback;
    q.points = g.points;
    if (g.format == "html") {
      if (HtmlHasOtherMedia(g.text) || HtmlHasOtherMedia(g.general_feedback)) {
        refuse("sounds, videos and other media in a question or its feedback are not imported "
               "yet: not imported");
        continue;
      }
      std::vector<HtmlImage> found;
      q.text = HtmlToText(q.text, found);
      if (const std::string why = EmbeddedImages(g.text, g.files, found, q.images); !why.empty()) {
        refuse(why + ": not imported");
        continue;
      }
      q.feedback = HtmlToWords(g.general_feedback);
    }
    if (q.text.empty()) {
      refuse("a question without a text: not imported");
      continue;
    }
    if (!g.unsupported.empty()) {
      refuse(g.unsupported + ": not imported");
      continue;
    }
    if (g.kind != MoodleKind::kDescription && (!(g.points > 0) || g.points > 10'000)) {
      refuse("a question is worth more than 0 and at most 10000 points: not imported");
      continue;
    }
    switch (g.kind) {
      case MoodleKind::kDescription:
        q.type = exam::QuestionType::kDescription;
        q.points = 0;
        break;
      case MoodleKind::kMatching: {
        // As Moodle: a pair without a question is a distractor (a choice matching nothing).
        q.type = exam::QuestionType::kMatching;
        std::vector<std::pair<std::string, std::string>> pairs;
        std::vector<std::string> distractors;
        std::string bad;
        for (const auto& a : g.answers) {
          std::string item = PicturedText(a, q.images, bad);  // plain already
          if (!bad.empty()) break;
          if (item.empty()) {
            distractors.push_back(a.match);
          } else {
            pairs.emplace_back(std::move(item), a.match);
          }
        }
        if (!bad.empty()) {
          refuse("an item's " + bad + ": not imported");
          continue;
        }
        if (pairs.size() < 2) {
          refuse("a matching question needs two pairs at least: not imported");
          continue;
        }
        exam::SetMatchingPairs(q, pairs, distractors);
        if (!g.shuffle) KeepOptionsInPlace(q);
        break;
      }
      case MoodleKind::kEssay:
        q.type = exam::QuestionType::kEssay;
        break;
      case MoodleKind::kGaps:
        q.type = exam::QuestionType::kGaps;
        q.gaps = g.gaps;
        if (const std::string why = exam::GapsProblem(q); !why.empty()) {
          refuse(why + ": not imported");
          continue;
        }
        break;
      case MoodleKind::kOrdering: {
        std::vector<std::string> items;
        std::string bad;
        // Two items read the same when their words and their pictures' bytes are the same.
        std::vector<std::string> sorted;
        for (const auto& a : g.answers) {
          const size_t first = q.images.size();
          items.push_back(PicturedText(a, q.images, bad));
          if (!bad.empty()) break;
          sorted.push_back(items.back());
          for (size_t k = first; k < q.images.size(); ++k)
            sorted.back() += '\0' + q.images[k].bytes;
        }
        if (!bad.empty()) {
          refuse("an item's " + bad + ": not imported");
          continue;
        }
        std::sort(sorted.begin(), sorted.end());
        if (items.size() < 2 || std::any_of(items.begin(), items.end(), [](const std::string& i) {
              return i.empty();
            })) {
          refuse("an ordering question needs two items at least, none empty: not imported");
          continue;
        }
        if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
          refuse("two items to order read the same: not imported");
          continue;
        }
        q.type = exam::QuestionType::kOrdering;
        q.all_or_nothing = g.all_or_nothing;
        q.ordering_grading = g.ordering_grading;
        exam::SetOrderingItems(q, items);
        break;
      }
      case MoodleKind::kTrueFalse:
        q.type = exam::QuestionType::kTrueFalse;
        q.correct_bool = g.truth;
        if (!g.wrong_feedback.empty() || !g.right_feedback.empty()) {
          // For the answer true, then for false.
          q.answer_feedback = {g.truth ? g.right_feedback : g.wrong_feedback,
                               g.truth ? g.wrong_feedback : g.right_feedback};
        }
        break;
      case MoodleKind::kShortAnswer: {
        q.type = exam::QuestionType::kShortText;
        q.case_sensitive = g.case_sensitive;
        // A '*' inside an answer stands for any text there, "\*" for a star, as in Moodle; a
        // pattern keeps its final punctuation ("U.S.*"), as exam::MatchesAnswer reads it.
        q.wildcards = std::any_of(g.answers.begin(), g.answers.end(), [](const MoodleAnswer& a) {
          return a.text != "*" && a.text.find('*') != std::string::npos;
        });
        bool partial = false, feedback = false;
        for (const auto& a : g.answers) {
          const std::string accepted =
              a.text == "*" ? "*" : exam::NormaliseText(a.text, !g.case_sensitive, !q.wildcards);
          // As Moodle: a blank answer is no answer (a pattern's punctuation alone is blank too).
          if (exam::NormaliseText(accepted).empty()) continue;
          partial = partial || !Near(a.fraction, 1) || a.text == "*";
          feedback = feedback || !a.feedback.empty();
          q.accepted.push_back(accepted);
          q.credit.push_back(a.fraction);
          q.answer_feedback.push_back(a.feedback);
        }
        if (q.accepted.empty()) {
          refuse("no answer is given: not imported");
          continue;
        }
        if (!partial) q.credit.clear();
        if (!feedback) q.answer_feedback.clear();
        if (std::none_of(g.answers.begin(), g.answers.end(),
                         [](const MoodleAnswer& a) { return a.fraction > 0; })) {
          refuse("no answer gives credit: not imported");
          continue;
        }
        break;
      }
      case MoodleKind::kNumerical: {
        q.type = exam::QuestionType::kNumeric;
        const MoodleAnswer* best = nullptr;
        bool feedback = false, negative = false;
        std::string other_feedback;  // for any other answer (Moodle's "*")
        for (const auto& a : g.answers) {
          feedback = feedback || !a.feedback.empty();
          negative = negative || a.fraction < 0;
          if (a.text == "*") {  // any other answer: worth nothing unless it says more
            if (other_feedback.empty()) other_feedback = a.feedback;
            continue;
          }
          if (!best || a.fraction > best->fraction) best = &a;
          q.numeric_answers.push_back({a.number, a.tolerance, a.fraction});
          q.answer_feedback.push_back(a.feedback);
        }
        const bool other_credit = std::any_of(g.answers.begin(), g.answers.end(), [](auto& a) {
          return a.text == "*" && a.fraction > 0;
        });
        if (negative || other_credit || !best || best->fraction <= 0) {
          refuse("a numeric question needs an answer with credit, and no credit for any other "
                 "answer: not imported");
          continue;
        }
        q.numeric_answer = best->number;
        q.numeric_tolerance = best->tolerance;
        q.units = g.units;
        q.unit_penalty = g.unit_penalty;
        q.unit_penalty_of_max = g.unit_penalty_of_max;
        if (const std::string why = exam::UnitsProblem(q); !why.empty()) {
          refuse(why + ": not imported");
          continue;
        }
        if (!other_feedback.empty()) q.answer_feedback.push_back(other_feedback);
        if (!feedback) {
          q.answer_feedback.clear();
          // One answer worth all the points says no more than numeric_answer.
          if (q.numeric_answers.size() == 1 && Near(best->fraction, 1)) q.numeric_answers.clear();
        }
        break;
      }
      case MoodleKind::kMultipleChoice: {
        bool has_feedback = false;
        const bool single = g.single;
        double top = -1;
        std::string bad;
        for (const auto& a : g.answers) {
          // A choice may show pictures (XML): its text marks them, the question carries them.
          std::string option = PicturedText(a, q.images, bad);
          if (!bad.empty()) {
            bad = "a choice's " + bad;
            break;
          }
          if (exam::NormaliseText(option).empty()) continue;  // as Moodle: a blank is no choice
          q.options.push_back(std::move(option));
          q.option_feedback.push_back(a.feedback);
          q.credit.push_back(a.fraction);
          has_feedback = has_feedback || !a.feedback.empty();
          top = std::max(top, a.fraction);
        }
        if (!has_feedback) q.option_feedback.clear();
        if (!bad.empty()) {
          refuse(bad + ": not imported");
          continue;
        }
        if (q.options.size() < 2 || top <= 0) {
          refuse("a choice needs two answers, one giving credit: not imported");
          continue;
        }
        for (size_t k = 0; k < q.credit.size(); ++k) {
          const double f = q.credit[k];
          if (single ? Near(f, top) : f > 0) q.correct_options.push_back(static_cast<int>(k));
        }
        if (single) {
          q.type = exam::QuestionType::kSingle;
          if (std::any_of(q.credit.begin(), q.credit.end(), [](double c) { return c < 0; })) {
            refuse("a single choice whose answers take points away grades below 0 in Moodle, "
                   "never in the exam model: not imported");
            continue;
          }
          // One right answer, the others worth nothing: the plain rule says the same.
          const bool plain = q.correct_options.size() == 1 && Near(top, 1) &&
                             std::all_of(q.credit.begin(), q.credit.end(), [&](double c) {
                               return Near(c, 0) || Near(c, 1);
                             });
          if (plain) q.credit.clear();
        } else {
          q.type = exam::QuestionType::kMultiple;
        }
        if (!g.shuffle) KeepOptionsInPlace(q);
        q.numbering = g.numbering;
        break;
      }
    }
    std::string subcategory;
    bool notes = true;  // a variant's notes are the question's, given once
    if (g.variant > 0) {
      q.id = draws.Accept(g.variant, notes);
      q.group = draws.id();
      subcategory = draws.label();
    } else {
      q.id = QuestionIdFrom(g.title, i, taken);
    }
    const std::string named = g.variant > 0 ? draws.id() : q.id;  // who the notes name
    if (notes && g.math) {  // each parser noted its mathematics (or refused it: unsupported)
      out.notes.push_back({g.line, fmt::format("question {}: {}", named, kMathNote)});
    }
    if (notes && !g.note.empty()) {
      out.notes.push_back({g.line, fmt::format("question {}: {}", named, g.note)});
    }
    const bool general_pictures = g.format == "html" && HtmlHasMedia(g.general_feedback);
    if (notes && (g.feedback_pictures || general_pictures)) {
      out.notes.push_back({g.line, fmt::format("question {}: the pictures of its feedback are left "
                                               "out, each written as what it shows in brackets",
                                               named)});
    }
    out.questions.push_back(std::move(q));
    out.categories.push_back(g.category);
    out.subcategories.push_back(std::move(subcategory));
  }
  draws.Flush();
  std::stable_sort(out.problems.begin(), out.problems.end(),
                   [](const BankProblem& a, const BankProblem& b) { return a.line < b.line; });
  return out;
}


void AddBankQuestions(const QuestionBank& bank, int first_line, std::string_view format,
                      exam::ExamSpec& spec, std::vector<Problem>& problems) {
  AddExamQuestions(ToExamQuestions(bank), first_line, format, spec, problems);
}

bool CategoryMatches(std::string_view wanted, std::string_view category) {
  if (wanted.empty()) return false;
  const auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '/')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '/')) s.remove_suffix(1);
    return s;
  };
  wanted = trim(wanted);
  category = trim(category);
  if (category == wanted) return true;
  const size_t slash = category.rfind('/');
  return slash != std::string_view::npos && trim(category.substr(slash + 1)) == wanted;
}

void AddExamQuestions(ExamQuestions made, int first_line, std::string_view format,
                      exam::ExamSpec& spec, std::vector<Problem>& problems) {
  std::set<std::string> taken;
  for (const auto& q : spec.questions) taken.insert(q.id);
  std::map<std::string, std::string> renamed;  // a group whose id the exam has already
  std::set<std::string> group_ids;
  for (const auto& g : spec.groups) group_ids.insert(g.id);
  for (exam::QuestionGroup& g : made.groups) {
    const std::string id = Unique(g.id, group_ids);
    renamed[g.id] = id;
    g.id = id;
    g.line += first_line - 1;
    spec.groups.push_back(std::move(g));
  }
  for (size_t i = 0; i < made.questions.size(); ++i) {
    exam::Question& q = made.questions[i];
    q.id = Unique(q.id, taken);
    q.line += first_line - 1;
    if (!q.group.empty()) q.group = renamed[q.group];
    // A [[group]] drawing from this question's bank category takes it in.
    const std::string category = i < made.categories.size() ? made.categories[i] : "";
    // (A description of the category is shown to everyone: it is never drawn.)
    for (const exam::QuestionGroup& g : spec.groups) {
      if (q.group.empty() && !category.empty() && q.type != exam::QuestionType::kDescription &&
          CategoryMatches(g.category, category)) {
        q.group = g.id;
      }
    }
    spec.questions.push_back(std::move(q));
  }
  for (const BankProblem& p : made.problems) {
    problems.emplace_back(p.line + first_line - 1,
                          fmt::format("{}, line {}: {}", format, p.line, p.message), "bank",
                          std::vector<std::pair<std::string, std::string>>{
                              {"format", std::string(format)},
                              {"bank_line", std::to_string(p.line)},
                              {"detail", p.message}});
  }
}

}  // namespace pupitre::importers
