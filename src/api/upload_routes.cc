// Resumable uploads, the tus 1.0.0 protocol (core, creation and termination extensions;
// https://tus.io/protocols/resumable-upload): a file is sent in parts, each durable when
// answered, so that an upload broken by a weak line, a closed laptop or a server restart resumes
// where it stopped. A finished upload is used by naming it (a course file, a hand-in), which
// adopts it into the blob store.
//
//   POST   /api/uploads        Upload-Length, Upload-Metadata (filename) -> 201 Location
//   HEAD   /api/uploads/ID     -> Upload-Offset, Upload-Length
//   PATCH  /api/uploads/ID     Upload-Offset, application/offset+octet-stream -> 204 Upload-Offset
//   DELETE /api/uploads/ID     -> 204
//   OPTIONS /api/uploads       -> Tus-Version, Tus-Extension, Tus-Max-Size
//
// A part is at most [course] upload_chunk_kib (413 beyond). An upload is its maker's: anyone
// else is told it does not exist. Disk work runs on the worker pool.

#include <sodium.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <charconv>
#include <string>

#include "api/errors.h"
#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
using bhttp::verb;

namespace {

constexpr std::string_view kTusVersion = "1.0.0";

http::Response TusResponse(const ContextPtr& c, bhttp::status status) {
  http::Response res{status, c->req.version()};
  res.keep_alive(c->req.keep_alive());
  res.set("Tus-Resumable", kTusVersion);
  res.set(bhttp::field::cache_control, "no-store");
  return res;
}

// A refusal in the API's error shape, with Tus-Resumable (tus clients read the status).
void TusFail(const ContextPtr& c, const Error& e) {
  http::Response res = http::MakeJsonResponse(c->req, HttpStatusOf(e.code), ErrorBody(e));
  res.set("Tus-Resumable", kTusVersion);
  if (e.reason == "upload_offset") {
    for (const auto& [k, v] : e.params) {
      if (k == "offset") res.set("Upload-Offset", v);
    }
  }
  res.prepare_payload();
  c->Send(std::move(res));
}

// Every tus request but OPTIONS names the protocol's version; another version: 412.
bool CheckVersion(const ContextPtr& c) {
  if (c->req["Tus-Resumable"] == kTusVersion) return true;
  http::Response res = TusResponse(c, bhttp::status::precondition_failed);
  res.set("Tus-Version", kTusVersion);
  res.content_length(0);
  c->Send(std::move(res));
  return false;
}

std::optional<uint64_t> HeaderNumber(const ContextPtr& c, std::string_view name) {
  auto it = c->req.find(name);
  if (it == c->req.end()) return std::nullopt;
  const std::string_view v = it->value();
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return n;
}

// The "filename" of Upload-Metadata: "key base64,key base64,...".
std::string MetadataFileName(std::string_view metadata) {
  while (!metadata.empty()) {
    const size_t comma = metadata.find(',');
    std::string_view pair = metadata.substr(0, comma);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t space = pair.find(' ');
    if (pair.substr(0, space) == "filename" && space != std::string_view::npos) {
      const std::string_view b64 = pair.substr(space + 1);
      std::string out(b64.size(), '\0');
      size_t len = 0;
      if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                            b64.size(), nullptr, &len, nullptr,
                            sodium_base64_VARIANT_ORIGINAL) == 0) {
        out.resize(len);
        return course::CleanFileName(out);
      }
      return "";
    }
    if (comma == std::string_view::npos) break;
    metadata.remove_prefix(comma + 1);
  }
  return "";
}

// OPTIONS /api/uploads
void Options(Services& s, const ContextPtr& c) {
  http::Response res = TusResponse(c, bhttp::status::no_content);
  res.set("Tus-Version", kTusVersion);
  res.set("Tus-Extension", "creation,termination");
  res.set("Tus-Max-Size", std::to_string(s.uploads.max_length()));
  c->Send(std::move(res));
}

