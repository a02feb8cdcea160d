#pragma once
// A QTI content package (IMS Content Packaging: a ZIP with imsmanifest.xml at its root) made
// exam questions: the items of its assessment test in the test's order (QTI 2.x
// assessmentItemRef, 3.0 qti-assessment-item-ref), or without a test every item resource of
// the manifest in its order. Each item is read by ParseQtiItems; what is not imported is reported
// with its file and line.
//
// The ZIP is hostile input: at most kMaxPackageEntries entries, each file read at most
// kMaxPackageFileBytes, kMaxPackageReadBytes in all; paths leaving the package are refused.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "import/moodle/question_bank.h"

namespace pupitre::importers {

inline constexpr size_t kMaxPackageEntries = 10'000;
inline constexpr size_t kMaxPackageFileBytes = size_t{8} << 20;
inline constexpr size_t kMaxPackageReadBytes = size_t{64} << 20;
inline constexpr size_t kMaxPackageItems = 1'000;  // items read (an exam is far smaller)

struct QtiPackage {
  std::string title;  // the test's title, else the manifest's, else ""
  ExamQuestions made;
};

// Fails (kInvalid, a reason) when `zip` is not a ZIP, has no manifest, or exceeds the limits.
Result<QtiPackage> ReadQtiPackage(std::string_view zip);

}  // namespace pupitre::importers
