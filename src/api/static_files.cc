#include "api/static_files.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cstdint>

#include "api/web_assets.h"
#include "common/text.h"

namespace pupitre::api {
namespace {

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string ContentTypeOf(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".md") || ends(".toml")) return "text/plain; charset=utf-8";  // read as they are
  return "application/octet-stream";
}

// gzip at the best level: the files are compressed once, at start-up.
std::string Gzip(std::string_view in) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace

StaticFiles::StaticFiles() {
  uint64_t all = Fnv1a("pupitre");
  for (const WebFile& f : kWebFiles) all = Fnv1a(f.body, Fnv1a(f.name, all));
  version_ = fmt::format("{:012x}", all & 0xffffffffffffull);
  for (const WebFile& f : kWebFiles) {
    StaticFile out;
    out.body = std::string(f.body);
    out.content_type = ContentTypeOf(f.name);
    if (f.name == "index.html") ReplaceAll(out.body, "{{version}}", version_);
    out.etag = fmt::format("\"{:016x}\"", Fnv1a(out.body));
    out.gzip = Gzip(out.body);
    files_.emplace(std::string(f.name), std::move(out));
  }
}

const StaticFile* StaticFiles::Find(std::string_view name) const {
  auto it = files_.find(std::string(name));
  return it == files_.end() ? nullptr : &it->second;
}

size_t StaticFiles::total_bytes() const {
  size_t n = 0;
  for (const auto& [name, f] : files_) n += f.body.size();
  return n;
}

}  // namespace pupitre::api
