// JSON bodies as the API reads them, and the canonical exam form as the store loads it: any
// bytes give a value or an error, and whatever the API writes back is JSON (never Infinity).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "api/json_io.h"
#include "exam/exam_json.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto o = pupitre::api::ParseObject(body);
  if (o.ok()) {
    for (const char* key : {"login", "password", "minutes", "closes_ms", "opens_ms", "value"}) {
      (void)pupitre::api::GetString(*o, key);
      (void)pupitre::api::GetInt(*o, key);
    }
  }
  if (size >= sizeof(double)) {
    double d;
    std::memcpy(&d, data, sizeof d);
    const std::string written = boost::json::serialize(pupitre::api::Number(d));
    boost::system::error_code ec;
    (void)boost::json::parse(written, ec);
    FUZZ_CHECK(!ec);  // e.g. not "Infinity" nor "NaN"
  }
  auto spec = pupitre::exam::FromCanonicalJson(body);
  if (spec.ok()) {
    const std::string canonical = pupitre::exam::ToCanonicalJson(*spec);
    FUZZ_CHECK(pupitre::exam::FromCanonicalJson(canonical).ok());
  }
  return 0;
}
