// The teacher's exam file (TOML): any bytes are refused with problems or give an exam whose
// canonical form reads back to the same exam.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exam/exam_json.h"
#include "fuzz/fuzz_check.h"
#include "import/toml/exam_toml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = pupitre::importers::ParseExamToml(text);
  if (!spec.ok()) {
    FUZZ_CHECK(!spec.error().message.empty());
    return 0;
  }
  const std::string canonical = pupitre::exam::ToCanonicalJson(*spec);
  auto back = pupitre::exam::FromCanonicalJson(canonical);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(pupitre::exam::ToCanonicalJson(*back) == canonical);
  return 0;
}
