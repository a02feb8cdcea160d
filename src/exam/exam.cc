// The rules of an exam that do not depend on any file format: names, deadlines, presentation
// order, idempotent saves and the grading of a whole attempt.

#include "exam/exam.h"

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <cassert>
#include <cctype>
#include <numeric>
#include <system_error>
#include <utility>

namespace pupitre::exam {
namespace {

constexpr std::array<std::pair<QuestionType, std::string_view>, 10> kTypeNames = {{
    {QuestionType::kSingle, "single"},
    {QuestionType::kMultiple, "multiple"},
    {QuestionType::kTrueFalse, "truefalse"},
    {QuestionType::kNumeric, "numeric"},
    {QuestionType::kShortText, "short"},
    {QuestionType::kEssay, "essay"},
    {QuestionType::kMatching, "matching"},
    {QuestionType::kDescription, "description"},
    {QuestionType::kOrdering, "ordering"},
    {QuestionType::kGaps, "gaps"},
}};

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool HasOptions(QuestionType t) {
  return t == QuestionType::kSingle || t == QuestionType::kMultiple ||
         t == QuestionType::kMatching || t == QuestionType::kOrdering;
}

// SplitMix64 (Steele, Lea & Flood): tiny, fast and fully specified, so an attempt's order is
// the same on every platform and standard library, unlike std::shuffle.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound) without modulo bias. REQUIRES: bound > 0.
  uint64_t Below(uint64_t bound) {
    assert(bound > 0);
    const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) return r % bound;
    }
  }

 private:
  uint64_t state_;
};

std::vector<int> Identity(size_t n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

void FisherYates(std::vector<int>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.Below(i));
    std::swap(v[i - 1], v[j]);
  }
}

bool IsBlank(std::string_view s) { return std::all_of(s.begin(), s.end(), IsAsciiSpace); }

}  // namespace

const char* AttemptStatusName(AttemptStatus s) {
  return s == AttemptStatus::kSubmitted ? "submitted" : "in_progress";
}

bool IsValidExamId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string_view QuestionTypeName(QuestionType t) {
  for (const auto& [type, name] : kTypeNames) {
    if (type == t) return name;
  }
  assert(false && "unknown QuestionType");
  return "unknown";
}

std::optional<QuestionType> ParseQuestionType(std::string_view name) {
  for (const auto& [type, type_name] : kTypeNames) {
    if (type_name == name) return type;
  }
  return std::nullopt;
}

std::string_view ReviewLevelName(ReviewLevel level) {
  switch (level) {
    case ReviewLevel::kScore: return "score";
    case ReviewLevel::kAnswers: return "answers";
    case ReviewLevel::kSolutions: return "solutions";
  }
  return "score";
}

std::optional<ReviewLevel> ParseReviewLevel(std::string_view name) {
  for (ReviewLevel l : {ReviewLevel::kScore, ReviewLevel::kAnswers, ReviewLevel::kSolutions}) {
    if (ReviewLevelName(l) == name) return l;
  }
  return std::nullopt;
}

const Question* ExamSpec::FindQuestion(std::string_view question_id) const {
  for (const Question& q : questions) {
    if (q.id == question_id) return &q;
  }
  return nullptr;
}

double ExamSpec::MaxPoints() const {
  double total = 0;
  for (const Question& q : questions) {
    if (q.group.empty()) total += q.points;
  }
  for (const QuestionGroup& g : groups) {
    const auto first = std::find_if(questions.begin(), questions.end(),
                                    [&g](const Question& q) { return q.group == g.id; });
    if (first != questions.end()) total += g.pick * first->points;
  }
  return total;
}

TimePoint ComputeDeadline(const ExamSpec& spec, TimePoint start, Millis extra_time) {
  const TimePoint own = start + Millis(spec.duration_ms) + extra_time;
  return std::min(own, FromUnixMs(spec.closes_ms));
}

