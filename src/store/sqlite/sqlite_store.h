#pragma once
// The SQLite backend (the embedded default): one file in the data directory, WAL,
// synchronous=FULL, schema migrations numbered in PRAGMA user_version. Only the application's
// wiring (src/app) and tests open a backend; the domain sees store::Backend and the writer.

#include <memory>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace pupitre::store {

// How many schema migrations this program knows (PRAGMA user_version of an up-to-date store).
int LatestSchemaVersion();

// Opens (creating if needed) the SQLite store in `data_dir` and migrates its schema.
Result<std::unique_ptr<Backend>> OpenSqlite(const std::string& data_dir);

}  // namespace pupitre::store
