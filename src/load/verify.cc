// `pupitre load verify`: every save the server acknowledged during a run must be there, at its
// latest value (or a newer one).
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <fstream>
#include <map>

#include "load/engine.h"
#include "load/fetch.h"

namespace pupitre::load {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;


Result<VerifyReport> Verify(const std::string& ledger_path, const Target& target,
                            const std::string& exam_id, const std::string& login,
                            const std::string& password) {
  // The latest acknowledged save per (attempt, question).
  std::ifstream in(ledger_path);
  if (!in) return Error::Invalid(ledger_path + ": cannot be read");
  std::map<std::pair<int64_t, std::string>, LedgerEntry> latest;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    json::error_code ec;
    auto v = json::parse(line, ec);
    if (ec || !v.is_object() || !v.as_object().contains("attempt_id")) {
      return Error::Invalid(fmt::format("{}:{}: not a ledger entry", ledger_path, line_no));
    }
    LedgerEntry e{v.at("attempt_id").as_int64(), std::string(v.at("question_id").as_string()),
                  v.at("seq").as_int64(), json::serialize(v.at("value"))};
    auto& slot = latest[{e.attempt_id, e.question_id}];
    if (e.seq > slot.seq) slot = e;
  }

  auto session = FetchText(target, bhttp::verb::post, "/api/login", "",
                       json::serialize(json::object{{"login", login}, {"password", password}}));
  if (!session.ok()) return session.take_error();
  const std::string token(json::parse(*session).at("token").as_string());
  auto attempts = FetchText(target, bhttp::verb::get, fmt::format("/api/exams/{}/attempts", exam_id),
                        token, "");
  if (!attempts.ok()) return attempts.take_error();
  const json::value all = json::parse(*attempts);
  std::map<int64_t, const json::object*> by_id;
  for (const auto& a : all.at("attempts").as_array()) {
    by_id[a.at("id").as_int64()] = &a.at("answers").as_object();
  }

  VerifyReport report;
  for (const auto& [key, e] : latest) {
    ++report.checked;
    auto it = by_id.find(e.attempt_id);
    const json::value* held = it == by_id.end() ? nullptr : it->second->if_contains(e.question_id);
    if (!held) {
      report.problems.push_back(fmt::format("attempt {} question {}: acknowledged seq {} is missing",
                                            e.attempt_id, e.question_id, e.seq));
      continue;
    }
    const int64_t seq = held->at("seq").as_int64();
    if (seq < e.seq) {
      report.problems.push_back(fmt::format(
          "attempt {} question {}: holds seq {}, older than the acknowledged seq {}",
          e.attempt_id, e.question_id, seq, e.seq));
    } else if (seq == e.seq && json::serialize(held->at("value")) != e.value_json) {
      report.problems.push_back(fmt::format(
          "attempt {} question {}: seq {} holds {} instead of the acknowledged {}", e.attempt_id,
          e.question_id, seq, json::serialize(held->at("value")), e.value_json));
    }
  }
  return report;
}

}  // namespace pupitre::load
