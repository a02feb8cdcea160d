#pragma once
// The PostgreSQL schema's migrations, applied in order; the table pupitre_schema holds how many
// have run. Never edit a shipped migration: append a new one. Internal to store/postgres.

#include <span>

namespace pupitre::store {

extern const std::span<const char* const> kPgMigrations;

}  // namespace pupitre::store
