#pragma once
// The encrypted answer file: when the exam page cannot reach the server (or on demand), it
// offers the student a file holding their answers, encrypted to the exam, which the student or
// an invigilator uploads later (ExamService::ApplyAnswerFile).
//
// Each exam has an X25519 key pair, derived from the platform's secret (a setting) and the exam
// id, so that nothing per exam is stored; the public key travels with the attempt the page
// reads. The page encrypts as libsodium's sealed box does (an ephemeral key pair, crypto_box:
// X25519, XSalsa20-Poly1305), with the 24-byte nonce random and written in the file instead of
// derived by BLAKE2b, which the browser's library (Debian's TweetNaCl) does not have. Only the
// server can read a file; a changed byte fails its authentication and the file is refused.
// Confidential, not signed: anyone holding the public key could write one, so what it brings is
// recorded in the attempt's timeline, and accepted only until a while after the deadline.
//
// The file (JSON): {"format": "pupitre-answer-file/1", "exam_id", "attempt_id", "created_ms",
// "epk", "nonce", "box"} (base64). Inside the box, JSON: {"attempt_id", "answers": {question id:
// {"seq", "value", "at_ms"}}} where at_ms is when it was written (the server's clock as the page
// knew it).

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pupitre::exam {

struct FileAnswer {
  std::string question_id;
  int64_t seq = 0;
  boost::json::value value;
  int64_t at_ms = 0;
};

struct OpenedAnswerFile {
  std::string exam_id;
  int64_t attempt_id = 0;
  int64_t created_ms = 0;
  std::vector<FileAnswer> answers;
};

class AnswerFileKeys {
 public:
  static constexpr std::string_view kFormat = "pupitre-answer-file/1";
  static constexpr size_t kMaxFileBytes = 4 * 1024 * 1024;

  // `secret`: the platform's (at least 32 bytes; kept in the store's settings).
  explicit AnswerFileKeys(std::string secret) : secret_(std::move(secret)) {}

  // The exam's public key, base64 (what the page encrypts to).
  std::string PublicKeyBase64(std::string_view exam_id) const;
  // Opens a file of this exam; a file of another exam, changed, or malformed is refused with a
  // message that says so (422).
  Result<OpenedAnswerFile> Open(std::string_view file_text) const;
  // Writes a file as the page does (tests, and tools); empty if it cannot.
  std::string Seal(std::string_view exam_id, int64_t attempt_id, int64_t created_ms,
                   std::string_view inner_json) const;

 private:
  void KeyPair(std::string_view exam_id, unsigned char* pk, unsigned char* sk) const;
  std::string secret_;
};

}  // namespace pupitre::exam