std::string NormaliseText(std::string_view s, bool fold_case, bool drop_final_punctuation) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (IsAsciiSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(fold_case ? AsciiLower(c) : c);
  }
  // "Paris ." and "Paris?!" both mean "paris".
  while (drop_final_punctuation && !out.empty() &&
         (out.back() == '.' || out.back() == '!' || out.back() == '?' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

void SetOrderingItems(Question& q, const std::vector<std::string>& in_right_order) {
  // Each item's pictures, in the right order (after the text's).
  std::vector<std::vector<QuestionImage>> pictures(in_right_order.size());
  size_t image = std::min(CountImageMarks(q.text), q.images.size());
  for (size_t k = 0; k < in_right_order.size(); ++k) {
    for (size_t m = CountImageMarks(in_right_order[k]); m > 0 && image < q.images.size(); --m) {
      pictures[k].push_back(std::move(q.images[image++]));
    }
  }
  // Any beyond the marks stay after the items' (ImagesProblem tells of them).
  std::vector<QuestionImage> beyond;
  for (size_t k = image; k < q.images.size(); ++k) beyond.push_back(std::move(q.images[k]));
  q.images.resize(std::min(CountImageMarks(q.text), q.images.size()));
  // FNV-1a of each text and its pictures (two items that are pictures alone differ by them): an
  // order the same on every machine, unrelated to the right one.
  const auto hash = [&](size_t k) {
    uint64_t h = 0xcbf29ce484222325ULL;
    const auto add = [&h](std::string_view s) {
      for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    };
    add(in_right_order[k]);
    for (const QuestionImage& p : pictures[k]) {
      add(p.blob);
      add(p.bytes);
      add(p.alt);
    }
    return h;
  };
  std::vector<uint64_t> hashes(in_right_order.size());
  for (size_t k = 0; k < hashes.size(); ++k) hashes[k] = hash(k);
  std::vector<int> shown = Identity(in_right_order.size());
  std::sort(shown.begin(), shown.end(), [&](int a, int b) {
    const uint64_t ha = hashes[static_cast<size_t>(a)];
    const uint64_t hb = hashes[static_cast<size_t>(b)];
    return ha != hb ? ha < hb : a < b;
  });
  // Never the right order itself (two items have one chance in two of it).
  if (shown.size() > 1 && std::is_sorted(shown.begin(), shown.end())) {
    std::rotate(shown.begin(), shown.begin() + 1, shown.end());
  }
  q.options.clear();
  q.order_key.assign(shown.size(), 0);
  for (size_t k = 0; k < shown.size(); ++k) {
    q.options.push_back(in_right_order[static_cast<size_t>(shown[k])]);
    q.order_key[static_cast<size_t>(shown[k])] = static_cast<int>(k);
    for (QuestionImage& p : pictures[static_cast<size_t>(shown[k])])
      q.images.push_back(std::move(p));
  }
  for (QuestionImage& p : beyond) q.images.push_back(std::move(p));
}

void SetMatchingPairs(Question& q, const std::vector<std::pair<std::string, std::string>>& pairs,
                      const std::vector<std::string>& distractors) {
  q.options.clear();
  q.match_choices.clear();
  q.match_key.clear();
  for (const auto& [item, choice] : pairs) {
    q.options.push_back(item);
    q.match_choices.push_back(choice);
  }
  q.match_choices.insert(q.match_choices.end(), distractors.begin(), distractors.end());
  std::sort(q.match_choices.begin(), q.match_choices.end());
  q.match_choices.erase(std::unique(q.match_choices.begin(), q.match_choices.end()),
                        q.match_choices.end());
  for (const auto& pair : pairs) {
    const auto at = std::lower_bound(q.match_choices.begin(), q.match_choices.end(), pair.second);
    q.match_key.push_back(static_cast<int>(at - q.match_choices.begin()));
  }
}

namespace {

// The questions of group number `g` drawn for the attempt of `seed`: `pick` of its questions'
// indices, by a partial Fisher-Yates on the group's own stream (adding a group or a question
// elsewhere does not change another group's draw).
std::vector<int> Drawn(const ExamSpec& spec, size_t g, uint64_t seed) {
  const QuestionGroup& group = spec.groups[g];
  std::vector<int> members;
  for (size_t i = 0; i < spec.questions.size(); ++i) {
    if (spec.questions[i].group == group.id) members.push_back(static_cast<int>(i));
  }
  SplitMix64 rng(seed ^ (0xD1B54A32D192ED03ULL * (g + 1)));
  const size_t pick = std::min(members.size(), static_cast<size_t>(std::max(group.pick, 0)));
  for (size_t i = 0; i < pick; ++i) {
    const size_t j = i + static_cast<size_t>(rng.Below(members.size() - i));
    std::swap(members[i], members[j]);
  }
  members.resize(pick);
  return members;
}

}  // namespace

size_t ExamSpec::QuestionsAsked() const {
  size_t n = 0;
  for (const Question& q : questions) {
    n += q.group.empty() && q.type != QuestionType::kDescription ? 1 : 0;
  }
  for (const QuestionGroup& g : groups) n += static_cast<size_t>(std::max(g.pick, 0));
  return n;
}

bool IsAsked(const ExamSpec& spec, uint64_t seed, const Question& q) {
  if (q.group.empty()) return true;
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    if (spec.groups[g].id != q.group) continue;
    const int index = static_cast<int>(&q - spec.questions.data());
    const std::vector<int> drawn = Drawn(spec, g, seed);
    return std::find(drawn.begin(), drawn.end(), index) != drawn.end();
  }
  return false;  // a group the exam does not have: asked of no one
}

std::string GroupProblem(const ExamSpec& spec) {
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    const QuestionGroup& group = spec.groups[g];
    for (size_t h = 0; h < g; ++h) {
      if (spec.groups[h].id == group.id) return fmt::format("the group \"{}\" is declared twice", group.id);
    }
    int count = 0;
    double points = -1;
    for (const Question& q : spec.questions) {
      if (q.group != group.id) continue;
      if (count++ > 0 && q.points != points) {
        return fmt::format("the questions of group \"{}\" are not all worth the same points "
                           "(each student's paper must be worth the same)", group.id);
      }
      points = q.points;
    }
    if (group.pick < 1 || group.pick > count) {
      return fmt::format("group \"{}\" picks {} of its {} questions", group.id, group.pick, count);
    }
  }
  for (const Question& q : spec.questions) {
    if (q.group.empty()) continue;
    if (q.type == QuestionType::kDescription) {
      return fmt::format("description \"{}\" is in group \"{}\": a text without an answer is "
                         "shown to everyone, never drawn", q.id, q.group);
    }
    const bool known = std::any_of(spec.groups.begin(), spec.groups.end(),
                                   [&q](const QuestionGroup& g) { return g.id == q.group; });
    if (!known) return fmt::format("question \"{}\" is in group \"{}\", which the exam does not declare", q.id, q.group);
  }
  return "";
}

