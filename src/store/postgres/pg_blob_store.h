#pragma once
// Blobs and uploads shared by the nodes of a cluster, in PostgreSQL (store/blob/blob_store.h):
// an upload's appends are rows (so its next part may reach any node), a blob's bytes are rows
// too, in parts of at most 1 MiB, and each node keeps the blobs it serves on its own disk (the
// local store given), fetched from PostgreSQL the first time it opens one. A blob or an
// append is durable in PostgreSQL when the call returns.

#include <memory>
#include <string>

#include "common/result.h"
#include "store/blob/blob_store.h"

namespace pupitre::store {

// REQUIRES: `local` is this node's disk store (its cache of blobs, and where an upload is
// assembled when adopted).
Result<std::unique_ptr<BlobStore>> OpenPostgresBlobStore(const std::string& conninfo,
                                                         std::unique_ptr<BlobStore> local);

}  // namespace pupitre::store
