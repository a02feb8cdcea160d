// QTI: any bytes, read as items (XML) and as a content package (ZIP), give whole exam questions
// or problems, never a crash (fuzz/bank_check.h); an item's pictures are found or reported. The
// seed corpus holds 1EdTech's examples.
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
  // Items read as if in a package holding a picture for every name ending ".png" (and nothing
  // else): the pictures' paths are walked too.
  const QtiFileReader files = [](std::string_view href) -> pupitre::Result<std::string> {
    if (!href.ends_with(".png")) return pupitre::Error::Invalid("not in the package");
    return std::string("\x89PNG\r\n\x1a\n", 8) + std::string(href);
  };
  const ExamQuestions items = ParseQtiItems(bytes, "", files);
  const int lines = 1 + static_cast<int>(std::count(bytes.begin(), bytes.end(), '\n'));
  for (const auto& p : items.problems) FUZZ_CHECK(p.line >= 1 && p.line <= lines);
  for (const auto& q : items.questions) FUZZ_CHECK(q.line >= 1 && q.line <= lines);
  CheckExamQuestions(items);
  if (auto package = ReadQtiPackage(bytes); package.ok()) CheckExamQuestions(package->made);
  return 0;
}
