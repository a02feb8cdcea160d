// A service's ids (see id_blocks.h).
#include "store/id_blocks.h"

#include <algorithm>

namespace pupitre::store {

void IdSource::AtLeast(int64_t next) {
  MutexLock lock(mu_);
  if (!backend_) next_ = std::max(next_, next);
}

Status IdSource::UseStore(Backend& backend, std::string kind, int64_t block) {
  MutexLock lock(mu_);
  backend_ = &backend;
  kind_ = std::move(kind);
  block_ = block;
  return Refill();
}

Status IdSource::Refill() {
  auto first = backend_->AllocateIds(kind_, block_);
  if (!first.ok()) {
    end_ = 0;
    next_ = 0;
    return first.take_error();
  }
  next_ = *first;
  end_ = *first + block_;
  return OkStatus();
}

Result<int64_t> IdSource::Next() {
  MutexLock lock(mu_);
  if (backend_ && next_ >= end_) {
    if (auto s = Refill(); !s.ok()) return s.take_error();
  }
  return next_++;
}

}  // namespace pupitre::store
