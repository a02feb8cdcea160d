// QTI: any bytes, read as items (XML) and as a content package (ZIP), give whole exam questions
// or problems, never a crash (fuzz/bank_check.h). The seed corpus holds 1EdTech's examples.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/bank_check.h"
#include "import/qti/qti_item.h"
#include "import/qti/qti_package.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pupitre::importers;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const ExamQuestions items = ParseQtiItems(bytes);
  const int lines = 1 + static_cast<int>(std::count(bytes.begin(), bytes.end(), '\n'));
  for (const auto& p : items.problems) FUZZ_CHECK(p.line >= 1 && p.line <= lines);
  for (const auto& q : items.questions) FUZZ_CHECK(q.line >= 1 && q.line <= lines);
  CheckExamQuestions(items);
  if (auto package = ReadQtiPackage(bytes); package.ok()) CheckExamQuestions(package->made);
  return 0;
}
