// The web interface: index.html and its versioned files (see static_files.h). In the status
// class: the pages are needed to wait and to take an exam, even under load.

#include <boost/beast/http.hpp>

#include "api/services.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
using bhttp::verb;

namespace {

void ServeFile(const ContextPtr& c, const StaticFile& f, bool immutable) {
  const bool fresh = c->req[bhttp::field::if_none_match] == f.etag;
  http::Response res{fresh ? bhttp::status::not_modified : bhttp::status::ok, c->req.version()};
  res.set(bhttp::field::etag, f.etag);
  res.set(bhttp::field::cache_control,
          immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.set(bhttp::field::content_type, f.content_type);
  res.set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
          "form-action 'self'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.keep_alive(c->req.keep_alive());
  res.set(bhttp::field::vary, "Accept-Encoding");
  if (!fresh) {
    const bool gzip = !f.gzip.empty() && c->req[bhttp::field::accept_encoding].find("gzip") !=
                                             std::string_view::npos;
    if (gzip) res.set(bhttp::field::content_encoding, "gzip");
    if (c->req.method() != verb::head) res.body() = gzip ? f.gzip : f.body;
  }
  c->Send(std::move(res));
}

}  // namespace

void RegisterPageRoutes(Router& router, Services& s) {
  using A = Admission;
  router.Add({verb::get, "/", "home", Access::kPublic, A::kStatus, [&s](const ContextPtr& c) {
                ServeFile(c, *s.files.Find("index.html"), false);
              }});
  router.Add({verb::get, "/static/*", "static", Access::kPublic, A::kStatus,
              [&s](const ContextPtr& c) {
                const StaticFile* f =
                    c->param(0) == "index.html" || c->param(0) == "challenge.html"
                        ? nullptr  // served at / (and by the under-attack gate) only
                        : s.files.Find(c->param(0));
                if (!f) return c->Fail(Error::NotFound("no such file"));
                // index.html asks for /static/FILE?v=VERSION: that URL never changes content.
                // Any other query (an old version, or one that merely ends like this one) is
                // revalidated.
                const std::string_view target = c->req.target();
                const size_t query = target.find('?');
                const bool versioned = query != std::string_view::npos &&
                                       target.substr(query + 1) == "v=" + s.files.version();
                ServeFile(c, *f, versioned);
              }});
}

}  // namespace pupitre::api
