#pragma once
// Uploads in progress: who began which, of what length and name (the bytes themselves are in
// the blob store, store/blob). Kept in the store, so that an upload resumes after a restart.
// An upload belongs to the person who began it; nobody else may append to it or use it.
// Begin and Finish wait until durable: call them from the worker pool. Thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "store/records.h"
#include "store/changes.h"
#include "store/writer.h"

namespace pupitre::course {

inline constexpr size_t kMaxFileNameBytes = 255;

class Uploads {
 public:
  // REQUIRES: every argument outlives this.
  Uploads(store::Writer& writer, const Clock& clock, int64_t max_length, int64_t per_user);

  void Load(const store::Snapshot& snapshot);
  // What another node changed (cluster/change_feed.h): uploads it began (`now.uploads`) and
  // those it finished or gave up (`ended_uploads`), so that the next part may reach any node.
  void Absorb(const store::Changed& changed);

  // Records an upload `id` (the blob store made it) that `user_id` begins. kInvalid (reason
  // "file_too_large") past the largest file; kConflict (reason "too_many_uploads") when the
  // user has as many unfinished as they may.
  Status Begin(const std::string& id, int64_t user_id, int64_t length, std::string file_name);
  // Checks, before anything is made, what Begin would refuse.
  Status CheckBegin(int64_t user_id, int64_t length, const std::string& file_name) const;
  // The upload `id` if `user_id` began it (nothing otherwise: not theirs is not found).
  std::optional<store::UploadRecord> Find(const std::string& id, int64_t user_id) const;
  // Forgets an upload (adopted as a blob, or given up).
  Status Finish(const std::string& id);

  // The uploads begun more than `age` ago and never finished (ids), for the sweep that drops
  // them (their bytes, then their record: Finish).
  std::vector<std::string> Abandoned(Millis age) const;

  int64_t max_length() const { return max_length_; }

 private:
  store::Writer& writer_;
  const Clock& clock_;
  const int64_t max_length_;
  const int64_t per_user_;
  mutable Mutex mu_;
  std::map<std::string, store::UploadRecord> uploads_ GUARDED_BY(mu_);
  std::map<int64_t, int64_t> count_by_user_ GUARDED_BY(mu_);
};

// A file name as people gave it, made safe to keep and to send back: the last part of a path,
// no control characters, valid UTF-8, at most kMaxFileNameBytes ("file" when nothing is left).
std::string CleanFileName(std::string_view name);

}  // namespace pupitre::course
