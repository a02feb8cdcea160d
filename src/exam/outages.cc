#include "exam/outages.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace pupitre::exam {

namespace json = boost::json;

Result<std::vector<Outage>> PendingOutages(const SettingsStore& settings) {
  std::vector<Outage> out;
  auto text = settings.Get(kPendingOutagesSetting);
  if (!text) return out;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_array()) {
    return Error::Internal(fmt::format("the setting {} is damaged", kPendingOutagesSetting));
  }
  for (const auto& o : v.as_array()) {
    const json::object* obj = o.if_object();
    if (!obj || !obj->contains("from_ms") || !obj->contains("to_ms") ||
        !obj->at("from_ms").is_int64() || !obj->at("to_ms").is_int64()) {
      return Error::Internal(fmt::format("the setting {} is damaged", kPendingOutagesSetting));
    }
    out.push_back({obj->at("from_ms").as_int64(), obj->at("to_ms").as_int64()});
  }
  return out;
}

namespace {

Status Save(SettingsStore& settings, const std::vector<Outage>& list) {
  if (list.empty()) return settings.Erase(kPendingOutagesSetting);
  json::array a;
  for (const auto& o : list) a.push_back(json::object{{"from_ms", o.from_ms}, {"to_ms", o.to_ms}});
  return settings.Put(kPendingOutagesSetting, json::serialize(a));
}

// One window over every pending outage: from the first one's start to the last one's end.
void HoldFor(ExamService& exams, const std::vector<Outage>& list) {
  if (list.empty()) return exams.HoldAutoSubmit(0, 0);
  int64_t to = 0;
  for (const auto& o : list) to = std::max(to, o.to_ms);
  exams.HoldAutoSubmit(list.front().from_ms, to);
}

}  // namespace

Status HoldForPendingOutages(const SettingsStore& settings, ExamService& exams) {
  auto list = PendingOutages(settings);
  if (!list.ok()) return list.take_error();
  HoldFor(exams, *list);
  return OkStatus();
}

Status AddPendingOutage(SettingsStore& settings, ExamService& exams, Outage outage) {
  auto list = PendingOutages(settings);
  if (!list.ok()) return list.take_error();
  list->push_back(outage);
  std::sort(list->begin(), list->end(),
            [](const Outage& a, const Outage& b) { return a.from_ms < b.from_ms; });
  if (auto s = Save(settings, *list); !s.ok()) return s;
  HoldFor(exams, *list);
  return OkStatus();
}

Result<int> DecidePendingOutages(SettingsStore& settings, ExamService& exams, bool give_back) {
  // One answer at a time, and only to what is still pending (a double click gives once).
  static std::mutex one;
  std::lock_guard lock(one);
  auto list = PendingOutages(settings);
  if (!list.ok()) return list.take_error();
  if (list->empty()) return Error::Conflict("no outage is waiting for an answer");
  int given = 0;
  if (give_back) {
    for (const auto& o : *list) {
      auto n = exams.CompensateOutage(o.from_ms, o.to_ms);
      if (!n.ok()) return n.take_error();
      given += *n;
    }
  }
  if (auto s = Save(settings, {}); !s.ok()) return s.take_error();
  exams.HoldAutoSubmit(0, 0);
  return given;
}

}  // namespace pupitre::exam
