// Outbound HTTP with libcurl (see http_call.h).
#include "outbound/http_call.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace pupitre::outbound {
namespace {

struct Sink {
  std::string* body;
  size_t limit;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  auto* sink = static_cast<Sink*>(out);
  if (sink->body->size() + size * n > sink->limit) return 0;  // too long: the transfer fails
  sink->body->append(data, size * n);
  return size * n;
}

}  // namespace

Result<HttpReply> Call(const HttpRequest& r) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Error::Unavailable("no HTTP client").Because("peer_down");
  HttpReply reply;
  Sink sink{&reply.body, r.max_reply_bytes};
  char why[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, curl_slist_free_all);
  auto add_header = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<int64_t>(r.timeout_ms, 3'000)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without signals, in threads
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  if (r.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    add_header("Content-Type: " + r.content_type);
  }
  if (!r.authorization.empty()) add_header("Authorization: " + r.authorization);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    const std::string reason = why[0] ? std::string(why) : curl_easy_strerror(rc);
    // The host only: the address may hold secrets (a signed call, a ticket).
    const size_t scheme = r.url.find("://");
    const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const std::string host = r.url.substr(start, r.url.find_first_of("/?", start) - start);
    return Error::Unavailable(fmt::format("{} does not answer: {}", host, reason))
        .Because("peer_down");
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace pupitre::outbound
