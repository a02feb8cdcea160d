#pragma once
// Exam leases in PostgreSQL (store/leases.h) and the fence a batch passes before it writes.
// Internal to store/postgres.

#include <atomic>
#include <span>
#include <string>

#include "common/mutex.h"
#include "store/leases.h"
#include "store/postgres/pg_connection.h"
#include "store/records.h"

namespace pupitre::store {

class PgLeases final : public Leases {
 public:
  explicit PgLeases(const std::string& conninfo) : conn_(conninfo) {}

  Result<Lease> Acquire(const std::string& exam_id, const std::string& holder,
                        int64_t ttl_ms) override;
  Result<std::vector<Lease>> Renew(const std::string& holder, int64_t ttl_ms) override;
  Status Release(const std::string& exam_id, const std::string& holder) override;
  Status Want(const std::string& exam_id, const std::string& node) override;
  Result<std::vector<Lease>> List() override;
  void FenceAs(const std::string& holder) override;

  // The holder batches are fenced as ("" : none). Set once, before the writer starts.
  const std::string& fence() const { return fence_; }

 private:
  Result<Lease> AcquireInTransaction(const std::string& exam_id, const std::string& holder,
                                     int64_t ttl_ms) REQUIRES(mu_);
  Mutex mu_;
  PgConnection conn_ GUARDED_BY(mu_);
  std::string fence_;
};

// Inside the writer's open transaction: locks the lease of every exam `ops` write for (so a
// takeover waits for this batch) and fails with kUnavailable if another node holds one.
Status CheckFence(PgConnection& writer, std::span<const WriteOp> ops, const std::string& holder);

}  // namespace pupitre::store