std::vector<bool> AskedFlags(const ExamSpec& spec, uint64_t seed) {
  std::vector<bool> asked(spec.questions.size());
  for (size_t i = 0; i < spec.questions.size(); ++i) asked[i] = spec.questions[i].group.empty();
  for (size_t g = 0; g < spec.groups.size(); ++g) {
    for (int i : Drawn(spec, g, seed)) asked[static_cast<size_t>(i)] = true;
  }
  return asked;
}

namespace {

constexpr std::pair<OptionNumbering, std::string_view> kNumberingNames[] = {
    {OptionNumbering::kNone, "none"},       {OptionNumbering::kLowerAlpha, "abc"},
    {OptionNumbering::kUpperAlpha, "ABCD"}, {OptionNumbering::kDecimal, "123"},
    {OptionNumbering::kLowerRoman, "iii"},  {OptionNumbering::kUpperRoman, "IIII"}};

// Shuffles the options of `order` that are not `fixed` among their own places; the fixed keep
// theirs. Indices out of range in `fixed` are ignored.
void ShuffleFree(std::vector<int>& order, const std::vector<int>& fixed, SplitMix64& rng) {
  std::vector<int> free_places;
  for (size_t i = 0; i < order.size(); ++i) {
    if (std::find(fixed.begin(), fixed.end(), static_cast<int>(i)) == fixed.end()) {
      free_places.push_back(static_cast<int>(i));
    }
  }
  if (free_places.size() < 2) return;
  std::vector<int> shuffled = free_places;
  FisherYates(shuffled, rng);
  for (size_t k = 0; k < free_places.size(); ++k) {
    order[static_cast<size_t>(free_places[k])] = shuffled[k];
  }
}

}  // namespace

