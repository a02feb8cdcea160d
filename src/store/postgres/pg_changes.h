#pragma once
// The change log in PostgreSQL (store/changes.h): a row per key a batch changed, written in the
// batch's own transaction, and a notification on commit. Internal to store/postgres.
//
// A mark is a transaction id: every change of a transaction whose id is below it is committed
// (or never will be). Reading from one mark to the next (the oldest transaction still running
// when the read starts) gives each change once, however late its transaction commits: ids are
// handed out at a transaction's first write, commits come in any order, and a window only
// closes over transactions that have ended.

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "store/changes.h"
#include "store/postgres/pg_connection.h"

namespace pupitre::store {

// The channel a batch's commit notifies.
inline constexpr const char* kChangesChannel = "pupitre_changes";

class PgChangeLog final : public ChangeLog {
 public:
  explicit PgChangeLog(const std::string& conninfo) : conn_(conninfo) {}

  Result<std::string> Mark() override;
  Result<Window> Since(const std::string& mark, std::chrono::milliseconds wait) override;

 private:
  PgConnection conn_;
  uint64_t listening_on_ = 0;  // the connection (by its count) that LISTENs
  std::chrono::steady_clock::time_point pruned_{};
};

// Inside the writer's open transaction: logs `keys` (sorted, without repeats) and notifies.
Status LogChanges(PgConnection& writer, std::span<const ChangeKey> keys);

}  // namespace pupitre::store
