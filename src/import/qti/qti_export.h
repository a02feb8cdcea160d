#pragma once
// An exam as a QTI 3.0 content package (a ZIP): imsmanifest.xml, an assessment test
// (assessment.xml) listing the questions in order, and one item per question (items/ID.xml),
// scored as the exam grades it:
//   single, multiple, true/false   qti-choice-interaction; match_correct (all or nothing) or
//                                  map_response (each option's credit; the plain multiple rule
//                                  as +points/right and -points/right, within 0 and the points)
//   numeric                        qti-text-entry-interaction of floats; match_correct, or each
//                                  answer's tolerance and credit written out (qti-equal)
//   short                          qti-text-entry-interaction of strings; map_response
//   essay                          qti-extended-text-interaction, scored by a person
//   matching                       qti-match-interaction; match_correct or map_response
//   ordering                       qti-order-interaction; match_correct, or each place holding
//                                  its item adding its share (qti-index)
// Every item declares MAXSCORE (the question's points); a choice's feedback is feedback inline,
// shown for that choice; a question's pictures are <img> of files under images/ (each named by
// its blob, kept once), at most kMaxExportPictureBytes of them. What QTI cannot say the same way (how short answers are compared, "*",
// the question's own feedback) is listed in pupitre-notes.txt inside the package. ReadQtiPackage
// reads it back to the same questions.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "exam/exam.h"

namespace pupitre::importers {

struct QtiExport {
  std::string zip;                 // the package's bytes ("" : libzip failed)
  std::vector<std::string> notes;  // what is not said the same way (also in the package)
};

// A picture's bytes, by its blob (the route reads the blob store); none: pictures are left out.
using QtiImageReader = std::function<Result<std::string>(const exam::QuestionImage&)>;
// What a package's pictures may weigh in all: what ReadQtiPackage reads back, with room for
// the items (its kMaxPackageReadBytes is 64 MiB). Pictures beyond are left out, and said.
inline constexpr size_t kMaxExportPictureBytes = size_t{48} << 20;

QtiExport ExportQtiPackage(const exam::ExamSpec& spec, const QtiImageReader& images = {});

}  // namespace pupitre::importers
