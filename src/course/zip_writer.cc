#include "course/zip_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <memory>

namespace pupitre::course {
namespace {

// A libzip source reading one blob: opened when libzip starts reading it, closed when done.
struct BlobSource {
  store::BlobStore* blobs;
  std::string name;
  uint64_t size = 0;
  std::shared_ptr<store::OpenBlob> open;
  uint64_t at = 0;
  zip_error_t error;
};

zip_int64_t ReadBlob(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  auto* s = static_cast<BlobSource*>(user);
  switch (cmd) {
    case ZIP_SOURCE_OPEN: {
      auto b = s->blobs->Open(s->name);
      if (!b.ok()) {
        zip_error_set(&s->error, ZIP_ER_OPEN, ENOENT);
        return -1;
      }
      s->open = std::move(*b);
      s->at = 0;
      return 0;
    }
    case ZIP_SOURCE_READ: {
      const ssize_t n = ::pread(s->open->fd(), data, len, static_cast<off_t>(s->at));
      if (n < 0) {
        zip_error_set(&s->error, ZIP_ER_READ, errno);
        return -1;
      }
      s->at += static_cast<uint64_t>(n);
      return n;
    }
    case ZIP_SOURCE_CLOSE:
      s->open.reset();
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = s->size;
      st->comp_size = s->size;
      st->comp_method = ZIP_CM_STORE;
      st->valid |= ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_FREE:
      zip_error_fini(&s->error);
      delete s;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                            -1);
    default:
      zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

}  // namespace

Result<int> WriteZip(store::BlobStore& blobs, const std::vector<ZipEntry>& entries,
                     const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::Internal(fmt::format("cannot create {}: {}", dir, ec.message()));
  std::string path = dir + "/zip-XXXXXX";
  const int made = ::mkstemp(path.data());
  if (made < 0) return Error::Internal(fmt::format("mkstemp {}: {}", path, std::strerror(errno)));
  ::close(made);
  int err = 0;
  zip_t* za = zip_open(path.c_str(), ZIP_TRUNCATE, &err);
  if (za == nullptr) {
    ::unlink(path.c_str());
    return Error::Internal(fmt::format("zip_open: error {}", err));
  }
  auto fail = [&](const std::string& what) -> Result<int> {
    const std::string message = fmt::format("{}: {}", what, zip_strerror(za));
    zip_discard(za);
    ::unlink(path.c_str());
    return Error::Internal(message);
  };
  for (const ZipEntry& e : entries) {
    zip_source_t* src = nullptr;
    if (e.blob.empty()) {
      // The text lives in `entries`, which outlives zip_close below.
      src = zip_source_buffer(za, e.text.data(), e.text.size(), 0);
    } else {
      auto blob = blobs.Open(e.blob);
      if (!blob.ok()) return fail("open " + e.blob);
      auto* s = new BlobSource{&blobs, e.blob, (*blob)->size(), nullptr, 0, {}};
      zip_error_init(&s->error);
      src = zip_source_function(za, ReadBlob, s);
      if (src == nullptr) {
        zip_error_fini(&s->error);
        delete s;
      }
    }
    if (src == nullptr) return fail("source for " + e.name);
    const zip_int64_t index = zip_file_add(za, e.name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(src);
      return fail("add " + e.name);
    }
    zip_set_file_compression(za, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  if (zip_close(za) != 0) return fail("write the archive");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ::unlink(path.c_str());
  if (fd < 0) return Error::Internal(fmt::format("open {}: {}", path, std::strerror(errno)));
  return fd;
}

}  // namespace pupitre::course
