#pragma once
// A service's ids of one kind ("attempt", "user", ...): counted in memory on one node, or taken
// from the store in blocks (Backend::AllocateIds) when nodes share it, so that no two nodes give
// the same id and a node asks the store once per block, not once per id. Thread-safe.

#include <cstdint>
#include <string>

#include "common/mutex.h"
#include "common/result.h"
#include "store/store.h"

namespace pupitre::store {

class IdSource {
 public:
  // While counting in memory: the next id is at least `next` (called as ids are loaded).
  void AtLeast(int64_t next) EXCLUDES(mu_);
  // From now on, ids come from `backend`'s blocks of `block` ids of `kind`, the first taken now.
  // REQUIRES: `backend` outlives this; `block` >= 1.
  Status UseStore(Backend& backend, std::string kind, int64_t block) EXCLUDES(mu_);
  // The next id. From the store, once per block a transaction (under the caller's locks: rare
  // by the block's size). Fails only if the store does.
  Result<int64_t> Next() EXCLUDES(mu_);

 private:
  Status Refill() REQUIRES(mu_);
  Mutex mu_;
  Backend* backend_ GUARDED_BY(mu_) = nullptr;
  std::string kind_ GUARDED_BY(mu_);
  int64_t block_ GUARDED_BY(mu_) = 0;
  int64_t next_ GUARDED_BY(mu_) = 1;
  int64_t end_ GUARDED_BY(mu_) = 0;  // from the store: one past the block's last id
};

// The kinds of id the store numbers, with how many a block holds.
struct IdKind {
  const char* name;
  int64_t block;
};
// Announcements one at a time: a reader's marker is "read up to this id", so ids must follow
// the order they are posted in, whichever node posts them (posts are rare).
inline constexpr IdKind kIdKinds[] = {{"attempt", 10'000}, {"user", 1'000}, {"section", 100},
                                      {"item", 100},       {"announcement", 1},
                                      {"incident", 10}};

}  // namespace pupitre::store
