#pragma once
// Settings in memory (common/settings.h), for tests of what keeps them; as durable as the test.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/settings.h"

namespace pupitre::testkit {

class MemorySettings final : public SettingsStore {
 public:
  std::optional<std::string> Get(const std::string& key) const override {
    std::lock_guard lock(mu_);
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  Status Put(const std::string& key, const std::string& value) override {
    std::lock_guard lock(mu_);
    values_[key] = value;
    return OkStatus();
  }
  Status Erase(const std::string& key) override {
    std::lock_guard lock(mu_);
    values_.erase(key);
    return OkStatus();
  }
  Result<std::string> PutIfAbsent(const std::string& key, const std::string& value) override {
    std::lock_guard lock(mu_);
    return values_.emplace(key, value).first->second;
  }
  std::map<std::string, std::string> WithPrefix(const std::string& prefix) const override {
    std::lock_guard lock(mu_);
    std::map<std::string, std::string> out;
    for (auto it = values_.lower_bound(prefix); it != values_.end() && it->first.starts_with(prefix); ++it) {
      out.insert(*it);
    }
    return out;
  }
  Status Change(const std::map<std::string, std::string>& put,
                const std::vector<std::string>& erase) override {
    std::lock_guard lock(mu_);
    for (const auto& [key, value] : put) values_[key] = value;
    for (const auto& key : erase) values_.erase(key);
    return OkStatus();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> values_;
};

}  // namespace pupitre::testkit
