// Blobs and uploads as files on local disk. Every step that an acknowledgement depends on is
// fsynced: the file's data (fdatasync after an append, fsync before a rename) and the directory
// that names it (after a create, a rename or an unlink).

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>

#include "store/blob/blob_store.h"

namespace pupitre::store {
namespace {

constexpr size_t kUploadIdBytes = 16;
constexpr size_t kStripes = 16;

std::string Errno(std::string_view what, const std::string& path) {
  return fmt::format("{} {}: {}", what, path, std::strerror(errno));
}

// A failed open(): out of descriptors is a moment of overload (503, try again), not a fault.
Error OpenFailed(std::string_view what, const std::string& path) {
  if (errno == EMFILE || errno == ENFILE) {
    return Error::Unavailable("too many files are open at this moment: try again in a moment")
        .Because("files_busy");
  }
  return Error::Internal(Errno(what, path));
}

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int release() { return std::exchange(fd, -1); }
};

Status SyncDir(const std::string& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd < 0) return OpenFailed("open", dir);
  if (::fsync(d.fd) != 0) return Error::Internal(Errno("fsync", dir));
  return OkStatus();
}

Status WriteAll(int fd, std::string_view bytes, uint64_t offset, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::Internal(Errno("write", path));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

// The SHA-256 of an open file's bytes, read from its start.
Result<std::string> HashFile(int fd, const std::string& path, uint64_t& size) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<unsigned char, 64 * 1024> buf;
  size = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(size));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::Internal(Errno("read", path));
    }
    if (n == 0) break;
    crypto_hash_sha256_update(&state, buf.data(), static_cast<unsigned long long>(n));
    size += static_cast<uint64_t>(n);
  }
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256_final(&state, digest.data());
  std::string hex(digest.size() * 2, '\0');
  sodium_bin2hex(hex.data(), hex.size() + 1, digest.data(), digest.size());
  return hex;
}

class DiskBlobStore final : public BlobStore {
 public:
  explicit DiskBlobStore(std::string dir)
      : blobs_((std::filesystem::path(dir) / "blobs").string()),
        uploads_((std::filesystem::path(dir) / "uploads").string()) {}

  Status Init() {
    if (sodium_init() < 0) return Error::Internal("libsodium failed to initialise");
    std::error_code ec;
    for (const std::string& d : {blobs_, uploads_}) {
      std::filesystem::create_directories(d, ec);
      if (ec) return Error::Internal(fmt::format("cannot create {}: {}", d, ec.message()));
    }
    return OkStatus();
  }

