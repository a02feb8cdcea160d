#pragma once
// Announcements: a course's teachers tell its people something (an operator tells everyone),
// kept in the store, pushed to open pages by the routes, with what each person has not read
// yet. Who may post or read is the routes' to check (the course space knows the roles).
// Post and MarkRead wait until durable: call them from the worker pool. Thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "store/id_blocks.h"
#include "store/records.h"
#include "store/writer.h"

namespace pupitre::course {

struct Announcement {
  int64_t id = 0;
  std::string course_id;  // empty: everyone
  int64_t author_id = 0;
  int64_t at_ms = 0;
  std::string title;
  std::string body;  // Markdown
  std::string html;  // rendered (course/markdown.h)
};

inline constexpr size_t kMaxAnnouncementBytes = 20 * 1024;

class Announcements {
 public:
  Announcements(store::Writer& writer, const Clock& clock);

  // Fills memory from the store; again with what another node changed (an announcement
  // replaces its copy, a read marker only moves forward).
  void Load(const store::Snapshot& snapshot);
  // Where announcement ids come from (memory on one node; the store's blocks when shared).
  store::IdSource& ids() { return ids_; }

  // Posts to a course (`course_id`) or to everyone (""). kInvalid for an empty or long text.
  Result<Announcement> Post(int64_t author_id, const std::string& course_id, std::string title,
                            std::string body);
  // The newest first, at most `limit`, of these scopes ("" for everyone's).
  std::vector<Announcement> Latest(const std::vector<std::string>& scopes, size_t limit) const;
  // How many of a scope's announcements `user_id` has not read.
  int64_t Unread(int64_t user_id, const std::string& scope) const;
  // The last announcement id `user_id` read in a scope.
  int64_t LastRead(int64_t user_id, const std::string& scope) const;
  // `user_id` has read a scope's announcements up to `up_to` (markers only move forward).
  Status MarkRead(int64_t user_id, const std::string& scope, int64_t up_to);

 private:
  store::Writer& writer_;
  const Clock& clock_;
  Mutex post_mu_ ACQUIRED_BEFORE(mu_);
  mutable SharedMutex mu_;
  std::map<std::string, std::vector<Announcement>> by_scope_ GUARDED_BY(mu_);  // oldest first
  std::map<std::pair<int64_t, std::string>, int64_t> read_ GUARDED_BY(mu_);
  store::IdSource ids_;
};

}  // namespace pupitre::course
