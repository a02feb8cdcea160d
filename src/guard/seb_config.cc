#include "guard/seb_config.h"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "guard/signing.h"

namespace pupitre::guard {

namespace {

bool IsGzip(std::string_view s) {
  return s.size() >= 2 && static_cast<uint8_t>(s[0]) == 0x1f && static_cast<uint8_t>(s[1]) == 0x8b;
}

// Inflates a gzip stream, refusing more than kMaxSebFileBytes out (a small file can expand a
// thousandfold).
Result<std::string> Gunzip(std::string_view in) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return Error::Internal("zlib: cannot start");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  char buf[16384];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > kMaxSebFileBytes) {
      inflateEnd(&z);
      return Error::Invalid(fmt::format("the file expands beyond {} MiB: not a SEB configuration",
                                        kMaxSebFileBytes >> 20));
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Error::Invalid("the file's compressed data is damaged or cut short");
  return out;
}

// Case-insensitive ordering of the Unicode Collation Algorithm's root locale, as far as setting
// names go: compare ignoring case first (punctuation before digits before letters), and only
// then lower case before upper case ("allowWlan" before "allowWLAN").
int PrimaryWeight(unsigned char c) {
  if (c >= 'a' && c <= 'z') return 300 + (c - 'a');
  if (c >= 'A' && c <= 'Z') return 300 + (c - 'A');
  if (c >= '0' && c <= '9') return 200 + (c - '0');
  if (c < 0x80) return c;       // punctuation and symbols: before digits
  return 400 + c;               // other scripts after Latin (byte order)
}

bool KeyLess(const std::string& a, const std::string& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const int wa = PrimaryWeight(static_cast<unsigned char>(a[i]));
    const int wb = PrimaryWeight(static_cast<unsigned char>(b[i]));
    if (wa != wb) return wa < wb;
  }
  if (a.size() != b.size()) return a.size() < b.size();
  for (size_t i = 0; i < n; ++i) {
    const bool la = a[i] >= 'a' && a[i] <= 'z', lb = b[i] >= 'a' && b[i] <= 'z';
    if (la != lb) return la;  // lower case first
  }
  return a < b;
}

// A JSON string as PHP's json_encode writes it with unescaped slashes and Unicode, and then
// backslashes left as they are (what Moodle hashes): quotes and control characters escaped.
void AppendString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
                    static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
          out += static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\u2028" : "\\u2029";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string Trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

class Writer {
 public:
  // Appends a value's SEB-JSON to out. False either with why() set (the document is not a
  // plist) or without (an empty dictionary, written as nothing: the caller drops it).
  bool Value(pugi::xml_node v, int depth, std::string& out) {
    if (depth > kMaxSebNesting) return Fail(fmt::format("nested deeper than {} levels", kMaxSebNesting));
    const std::string_view name = v.name();
    if (name == "dict") return Dict(v, depth, out, false);
    if (name == "array") {
      out += '[';
      bool first = true;
      for (pugi::xml_node e = v.first_child(); e; e = e.next_sibling()) {
        if (e.type() != pugi::node_element) continue;
        std::string item;
        if (!Value(e, depth + 1, item)) {
          if (!why_.empty()) return false;
          continue;  // an empty dictionary in a list is dropped too
        }
        if (!first) out += ',';
        first = false;
        out += item;
      }
      out += ']';
      return true;
    }
    const std::string text = v.child_value();
    if (name == "string") { AppendString(out, text); return true; }
    if (name == "true" || name == "false") { out += name; return true; }
    if (name == "integer") {
      const std::string t = Trimmed(text);
      int64_t n = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
      if (ec != std::errc() || p != t.data() + t.size()) return Fail(fmt::format("'{}' is not an integer", t));
      out += std::to_string(n);
      return true;
    }
    if (name == "real") {
      const std::string t = Trimmed(text);
      double d = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(d)) {
        return Fail(fmt::format("'{}' is not a number", t));
      }
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);  // shortest text that reads back the same
      out.append(buf, r.ptr);
      return true;
    }
    if (name == "date") {
      // plist dates are UTC, "YYYY-MM-DDTHH:MM:SSZ"; ISO 8601 with its offset written out.
      std::string t = Trimmed(text);
      if (t.size() != 20 || t[10] != 'T' || t[19] != 'Z') return Fail(fmt::format("'{}' is not a plist date", t));
      t.pop_back();
      AppendString(out, t + "+00:00");
      return true;
    }
    if (name == "data") {
      std::string compact;
      for (char ch : text) {
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') compact += ch;
      }
      std::string bin(compact.size(), '\0');
      size_t len = 0;
      if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), compact.data(),
                            compact.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
        return Fail("a <data> value is not Base64");
      }
      std::string b64(sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL), '\0');
      sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(bin.data()), len,
                        sodium_base64_VARIANT_ORIGINAL);
      b64.resize(std::strlen(b64.c_str()));
      AppendString(out, b64);
      return true;
    }
    return Fail(fmt::format("<{}> is not a plist value", name));
  }

  // A dictionary, keys sorted; nothing written (false) when it holds nothing after dropping.
  bool Dict(pugi::xml_node d, int depth, std::string& out, bool top) {
    std::vector<std::pair<std::string, std::string>> entries;
    for (pugi::xml_node k = d.first_child(); k; k = k.next_sibling()) {
      if (k.type() != pugi::node_element) continue;
      if (std::string_view(k.name()) != "key") return Fail(fmt::format("<{}> where a <key> was expected", k.name()));
      pugi::xml_node v = k.next_sibling();
      while (v && v.type() != pugi::node_element) v = v.next_sibling();
      if (!v) return Fail(fmt::format("the key '{}' has no value", k.child_value()));
      std::string key = k.child_value();
      k = v;
      if (top && key == "originatorVersion") continue;
      if (top && key == "startURL") start_url_ = v.child_value();
      if (top && key == "sendBrowserExamKey") sends_keys_ = std::string_view(v.name()) == "true";
      std::string value;
      if (!Value(v, depth + 1, value)) {
        if (!why_.empty()) return false;
        continue;  // an empty dictionary: dropped with its key
      }
      entries.emplace_back(std::move(key), std::move(value));
    }
    if (entries.empty() && !top) return false;
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return KeyLess(a.first, b.first); });
    out += '{';
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i) out += ',';
      AppendString(out, entries[i].first);
      out += ':';
      out += entries[i].second;
    }
    out += '}';
    return true;
  }

  const std::string& why() const { return why_; }
  const std::string& start_url() const { return start_url_; }
  bool sends_keys() const { return sends_keys_; }

 private:
  bool Fail(std::string why) {
    if (why_.empty()) why_ = std::move(why);
    return false;
  }
  std::string why_;
  std::string start_url_;
  bool sends_keys_ = false;
};