std::string_view OptionNumberingName(OptionNumbering n) {
  for (const auto& [numbering, name] : kNumberingNames) {
    if (numbering == n) return name;
  }
  return "none";
}

std::optional<OptionNumbering> ParseOptionNumbering(std::string_view name) {
  for (const auto& [numbering, known] : kNumberingNames) {
    if (known == name) return numbering;
  }
  return std::nullopt;
}

AttemptOrder MakeOrder(const ExamSpec& spec, uint64_t seed) {
  AttemptOrder order;
  if (spec.groups.empty()) {
    order.questions = Identity(spec.questions.size());
  } else {
    const std::vector<bool> asked = AskedFlags(spec, seed);
    for (size_t i = 0; i < asked.size(); ++i) {
      if (asked[i]) order.questions.push_back(static_cast<int>(i));
    }
  }
  if (spec.shuffle_questions) {
    SplitMix64 rng(seed);
    FisherYates(order.questions, rng);
  }
  // Options draw from their own stream so that turning question shuffling on or off does not
  // change the options' order.
  SplitMix64 option_rng(seed ^ 0x6A09E667F3BCC909ULL);
  order.options.reserve(spec.questions.size());
  for (const Question& q : spec.questions) {
    std::vector<int> options = Identity(HasOptions(q.type) ? q.options.size() : 0);
    // Items to order are shuffled for each attempt whatever the exam says: their order means
    // nothing, and the stored one comes from a hash of their texts that anyone can compute.
    if (q.type == QuestionType::kOrdering || (spec.shuffle_options && q.fixed_options.empty())) {
      FisherYates(options, option_rng);
    } else if (spec.shuffle_options) {  // some keep their place (QTI's fixed, Moodle's no shuffle)
      ShuffleFree(options, q.fixed_options, option_rng);
    }
    // Items to order are never shown in their right order: that would be the answer.
    if (q.type == QuestionType::kOrdering && options.size() > 1 && options == q.order_key) {
      std::rotate(options.begin(), options.begin() + 1, options.end());
    }
    order.options.push_back(std::move(options));
  }
  return order;
}

namespace {

Result<SaveOutcome> Apply(AttemptState& state, const ExamSpec& spec, std::string_view question_id,
                          int64_t seq, const boost::json::value& answer, TimePoint now,
                          Millis grace, bool even_if_submitted) {
  if (state.status == AttemptStatus::kSubmitted && !even_if_submitted) {
    return Error::Conflict("the attempt has been submitted").Because("attempt_submitted");
  }
  if (even_if_submitted) {
    // A file's answer the server holds already (or newer) is a replay, whenever it was written.
    auto held = state.answers.find(std::string(question_id));
    if (held != state.answers.end() && seq <= held->second.seq) return SaveOutcome::kStale;
  }
  if (now > FromUnixMs(state.deadline_ms) + grace) {
    return Error::DeadlinePassed("the attempt's time is over").Because("deadline_passed");
  }
  const Question* q = spec.FindQuestion(question_id);
  if (q == nullptr) {
    return Error::NotFound("no question \"" + std::string(question_id) + "\" in this exam");
  }
  if (!IsAsked(spec, state.seed, *q)) {
    return Error::NotFound("question \"" + q->id + "\" was not drawn for this attempt")
        .Because("not_asked");
  }
  if (Status valid = ValidateAnswer(*q, answer); !valid.ok()) return valid.take_error();
  if (seq < 1) return Error::Invalid("seq must be at least 1");

  auto it = state.answers.find(q->id);
  if (it != state.answers.end() && seq <= it->second.seq) return SaveOutcome::kStale;

  SavedAnswer& saved = state.answers[q->id];
  saved.seq = seq;
  saved.value_json = boost::json::serialize(answer);
  saved.saved_at_ms = ToUnixMs(now);
  return SaveOutcome::kApplied;
}

}  // namespace

Result<SaveOutcome> ApplySave(AttemptState& state, const ExamSpec& spec,
                              std::string_view question_id, int64_t seq,
                              const boost::json::value& answer, TimePoint now, Millis grace) {
  return Apply(state, spec, question_id, seq, answer, now, grace, false);
}

