#pragma once
// One libpq connection, reconnected when lost, and the shared SQL reads over it
// (store/sql_read.h). Not thread-safe: its owner holds a lock around each use. Internal to
// store/postgres.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/sql_read.h"

namespace pupitre::store {

// A query's result, freed when it goes.
struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

class PgConnection final : public SqlReader {
 public:
  // `conninfo`: a libpq connection string or URI (never logged: it may hold a password).
  explicit PgConnection(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connects if not connected (or the connection was lost); every session asks for
  // synchronous_commit = on, whatever the server's default, so a commit is durable.
  Status Ensure();
  // Runs `sql` with `params` (text; empty: none). A command (no rows) or a query.
  Result<PgResult> Exec(std::string_view sql, const std::vector<std::string>& params = {});
  // As Exec, with the parameters given as pointers and lengths (no copies; nullptr is NULL).
  // `formats`: per parameter, 1 for binary (bytea), 0 for text (nullptr: all text);
  // `binary_result`: every column of the result in binary (a bytea's raw bytes).
  Result<PgResult> ExecRaw(const char* sql, int count, const char* const* values,
                           const int* lengths, const int* formats = nullptr,
                           bool binary_result = false);

  // As Exec, with every column of the result in binary (a bytea's raw bytes).
  Result<PgResult> ExecBinary(std::string_view sql, const std::vector<std::string>& params);

  // Runs a script of several statements, without parameters (migrations).
  Status Script(const char* sql);

  // How many times this connected (a listener listens again after a reconnection).
  uint64_t connects() const { return connects_; }
  // Waits up to `wait_ms` for a notification (LISTEN) and takes every one that came; true if
  // any did. Connected or not, it returns within the wait.
  bool WaitNotified(int wait_ms);

  // SqlReader.
  Status Query(const char* sql, const std::string& param,
               const std::function<void(const SqlRow&)>& row) override;
  Status BeginRead() override;
  void EndRead() override;

 private:
  // Exec and ExecBinary: text parameters, the result as asked.
  Result<PgResult> ExecText(std::string_view sql, const std::vector<std::string>& params,
                            bool binary_result);
  Error Fail(std::string_view what, const PGresult* r = nullptr);
  std::string conninfo_;
  PGconn* conn_ = nullptr;
  uint64_t connects_ = 0;
};

}  // namespace pupitre::store
