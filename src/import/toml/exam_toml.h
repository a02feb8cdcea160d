#pragma once
// The native exam format: a TOML file (docs/exam-format.md), imported into the exam model. The
// store keeps the model in its canonical form (exam/exam_json.h), so that other formats (GIFT,
// Moodle XML, QTI) sit beside this one as importers of their own.
// Parsing never runs on an event loop: the routes hand it to the worker pool.

#include <functional>
#include <memory>
#include <string_view>

#include "common/result.h"
#include "exam/exam.h"
#include "exam/exam_service.h"

namespace pupitre::importers {

// Parses the native TOML exam format. On failure the Error is kInvalid and lists every problem
// found with its 1-based line.
Result<exam::ExamSpec> ParseExamToml(std::string_view toml_text);

// The name of this format, as the store records where an exam came from.
inline constexpr std::string_view kTomlFormat = "toml";

// Parses a TOML exam and imports it into `exams` as `caller` (the service checks who may).
// `done` as for ExamService::Import; a file that does not parse is reported at once.
void ImportTomlExam(exam::ExamService& exams, const exam::Caller& caller, std::string_view text,
                    std::function<void(Result<std::shared_ptr<const exam::ExamEntry>>)> done);

}  // namespace pupitre::importers
