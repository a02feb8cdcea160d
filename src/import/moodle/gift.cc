// Moodle's GIFT format (see gift.h).
#include "import/moodle/gift.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>

#include "common/text.h"
#include "import/moodle/html_text.h"

namespace pupitre::importers {
namespace {

constexpr size_t kNone = std::string_view::npos;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Where `token` starts in `s` from `from` on, outside escapes (a backslash escapes the next
// character); kNone if nowhere.
size_t FindPlain(std::string_view s, std::string_view token, size_t from = 0) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s.substr(i, token.size()) == token) return i;
  }
  return kNone;
}

// The text as written, its escapes undone (\n is a line break), trimmed; \* is kept as it is
// (GIFT does not escape it: in a short answer it is a star, not any text).
std::string Unescape(std::string_view s) {
  s = Trim(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '*') {
      const char next = s[++i];
      out.push_back(next == 'n' ? '\n' : next);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// "[html]text": the format named first, if any, and the text after it.
std::string_view TakeFormat(std::string_view s, std::string& format) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  for (const char* f : {"html", "moodle", "plain", "markdown"}) {
    const std::string tag = fmt::format("[{}]", f);
    if (s.substr(0, tag.size()) == tag) {
      format = f;
      return s.substr(tag.size());
    }
  }
  return s;
}

// One answer of a list: its mark (= or ~), weight (%n%), text and feedback (#...).
struct Piece {
  char mark = '=';
  std::optional<double> percent;
  std::string_view body;
  std::string_view feedback;
  bool has_feedback = false;
};

// Splits an answer list at its unescaped = and ~ (text before the first mark is an answer
// marked `implicit`, or an error when `implicit` is 0).
std::vector<Piece> SplitAnswers(std::string_view list, char implicit, std::string& error) {
  std::vector<Piece> out;
  size_t start = kNone;
  char mark = 0;
  auto close = [&](size_t end) {
    std::string_view piece = list.substr(start, end - start);
    if (mark == 0) {
      if (Trim(piece).empty()) return;
      if (implicit == 0) {
        error = fmt::format("'{}' is not an answer: answers begin with = or ~",
                            std::string(Trim(piece)).substr(0, 40));
        return;
      }
      mark = implicit;
    }
    Piece p;
    p.mark = mark;
    piece = Trim(piece);
    if (!piece.empty() && piece.front() == '%') {
      const size_t end_pct = piece.find('%', 1);
      auto pct = end_pct == kNone ? std::nullopt : ParseFiniteNumber(piece.substr(1, end_pct - 1));
      if (!pct || *pct < -100 || *pct > 100) {
        error = "a weight is %n% with n from -100 to 100";
        return;
      }
      p.percent = pct;
      piece = piece.substr(end_pct + 1);
    }
    const size_t hash = FindPlain(piece, "#");
    p.body = piece.substr(0, hash);
    if (hash != kNone) {
      p.feedback = piece.substr(hash + 1);
      p.has_feedback = true;
    }
    out.push_back(p);
  };
  start = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i] == '\\') {
      ++i;
      continue;
    }
    if (list[i] == '=' || list[i] == '~') {
      close(i);
      if (!error.empty()) return {};
      mark = list[i];
      start = i + 1;
    }
  }
  close(list.size());
  if (!error.empty()) return {};
  return out;
}

double FractionOf(const Piece& p) {
  if (p.percent) return *p.percent / 100.0;
  return p.mark == '=' ? 1.0 : 0.0;
}

// A numerical answer: "n", "n:tolerance", "low..high", or "" / "*" (any other answer).
bool ParseNumber(std::string_view spec, MoodleAnswer& a, std::string& error) {
  spec = Trim(spec);
  if (spec.empty() || spec == "*") {
    a.text = "*";
    return true;
  }
  if (const size_t dots = spec.find(".."); dots != kNone) {
    auto low = ParseFiniteNumber(spec.substr(0, dots)),
         high = ParseFiniteNumber(spec.substr(dots + 2));
    if (!low || !high || *low > *high) {
      error = fmt::format("'{}' is not a range low..high", std::string(spec));
      return false;
    }
    a.number = (*low + *high) / 2;
    a.tolerance = (*high - *low) / 2;
    return true;
  }
  const size_t colon = spec.find(':');
  auto value = ParseFiniteNumber(spec.substr(0, colon));
  auto tolerance =
      colon == kNone ? std::optional<double>(0) : ParseFiniteNumber(spec.substr(colon + 1));
  if (!value || !tolerance || *tolerance < 0) {
    error = fmt::format("'{}' is not a number (n, n:tolerance or low..high)", std::string(spec));
    return false;
  }
  a.number = *value;
  a.tolerance = *tolerance;
  return true;
}

