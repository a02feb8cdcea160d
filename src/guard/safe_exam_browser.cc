#include "guard/safe_exam_browser.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "guard/signing.h"

namespace pupitre::guard {

namespace json = boost::json;

namespace {

bool IsHexKey(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

Result<std::vector<std::string>> ReadStrings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v) return out;
  if (!v->is_array()) return Error::Internal(fmt::format("'{}' is not a list", key));
  for (const auto& x : v->as_array()) {
    if (!x.is_string() || !IsHexKey(x.as_string())) {
      return Error::Internal(fmt::format("'{}' holds a value that is not a key", key));
    }
    out.emplace_back(x.as_string());
  }
  return out;
}

// Whether `hash` is SHA-256(url + key) for one of `keys`.
bool MatchesOne(std::string_view url, std::string_view hash, const std::vector<std::string>& keys) {
  if (hash.size() != 64) return false;
  std::string lower(hash);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& k : keys) {
    std::string data(url);
    data += k;
    if (Sha256Hex(data) == lower) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<SafeExamBrowser>> SafeExamBrowser::Open(SettingsStore& settings) {
  std::unique_ptr<SafeExamBrowser> seb(new SafeExamBrowser(settings));
  auto text = settings.Get(kSetting);
  if (!text) return seb;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) {
    return Error::Internal(fmt::format("the setting {} is damaged (not a JSON object)", kSetting));
  }
  WriterLock lock(seb->mu_);
  for (const auto& [exam, keys] : v.as_object()) {
    if (!keys.is_object()) {
      return Error::Internal(fmt::format("the setting {} is damaged at '{}'", kSetting,
                                         std::string_view(exam)));
    }
    auto ck = ReadStrings(keys.as_object(), "config_keys");
    auto bek = ReadStrings(keys.as_object(), "browser_exam_keys");
    if (!ck.ok() || !bek.ok()) {
      return Error::Internal(fmt::format("the setting {} is damaged at '{}': {}", kSetting,
                                         std::string_view(exam),
                                         (!ck.ok() ? ck.error() : bek.error()).message));
    }
    SebKeys k{std::move(*ck), std::move(*bek)};
    if (!k.empty()) seb->keys_[std::string(exam)] = std::move(k);
  }
  seb->any_ = !seb->keys_.empty();
  return seb;
}

Result<SebKeys> SafeExamBrowser::Normalise(const std::vector<std::string>& config_keys,
                                           const std::vector<std::string>& browser_exam_keys) {
  SebKeys out;
  for (auto [from, to, name] : {std::tuple{&config_keys, &out.config_keys, "Config Key"},
                                std::tuple{&browser_exam_keys, &out.browser_exam_keys,
                                           "Browser Exam Key"}}) {
    if (from->size() > kMaxKeys) {
      return Error::Invalid(fmt::format("at most {} of each kind of key", kMaxKeys));
    }
    for (const auto& raw : *from) {
      std::string k;
      for (char c : raw) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (!IsHexKey(k)) {
        return Error::Invalid(fmt::format(
            "a {} is 64 hexadecimal digits (SEB shows it in its settings); '{}' is not", name,
            raw.substr(0, 80)));
      }
      if (std::find(to->begin(), to->end(), k) == to->end()) to->push_back(k);
    }
  }
  return out;
}

Status SafeExamBrowser::Set(const std::string& exam_id, const SebKeys& keys) {
  MutexLock one(write_mu_);
  return WriteLocked(exam_id, keys);
}

Status SafeExamBrowser::AddConfigKey(const std::string& exam_id, const std::string& config_key) {
  MutexLock one(write_mu_);
  SebKeys keys = KeysOf(exam_id).value_or(SebKeys{});
  if (std::find(keys.config_keys.begin(), keys.config_keys.end(), config_key) != keys.config_keys.end()) {
    return OkStatus();
  }
  if (keys.config_keys.size() >= kMaxKeys) {
    return Error::Invalid(fmt::format("this exam already has {} Config Keys: remove one first", kMaxKeys));
  }
  keys.config_keys.push_back(config_key);
  return WriteLocked(exam_id, keys);
}

Status SafeExamBrowser::WriteLocked(const std::string& exam_id, const SebKeys& keys) {
  std::map<std::string, SebKeys> next;
  {
    ReaderLock lock(mu_);
    next = keys_;
  }
  if (keys.empty()) next.erase(exam_id); else next[exam_id] = keys;
  json::object all;
  for (const auto& [exam, k] : next) {
    all[exam] = json::object{{"config_keys", Strings(k.config_keys)},
                             {"browser_exam_keys", Strings(k.browser_exam_keys)}};
  }
  if (auto s = settings_.Put(kSetting, json::serialize(all)); !s.ok()) return s;
  WriterLock lock(mu_);
  keys_ = std::move(next);
  any_ = !keys_.empty();
  return OkStatus();
}

std::optional<SebKeys> SafeExamBrowser::KeysOf(const std::string& exam_id) const {
  ReaderLock lock(mu_);
  auto it = keys_.find(exam_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

SebVerdict SafeExamBrowser::Check(const std::string& exam_id, const SebHeaders& h) const {
  if (!any()) return SebVerdict::kPass;
  ReaderLock lock(mu_);
  auto it = keys_.find(exam_id);
  if (it == keys_.end()) return SebVerdict::kPass;
  const SebKeys& k = it->second;
  if (h.config_key_hash.empty() && h.request_hash.empty()) return SebVerdict::kMissing;
  if (!k.config_keys.empty() && !MatchesOne(h.absolute_url, h.config_key_hash, k.config_keys)) {
    return SebVerdict::kWrongConfig;
  }
  if (!k.browser_exam_keys.empty() &&
      !MatchesOne(h.absolute_url, h.request_hash, k.browser_exam_keys)) {
    return SebVerdict::kWrongBrowser;
  }
  return SebVerdict::kPass;
}

}  // namespace pupitre::guard
