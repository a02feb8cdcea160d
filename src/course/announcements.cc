#include "course/announcements.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/text.h"
#include "course/course_space.h"
#include "course/markdown.h"

namespace pupitre::course {

Announcements::Announcements(store::Writer& writer, const Clock& clock)
    : writer_(writer), clock_(clock) {}

void Announcements::Load(const store::Snapshot& snapshot) {
  MutexLock post(post_mu_);
  WriterLock lock(mu_);
  for (const auto& a : snapshot.announcements) {
    // Kept in id order; one loaded again (another node's change) replaces its copy.
    auto& list = by_scope_[a.course_id];
    auto at = std::lower_bound(list.begin(), list.end(), a.id,
                               [](const Announcement& x, int64_t id) { return x.id < id; });
    Announcement loaded{a.id, a.course_id, a.author_id, a.at_ms, a.title, a.body,
                        MarkdownToHtml(a.body)};
    if (at != list.end() && at->id == a.id) {
      *at = std::move(loaded);
    } else {
      list.insert(at, std::move(loaded));
    }
    ids_.AtLeast(a.id + 1);
  }
  for (const auto& r : snapshot.announcement_reads) {
    int64_t& last = read_[{r.user_id, r.course_id}];
    last = std::max(last, r.last_id);  // markers only move forward
  }
}

Result<Announcement> Announcements::Post(int64_t author_id, const std::string& course_id,
                                         std::string title, std::string body) {
  if (title.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Invalid("a title is needed").Because("title_needed");
  }
  if (title.size() > kMaxTitleBytes || FirstInvalidUtf8(title) || HasControlCharacter(title)) {
    return Error::Invalid("a title is at most 200 bytes")
        .Because("title_too_long", {{"max", std::to_string(kMaxTitleBytes)}});
  }
  if (body.size() > kMaxAnnouncementBytes || FirstInvalidUtf8(body)) {
    return Error::Invalid("an announcement is at most 20 KB")
        .Because("page_too_long", {{"max", std::to_string(kMaxAnnouncementBytes)}});
  }
  MutexLock post(post_mu_);
  auto id = ids_.Next();
  if (!id.ok()) return id.take_error();
  Announcement a{*id, course_id, author_id, ToUnixMs(clock_.Now()), std::move(title),
                 std::move(body), ""};
  a.html = MarkdownToHtml(a.body);
  if (auto s = writer_.WriteNow({store::op::PutAnnouncement{
          {a.id, a.course_id, a.author_id, a.at_ms, a.title, a.body}}});
      !s.ok()) {
    return s.error();
  }
  WriterLock lock(mu_);
  by_scope_[course_id].push_back(a);
  return a;
}

std::vector<Announcement> Announcements::Latest(const std::vector<std::string>& scopes,
                                                size_t limit) const {
  std::vector<Announcement> out;
  ReaderLock lock(mu_);
  for (const auto& scope : scopes) {
    auto it = by_scope_.find(scope);
    if (it == by_scope_.end()) continue;
    const auto& list = it->second;
    // The newest `limit` of each scope are enough for the newest `limit` of all.
    for (size_t i = list.size() > limit ? list.size() - limit : 0; i < list.size(); ++i) {
      out.push_back(list[i]);
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

int64_t Announcements::LastRead(int64_t user_id, const std::string& scope) const {
  ReaderLock lock(mu_);
  auto it = read_.find({user_id, scope});
  return it == read_.end() ? 0 : it->second;
}

int64_t Announcements::Unread(int64_t user_id, const std::string& scope) const {
  ReaderLock lock(mu_);
  auto list = by_scope_.find(scope);
  if (list == by_scope_.end()) return 0;
  auto it = read_.find({user_id, scope});
  const int64_t last = it == read_.end() ? 0 : it->second;
  const auto& v = list->second;  // ids ascending
  auto first_unread = std::upper_bound(v.begin(), v.end(), last,
                                       [](int64_t id, const Announcement& a) { return id < a.id; });
  return static_cast<int64_t>(v.end() - first_unread);
}

Status Announcements::MarkRead(int64_t user_id, const std::string& scope, int64_t up_to) {
  if (up_to <= LastRead(user_id, scope)) return OkStatus();  // nothing new: no write
  if (auto s = writer_.WriteNow({store::op::PutAnnouncementRead{{user_id, scope, up_to}}});
      !s.ok()) {
    return s;
  }
  WriterLock lock(mu_);
  int64_t& last = read_[{user_id, scope}];
  last = std::max(last, up_to);
  return OkStatus();
}

}  // namespace pupitre::course
