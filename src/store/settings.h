#pragma once
// The settings kept in the store (see common/settings.h): read from the snapshot at start-up,
// held in memory, written through the writer.

#include <map>
#include <optional>
#include <string>

#include "common/mutex.h"
#include "common/settings.h"
#include "store/writer.h"

namespace pupitre::store {

class StoredSettings final : public SettingsStore {
 public:
  // REQUIRES: `writer` outlives this. `loaded`: the settings of the snapshot.
  StoredSettings(Writer& writer, std::map<std::string, std::string> loaded)
      : writer_(writer), values_(std::move(loaded)) {}

  std::optional<std::string> Get(const std::string& key) const override;
  Status Put(const std::string& key, const std::string& value) override;
  Status Erase(const std::string& key) override;

 private:
  Writer& writer_;
  mutable Mutex mu_;
  std::map<std::string, std::string> values_ GUARDED_BY(mu_);
};

}  // namespace pupitre::store
