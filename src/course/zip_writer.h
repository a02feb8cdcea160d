#pragma once
// Many stored files as one ZIP (libzip), written to a file: a teacher downloads every hand-in
// of a homework at once. Files are stored as they are (no compression: most are PDFs, images
// and videos, compressed already; the CPU stays free), read from the blob store one at a time
// (one descriptor open at once, whatever their number), never held in memory whole.
// Blocking: call it from the worker pool.

#include <string>
#include <vector>

#include "common/result.h"
#include "store/blob/blob_store.h"

namespace pupitre::course {

struct ZipEntry {
  std::string name;  // the path inside the archive (UTF-8)
  std::string blob;  // a blob's name, or empty: `text` is the entry's content
  std::string text;
};

// Writes the archive to a new file in `dir` and returns a descriptor open on it for reading;
// the file itself is already unlinked (it disappears when the descriptor is closed).
Result<int> WriteZip(store::BlobStore& blobs, const std::vector<ZipEntry>& entries,
                     const std::string& dir);

}  // namespace pupitre::course