bool IsTrueFalse(std::string_view s, bool& truth) {
  std::string word;
  for (char c : Trim(s.substr(0, FindPlain(s, "#")))) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (word == "T" || word == "TRUE") {
    truth = true;
    return true;
  }
  if (word == "F" || word == "FALSE") {
    truth = false;
    return true;
  }
  return false;
}

// Mathematics in an HTML text: noted (HtmlToText writes it as linear text), or why it cannot be.
void NoteMath(MoodleQuestion& q, const std::string& html) {
  if (q.format != "html" || !HtmlHasMath(html)) return;
  q.math = true;
  if (q.unsupported.empty()) q.unsupported = HtmlMathProblem(html);
}

// In an HTML question the answers and their feedback are HTML too (as Moodle reads them): made
// plain, as Moodle XML's are when read; mathematics in them written as text (or the question
// refused), pictures and other media refused.
void PlainAnswers(MoodleQuestion& q) {
  if (q.format != "html") return;
  std::vector<std::string*> texts = {&q.wrong_feedback, &q.right_feedback};
  for (MoodleAnswer& a : q.answers) {
    texts.push_back(&a.text);
    texts.push_back(&a.feedback);
    texts.push_back(&a.match);
  }
  for (std::string* html : texts) {
    NoteMath(q, *html);
    if (HtmlHasMedia(*html) && q.unsupported.empty()) {
      q.unsupported = "pictures and other media in answers or feedback are not imported yet";
    }
    *html = HtmlToText(*html);
  }
}

// Fills `q` from its answer list; returns an error message, or "".
std::string ParseAnswers(std::string_view list, MoodleQuestion& q) {
  if (const size_t general = FindPlain(list, "####"); general != kNone) {
    std::string format;
    q.general_feedback = Unescape(TakeFormat(list.substr(general + 4), format));
    list = list.substr(0, general);
  }
  list = Trim(list);
  std::string error;
  if (list.empty()) {
    q.kind = MoodleKind::kEssay;
    return "";
  }
  if (list.front() == '#') {
    q.kind = MoodleKind::kNumerical;
    std::string format;
    for (const Piece& p : SplitAnswers(list.substr(1), '=', error)) {
      MoodleAnswer a;
      a.fraction = FractionOf(p);
      a.feedback = Unescape(TakeFormat(p.feedback, format));
      if (!ParseNumber(p.body, a, error)) return error;
      q.answers.push_back(std::move(a));
    }
    if (error.empty() && q.answers.empty()) error = "a numerical question needs its answer";
    return error;
  }
  if (IsTrueFalse(list, q.truth)) {
    q.kind = MoodleKind::kTrueFalse;
    if (const size_t hash = FindPlain(list, "#"); hash != kNone) {
      std::string_view rest = list.substr(hash + 1);
      const size_t second = FindPlain(rest, "#");
      q.wrong_feedback = Unescape(rest.substr(0, second));
      if (second != kNone) q.right_feedback = Unescape(rest.substr(second + 1));
    }
    return "";
  }
  const bool choices = FindPlain(list, "~") != kNone;
  const bool matching = !choices && FindPlain(list, "->") != kNone;
  std::vector<Piece> pieces = SplitAnswers(list, 0, error);
  if (!error.empty()) return error;
  // An answer's or a feedback's own format ([html]...) is read and dropped: its text is kept.
  std::string format;
  for (const Piece& p : pieces) {
    MoodleAnswer a;
    a.fraction = FractionOf(p);
    a.equals = p.mark == '=';
    a.feedback = Unescape(TakeFormat(p.feedback, format));
    if (matching) {
      const size_t arrow = FindPlain(p.body, "->");
      if (arrow == kNone) return "every answer of a matching question is 'question -> answer'";
      a.text = Unescape(TakeFormat(p.body.substr(0, arrow), format));
      a.match = Unescape(p.body.substr(arrow + 2));
      if (a.match.empty()) return "a matching answer is empty";
    } else {
      a.text = Unescape(TakeFormat(p.body, format));
      if (a.text.empty()) return "an answer is empty";
    }
    q.answers.push_back(std::move(a));
  }
  q.kind = choices ? MoodleKind::kMultipleChoice
                   : matching ? MoodleKind::kMatching : MoodleKind::kShortAnswer;
  // As Moodle: a choice list with an = answer is a single choice.
  q.single = std::any_of(q.answers.begin(), q.answers.end(),
                         [](const MoodleAnswer& a) { return a.equals; });
  if (q.kind == MoodleKind::kMultipleChoice && q.answers.size() < 2) {
    return "a multiple-choice question needs two answers at least";
  }
  if (q.kind == MoodleKind::kMatching) {
    int pairs = 0;
    for (const auto& a : q.answers) pairs += a.text.empty() ? 0 : 1;
    if (pairs < 2) return "a matching question needs two pairs at least";
  }
  return "";
}

