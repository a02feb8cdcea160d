#pragma once
// The durable store: one interface, one backend per database (SQLite now).
// Reads happen at start-up (LoadAll) and on rare look-ups; every write goes through the
// group-commit writer, which calls back only once the transaction holding it is durable.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/result.h"
#include "store/records.h"

namespace pupitre::store {

// A backend applies a batch of writes in one durable transaction.
// Thread: called from one writer thread at a time.
class Backend {
 public:
  virtual ~Backend() = default;
  // Applies every op in one transaction and commits it durably (fsync); all or nothing.
  virtual Status ApplyBatch(std::span<const WriteOp> ops) = 0;
  // Reads the whole durable state. REQUIRES: no batch in progress.
  virtual Result<Snapshot> LoadAll() = 0;
  // Finds one user by login (for accounts added by the CLI while a server runs).
  virtual Result<std::optional<UserRecord>> FindUserByLogin(const std::string& login) = 0;
};

}  // namespace pupitre::store
