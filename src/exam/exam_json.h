#pragma once
// The canonical form of an exam: its model (ExamSpec, key included) as JSON, versioned. This is
// what the store keeps, whatever format the teacher imported (TOML, GIFT, Moodle XML, QTI), so
// that loading needs no importer and a settings change rewrites no teacher's file.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "common/result.h"
#include "exam/exam.h"

namespace pupitre::exam {

// The exam as canonical JSON text ({"v":1, ...}). Deterministic: the same spec, the same text.
std::string ToCanonicalJson(const ExamSpec& spec);

// The exam back from ToCanonicalJson's text. Fails (kInvalid) on anything else: the store's
// copy is damaged, or written by a newer program.
Result<ExamSpec> FromCanonicalJson(std::string_view text);

// One question in the same form ({"v":1, "id", "type", ...}, key included), and back: what a
// course's question bank keeps of each of its questions.
boost::json::object ToCanonicalQuestion(const Question& q);
Result<Question> FromCanonicalQuestion(const boost::json::object& o);

}  // namespace pupitre::exam
