#pragma once
// The settings kept in the store (see common/settings.h): read from the snapshot at start-up,
// held in memory, written through the writer.

#include <map>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/settings.h"
#include "store/store.h"
#include "store/writer.h"

namespace pupitre::store {

class StoredSettings final : public SettingsStore {
 public:
  // REQUIRES: `writer` and `backend` outlive this. `loaded`: the settings of the snapshot.
  StoredSettings(Writer& writer, Backend& backend, std::map<std::string, std::string> loaded)
      : writer_(writer), backend_(backend), values_(std::move(loaded)) {}

  std::optional<std::string> Get(const std::string& key) const override;
  Status Put(const std::string& key, const std::string& value) override;
  Status Erase(const std::string& key) override;
  Result<std::string> PutIfAbsent(const std::string& key, const std::string& value) override;
  std::map<std::string, std::string> WithPrefix(const std::string& prefix) const override;
  Status Change(const std::map<std::string, std::string>& put,
                const std::vector<std::string>& erase) override;

  // What another node changed: `now`, the values it set; `erased`, the keys it unset. Nothing
  // is written; the listener hears each key whose value changed here.
  using Listener = std::function<void(const std::string& key, const std::optional<std::string>&)>;
  void Absorb(const std::map<std::string, std::string>& now,
              const std::vector<std::string>& erased);
  // REQUIRES: set before changes are absorbed (once, at start-up).
  void OnChange(Listener listener) { listener_ = std::move(listener); }

 private:
  Writer& writer_;
  Backend& backend_;
  Listener listener_;
  mutable Mutex mu_;
  std::map<std::string, std::string> values_ GUARDED_BY(mu_);
};

}  // namespace pupitre::store
