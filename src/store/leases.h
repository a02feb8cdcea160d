#pragma once
// Exam ownership among nodes sharing one store (PostgreSQL): each exam is held by at most one
// node at a time, through a lease that its holder renews. The store's clock decides expiry, so
// the nodes' clocks do not matter. A backend that fences (FenceAs) refuses a batch writing for an
// exam held by another node, under a lock that makes a takeover wait for the batch: a node that
// lost an exam can no longer write for it, and the new holder loads everything acknowledged.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace pupitre::store {

struct Lease {
  std::string exam_id;
  std::string holder;     // the node holding it ("" : nobody)
  int64_t token = 0;      // grows by one each time another node takes the exam
  int64_t expires_ms = 0;  // on the store's clock
  std::string wanted_by;  // another node asked for it (HAProxy now sends the exam there)
  int64_t now_ms = 0;     // the store's clock when this was read
  // Acquire only: who held it just before, and until when (its holder died or was cut off if
  // that was another node and the time had passed: the exam's students waited meanwhile).
  std::string previous_holder;
  int64_t previous_expires_ms = 0;
};

// Thread-safe; each call is one short transaction of its own.
class Leases {
 public:
  virtual ~Leases() = default;
  // Takes `exam_id` for `holder` for `ttl_ms` if nobody holds it, its lease expired, or holder
  // has it already (then it is extended, same token). Returns the lease as it is now: held by
  // someone else if it could not be taken.
  virtual Result<Lease> Acquire(const std::string& exam_id, const std::string& holder,
                                int64_t ttl_ms) = 0;
  // Extends every lease `holder` still has; returns them. An exam missing from the answer was
  // taken by another node after the lease expired: the caller stops serving it.
  virtual Result<std::vector<Lease>> Renew(const std::string& holder, int64_t ttl_ms) = 0;
  // Gives the exam up (the holder flushed its writes): another node may take it at once.
  virtual Status Release(const std::string& exam_id, const std::string& holder) = 0;
  // Asks the exam's holder to give it up to `node` (which now receives its requests).
  virtual Status Want(const std::string& exam_id, const std::string& node) = 0;
  // Every lease, for the operator's view.
  virtual Result<std::vector<Lease>> List() = 0;
  // From now on, batches writing for an exam that another node holds fail (kUnavailable).
  // REQUIRES: called before the writer's first batch.
  virtual void FenceAs(const std::string& holder) = 0;
};

}  // namespace pupitre::store
