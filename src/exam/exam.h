#pragma once
// Exams as the domain sees them: the paper (questions and their keys), the rules of an attempt
// (deadline, idempotent saves) and grading. Nothing here knows HTTP or SQL; everything is pure
// and thread-compatible (callers synchronise access to a mutable AttemptState).

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace pupitre::exam {

// kDescription: a text without an answer (a reading, an instruction), worth no points, shown in
// its place among the questions (Moodle's "description"; a QTI item without interactions).
// kOrdering: items to put in their right order (Moodle's "ordering", QTI's orderInteraction).
// kGaps: a text with gaps to fill, each from a menu or typed in (Moodle's "select missing words"
// and cloze, QTI's inline choices and text entries within a text).
enum class QuestionType {
  kSingle, kMultiple, kTrueFalse, kNumeric, kShortText, kEssay, kMatching, kDescription, kOrdering,
  kGaps };

// What a student sees of their attempt once results are released, as the teacher chooses:
// the score only (total and points per question); also each question with their answer; also
// the right answer and the teacher's feedback.
enum class ReviewLevel { kScore, kAnswers, kSolutions };
std::string_view ReviewLevelName(ReviewLevel level);  // "score", "answers", "solutions"
std::optional<ReviewLevel> ParseReviewLevel(std::string_view name);

// An exam's (and a course's) id: 1 to 64 of a-z, 0-9 and '-'.
bool IsValidExamId(std::string_view id);

// "single", "multiple", "truefalse", "numeric", "short", "essay", "matching", "description",
// "ordering", "gaps".
std::string_view QuestionTypeName(QuestionType t);

// What an ordering question's order short of right earns (Moodle's grading types; exam/ordering.h
// says each): a share of the points, or nothing with Question::all_or_nothing.
enum class OrderingGrading {
  kAbsolutePosition,            // each item in its right place
  kRelativeNextExcludingLast,   // each item followed by its right next one (the last not counted)
  kRelativeNextIncludingLast,   // ... the last one counted: nothing after it
  kRelativeOnePreviousAndNext,  // each item's right neighbours, before and after
  kRelativeAllPreviousAndNext,  // each item's every other item on its right side
  kLongestOrderedSubset,        // the most items in their right order, wherever they stand
  kLongestContiguousSubset,     // ... and next to each other in the right order
  kRelativeToCorrect,           // each item's distance from its right place
};
// "absolute_position", "relative_next_excluding_last", "relative_next_including_last",
// "relative_one_previous_and_next", "relative_all_previous_and_next", "longest_ordered_subset",
// "longest_contiguous_subset", "relative_to_correct".
std::string_view OrderingGradingName(OrderingGrading g);
std::optional<OrderingGrading> ParseOrderingGrading(std::string_view name);
std::optional<QuestionType> ParseQuestionType(std::string_view name);

// How the page numbers a choice question's options, in the order it shows them (Moodle's
// answernumbering): none, a. b. c., A. B. C., 1. 2. 3., i. ii. iii., I. II. III.
enum class OptionNumbering { kNone, kLowerAlpha, kUpperAlpha, kDecimal, kLowerRoman, kUpperRoman };
// "none", "abc", "ABCD", "123", "iii", "IIII" (Moodle's names).
std::string_view OptionNumberingName(OptionNumbering n);
std::optional<OptionNumbering> ParseOptionNumbering(std::string_view name);

// Where an image stands in a question's text: U+FFFC OBJECT REPLACEMENT CHARACTER, the k-th
// mark the question's k-th image.
inline constexpr std::string_view kImageMark = "\xEF\xBF\xBC";
// `text` with every mark a file wrote itself made U+FFFD (a mark is the question's own, for
// its images: never a teacher's character).
std::string WithoutImageMarks(std::string text);
// How many image marks `text` holds.
size_t CountImageMarks(std::string_view text);
// Whether a question of type `t` may show pictures in its options: a choice (single and
// multiple), an item to match (never its choices) or to order.
bool HasOptionPictures(QuestionType t);

// An image of a question's text (Moodle XML's embedded files): its bytes are a blob of the
// blob store (store/blob), served to who may read the paper.
struct QuestionImage {
  std::string blob;          // the SHA-256 of its bytes (64 lowercase hex digits), once stored
  std::string content_type;  // "image/png", "image/jpeg", "image/gif" or "image/webp"
  std::string alt;           // what it shows, for who cannot see it
  int64_t size = 0;
  std::string bytes;         // an importer's, until the route stores them: never kept
};
inline constexpr int64_t kMaxImageBytes = 2 * 1024 * 1024;
inline constexpr size_t kMaxImagesPerQuestion = 20;
// The type of an image from its first bytes (PNG, JPEG, GIF, WebP); "" for anything else (an
// SVG can carry scripts: never served).
std::string_view ImageTypeOf(std::string_view bytes);

// A number accepted within a tolerance, giving its credit (0 to 1).
struct NumericAnswer {
  double value = 0;
  double tolerance = 0;
  double credit = 1;
};

// One gap of a kGaps question: picked from a menu, or typed in (a text, or a number).
struct Gap {
  // A menu: one of these is picked (>= 2, distinct, none blank), in an order that tells nothing
  // (SetGapMenu sorts them). Empty: the gap is typed in.
  std::vector<std::string> choices;
  // Typed in: the accepted answers, normalised as a short answer's (NormaliseText); "*" accepts
  // any answer not blank.
  std::vector<std::string> accepted;
  // A number typed in (Moodle's cloze NUMERICAL): the first whose tolerance holds the number
  // given earns its credit (the best 1). Then `choices`, `accepted` and `credit` are empty.
  std::vector<NumericAnswer> numbers;
  // What each choice (a menu) or each accepted answer (typed, the first that matches) earns of
  // the gap's share, from 0 to 1; the best earns 1. Any other answer earns 0.
  std::vector<double> credit;
  bool case_sensitive = false;  // typed in: letters' case must match too
  bool wildcards = false;       // typed in: accepted answers are patterns (MatchesWildcards)
  double weight = 1;            // > 0: the gap's share is its weight over the sum of weights
};
inline constexpr size_t kMaxGaps = 100;

struct Question {
  std::string id;      // unique within the exam; [A-Za-z0-9_-]{1,64}
  QuestionType type = QuestionType::kSingle;
  std::string text;     // plain; kImageMark where an image stands
  // One per kImageMark in `text`, then in each of `options` (a choice, an item to match or to
  // order may be a picture: HasOptionPictures), in that order: option k's first is the number of
  // marks before it.
  std::vector<QuestionImage> images;
  double points = 1.0;  // > 0; a description's 0
  std::vector<std::string> options;  // kSingle / kMultiple: >= 2 options; kMatching: the items
                                     // to match (>= 2), each given one of match_choices;
                                     // kOrdering: the items to order (>= 2), in an order that
                                     // tells nothing (SetOrderingItems)
  // kMatching: what each item may be matched with, in the order the page lists them (sorted,
  // so that the order never tells the key); may hold more choices than items (distractors).
  std::vector<std::string> match_choices;

  // The key. Never leaves the server except in a teacher's export.
  std::vector<int> correct_options;   // kSingle: exactly one; kMultiple: one or more (sorted)
  bool correct_bool = false;          // kTrueFalse
  double numeric_answer = 0.0;        // kNumeric
  double numeric_tolerance = 0.0;     // kNumeric: |given - answer| <= tolerance is right
  std::vector<std::string> accepted;  // kShortText: accepted answers, already normalised
  bool case_sensitive = false;        // kShortText: letters' case must match too
  // kShortText: the accepted answers are patterns (MatchesWildcards), as Moodle's short answers
  // are: "*cat*" accepts any answer holding "cat".
  bool wildcards = false;
  std::vector<int> match_key;         // kMatching: per item, its index in match_choices
  std::vector<int> order_key;         // kOrdering: the options' indices in their right order
  // kGaps: the gaps, the n-th (1-based) where `text` holds GapMark(n), each mark once, in order.
  std::vector<Gap> gaps;
  // Partial credit (from formats that have it: GIFT, Moodle XML, QTI): the fraction of the
  // points each option gives (kSingle: the one picked; kMultiple: the sum of those picked, kept
  // within 0 and 1), or each accepted answer gives (kShortText: the first that matches, "*"
  // matching any answer); one per option or accepted answer, each from -1 to 1. A question
  // never scores below 0. Empty: the rules above (correct_options, accepted: full points).
  // kMatching: each item's share when matched right (the sum kept within 0 and 1; empty: equal
  // shares).
  std::vector<double> credit;
  // kMultiple, kMatching, kOrdering, kGaps: the points only for an answer right in every part
  // (each gap earning its whole share), else 0
  // (QTI's match_correct); credit is then empty. kOrdering without it: each item in its right
  // place earns its share (Moodle's "absolute position").
  bool all_or_nothing = false;
  // kOrdering without all_or_nothing: what a partly right order earns (exam/ordering.h).
  OrderingGrading ordering_grading = OrderingGrading::kAbsolutePosition;
  // kSingle, kMultiple, kMatching (its items): the options that keep their place when the exam
  // shuffles options (indices, sorted, each once): every one when the question is never
  // shuffled (Moodle's shuffleanswers off, QTI's shuffle="false"), some for QTI's fixed="true"
  // choices ("None of these" last). Empty: all shuffled with the exam.
  std::vector<int> fixed_options;
  // kSingle, kMultiple: how the page numbers the options (Moodle's answernumbering).
  OptionNumbering numbering = OptionNumbering::kNone;
  // kNumeric with several answers: the first whose tolerance holds the answer gives its
  // credit (0 to 1). Empty: numeric_answer and numeric_tolerance alone, full points.
  using NumericAnswer = exam::NumericAnswer;
  std::vector<NumericAnswer> numeric_answers;
  // kNumeric with units (Moodle's): the answers are in the unit of multiplier 1 (the first, as
  // Moodle writes them); an answer given in another unit is divided by its multiplier before it
  // is compared (with m = 1 and cm = 100, "200 cm" is 2). Empty: a plain number.
  struct Unit {
    std::string name;       // 1 to 32 bytes, no spaces; unique within the question
    double multiplier = 1;  // > 0
  };
  std::vector<Unit> units;
  // The penalty for an answer without a unit (0 to 1; 0: the unit is optional): a share of the
  // points earned, or (unit_penalty_of_max) of the question's points, as Moodle's "unit
  // penalty" of the response's or the question's grade.
  double unit_penalty = 0;
  bool unit_penalty_of_max = false;
  // Shown with the right answer after release at ReviewLevel::kSolutions, never before.
  std::string feedback;                      // about the question as a whole ("" none)
  std::vector<std::string> option_feedback;  // kSingle / kMultiple: one per option, or none
  // For the answer given (Moodle's per-answer feedback; "" entries say nothing), or none:
  // kTrueFalse: two, for the answer true and for false; kShortText: one per accepted answer;
  // kNumeric: one per numeric_answers, and one more for any other answer if the teacher wrote
  // one. AnswerFeedback picks the one for an answer.
  std::vector<std::string> answer_feedback;

  // "" : asked of every student. Else the id of one of the exam's groups: each student is asked
  // only the group's `pick` questions drawn for them (ExamSpec::groups).
  std::string group;

  int line = 0;  // where the question starts in its source file (1-based), for messages
};

// Questions of which each student is asked a few, drawn at random for them (a bank's category):
// `pick` of the questions whose group is `id`, all worth the same points (every student's paper
// is worth the same).
struct QuestionGroup {
  std::string id;  // [A-Za-z0-9_-]{1,64}
  int pick = 1;    // 1 to the number of its questions
  int line = 0;
  // Imported questions of this bank category join the group (GIFT's $CATEGORY, Moodle XML's
  // categories); "" : only questions that name the group. Read at import, not kept.
  std::string category;
};

// A group of students who start at their own time: the exam's opening plus `offset_ms`.
// Students are chosen by login, or by the initial of their family name (the last word of their
// name), or else by an automatic split of the course in enrolment order (ExamSpec::auto_waves).
struct Wave {
  std::string name;
  int64_t offset_ms = 0;
  std::vector<std::string> logins;  // exactly these students, or
  char first_letter = 0;            // family names from first_letter to last_letter (A-Z)
  char last_letter = 0;
  int line = 0;
};

// An exam as written by a teacher. Times are Unix milliseconds.
struct ExamSpec {
  std::string id;         // [a-z0-9-]{1,64}
  std::string title;
  std::string course_id;  // may be empty
  int64_t opens_ms = 0;   // window opens
  int64_t closes_ms = 0;  // window closes (> opens_ms)
  int64_t duration_ms = 0;  // > 0
  bool shuffle_questions = false;
  bool shuffle_options = false;
  bool one_per_page = false;  // display hint for the exam page
  ReviewLevel review = ReviewLevel::kScore;  // after release; the teacher may change it then
  std::vector<Question> questions;  // >= 1
  std::vector<QuestionGroup> groups;  // random draws (each used by at least `pick` questions)
  std::vector<Wave> waves;          // listed waves; a student in none starts at the opening
  int auto_waves = 0;               // > 1: split the course into this many equal waves instead
  int64_t auto_wave_interval_ms = 0;  // between automatic waves' starts

  const Question* FindQuestion(std::string_view question_id) const;
  // What each student's paper is worth: questions asked of everyone, and each group's pick.
  double MaxPoints() const;
  // How many questions each student is asked (those of everyone, and each group's pick), not
  // counting descriptions.
  size_t QuestionsAsked() const;
};

// Which wave a student belongs to, and when they may start.
struct WaveAssignment {
  int index = -1;          // -1: no wave (they start at the opening)
  std::string name;
  int64_t starts_ms = 0;   // opens_ms + the wave's offset
};
// `rank` is the student's position (0-based) among `enrolled` students in enrolment order,
// used by automatic waves.
WaveAssignment WaveFor(const ExamSpec& spec, std::string_view login,
                       std::string_view display_name, int64_t rank, int64_t enrolled);

// A teacher's change of a draft's settings; unset fields are kept.
struct SettingsChange {
  std::optional<int64_t> opens_ms, closes_ms, duration_ms;
  std::optional<bool> one_per_page;
  std::optional<ReviewLevel> review;
};
// The exam with the change applied, validated (instants from year 1970 to 9999, "closes" after
// "opens", a duration of whole minutes from 1 to 366 days); the Error (kInvalid) names what the
// change breaks. The teacher's file is not touched: the store keeps the model.
Result<ExamSpec> ApplySettings(const ExamSpec& spec, const SettingsChange& change);

// A matching question's key from its pairs (item, the choice it goes with) and distractors
// (choices matching no item): the choices listed once each, sorted, and each item's index
// among them. REQUIRES: nothing; the caller checks counts (>= 2 items, >= 2 choices).
void SetMatchingPairs(Question& q, const std::vector<std::pair<std::string, std::string>>& pairs,
                      const std::vector<std::string>& distractors);

// An ordering question's items from their right order: kept in an order that tells nothing of
// it (by a hash of their texts and pictures, never the right order), and the key; the items'
// pictures (q.images after the text's, in the right order's items) go with their items.
// REQUIRES: the caller checks the items (>= 2, distinct, none blank).
void SetOrderingItems(Question& q, const std::vector<std::string>& in_right_order);

// The published paper as JSON text: exam metadata and questions with their options, never any
// key. Rendered once at publish time and served from memory.
std::string RenderPaperJson(const ExamSpec& spec);
// The same paper in pieces: its head (`{"exam":{...},"questions":[`) and each question's object,
// in spec order, so that the paper of an attempt asked some questions (groups drawn) is a join.
struct PaperPieces {
  std::string head;
  std::vector<std::string> questions;
};
PaperPieces RenderPaperPieces(const ExamSpec& spec);
// One question as a paper shows it (id, type, text, points, options, choices): never its key.
boost::json::object PaperQuestionJson(const Question& q);
// A question's images as the pages read them: [{"blob", "alt"}], the k-th where its text, then
// its options, hold their k-th kImageMark (empty: none).
boost::json::array ImagesJson(const Question& q);
// The paper of the questions `asked` flags (every question when null): valid JSON, the text
// RenderPaperJson gives when every question is asked.
std::string JoinPaper(const PaperPieces& pieces, const std::vector<bool>* asked);

// Where gap n (1-based) of a kGaps question stands in its text: "[[n]]", as Moodle's "select
// missing words" writes it.
std::string GapMark(size_t n);
// Sets a menu gap: `choices` (with what each earns) sorted by their text, an order that tells
// nothing; `credit` empty: none right (the caller says which).
void SetGapMenu(Gap& gap, std::vector<std::string> choices, std::vector<double> credit);
// The problem with a kGaps question's gaps, "" when none: 1 to kMaxGaps gaps, each mark once and
// in order in the text (and no mark beyond them), a menu of 2 or more distinct choices or at
// least one accepted answer, a credit for each from 0 to 1 with the best 1, weights above 0; no
// gaps on another type.
std::string GapsProblem(const Question& q);
// The right answer of a gaps question, one per gap: a menu's best choice (its index), a typed
// gap's best accepted answer (its text), a number gap's best number.
boost::json::array GapsRightAnswer(const Question& q);

// The per-attempt presentation order, stable for a given seed.
struct AttemptOrder {
  std::vector<int> questions;             // indices into spec.questions
  std::vector<std::vector<int>> options;  // per question (spec order): option indices in display order
};
// The attempt's questions (the exam's, less the questions of groups not drawn for it) in their
// order, and each question's options in theirs; deterministic in `seed`.
AttemptOrder MakeOrder(const ExamSpec& spec, uint64_t seed);
// Whether the attempt of `seed` is asked `q` (a question of spec): true unless q is in a group
// and not drawn. The draw of each group comes from its own stream of `seed`.
bool IsAsked(const ExamSpec& spec, uint64_t seed, const Question& q);
// Per question of spec (in spec order), whether the attempt of `seed` is asked it: every group
// drawn once.
std::vector<bool> AskedFlags(const ExamSpec& spec, uint64_t seed);
// The problem with the exam's groups, if any ("" : none): a question naming no group of the
// exam, a group without enough questions or with questions of different points, a group twice.
std::string GroupProblem(const ExamSpec& spec);

// Normalises a short-text answer for comparison: trims, collapses inner white space, folds
// ASCII case (unless !fold_case: a case-sensitive question), and drops trailing '.', '!' and
// '?' (unless !drop_final_punctuation: a pattern's, MatchesAnswer).
std::string NormaliseText(std::string_view s, bool fold_case = true,
                          bool drop_final_punctuation = true);

// Short answers as Moodle's patterns (defined in short_answer.cc).
// Whether `text` matches `pattern` as Moodle matches a short answer: each run of '*' stands for
// any text (none included) and "\*" for a star; the rest is compared as it is (normalise both
// alike first).
bool MatchesWildcards(std::string_view pattern, std::string_view text);
// Whether an answer matches an accepted answer that is a pattern (normalised keeping its final
// punctuation): the answer normalised so (`kept`) matches it, or the answer without its final
// punctuation (`dropped`, NormaliseText's) matches the pattern without its own. So "U.S.*"
// accepts "U.S.", and "Paris" accepts "Paris.", as a plain answer would.
bool MatchesAnswer(std::string_view pattern, std::string_view kept, std::string_view dropped);
// The one text `pattern` matches when it has no wildcard ("\*" written as a star), or none.
std::optional<std::string> WildcardsLiteral(std::string_view pattern);
// A pattern as the right answer is shown, as Moodle shows it: each run of '*' a space, "\*" a
// star ("*Paris*" is "Paris").
std::string PatternShown(std::string_view pattern);

// Checks that `answer` has the JSON shape of an answer to `q`:
// kSingle: an integer option index; kMultiple: an array of distinct option indices;
// kTrueFalse: a bool; kNumeric: a number, or with units {"value": number, "unit": one of
// the question's units or null}; kShortText / kEssay: a string (<= 20,000 bytes);
// kMatching: an array with one entry per item (in the exam's order), a choice index or null;
// kOrdering: every option index once, in the order the student gives them; kGaps: an array
// with one entry per gap, a menu's choice index, a typed gap's string (<= 1,000 bytes; a number
// gap's read as a number, "3,5" as 3.5), or null.
// null means "no answer" and is valid for every type; a description takes nothing else.
Status ValidateAnswer(const Question& q, const boost::json::value& answer);

// Points earned by a valid `answer`. Essays return nullopt: a teacher grades them.
// Multiple choice earns points * max(0, (right picks - wrong picks) / number of right options);
// matching, points * (items matched right / items), as Moodle grades it; ordering, points *
// (items in their right place / items), as Moodle's "absolute position"; gaps, points * the
// sum of each gap's share times what its answer earns.
std::optional<double> GradeAnswer(const Question& q, const boost::json::value& answer);

// The problem with a numeric question's units, "" when none: names of 1 to 32 bytes without
// spaces, each once, multipliers above 0 and finite, a penalty from 0 to 1, and no units on
// another type.
std::string UnitsProblem(const Question& q);
// Option `k` as words, for who reads no picture (a results file, a list): each of its images
// written as its alt text in brackets ("[a red square]"), or without one as "[picture k+1]".
std::string OptionWords(const Question& q, size_t k);

// The problem with a question's images, "" when none: one per mark in the text and options, at most
// kMaxImagesPerQuestion, each of a known type and size, stored (a blob name) unless
// `stored_or_bytes` lets an importer's bytes stand for it.
std::string ImagesProblem(const Question& q, bool stored_or_bytes = false);
// The unit the answers are in (the one whose multiplier is 1), "" when none.
std::string AnswersUnit(const Question& q);

// The teacher's feedback for `answer` among q.answer_feedback (the answer true or false, the
// accepted answer it matches as GradeAnswer does, the numeric answer whose tolerance holds it,
// else "any other answer"); "" when there is none or nothing was answered. Choices have theirs
// per option (option_feedback).
std::string AnswerFeedback(const Question& q, const boost::json::value& answer);
// The problem with q.answer_feedback's count for q's type, "" when none.
std::string AnswerFeedbackProblem(const Question& q);

// The deadline of an attempt started at `start`: its own start plus the duration plus any extra
// time, never later than the window's close.
TimePoint ComputeDeadline(const ExamSpec& spec, TimePoint start, Millis extra_time);

enum class AttemptStatus { kInProgress, kSubmitted };
// "in_progress" or "submitted", as the API and the results CSV write it.
const char* AttemptStatusName(AttemptStatus s);

struct SavedAnswer {
  int64_t seq = 0;         // client's sequence number: higher wins
  std::string value_json;  // the answer as compact JSON text
  int64_t saved_at_ms = 0;
};

// An attempt's state as held in memory and mirrored in the store.
// The platform was unavailable while the attempt ran, and that time was given back.
struct Compensation {
  int64_t from_ms = 0;   // the platform's last sign of life
  int64_t to_ms = 0;     // back
  int64_t added_ms = 0;  // added to the deadline
};

// Time a teacher added while the attempt ran.
struct TimeAdded {
  int64_t at_ms = 0;
  int64_t added_ms = 0;
};

struct AttemptState {
  int64_t id = 0;
  std::string exam_id;
  int64_t user_id = 0;
  uint64_t seed = 0;
  int64_t started_ms = 0;
  int64_t deadline_ms = 0;
  AttemptStatus status = AttemptStatus::kInProgress;
  int64_t submitted_ms = 0;
  bool auto_submitted = false;
  std::map<std::string, SavedAnswer> answers;  // by question id
  std::map<std::string, double> manual_points;  // teacher's grades of essays, by question id
  // The teacher's comments, by question id ("": on the whole attempt); shown with the result.
  std::map<std::string, std::string> comments;
  std::vector<Compensation> compensations;      // outages given back, in time order
  std::vector<TimeAdded> time_added;            // by a teacher while it ran, in time order
};

enum class SaveOutcome {
  kApplied,  // newer than what was held: stored
  kStale,    // same or older sequence number: a replay; nothing changes, still a success
};

// Applies a save to `state`. Fails with kDeadlinePassed when `now` is past the deadline plus
// `grace`, kConflict when the attempt is submitted, kNotFound for an unknown question,
// kInvalid for a malformed answer.
Result<SaveOutcome> ApplySave(AttemptState& state, const ExamSpec& spec,
                              std::string_view question_id, int64_t seq,
                              const boost::json::value& answer, TimePoint now, Millis grace);

// An answer from the exam page's encrypted answer file (exam/answer_file.h): applied as a save
// written at `written` (refused past the deadline plus `grace`), also when the attempt has since
// been submitted: the file carries what the server never received.
Result<SaveOutcome> ApplyFileAnswer(AttemptState& state, const ExamSpec& spec,
                                    std::string_view question_id, int64_t seq,
                                    const boost::json::value& answer, TimePoint written,
                                    Millis grace);

struct Score {
  double auto_points = 0;     // from automatically graded questions
  double manual_points = 0;   // from essays graded so far
  double max_points = 0;
  int ungraded_essays = 0;    // essays with an answer and no grade yet
  double total() const { return auto_points + manual_points; }
};

// Grades an attempt from its answers and any manual grades.
Score GradeAttempt(const AttemptState& state, const ExamSpec& spec);

// Each question's points, in the spec's order: an unanswered question 0, an essay its manual
// grade (nothing until graded), a question not drawn for the attempt nothing.
std::vector<std::optional<double>> PointsPerQuestion(const AttemptState& state,
                                                     const ExamSpec& spec);

}  // namespace pupitre::exam
