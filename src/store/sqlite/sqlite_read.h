#pragma once
// Reading the SQLite store: a query's rows, a column's text, a user or session row, and the
// whole snapshot (or an exam's scope) in one read transaction. Internal to store/sqlite.

#include <fmt/format.h>
#include <sqlite3.h>

#include <string>
#include <string_view>

#include "common/result.h"
#include "store/store.h"

namespace pupitre::store {

inline Error SqlError(sqlite3* db, std::string_view what) {
  return Error::Internal(
      fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

inline std::string Text(sqlite3_stmt* st, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return p ? std::string(p, sqlite3_column_bytes(st, col)) : std::string();
}
inline UserRecord ReadUser(sqlite3_stmt* st) {
  return UserRecord{sqlite3_column_int64(st, 0), Text(st, 1), Text(st, 2), Text(st, 3),
                    Text(st, 4)};
}
inline SessionRecord ReadSession(sqlite3_stmt* st) {
  return SessionRecord{Text(st, 0), sqlite3_column_int64(st, 1), Text(st, 2),
                       sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4) != 0,
                       sqlite3_column_int64(st, 5)};
}

// Runs `sql` on `db`, binding `param` to every "?" (none if empty), and calls `row` for each
// result row.
template <typename F>
inline Status Query(sqlite3* db, const char* sql, const std::string& param, F&& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) return SqlError(db, sql);
  for (int i = 1; i <= sqlite3_bind_parameter_count(st); ++i) {
    sqlite3_bind_text(st, i, param.data(), static_cast<int>(param.size()), SQLITE_STATIC);
  }
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqlError(db, sql);
  return OkStatus();
}

// Everything `scope` names, as of one commit. REQUIRES: the caller owns `db` for the call.
Result<Snapshot> ReadSnapshot(sqlite3* db, const Scope& scope);

}  // namespace pupitre::store
