// Moodle XML: any bytes parse without a crash into a bank that holds (fuzz/bank_check.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/bank_check.h"
#include "import/moodle/moodle_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckBank(text, pupitre::importers::ParseMoodleXml(text));
  return 0;
}
