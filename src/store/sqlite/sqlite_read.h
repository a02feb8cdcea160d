#pragma once
// Reading the SQLite store through the shared SQL reads (store/sql_read.h): the reader interface
// on one SQLite connection. Internal to store/sqlite.

#include <fmt/format.h>
#include <sqlite3.h>

#include <string_view>

#include "common/result.h"
#include "store/sql_read.h"

namespace pupitre::store {

inline Error SqlError(sqlite3* db, std::string_view what) {
  return Error::Internal(
      fmt::format("sqlite: {}: {}", what, db ? sqlite3_errmsg(db) : "out of memory"));
}

// The reader on `db`. REQUIRES: `db` outlives it; the caller owns `db` while it is used.
class SqliteReader final : public SqlReader {
 public:
  explicit SqliteReader(sqlite3* db) : db_(db) {}
  Status Query(const char* sql, const std::string& param,
               const std::function<void(const SqlRow&)>& row) override;
  Status BeginRead() override;
  void EndRead() override;

 private:
  sqlite3* db_;
};

}  // namespace pupitre::store
