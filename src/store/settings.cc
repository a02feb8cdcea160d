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

}  // namespace pupitre::store