Result<std::pair<std::string, Writer>> Convert(std::string_view xml) {
  pugi::xml_document doc;
  // No DOCTYPE processing, no entities beyond XML's five: nothing in the file reaches out.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype, pugi::encoding_utf8);
  if (!parsed) {
    return Error::Invalid(fmt::format("not a SEB configuration: the XML is not well formed ({} at byte {})",
                                      parsed.description(), parsed.offset));
  }
  pugi::xml_node plist = doc.child("plist");
  pugi::xml_node top = plist ? plist.child("dict") : pugi::xml_node();
  if (!top) return Error::Invalid("not a SEB configuration: no <plist> with a <dict> of settings");
  Writer w;
  std::string json;
  if (!w.Dict(top, 0, json, true)) {
    return Error::Invalid(fmt::format("not a SEB configuration: {}", w.why()));
  }
  return std::pair{std::move(json), std::move(w)};
}

}  // namespace

Result<std::string> SebJson(std::string_view plist_xml) {
  auto r = Convert(plist_xml);
  if (!r.ok()) return r.take_error();
  return std::move(r->first);
}

Result<SebConfig> ReadSebConfig(std::string_view file) {
  if (file.size() > kMaxSebFileBytes) {
    return Error::Make(ErrorCode::kTooLarge,
                       fmt::format("a SEB configuration is at most {} MiB", kMaxSebFileBytes >> 20));
  }
  std::string data(file);
  // Up to two gzip layers with a prefix between them (file -> "plnd" + gzip(XML)).
  for (int layer = 0; layer < 3; ++layer) {
    if (IsGzip(data)) {
      auto inflated = Gunzip(data);
      if (!inflated.ok()) return inflated.take_error();
      data = std::move(*inflated);
      continue;
    }
    const std::string_view prefix = std::string_view(data).substr(0, 4);
    if (prefix == "plnd") {
      data.erase(0, 4);
      continue;
    }
    if (prefix == "pswd" || prefix == "pwcc") {
      return Error::Invalid(
          "this .seb file is encrypted with a password, which Pupitre does not read: save the same "
          "settings again without a password in SEB's configuration tool and upload that copy (the "
          "Config Key is the same), or paste the Config Key that SEB shows");
    }
    if (prefix == "pkhs" || prefix == "phsk") {
      return Error::Invalid(
          "this .seb file is encrypted with a certificate, which Pupitre does not read: save the "
          "same settings again without encryption in SEB's configuration tool and upload that copy "
          "(the Config Key is the same), or paste the Config Key that SEB shows");
    }
    break;
  }
  auto r = Convert(data);
  if (!r.ok()) return r.take_error();
  SebConfig c;
  c.seb_json = std::move(r->first);
  c.config_key = Sha256Hex(c.seb_json);
  c.start_url = r->second.start_url();
  c.sends_keys = r->second.sends_keys();
  return c;
}

}  // namespace pupitre::guard
