#pragma once
// Reading a server's settings from its store, beside the running server (SQLite's WAL lets a
// reader in), as an operator's tool would.

#include <sqlite3.h>

#include <optional>
#include <string>

namespace pupitre::testkit {

// The value of a setting in the store of `store_dir` (read beside a running server: WAL).
inline std::optional<std::string> StoredSetting(const std::string& store_dir, const std::string& key) {
  sqlite3* db = nullptr;
  std::optional<std::string> out;
  const std::string path = store_dir + "/pupitre.db";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = ?", -1, &st, nullptr) ==
        SQLITE_OK) {
      sqlite3_bind_text(st, 1, key.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace pupitre::testkit