Result<SaveOutcome> ApplyFileAnswer(AttemptState& state, const ExamSpec& spec,
                                    std::string_view question_id, int64_t seq,
                                    const boost::json::value& answer, TimePoint written,
                                    Millis grace) {
  return Apply(state, spec, question_id, seq, answer, written, grace, true);
}

Score GradeAttempt(const AttemptState& state, const ExamSpec& spec) {
  Score score;
  score.max_points = spec.MaxPoints();
  for (const Question& q : spec.questions) {
    boost::json::value answer;  // null: not answered
    if (auto it = state.answers.find(q.id); it != state.answers.end()) {
      std::error_code ec;
      boost::json::value parsed = boost::json::parse(it->second.value_json, ec);
      // Saves are validated before they are stored; a value that no longer parses or fits
      // (a damaged store) earns nothing rather than failing the whole grade.
      if (!ec && ValidateAnswer(q, parsed).ok()) answer = std::move(parsed);
    }
    if (q.type == QuestionType::kEssay) {
      if (auto m = state.manual_points.find(q.id); m != state.manual_points.end()) {
        score.manual_points += m->second;
      } else if (answer.is_string() && !IsBlank(answer.get_string())) {
        ++score.ungraded_essays;
      }
      continue;
    }
    score.auto_points += GradeAnswer(q, answer).value_or(0.0);
  }
  return score;
}

Result<ExamSpec> ApplySettings(const ExamSpec& spec, const SettingsChange& change) {
  constexpr int64_t kMaxDurationMs = int64_t{366} * 24 * 60 * 60'000;
  for (const auto& [key, ms] :
       {std::pair{"opens", change.opens_ms}, std::pair{"closes", change.closes_ms}}) {
    if (ms && !IsValidInstantMs(*ms)) {
      return Error::Invalid(std::string("\"") + key + "\" must be from year 1970 to 9999");
    }
  }
  ExamSpec out = spec;
  if (change.opens_ms) out.opens_ms = *change.opens_ms;
  if (change.closes_ms) out.closes_ms = *change.closes_ms;
  if (change.duration_ms) {
    if (*change.duration_ms <= 0 || *change.duration_ms % 60'000 != 0 ||
        *change.duration_ms > kMaxDurationMs) {
      return Error::Invalid(
          "the duration must be a whole, positive number of minutes, at most 366 days");
    }
    out.duration_ms = *change.duration_ms;
  }
  if (change.one_per_page) out.one_per_page = *change.one_per_page;
  if (change.review) out.review = *change.review;
  if (out.closes_ms <= out.opens_ms) {
    return Error::Invalid("\"closes\" must be later than \"opens\"").Because("closes_before_opens");
  }
  return out;
}

std::vector<std::optional<double>> PointsPerQuestion(const AttemptState& state,
                                                     const ExamSpec& spec) {
  std::vector<std::optional<double>> out;
  out.reserve(spec.questions.size());
  const std::vector<bool> asked = AskedFlags(spec, state.seed);  // each group drawn once
  for (size_t i = 0; i < spec.questions.size(); ++i) {
    const Question& q = spec.questions[i];
    auto it = state.answers.find(q.id);
    if (!asked[i]) {
      out.push_back(std::nullopt);  // not drawn for this attempt: no points, not even 0
    } else if (q.type == QuestionType::kEssay) {
      auto m = state.manual_points.find(q.id);
      out.push_back(m == state.manual_points.end() ? std::nullopt
                                                    : std::optional<double>(m->second));
    } else if (it != state.answers.end()) {
      std::error_code ec;
      boost::json::value answer = boost::json::parse(it->second.value_json, ec);
      out.push_back(ec ? std::nullopt : std::optional<double>(GradeAnswer(q, answer).value_or(0.0)));
    } else {
      out.push_back(0.0);
    }
  }
  return out;
}

