#pragma once
// The SQLite schema as numbered migrations, applied in order at opening; PRAGMA user_version
// holds how many have run (a store newer than the program refuses to open).
// Never edit a shipped migration: append a new one.

#include <span>

namespace pupitre::store {

extern const std::span<const char* const> kMigrations;

}  // namespace pupitre::store
