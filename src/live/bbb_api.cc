#include "live/bbb_api.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <pugixml.hpp>

#include <charconv>

namespace pupitre::live {

std::optional<ChecksumAlgo> ParseChecksumAlgo(std::string_view name) {
  if (name == "sha1") return ChecksumAlgo::kSha1;
  if (name == "sha256") return ChecksumAlgo::kSha256;
  if (name == "sha384") return ChecksumAlgo::kSha384;
  if (name == "sha512") return ChecksumAlgo::kSha512;
  return std::nullopt;
}

namespace {

void Encode(std::string& out, std::string_view s) {
  constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char ch : s) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
}

const EVP_MD* Digest(ChecksumAlgo algo) {
  switch (algo) {
    case ChecksumAlgo::kSha1: return EVP_sha1();
    case ChecksumAlgo::kSha256: return EVP_sha256();
    case ChecksumAlgo::kSha384: return EVP_sha384();
    case ChecksumAlgo::kSha512: return EVP_sha512();
  }
  return EVP_sha256();
}

int64_t Int(const pugi::xml_node& n, const char* child) {
  const std::string_view text = n.child_value(child);
  int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace

std::string QueryString(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    Encode(out, name);
    out.push_back('=');
    Encode(out, value);
  }
  return out;
}

std::string Checksum(ChecksumAlgo algo, std::string_view call, std::string_view query,
                     std::string_view secret) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, Digest(algo), nullptr);
  EVP_DigestUpdate(ctx, call.data(), call.size());
  EVP_DigestUpdate(ctx, query.data(), query.size());
  EVP_DigestUpdate(ctx, secret.data(), secret.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) fmt::format_to(std::back_inserter(hex), "{:02x}", md[i]);
  return hex;
}

std::string SignedUrl(std::string_view api_base, ChecksumAlgo algo, std::string_view secret,
                      std::string_view call, const Params& params) {
  const std::string query = QueryString(params);
  return fmt::format("{}{}?{}{}checksum={}", api_base, call, query, query.empty() ? "" : "&",
                     Checksum(algo, call, query, secret));
}

Result<Answer> ParseAnswer(std::string_view xml) {
  pugi::xml_document doc;
  // No DOCTYPE nor entities beyond XML's own: pugixml expands none from outside.
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype)) {
    return Error::Invalid("the server's answer is not XML");
  }
  const pugi::xml_node r = doc.child("response");
  if (!r) return Error::Invalid("the server's answer is not BigBlueButton's (no <response>)");
  Answer a;
  a.success = std::string_view(r.child_value("returncode")) == "SUCCESS";
  a.message_key = r.child_value("messageKey");
  a.message = r.child_value("message");
  a.create_time = Int(r, "createTime");
  a.running = std::string_view(r.child_value("running")) == "true";
  for (pugi::xml_node at : r.child("attendees").children("attendee")) {
    a.attendees.push_back({at.child_value("userID"), at.child_value("fullName"),
                           at.child_value("role")});
  }
  for (pugi::xml_node rec : r.child("recordings").children("recording")) {
    Recording out{rec.child_value("recordID"), Int(rec, "startTime"), Int(rec, "endTime"),
                  std::string_view(rec.child_value("published")) == "true", ""};
    if (pugi::xml_node f = rec.child("playback").child("format")) out.playback_url = f.child_value("url");
    a.recordings.push_back(std::move(out));
  }
  return a;
}

}  // namespace pupitre::live
