#pragma once
// Small named values a process keeps durably: the waiting rooms' ticket key, the operator's
// admission controls, the note that students were queued. They live in the store (backed up
// with it, shared by every node), reached through this interface by layers below the store.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace pupitre {

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;
  // The value of `key`, if set. Thread-safe.
  virtual std::optional<std::string> Get(const std::string& key) const = 0;
  // Sets `key`; durable once this returns OK (it waits for the commit: not on a hot path).
  // Thread-safe.
  virtual Status Put(const std::string& key, const std::string& value) = 0;
  // Unsets `key`, likewise.
  virtual Status Erase(const std::string& key) = 0;
  // Sets `key` unless it has a value, and returns the value it has now: with nodes sharing
  // the store, the first to set it wins everywhere (a key made once for them all). Durable
  // once this returns; thread-safe.
  virtual Result<std::string> PutIfAbsent(const std::string& key, const std::string& value) = 0;
  // Every key that starts with `prefix`, with its value (a family of keys: "bank/course/...").
  // Thread-safe.
  virtual std::map<std::string, std::string> WithPrefix(const std::string& prefix) const = 0;
  // Sets the keys of `put` and unsets those of `erase` in one write: all durable once this
  // returns OK, none if it fails. Thread-safe.
  virtual Status Change(const std::map<std::string, std::string>& put,
                        const std::vector<std::string>& erase) = 0;
};

}  // namespace pupitre
