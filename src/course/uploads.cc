#include "course/uploads.h"

#include <fmt/format.h>

#include "common/text.h"

namespace pupitre::course {

Uploads::Uploads(store::Writer& writer, const Clock& clock, int64_t max_length, int64_t per_user)
    : writer_(writer), clock_(clock), max_length_(max_length), per_user_(per_user) {}

void Uploads::Load(const store::Snapshot& snapshot) {
  MutexLock lock(mu_);
  for (const auto& u : snapshot.uploads) {
    uploads_[u.id] = u;
    ++count_by_user_[u.user_id];
  }
}

void Uploads::Absorb(const store::Changed& changed) {
  MutexLock lock(mu_);
  for (const auto& u : changed.now.uploads) {
    auto [it, added] = uploads_.try_emplace(u.id, u);
    if (added) ++count_by_user_[u.user_id];
  }
  for (const auto& id : changed.ended_uploads) {
    auto it = uploads_.find(id);
    if (it == uploads_.end()) continue;
    if (--count_by_user_[it->second.user_id] <= 0) count_by_user_.erase(it->second.user_id);
    uploads_.erase(it);
  }
}

Status Uploads::CheckBegin(int64_t user_id, int64_t length, const std::string& file_name) const {
  if (length < 0 || length > max_length_) {
    const std::string max_mb = std::to_string(max_length_ / (1024 * 1024));
    return Error::Invalid(fmt::format("a file is at most {} MB", max_mb))
        .Because("file_too_large", {{"max_mb", max_mb}});
  }
  if (file_name.empty()) return Error::Invalid("the file has no name").Because("file_name_needed");
  MutexLock lock(mu_);
  auto it = count_by_user_.find(user_id);
  if (it != count_by_user_.end() && it->second >= per_user_) {
    return Error::Conflict(fmt::format("{} uploads are unfinished: finish or cancel one", it->second))
        .Because("too_many_uploads", {{"max", std::to_string(per_user_)}});
  }
  return OkStatus();
}

Status Uploads::Begin(const std::string& id, int64_t user_id, int64_t length,
                      std::string file_name) {
  if (auto s = CheckBegin(user_id, length, file_name); !s.ok()) return s;
  store::UploadRecord r{id, user_id, length, std::move(file_name), ToUnixMs(clock_.Now())};
  if (auto s = writer_.WriteNow({store::op::PutUpload{r}}); !s.ok()) return s;
  MutexLock lock(mu_);
  // The change feed may have brought it already (this node's own write, read back).
  if (uploads_.try_emplace(id, std::move(r)).second) ++count_by_user_[user_id];
  return OkStatus();
}

std::optional<store::UploadRecord> Uploads::Find(const std::string& id, int64_t user_id) const {
  MutexLock lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second.user_id != user_id) return std::nullopt;
  return it->second;
}

Status Uploads::Finish(const std::string& id) {
  if (auto s = writer_.WriteNow({store::op::DeleteUpload{id}}); !s.ok()) return s;
  MutexLock lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end()) return OkStatus();
  if (--count_by_user_[it->second.user_id] <= 0) count_by_user_.erase(it->second.user_id);
  uploads_.erase(it);
  return OkStatus();
}

std::vector<std::string> Uploads::Abandoned(Millis age) const {
  const int64_t before = ToUnixMs(clock_.Now()) - age.count();
  std::vector<std::string> out;
  MutexLock lock(mu_);
  for (const auto& [id, u] : uploads_) {
    if (u.created_ms < before) out.push_back(id);
  }
  return out;
}

std::string CleanFileName(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) continue;
    out.push_back(static_cast<char>(c));
  }
  if (FirstInvalidUtf8(out)) out = std::string(out.substr(0, *FirstInvalidUtf8(out)));
  if (out.size() > kMaxFileNameBytes) {
    // Cut at a character boundary, keeping the extension when it is short.
    const size_t dot = out.rfind('.');
    std::string ext = dot != std::string::npos && out.size() - dot <= 10 ? out.substr(dot) : "";
    size_t keep = kMaxFileNameBytes - ext.size();
    while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xC0) == 0x80) --keep;
    out = out.substr(0, keep) + ext;
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  return out.empty() ? "file" : out;
}

}  // namespace pupitre::course
