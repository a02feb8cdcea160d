// The request path up to a handler: Beast's parser configured as the server configures it (a
// header limit, no body limit until the header is read, then the route's), the framing rule
// against request smuggling, and the router's match and captures on whatever target comes.
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/router.h"
#include "common/metrics.h"
#include "fuzz/fuzz_check.h"

namespace {

namespace bhttp = boost::beast::http;
using namespace pupitre;

api::Router& Routes() {
  static Metrics metrics;
  static api::Router* router = [] {
    auto* r = new api::Router(metrics);
    auto none = [](const api::ContextPtr&) {};
    using A = api::Admission;
    using C = api::Access;
    r->Add({bhttp::verb::get, "/", "home", C::kPublic, A::kStatus, none});
    r->Add({bhttp::verb::get, "/static/*", "static", C::kPublic, A::kStatus, none});
    r->Add({bhttp::verb::post, "/api/login", "login", C::kPublic, A::kLogin, none});
    r->Add({bhttp::verb::get, "/api/exams/*", "exam", C::kUser, A::kInteractive, none});
    r->Add({bhttp::verb::put, "/api/attempts/*/answers/*", "save", C::kStudent, A::kCritical,
            none});
    r->Add({bhttp::verb::post, "/api/exams", "import", C::kTeacher, A::kInteractive, none,
            api::Body::kUpload});
    return r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(boost::none);
  parser.eager(false);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& header = parser.get();
  // The server's framing rule: one Transfer-Encoding, exactly "chunked", and no length beside.
  const auto te = header.find(bhttp::field::transfer_encoding);
  if (te != header.end() &&
      (!boost::beast::iequals(te->value(), "chunked") ||
       header.count(bhttp::field::transfer_encoding) > 1 ||
       header.count(bhttp::field::content_length) > 0)) {
    return 0;  // 400 and closed
  }
  const api::Router::Match m = Routes().Find(header.method(), header.target());
  FUZZ_CHECK(m.route < static_cast<int32_t>(Routes().size()));
  if (m.route >= 0) {
    std::array<std::string, api::kMaxParams> params;
    Routes().Capture(m.route, header.target(), params);
    for (const auto& p : params) FUZZ_CHECK(p.find('/') == std::string::npos);
  }
  const uint64_t limit =
      m.route >= 0 && Routes().route(m.route).body == api::Body::kUpload ? 2 << 20 : 64 << 10;
  // As the server does: a declared length over the limit is 413 before any body is read (Beast
  // would otherwise reserve the whole declared length at once).
  if (parser.content_length() && *parser.content_length() > limit) return 0;
  parser.body_limit(limit);
  parser.eager(true);
  while (!ec && used < size && !parser.is_done()) {
    const size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (n == 0) break;
    used += n;
  }
  if (parser.is_done()) FUZZ_CHECK(parser.get().body().size() <= limit);
  return 0;
}
