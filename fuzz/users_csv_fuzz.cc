// The accounts CSV: any bytes are refused naming lines, or give accounts that are each valid,
// in valid UTF-8 without control characters, with logins unique ignoring case.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "auth/accounts.h"
#include "auth/users_csv.h"
#include "common/text.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto users = pupitre::auth::ParseUsersCsv(text);
  if (!users.ok()) {
    FUZZ_CHECK(!users.error().problems.empty());
    for (const auto& p : users.error().problems) FUZZ_CHECK(p.line >= 1);
    return 0;
  }
  std::set<std::string> logins;
  for (const auto& u : *users) {
    FUZZ_CHECK(pupitre::auth::ValidateNewUser(u).ok());
    FUZZ_CHECK(!pupitre::FirstInvalidUtf8(u.display_name));
    FUZZ_CHECK(!pupitre::HasControlCharacter(u.display_name));
    FUZZ_CHECK(logins.insert(pupitre::auth::FoldLogin(u.login)).second);
  }
  return 0;
}