// One block of lines (a question, or a category) starting at `line`.
void ParseBlock(std::string_view block, int line, std::string& category, QuestionBank& out) {
  block = Trim(block);
  if (block.substr(0, 10) == "$CATEGORY:") {
    const size_t eol = block.find('\n');
    category = std::string(Trim(block.substr(10, eol == kNone ? kNone : eol - 10)));
    if (eol == kNone) return;
    block = Trim(block.substr(eol + 1));
    ++line;
  }
  MoodleQuestion q;
  q.line = line;
  q.category = category;
  auto problem = [&](std::string message) { out.problems.push_back({line, std::move(message)}); };
  if (block.substr(0, 2) == "::") {
    const size_t end = FindPlain(block, "::", 2);
    if (end == kNone) return problem("a title opened with :: is never closed");
    q.title = Unescape(block.substr(2, end - 2));
    block = Trim(block.substr(end + 2));
  }
  const size_t open = FindPlain(block, "{");
  if (open == kNone) {
    if (FindPlain(block, "}") != kNone) return problem("a } closes no answer list");
    q.kind = MoodleKind::kDescription;
    q.text = Unescape(TakeFormat(block, q.format));
    if (q.text.empty()) return problem("a title without a question");
    NoteMath(q, q.text);
    out.questions.push_back(std::move(q));
    return;
  }
  const size_t close = FindPlain(block, "}", open + 1);
  if (close == kNone) return problem("an answer list opened with { is never closed");
  const std::string_view after = Trim(block.substr(close + 1));
  if (FindPlain(after, "{") != kNone) return problem("more than one answer list in a question");
  std::string_view before = TakeFormat(block.substr(0, open), q.format);
  if (std::string error = ParseAnswers(block.substr(open + 1, close - open - 1), q);
      !error.empty()) {
    return problem(error);
  }
  PlainAnswers(q);
  // Answers in the middle of the text: a blank there.
  q.missing_word = !after.empty();
  q.text = q.missing_word ? Unescape(std::string(before) + "_____" +
                                     std::string(block.substr(close + 1)))
                          : Unescape(before);
  if (q.text.empty()) return problem("a question needs a text before its answers");
  NoteMath(q, q.text);
  NoteMath(q, q.general_feedback);
  out.questions.push_back(std::move(q));
}

}  // namespace

QuestionBank ParseGift(std::string_view text) {
  QuestionBank out;
  std::string category;
  std::string block;
  int block_line = 0;
  int line = 0;
  auto flush = [&] {
    if (!Trim(block).empty()) ParseBlock(block, block_line, category, out);
    block.clear();
    block_line = 0;
  };
  size_t at = 0;
  while (at <= text.size()) {
    size_t eol = text.find('\n', at);
    if (eol == kNone) eol = text.size();
    std::string_view l = text.substr(at, eol - at);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    ++line;
    at = eol + 1;
    if (line == 1 && l.substr(0, 3) == "\xEF\xBB\xBF") l.remove_prefix(3);  // a BOM
    const std::string_view t = Trim(l);
    if (t.substr(0, 2) == "//") continue;  // a comment line
    if (t.empty()) {
      flush();
      continue;
    }
    if (block_line == 0) block_line = line;
    block.append(l);
    block.push_back('\n');
  }
  flush();
  return out;
}

}  // namespace pupitre::importers
