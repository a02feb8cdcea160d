#include "api/file_answer.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>
#include <optional>
#include <string_view>
#include <vector>

namespace pupitre::api {
namespace {

namespace bhttp = boost::beast::http;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The entity tags of an If-Match / If-None-Match list ("*" is its own element).
std::vector<std::string_view> Tags(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view tag = Trim(list.substr(0, comma));
    if (!tag.empty()) out.push_back(tag);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

std::string_view Opaque(std::string_view tag) {  // W/"x" -> "x"
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  return tag;
}

bool StrongMatch(std::string_view list, std::string_view etag) {
  for (std::string_view t : Tags(list)) {
    if (t == "*" || (t.substr(0, 2) != "W/" && t == etag)) return true;
  }
  return false;
}

bool WeakMatch(std::string_view list, std::string_view etag) {
  for (std::string_view t : Tags(list)) {
    if (t == "*" || Opaque(t) == Opaque(etag)) return true;
  }
  return false;
}

std::optional<uint64_t> ParseUint(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Range {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};
enum class RangeKind { kNone, kOne, kUnsatisfiable };

// One "bytes=a-b", "bytes=a-" or "bytes=-n" range. Several ranges, other units or a malformed
// header: kNone (the whole file is sent, as RFC 9110 allows).
RangeKind ParseRange(std::string_view header, uint64_t size, Range& out) {
  header = Trim(header);
  if (header.substr(0, 6) != "bytes=") return RangeKind::kNone;
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return RangeKind::kNone;
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeKind::kNone;
  const std::string_view a = Trim(spec.substr(0, dash));
  const std::string_view b = Trim(spec.substr(dash + 1));
  if (a.empty()) {  // the last n bytes
    auto n = ParseUint(b);
    if (!n) return RangeKind::kNone;
    if (*n == 0 || size == 0) return RangeKind::kUnsatisfiable;
    out = {size - std::min(*n, size), size - 1};
    return RangeKind::kOne;
  }
  auto first = ParseUint(a);
  if (!first) return RangeKind::kNone;
  uint64_t last = size == 0 ? 0 : size - 1;
  if (!b.empty()) {
    auto l = ParseUint(b);
    if (!l || *l < *first) return RangeKind::kNone;
    last = std::min(*l, last);
  }
  if (*first >= size) return RangeKind::kUnsatisfiable;
  out = {*first, last};
  return RangeKind::kOne;
}

// filename="ascii" (others as _) and filename*=UTF-8''percent-encoded (RFC 6266, RFC 8187).
std::string Disposition(bool attachment, std::string_view name) {
  std::string ascii;
  std::string encoded;
  for (unsigned char c : name) {
    const bool plain = std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ' ';
    if (c < 0x80) {
      ascii.push_back(plain ? static_cast<char>(c) : '_');
    } else if (c >= 0xC0) {
      ascii.push_back('_');  // one for a character, not one per byte of it
    }
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += fmt::format("%{:02X}", c);
    }
  }
  if (ascii.empty()) ascii = "file";
  return fmt::format("{}; filename=\"{}\"; filename*=UTF-8''{}",
                     attachment ? "attachment" : "inline", ascii, encoded);
}

constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string HttpDate(int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  // IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"): what every client sends back.
  s = Trim(s);
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
  std::tm tm{};
  auto num = [&](size_t at, size_t len) { return ParseUint(s.substr(at, len)); };
  auto day = num(5, 2), year = num(12, 4), hh = num(17, 2), mm = num(20, 2), ss = num(23, 2);
  if (!day || !year || !hh || !mm || !ss || s[16] != ' ' || s[19] != ':' || s[22] != ':') {
    return std::nullopt;
  }
  const std::string_view month = s.substr(8, 3);
  auto it = std::find_if(kMonths.begin(), kMonths.end(),
                         [&](const char* m) { return month == m; });
  if (it == kMonths.end() || *day < 1 || *day > 31 || *hh > 23 || *mm > 59 || *ss > 60) {
    return std::nullopt;
  }
  tm.tm_mday = static_cast<int>(*day);
  tm.tm_mon = static_cast<int>(it - kMonths.begin());
  tm.tm_year = static_cast<int>(*year) - 1900;
  tm.tm_hour = static_cast<int>(*hh);
  tm.tm_min = static_cast<int>(*mm);
  tm.tm_sec = static_cast<int>(*ss);
  return static_cast<int64_t>(timegm(&tm));
}

MediaType MediaTypeOf(std::string_view file_name) {
  struct Entry {
    std::string_view ext;
    std::string_view type;
    bool inline_ok;
  };
  // Never inline: HTML, SVG, XML and anything unknown (they could run script as this site).
  static constexpr Entry kTypes[] = {
      {"pdf", "application/pdf", true},     {"png", "image/png", true},
      {"jpg", "image/jpeg", true},          {"jpeg", "image/jpeg", true},
      {"gif", "image/gif", true},           {"webp", "image/webp", true},
      {"mp3", "audio/mpeg", true},          {"ogg", "audio/ogg", true},
      {"oga", "audio/ogg", true},           {"wav", "audio/wav", true},
      {"m4a", "audio/mp4", true},           {"mp4", "video/mp4", true},
      {"webm", "video/webm", true},         {"ogv", "video/ogg", true},
      {"txt", "text/plain; charset=utf-8", true},
      {"csv", "text/csv; charset=utf-8", false},
      {"md", "text/markdown; charset=utf-8", false},
      {"zip", "application/zip", false},
      {"odt", "application/vnd.oasis.opendocument.text", false},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet", false},
      {"odp", "application/vnd.oasis.opendocument.presentation", false},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
       false},
      {"doc", "application/msword", false},
      {"xls", "application/vnd.ms-excel", false},
      {"ppt", "application/vnd.ms-powerpoint", false},
      {"ggb", "application/vnd.geogebra.file", false},
      {"py", "text/x-python; charset=utf-8", false},
  };
  const size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return {"application/octet-stream", false};
  std::string ext;
  for (char c : file_name.substr(dot + 1)) {
    ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  for (const Entry& e : kTypes) {
    if (e.ext == ext) return {std::string(e.type), e.inline_ok};
  }
  return {"application/octet-stream", false};
}

FileAnswer PlanFileAnswer(const http::Request& req, const FileFacts& f) {
  FileAnswer a;
  auto& h = a.header;
  h.version(req.version());
  h.keep_alive(req.keep_alive());
  h.set(bhttp::field::etag, f.etag);
  h.set(bhttp::field::last_modified, HttpDate(f.mtime_s));
  h.set(bhttp::field::cache_control, "private, no-cache");
  h.set(bhttp::field::accept_ranges, "bytes");
  const bool is_get = req.method() == bhttp::verb::get;
  const bool is_head = req.method() == bhttp::verb::head;

  auto status_only = [&](bhttp::status status) {
    h.result(status);
    h.content_length(0);
    return std::move(a);
  };

  // Preconditions, in RFC 9110's order (13.2.2).
  if (auto im = req.find(bhttp::field::if_match); im != req.end()) {
    if (!StrongMatch(im->value(), f.etag)) return status_only(bhttp::status::precondition_failed);
  } else if (auto ius = req.find(bhttp::field::if_unmodified_since); ius != req.end()) {
    if (auto d = ParseHttpDate(ius->value()); d && f.mtime_s > *d) {
      return status_only(bhttp::status::precondition_failed);
    }
  }
  if (auto inm = req.find(bhttp::field::if_none_match); inm != req.end()) {
    if (WeakMatch(inm->value(), f.etag)) {
      return status_only((is_get || is_head) ? bhttp::status::not_modified
                                             : bhttp::status::precondition_failed);
    }
  } else if (auto ims = req.find(bhttp::field::if_modified_since);
             ims != req.end() && (is_get || is_head)) {
    if (auto d = ParseHttpDate(ims->value()); d && f.mtime_s <= *d) {
      return status_only(bhttp::status::not_modified);
    }
  }

  h.set(bhttp::field::content_type, f.content_type);
  const bool shown = !f.download && MediaTypeOf(f.file_name).inline_ok;
  h.set(bhttp::field::content_disposition, Disposition(!shown, f.file_name));
  h.set("X-Content-Type-Options", "nosniff");
  // A file is never a page of this site: no script, no forms, no frames of its own. (Chromium's
  // PDF viewer is a plugin, which a sandbox forbids: PDFs get the rest of the policy only.)
  h.set("Content-Security-Policy",
        f.content_type == "application/pdf" ? "default-src 'none'; object-src 'self'"
                                            : "sandbox; default-src 'none'; img-src 'self'; "
                                              "media-src 'self'; style-src 'unsafe-inline'");

  Range range;
  RangeKind kind = RangeKind::kNone;
  if (auto r = req.find(bhttp::field::range); r != req.end() && is_get) {
    bool honour = true;
    if (auto ir = req.find(bhttp::field::if_range); ir != req.end()) {
      const std::string_view v = Trim(ir->value());
      if (!v.empty() && (v.front() == '"' || v.substr(0, 2) == "W/")) {
        honour = v == f.etag;  // a strong comparison
      } else {
        auto d = ParseHttpDate(v);
        honour = d && *d == f.mtime_s;
      }
    }
    if (honour) kind = ParseRange(r->value(), f.size, range);
  }
  if (kind == RangeKind::kUnsatisfiable) {
    h.set(bhttp::field::content_range, fmt::format("bytes */{}", f.size));
    h.erase(bhttp::field::content_disposition);
    return status_only(bhttp::status::range_not_satisfiable);
  }
  if (kind == RangeKind::kOne) {
    h.result(bhttp::status::partial_content);
    h.set(bhttp::field::content_range,
          fmt::format("bytes {}-{}/{}", range.first, range.last, f.size));
    a.offset = range.first;
    a.length = range.last - range.first + 1;
  } else {
    h.result(bhttp::status::ok);
    a.offset = 0;
    a.length = f.size;
  }
  h.content_length(a.length);
  if (is_head) a.length = 0;  // the header says what a GET would send; nothing follows
  return a;
}

}  // namespace pupitre::api
