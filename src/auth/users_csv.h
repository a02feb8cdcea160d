#pragma once
// Bulk import of accounts from CSV: "login,name,password[,role]" with a header line.
// Every line is checked before anything is written; errors name their line.

#include <string_view>
#include <vector>

#include "auth/accounts.h"
#include "common/result.h"

namespace pupitre::auth {

// Parses the CSV text. On failure the Error is kInvalid and lists every bad line.
Result<std::vector<NewUser>> ParseUsersCsv(std::string_view text);

}  // namespace pupitre::auth
