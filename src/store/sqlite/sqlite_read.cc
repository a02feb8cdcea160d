// The shared SQL reads on a SQLite connection (see sqlite_read.h).
#include "store/sqlite/sqlite_read.h"

namespace pupitre::store {
namespace {

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* st) : st_(st) {}
  int64_t Int(int col) const override { return sqlite3_column_int64(st_, col); }
  double Real(int col) const override { return sqlite3_column_double(st_, col); }
  std::string Text(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
  }

 private:
  sqlite3_stmt* st_;
};

}  // namespace

Status SqliteReader::Query(const char* sql, const std::string& param,
                           const std::function<void(const SqlRow&)>& row) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return SqlError(db_, sql);
  // $1 may appear more than once: it is one parameter.
  for (int i = 1; i <= sqlite3_bind_parameter_count(st); ++i) {
    sqlite3_bind_text(st, i, param.data(), static_cast<int>(param.size()), SQLITE_STATIC);
  }
  const SqliteRow view(st);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(view);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqlError(db_, sql);
  return OkStatus();
}

Status SqliteReader::BeginRead() {
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqlError(db_, "BEGIN");
  }
  return OkStatus();
}

void SqliteReader::EndRead() {
  (void)sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);  // a read: nothing to lose
}

}  // namespace pupitre::store