// POST /api/uploads
void Create(Services& s, const ContextPtr& c) {
  if (!CheckVersion(c)) return;
  const auto length = HeaderNumber(c, "Upload-Length");
  if (!length) {
    return TusFail(c, Error::BadRequest("Upload-Length is needed (a deferred length is not "
                                        "supported)"));
  }
  const std::string name = MetadataFileName(c->req["Upload-Metadata"]);
  const int64_t user = c->who->user_id;
  if (auto st = s.uploads.CheckBegin(user, static_cast<int64_t>(*length), name); !st.ok()) {
    return TusFail(c, st.error());
  }
  boost::asio::post(s.workers, [&s, c, user, length = *length, name] {
    auto id = s.blobs.CreateUpload(length);
    Status begun = id.ok() ? s.uploads.Begin(*id, user, static_cast<int64_t>(length), name)
                           : Status(id.error());
    if (!begun.ok() && id.ok()) (void)s.blobs.DropUpload(*id);  // the error that matters: begun
    c->Later([c, id = std::move(id), begun] {
      if (!begun.ok()) return TusFail(c, begun.error());
      http::Response res = TusResponse(c, bhttp::status::created);
      res.set(bhttp::field::location, "/api/uploads/" + *id);
      res.set("Upload-Offset", "0");
      res.content_length(0);
      c->Send(std::move(res));
    });
  });
}

// HEAD (and GET) /api/uploads/ID: how much of it is stored.
void Offset(Services& s, const ContextPtr& c) {
  if (!CheckVersion(c)) return;
  auto up = s.uploads.Find(c->param(0), c->who->user_id);
  if (!up) return TusFail(c, Error::NotFound("no such upload").Because("no_upload"));
  auto offset = s.blobs.UploadOffset(up->id);
  if (!offset.ok()) return TusFail(c, offset.error());
  http::Response res = TusResponse(c, bhttp::status::ok);
  res.set("Upload-Offset", std::to_string(*offset));
  res.set("Upload-Length", std::to_string(up->length));
  res.content_length(0);
  c->Send(std::move(res));
}

// PATCH /api/uploads/ID: one more part.
void Append(Services& s, const ContextPtr& c) {
  if (!CheckVersion(c)) return;
  if (c->req[bhttp::field::content_type] != "application/offset+octet-stream") {
    return c->Send([&] {
      http::Response res = http::MakeJsonResponse(
          c->req, 415,
          ErrorBody(Error::BadRequest("a part is sent as application/offset+octet-stream")));
      res.set("Tus-Resumable", kTusVersion);
      res.prepare_payload();
      return res;
    }());
  }
  const auto offset = HeaderNumber(c, "Upload-Offset");
  if (!offset) return TusFail(c, Error::BadRequest("Upload-Offset is needed"));
  auto up = s.uploads.Find(c->param(0), c->who->user_id);
  if (!up) return TusFail(c, Error::NotFound("no such upload").Because("no_upload"));
  boost::asio::post(s.workers, [&s, c, id = up->id, length = up->length, offset = *offset] {
    auto now = s.blobs.Append(id, offset, c->req.body(), static_cast<uint64_t>(length));
    c->Later([c, now] {
      if (!now.ok()) return TusFail(c, now.error());
      http::Response res = TusResponse(c, bhttp::status::no_content);
      res.set("Upload-Offset", std::to_string(*now));
      c->Send(std::move(res));
    });
  });
}

// DELETE /api/uploads/ID: given up.
void Terminate(Services& s, const ContextPtr& c) {
  if (!CheckVersion(c)) return;
  auto up = s.uploads.Find(c->param(0), c->who->user_id);
  if (!up) return TusFail(c, Error::NotFound("no such upload").Because("no_upload"));
  boost::asio::post(s.workers, [&s, c, id = up->id] {
    Status st = s.blobs.DropUpload(id);
    if (st.ok()) st = s.uploads.Finish(id);
    c->Later([c, st] {
      if (!st.ok()) return TusFail(c, st.error());
      c->Send(TusResponse(c, bhttp::status::no_content));
    });
  });
}

}  // namespace

void RegisterUploadRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::options, "/api/uploads", "upload_options", Access::kPublic, A::kInteractive,
              Bind(s, Options)});
  router.Add({verb::post, "/api/uploads", "upload_create", Access::kUser, A::kInteractive,
              Bind(s, Create)});
  router.Add({verb::get, "/api/uploads/*", "upload_offset", Access::kUser, A::kInteractive,
              Bind(s, Offset)});
  router.Add({verb::patch, "/api/uploads/*", "upload_append", Access::kUser, A::kInteractive,
              Bind(s, Append), Body::kChunk});
  router.Add({verb::delete_, "/api/uploads/*", "upload_terminate", Access::kUser,
              A::kInteractive, Bind(s, Terminate)});
}

}  // namespace pupitre::api
