#pragma once
// Reading a SQL store, whatever its engine: the queries are written once, in the SQL that
// SQLite and PostgreSQL share (their one parameter is $1), over a small reader interface each
// backend implements on its own connection. So both backends load the same records the same way.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include <span>

#include "store/changes.h"
#include "store/store.h"

namespace pupitre::store {

// One result row. Columns are numbered from 0; a NULL reads as 0 or "".
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int64_t Int(int col) const = 0;
  virtual double Real(int col) const = 0;
  virtual std::string Text(int col) const = 0;
  bool Bool(int col) const { return Int(col) != 0; }
};

// A connection that reads. Not thread-safe: the backend holds its read lock around each use.
class SqlReader {
 public:
  virtual ~SqlReader() = default;
  // Runs `sql`, binding `param` to $1 if the text names it, and calls `row` for each row.
  virtual Status Query(const char* sql, const std::string& param,
                       const std::function<void(const SqlRow&)>& row) = 0;
  // A read transaction: every query until EndRead sees the same commit.
  virtual Status BeginRead() = 0;
  virtual void EndRead() = 0;
};

// "COALESCE(MAX(col), 0) + 1 FROM table": where the first block of an id kind starts (after the
// largest id stored); nullptr for a kind the store does not number.
const char* FirstIdOf(std::string_view kind);

UserRecord ReadUser(const SqlRow& row);  // id, login, display_name, role, password_hash
SessionRecord ReadSession(const SqlRow& row);

// What Backend's read calls return, read through `db`.
Result<Snapshot> ReadSnapshot(SqlReader& db, const Scope& scope);
Result<std::optional<UserRecord>> ReadUserByLogin(SqlReader& db, const std::string& login);
Result<std::optional<SessionRecord>> ReadSessionByHash(SqlReader& db,
                                                       const std::string& token_hash);
Result<std::vector<std::string>> ReadNamedSessions(SqlReader& db, const std::string& name,
                                                  size_t limit);
Result<std::optional<std::string>> ReadSetting(SqlReader& db, const std::string& key);
Result<std::vector<AttemptEvent>> ReadAttemptEvents(SqlReader& db, int64_t attempt_id);
// The things `keys` name, as they are now (Backend::ReadChanged).
Result<Changed> ReadChanged(SqlReader& db, std::span<const ChangeKey> keys);

}  // namespace pupitre::store
