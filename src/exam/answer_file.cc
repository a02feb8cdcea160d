#include "exam/answer_file.h"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <sodium.h>

#include <vector>

namespace pupitre::exam {

namespace json = boost::json;

namespace {

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool Unbase64(std::string_view text, std::vector<unsigned char>& out) {
  out.resize(text.size());
  size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  out.resize(len);
  return true;
}

Error Refused(std::string_view why) {
  return Error::Invalid(fmt::format("this answer file cannot be read: {}", why));
}

}  // namespace

void AnswerFileKeys::KeyPair(std::string_view exam_id, unsigned char* pk, unsigned char* sk) const {
  // seed = HMAC-SHA256(secret, "answer-file:" + exam id)
  unsigned char seed[crypto_box_SEEDBYTES];
  static_assert(crypto_box_SEEDBYTES == crypto_auth_hmacsha256_BYTES);
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret_.data()),
                              secret_.size());
  const std::string label = "answer-file:" + std::string(exam_id);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(label.data()),
                                label.size());
  crypto_auth_hmacsha256_final(&st, seed);
  crypto_box_seed_keypair(pk, sk, seed);
  sodium_memzero(seed, sizeof seed);
}

std::string AnswerFileKeys::PublicKeyBase64(std::string_view exam_id) const {
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  KeyPair(exam_id, pk, sk);
  sodium_memzero(sk, sizeof sk);
  return Base64(pk, sizeof pk);
}

std::string AnswerFileKeys::Seal(std::string_view exam_id, int64_t attempt_id, int64_t created_ms,
                                 std::string_view inner_json) const {
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  KeyPair(exam_id, pk, sk);
  unsigned char epk[crypto_box_PUBLICKEYBYTES], esk[crypto_box_SECRETKEYBYTES];
  crypto_box_keypair(epk, esk);
  unsigned char nonce[crypto_box_NONCEBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::vector<unsigned char> box(crypto_box_MACBYTES + inner_json.size());
  const int rc = crypto_box_easy(box.data(), reinterpret_cast<const unsigned char*>(inner_json.data()),
                                 inner_json.size(), nonce, pk, esk);
  sodium_memzero(esk, sizeof esk);
  sodium_memzero(sk, sizeof sk);
  if (rc != 0) return {};  // only for a key of small order: never ours
  return json::serialize(json::object{{"format", kFormat},
                                      {"exam_id", exam_id},
                                      {"attempt_id", attempt_id},
                                      {"created_ms", created_ms},
                                      {"epk", Base64(epk, sizeof epk)},
                                      {"nonce", Base64(nonce, sizeof nonce)},
                                      {"box", Base64(box.data(), box.size())}});
}

Result<OpenedAnswerFile> AnswerFileKeys::Open(std::string_view file_text) const {
  if (file_text.size() > kMaxFileBytes) return Refused("it is too large");
  boost::system::error_code ec;
  json::value v = json::parse(file_text, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  if (!o) return Refused("it is not an answer file (not JSON)");
  auto str = [&](std::string_view k) -> const json::string* {
    const json::value* x = o->if_contains(k);
    return x ? x->if_string() : nullptr;
  };
  const json::string* format = str("format");
  if (!format || *format != kFormat) return Refused("it is not a Pupitre answer file");
  const json::string* exam = str("exam_id");
  const json::value* attempt = o->if_contains("attempt_id");
  const json::value* created = o->if_contains("created_ms");
  const json::string *epk_b64 = str("epk"), *nonce_b64 = str("nonce"), *box_b64 = str("box");
  if (!exam || !attempt || !attempt->is_int64() || !created || !created->is_int64() ||
      !epk_b64 || !nonce_b64 || !box_b64) {
    return Refused("a field is missing");
  }
  std::vector<unsigned char> epk, nonce, box;
  if (!Unbase64(*epk_b64, epk) || epk.size() != crypto_box_PUBLICKEYBYTES ||
      !Unbase64(*nonce_b64, nonce) || nonce.size() != crypto_box_NONCEBYTES ||
      !Unbase64(*box_b64, box) || box.size() < crypto_box_MACBYTES) {
    return Refused("it is damaged");
  }
  unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
  KeyPair(std::string_view(*exam), pk, sk);
  std::string inner(box.size() - crypto_box_MACBYTES, '\0');
  const int rc = crypto_box_open_easy(reinterpret_cast<unsigned char*>(inner.data()), box.data(),
                                      box.size(), nonce.data(), epk.data(), sk);
  sodium_memzero(sk, sizeof sk);
  if (rc != 0) return Refused("it was changed after it was written, or it is not for this exam");
  json::value in = json::parse(inner, ec);
  const json::object* io = ec ? nullptr : in.if_object();
  const json::value* answers = io ? io->if_contains("answers") : nullptr;
  const json::value* inner_attempt = io ? io->if_contains("attempt_id") : nullptr;
  if (!answers || !answers->is_object() || !inner_attempt ||
      *inner_attempt != *attempt) {
    return Refused("its content is not what the exam page writes");
  }
  OpenedAnswerFile out;
  out.exam_id = std::string(*exam);
  out.attempt_id = attempt->as_int64();
  out.created_ms = created->as_int64();
  for (const auto& [qid, a] : answers->as_object()) {
    const json::object* ao = a.if_object();
    if (!ao || !ao->contains("seq") || !ao->at("seq").is_int64() || !ao->contains("at_ms") ||
        !ao->at("at_ms").is_int64() || !ao->contains("value")) {
      return Refused(fmt::format("the answer to '{}' is malformed", std::string_view(qid)));
    }
    out.answers.push_back({std::string(qid), ao->at("seq").as_int64(), ao->at("value"),
                           ao->at("at_ms").as_int64()});
  }
  return out;
}

}  // namespace pupitre::exam