  Result<std::shared_ptr<OpenBlob>> Open(std::string_view sha256) override {
    if (!IsBlobName(sha256)) return Error::NotFound("no such file");
    const std::string path = BlobPath(sha256);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.fd < 0) {
      if (errno == ENOENT) return Error::NotFound("no such file");
      return OpenFailed("open", path);
    }
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) return Error::Internal(Errno("stat", path));
    return std::make_shared<OpenBlob>(fd.release(), static_cast<uint64_t>(st.st_size),
                                      static_cast<int64_t>(st.st_mtime));
  }

  Result<BlobRef> Put(std::string_view bytes) override {
    auto id = CreateUpload(bytes.size());
    if (!id.ok()) return id.error();
    if (auto n = Append(*id, 0, bytes, bytes.size()); !n.ok()) {
      (void)DropUpload(*id);  // the error that matters is n's
      return n.error();
    }
    return Adopt(*id);
  }

  Result<std::string> CreateUpload(uint64_t /*length*/) override {
    std::array<unsigned char, kUploadIdBytes> raw;
    randombytes_buf(raw.data(), raw.size());
    std::string id(raw.size() * 2, '\0');
    sodium_bin2hex(id.data(), id.size() + 1, raw.data(), raw.size());
    const std::string path = UploadPath(id);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (fd.fd < 0) return OpenFailed("create", path);
    if (::fsync(fd.fd) != 0) return Error::Internal(Errno("fsync", path));
    if (auto s = SyncDir(uploads_); !s.ok()) return s.error();
    return id;
  }

  Result<uint64_t> UploadOffset(std::string_view id) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    struct stat st {};
    const std::string path = UploadPath(id);
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return Error::NotFound("no such upload");
      return Error::Internal(Errno("stat", path));
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Result<uint64_t> Append(std::string_view id, uint64_t offset, std::string_view bytes,
                          uint64_t length) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    std::lock_guard lock(StripeOf(id));
    const std::string path = UploadPath(id);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.fd < 0) {
      if (errno == ENOENT) return Error::NotFound("no such upload");
      return OpenFailed("open", path);
    }
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) return Error::Internal(Errno("stat", path));
    const auto have = static_cast<uint64_t>(st.st_size);
    if (auto s = CheckAppend(have, offset, bytes.size(), length); !s.ok()) return s.take_error();
    if (auto s = WriteAll(fd.fd, bytes, offset, path); !s.ok()) {
      // A part written is cut off again, so that the durable length stays what was acked.
      (void)::ftruncate(fd.fd, static_cast<off_t>(offset));
      return s.error();
    }
    if (::fdatasync(fd.fd) != 0) {
      (void)::ftruncate(fd.fd, static_cast<off_t>(offset));
      return Error::Internal(Errno("fdatasync", path));
    }
    return offset + bytes.size();
  }

  Result<BlobRef> Adopt(std::string_view id) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    std::lock_guard lock(StripeOf(id));
    const std::string path = UploadPath(id);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.fd < 0) {
      if (errno == ENOENT) return Error::NotFound("no such upload");
      return OpenFailed("open", path);
    }
    uint64_t size = 0;
    auto sha = HashFile(fd.fd, path, size);
    if (!sha.ok()) return sha.error();
    if (::fsync(fd.fd) != 0) return Error::Internal(Errno("fsync", path));
    const std::string dir = BlobDir(*sha);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::Internal(fmt::format("cannot create {}: {}", dir, ec.message()));
    const std::string target = BlobPath(*sha);
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0) {
      // The same bytes are stored already: one blob.
      if (::unlink(path.c_str()) != 0) return Error::Internal(Errno("unlink", path));
    } else if (::rename(path.c_str(), target.c_str()) != 0) {
      return Error::Internal(Errno("rename", path));
    }
    if (auto s = SyncDir(dir); !s.ok()) return s.error();
    if (auto s = SyncDir(blobs_); !s.ok()) return s.error();
    if (auto s = SyncDir(uploads_); !s.ok()) return s.error();
    return BlobRef{std::move(*sha), size};
  }

  Status DropUpload(std::string_view id) override {
    if (!IsUploadId(id)) return Error::NotFound("no such upload");
    std::lock_guard lock(StripeOf(id));
    const std::string path = UploadPath(id);
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return OkStatus();
      return Error::Internal(Errno("unlink", path));
    }
    return SyncDir(uploads_);
  }

 private:
  std::string BlobDir(std::string_view sha) const {
    return blobs_ + "/" + std::string(sha.substr(0, 2));
  }
  std::string BlobPath(std::string_view sha) const {
    return BlobDir(sha) + "/" + std::string(sha);
  }
  std::string UploadPath(std::string_view id) const { return uploads_ + "/" + std::string(id); }
  std::mutex& StripeOf(std::string_view id) {
    return stripes_[std::hash<std::string_view>()(id) % kStripes];
  }

  const std::string blobs_;
  const std::string uploads_;
  // Appends to one upload, and its adoption, one at a time (two PATCHes of a retried request).
  std::array<std::mutex, kStripes> stripes_;
};

bool IsLowerHex(std::string_view s, size_t size) {
  if (s.size() != size) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

OpenBlob::~OpenBlob() {
  if (fd_ >= 0) ::close(fd_);
}

Status CheckAppend(uint64_t have, uint64_t offset, uint64_t bytes, uint64_t length) {
  if (have != offset) {
    return Error::Conflict(fmt::format("the upload has {} bytes, not {}", have, offset))
        .Because("upload_offset", {{"offset", std::to_string(have)}});
  }
  if (bytes > length || offset > length - bytes) {
    return Error::Invalid(fmt::format("the upload is {} bytes long", length))
        .Because("upload_too_long", {{"length", std::to_string(length)}});
  }
  return OkStatus();
}

Result<std::string> ReadSmallBlob(BlobStore& blobs, std::string_view sha256, uint64_t max_bytes) {
  auto open = blobs.Open(sha256);
  if (!open.ok()) return open.take_error();
  const uint64_t size = (*open)->size();
  if (size > max_bytes) {
    return Error::Invalid(fmt::format("blob {} is larger than {} bytes", sha256, max_bytes));
  }
  std::string out(size, '\0');
  for (uint64_t at = 0; at < size;) {
    const ssize_t n = ::pread((*open)->fd(), out.data() + at, size - at, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::Internal(Errno("read", std::string(sha256)));
    if (n == 0) return Error::Internal(fmt::format("blob {} is shorter than its size", sha256));
    at += static_cast<uint64_t>(n);
  }
  return out;
}

bool IsBlobName(std::string_view s) { return IsLowerHex(s, 64); }
bool IsUploadId(std::string_view s) { return IsLowerHex(s, kUploadIdBytes * 2); }

Result<std::unique_ptr<BlobStore>> OpenDiskBlobStore(const std::string& dir) {
  auto store = std::make_unique<DiskBlobStore>(dir);
  if (auto s = store->Init(); !s.ok()) return s.error();
  return std::unique_ptr<BlobStore>(std::move(store));
}

}  // namespace pupitre::store
