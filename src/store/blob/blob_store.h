#pragma once
// Files people hand in or put in a course: content-addressed blobs, and the uploads that become
// them. One interface; on one node, files on local disk (DiskBlobStore); the multi-node store
// implements the same.
//
// A blob is named by the SHA-256 of its bytes (64 lowercase hex digits) and never changes: the
// same bytes stored twice are one blob. A blob exists once Adopt returns: its bytes, its name
// and its directory are on disk (fsynced), so an acknowledgement given after Adopt survives a
// crash.
//
// An upload is a file growing by appends, named by a random id, until it is complete: then it
// is adopted as a blob. Appends are durable when Append returns (fdatasync), so an upload
// resumes at its durable length after a crash or a restart (tus, api/upload_routes.cc).
//
// Thread: every method may be called from any thread; they block on the disk, so call them
// from the worker pool, never from an event loop.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pupitre::store {

struct BlobRef {
  std::string sha256;  // hex
  uint64_t size = 0;
};

// An open blob, read by whoever holds it (the file stays readable while open).
class OpenBlob {
 public:
  OpenBlob(int fd, uint64_t size, int64_t mtime_s) : fd_(fd), size_(size), mtime_s_(mtime_s) {}
  ~OpenBlob();
  OpenBlob(const OpenBlob&) = delete;
  OpenBlob& operator=(const OpenBlob&) = delete;
  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  int64_t mtime_s() const { return mtime_s_; }  // when the blob was first stored (Unix seconds)

 private:
  int fd_;
  uint64_t size_;
  int64_t mtime_s_;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Opens a blob for reading; kNotFound when there is none of that name.
  virtual Result<std::shared_ptr<OpenBlob>> Open(std::string_view sha256) = 0;
  // Stores `bytes` (small files: a receipt, a text hand-in) as a blob.
  virtual Result<BlobRef> Put(std::string_view bytes) = 0;

  // --- uploads
  // Starts an upload of `length` bytes; returns its id (random, URL-safe).
  virtual Result<std::string> CreateUpload(uint64_t length) = 0;
  // The durable length of an upload so far; kNotFound when there is no such upload.
  virtual Result<uint64_t> UploadOffset(std::string_view id) = 0;
  // Appends `bytes` at `offset`, which must be the upload's durable length (kConflict, reason
  // "upload_offset", otherwise); never beyond `length` (kInvalid). Returns the new length, durable.
  virtual Result<uint64_t> Append(std::string_view id, uint64_t offset, std::string_view bytes,
                                  uint64_t length) = 0;
  // Turns a complete upload into a blob (hashing it on the way) and forgets the upload.
  virtual Result<BlobRef> Adopt(std::string_view id) = 0;
  // Forgets an upload (given up, or expired).
  virtual Status DropUpload(std::string_view id) = 0;
};

// Blobs under `dir`/blobs/ab/abcdef... and uploads under `dir`/uploads/. Creates them.
Result<std::unique_ptr<BlobStore>> OpenDiskBlobStore(const std::string& dir);

// Whether `bytes` more may be appended at `offset` to an upload of `length` that has `have`
// durably: kConflict (reason "upload_offset", the offset to resume at) or kInvalid (reason
// "upload_too_long") otherwise. Every store answers the upload route the same way.
Status CheckAppend(uint64_t have, uint64_t offset, uint64_t bytes, uint64_t length);

// A small blob's bytes whole (a question's picture for a package): kNotFound when there is
// none, kInvalid when it is larger than `max_bytes`.
Result<std::string> ReadSmallBlob(BlobStore& blobs, std::string_view sha256, uint64_t max_bytes);

// Whether `s` is a blob name: 64 lowercase hex digits.
bool IsBlobName(std::string_view s);
// Whether `s` is an upload id as CreateUpload makes them.
bool IsUploadId(std::string_view s);

}  // namespace pupitre::store
