#include "store/settings.h"

namespace pupitre::store {

std::optional<std::string> StoredSettings::Get(const std::string& key) const {
  MutexLock lock(mu_);
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Status StoredSettings::Put(const std::string& key, const std::string& value) {
  std::vector<WriteOp> ops;
  ops.push_back(op::PutSetting{key, value});
  if (auto s = writer_.WriteNow(std::move(ops)); !s.ok()) return s;
  MutexLock lock(mu_);
  values_[key] = value;
  return OkStatus();
}

Status StoredSettings::Erase(const std::string& key) {
  std::vector<WriteOp> ops;
  ops.push_back(op::DeleteSetting{key});
  if (auto s = writer_.WriteNow(std::move(ops)); !s.ok()) return s;
  MutexLock lock(mu_);
  values_.erase(key);
  return OkStatus();
}

std::map<std::string, std::string> StoredSettings::WithPrefix(const std::string& prefix) const {
  MutexLock lock(mu_);
  std::map<std::string, std::string> out;
  for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.starts_with(prefix); ++it) {
    out.insert(*it);
  }
  return out;
}

Status StoredSettings::Change(const std::map<std::string, std::string>& put,
                              const std::vector<std::string>& erase) {
  std::vector<WriteOp> ops;
  ops.reserve(put.size() + erase.size());
  for (const auto& [key, value] : put) ops.push_back(op::PutSetting{key, value});
  for (const auto& key : erase) ops.push_back(op::DeleteSetting{key});
  if (ops.empty()) return OkStatus();
  if (auto s = writer_.WriteNow(std::move(ops)); !s.ok()) return s;
  MutexLock lock(mu_);
  for (const auto& [key, value] : put) values_[key] = value;
  for (const auto& key : erase) values_.erase(key);
  return OkStatus();
}

Result<std::string> StoredSettings::PutIfAbsent(const std::string& key,
                                                const std::string& value) {
  std::vector<WriteOp> ops;
  ops.push_back(op::AddSetting{key, value});
  if (auto s = writer_.WriteNow(std::move(ops)); !s.ok()) return s.take_error();
  // Committed: whichever node's value was first is the store's now.
  auto stored = backend_.GetSetting(key);
  if (!stored.ok()) return stored.take_error();
  if (!*stored) return Error::Internal("the setting " + key + " is not stored after its write");
  MutexLock lock(mu_);
  values_[key] = **stored;
  return **stored;
}

void StoredSettings::Absorb(const std::map<std::string, std::string>& now,
                            const std::vector<std::string>& erased) {
  std::vector<std::pair<std::string, std::optional<std::string>>> heard;
  {
    MutexLock lock(mu_);
    for (const auto& [key, value] : now) {
      auto [it, added] = values_.try_emplace(key, value);
      if (!added && it->second == value) continue;
      it->second = value;
      heard.emplace_back(key, value);
    }
    for (const auto& key : erased) {
      if (values_.erase(key) > 0) heard.emplace_back(key, std::nullopt);
    }
  }
  if (listener_) {
    for (const auto& [key, value] : heard) listener_(key, value);
  }
}

}  // namespace pupitre::store
