// A draft exam from a QTI upload (see qti_exam.h).
#include "import/qti/qti_exam.h"

#include <fmt/format.h>

#include <cctype>

#include "common/text.h"
#include "import/moodle/gift.h"
#include "import/moodle/moodle_xml.h"
#include "import/qti/qti_item.h"
#include "import/qti/qti_package.h"

namespace pupitre::importers {
namespace {

constexpr int64_t kHourMs = 3'600'000;

bool IsZip(std::string_view bytes) { return bytes.starts_with(std::string_view("PK\x03\x04", 4)); }

Problem AsProblem(const BankProblem& p, std::string_view format) {
  return Problem(p.line, p.message, "bank",
                 {{"format", std::string(format)}, {"bank_line", std::to_string(p.line)}, {"detail", p.message}});
}

// What an XML upload is: Moodle XML's root is <quiz>; anything else is read as QTI.
bool IsMoodleXml(std::string_view xml) {
  size_t at = 0;
  for (;;) {
    at = xml.find('<', at);
    if (at == std::string_view::npos || at + 1 >= xml.size()) return false;
    const char next = xml[at + 1];
    if (next != '?' && next != '!') return xml.substr(at + 1, 4) == "quiz";
    ++at;  // the declaration, a comment or a doctype: the root comes after
  }
}

// Text that is not XML: GIFT (its first non-blank character is not '<').
bool LooksLikeXml(std::string_view text) {
  size_t at = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a byte-order mark
  while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  return at < text.size() && text[at] == '<';
}

}  // namespace

Result<QuestionUpload> ReadQuestionUpload(std::string_view upload, bool partial) {
  QuestionUpload out;
  out.format = std::string(kQtiFormat);
  std::string_view label = "QTI";
  if (IsZip(upload)) {
    auto package = ReadQtiPackage(upload);
    if (!package.ok()) return package.take_error();
    out.made = std::move(package->made);
    out.title = std::move(package->title);
  } else if (!LooksLikeXml(upload)) {
    if (FirstInvalidUtf8(upload)) {
      return Error::Invalid("the upload is neither a ZIP, XML nor GIFT text in UTF-8").Because("bad_upload");
    }
    out.made = ToExamQuestions(ParseGift(upload));
    out.format = "gift";
    label = "GIFT";
  } else if (IsMoodleXml(upload)) {
    out.made = ToExamQuestions(ParseMoodleXml(upload));
    out.format = "moodle_xml";
    label = "Moodle XML";
  } else {
    out.made = ParseQtiItems(upload);
  }
  if (!out.made.problems.empty() && !partial) {
    std::vector<Problem> problems;
    for (const BankProblem& p : out.made.problems) problems.push_back(AsProblem(p, label));
    const std::string count = std::to_string(problems.size());
    return Error::Invalid(fmt::format("the {} has {} problem(s)", label, count), std::move(problems))
        .Because("exam_file_problems", {{"count", count}});
  }
  if (out.made.questions.empty()) {
    return Error::Invalid("no question could be imported").Because("no_questions");
  }
  return out;
}

Result<QtiExam> MakeQtiExam(std::string_view upload, const QtiExamOptions& options) {
  if (!exam::IsValidExamId(options.id)) {
    return Error::Invalid("an exam id is 1 to 64 of a-z, 0-9 and -").Because("bad_exam_id");
  }
  if (!options.course.empty() && !exam::IsValidExamId(options.course)) {
    return Error::Invalid("a course id is 1 to 64 of a-z, 0-9 and -").Because("bad_exam_id");
  }
  std::string title = options.title;
  if (!title.empty() && (title.size() > 200 || FirstInvalidUtf8(title))) {
    return Error::Invalid("a title is 1 to 200 bytes of UTF-8").Because("bad_title");
  }
  auto read = ReadQuestionUpload(upload, options.partial);
  if (!read.ok()) return read.take_error();
  if (title.empty()) title = read->title.empty() ? options.id : read->title;
  if (title.size() > 200 || FirstInvalidUtf8(title)) {
    return Error::Invalid("a title is 1 to 200 bytes of UTF-8").Because("bad_title");
  }
  ExamQuestions& made = read->made;
  QtiExam out;
  out.format = read->format;
  exam::ExamSpec& spec = out.spec;
  spec.id = options.id;
  spec.title = std::move(title);
  spec.course_id = options.course;
  spec.opens_ms = DraftOpensMs(options.now_ms);
  spec.closes_ms = spec.opens_ms + 2 * kHourMs;
  spec.duration_ms = kHourMs;
  spec.questions = std::move(made.questions);
  spec.groups = std::move(made.groups);
  out.left_out = std::move(made.problems);
  out.notes = std::move(made.notes);
  return out;
}

int64_t DraftOpensMs(int64_t now_ms) { return (now_ms / kHourMs + 1) * kHourMs + 24 * kHourMs; }

}  // namespace pupitre::importers