WaveAssignment WaveFor(const ExamSpec& spec, std::string_view login,
                       std::string_view display_name, int64_t rank, int64_t enrolled) {
  WaveAssignment out;
  out.starts_ms = spec.opens_ms;
  if (spec.auto_waves > 1 && enrolled > 0 && rank >= 0) {
    const int64_t k = std::min<int64_t>(spec.auto_waves - 1, rank * spec.auto_waves / enrolled);
    out.index = static_cast<int>(k);
    out.name = "wave " + std::to_string(k + 1);
    out.starts_ms = spec.opens_ms + k * spec.auto_wave_interval_ms;
    return out;
  }
  // The family name's initial: the first letter of the last word of the name.
  char initial = 0;
  std::string_view name = display_name;
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  size_t space = name.rfind(' ');
  std::string_view family = space == std::string_view::npos ? name : name.substr(space + 1);
  if (!family.empty()) initial = static_cast<char>(std::toupper(static_cast<unsigned char>(family[0])));
  for (size_t i = 0; i < spec.waves.size(); ++i) {
    const Wave& w = spec.waves[i];
    bool in = std::find(w.logins.begin(), w.logins.end(), login) != w.logins.end();
    if (!in && w.first_letter) in = initial >= w.first_letter && initial <= w.last_letter;
    if (in) {
      out.index = static_cast<int>(i);
      out.name = w.name;
      out.starts_ms = spec.opens_ms + w.offset_ms;
      return out;
    }
  }
  return out;
}

}  // namespace pupitre::exam

namespace pupitre::exam {

std::string WithoutImageMarks(std::string text) {
  for (size_t at = text.find(kImageMark); at != std::string::npos; at = text.find(kImageMark, at)) {
    text.replace(at, kImageMark.size(), "\xEF\xBF\xBD");
  }
  return text;
}

std::string_view ImageTypeOf(std::string_view b) {
  if (b.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
  if (b.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (b.starts_with("GIF87a") || b.starts_with("GIF89a")) return "image/gif";
  if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  return "";
}

size_t CountImageMarks(std::string_view text) {
  size_t marks = 0;
  for (size_t at = text.find(kImageMark); at != std::string_view::npos;
       at = text.find(kImageMark, at + kImageMark.size())) {
    ++marks;
  }
  return marks;
}

bool HasOptionPictures(QuestionType t) {
  return t == QuestionType::kSingle || t == QuestionType::kMultiple ||
         t == QuestionType::kMatching || t == QuestionType::kOrdering;
}

std::string OptionWords(const Question& q, size_t k) {
  if (k >= q.options.size()) return "";
  size_t image = CountImageMarks(q.text);
  for (size_t i = 0; i < k; ++i) image += CountImageMarks(q.options[i]);
  std::string out;
  std::string_view rest = q.options[k];
  for (size_t at; (at = rest.find(kImageMark)) != std::string_view::npos; ++image) {
    out += rest.substr(0, at);
    const std::string alt = image < q.images.size() ? q.images[image].alt : "";
    out += alt.empty() ? fmt::format("[picture {}]", k + 1) : fmt::format("[{}]", alt);
    rest.remove_prefix(at + kImageMark.size());
  }
  out += rest;
  return out;
}

std::string ImagesProblem(const Question& q, bool stored_or_bytes) {
  const size_t in_text = CountImageMarks(q.text);
  size_t marks = in_text;
  for (const std::string& option : q.options) {
    const size_t in_option = CountImageMarks(option);
    if (in_option > 0 && !HasOptionPictures(q.type)) {
      return "only choices and items to match or to order show pictures";
    }
    marks += in_option;
  }
  if (marks != q.images.size()) {
    return marks == in_text
               ? fmt::format("its text places {} image(s) and it has {}", marks, q.images.size())
               : fmt::format("its text and choices place {} image(s) and it has {}", marks,
                             q.images.size());
  }
  if (q.images.size() > kMaxImagesPerQuestion) {
    return fmt::format("it has more than {} images", kMaxImagesPerQuestion);
  }
  for (const QuestionImage& image : q.images) {
    const bool named = image.blob.size() == 64 &&
                       std::all_of(image.blob.begin(), image.blob.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       });
    if (!named && !(stored_or_bytes && !image.bytes.empty())) return "an image is not stored";
    if (image.content_type != "image/png" && image.content_type != "image/jpeg" &&
        image.content_type != "image/gif" && image.content_type != "image/webp") {
      return "an image is not a PNG, JPEG, GIF or WebP picture";
    }
    if (image.size <= 0 || image.size > kMaxImageBytes) {
      return fmt::format("an image is larger than {} MiB", kMaxImageBytes / (1024 * 1024));
    }
  }
  return "";
}

}  // namespace pupitre::exam
