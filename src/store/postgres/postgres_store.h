#pragma once
// The PostgreSQL backend (several nodes share one store): libpq, one transaction per group
// commit with synchronous_commit = on (an acknowledged write is durable in PostgreSQL), writes of
// one kind sent as one multi-row statement, versioned migrations run once however many nodes
// start together. Only the application's wiring (src/app) and tests open a backend.

#include <memory>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace pupitre::store {

// How many schema migrations this program knows for PostgreSQL.
int LatestPgSchemaVersion();

// Connects to the database `conninfo` names (a libpq connection string or postgresql:// URI)
// and migrates its schema. Fails, naming the reason, if it cannot connect or the schema is newer
// than this program.
Result<std::unique_ptr<Backend>> OpenPostgres(const std::string& conninfo);

}  // namespace pupitre::store
