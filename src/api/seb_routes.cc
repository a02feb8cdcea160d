// Safe Exam Browser: a teacher makes an exam require it (the keys SEB shows), and the check
// every student request of that exam goes through.

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "api/json_io.h"
#include "api/seb_gate.h"
#include "api/services.h"
#include "guard/seb_config.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

std::string AbsoluteUrl(const Services& s, const Context& c) {
  return fmt::format("{}://{}{}", c.IsHttps(s.config.server.secure_cookies) ? "https" : "http",
                     std::string_view(c.req[bhttp::field::host]), std::string_view(c.req.target()));
}

bool RefusedBySeb(Services& s, const ContextPtr& c, const std::string& exam_id) {
  if (!s.seb.any() || c->caller().is_teacher) return false;
  const std::string url = AbsoluteUrl(s, *c);
  const guard::SebVerdict v = s.seb.Check(
      exam_id, {url, c->req["X-SafeExamBrowser-ConfigKeyHash"], c->req["X-SafeExamBrowser-RequestHash"]});
  if (v == guard::SebVerdict::kPass) return false;
  const char* why =
      v == guard::SebVerdict::kMissing
          ? "this exam must be taken in Safe Exam Browser: open it with the configuration your "
            "teacher gave you"
      : v == guard::SebVerdict::kWrongConfig
          ? "Safe Exam Browser is not using the configuration of this exam: open the exam with "
            "the configuration file your teacher gave you"
          : "this version or copy of Safe Exam Browser is not the one allowed for this exam: "
            "ask your teacher which one to use";
  json::object error{{"code", "seb_required"},
                     {"reason", v == guard::SebVerdict::kMissing       ? "missing"
                                : v == guard::SebVerdict::kWrongConfig ? "wrong_config_key"
                                                                       : "wrong_browser_exam_key"},
                     {"message", why},
                     {"exam_id", exam_id}};
  c->Send(http::MakeJsonResponse(c->req, 403, json::serialize(json::object{{"error", std::move(error)}})));
  return true;
}

namespace {

json::object KeysJson(const std::string& exam_id, const std::optional<guard::SebKeys>& k) {
  json::array ck, bek;
  if (k) {
    for (const auto& x : k->config_keys) ck.emplace_back(x);
    for (const auto& x : k->browser_exam_keys) bek.emplace_back(x);
  }
  return json::object{{"exam_id", exam_id},
                      {"required", k.has_value()},
                      {"config_keys", std::move(ck)},
                      {"browser_exam_keys", std::move(bek)}};
}

Result<std::vector<std::string>> KeyList(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v) return out;
  if (!v->is_array()) return Error::BadRequest(fmt::format("'{}' must be a list of keys", key));
  if (v->as_array().size() > guard::SafeExamBrowser::kMaxKeys) {
    return Error::Invalid(fmt::format("at most {} keys in '{}'", guard::SafeExamBrowser::kMaxKeys, key));
  }
  for (const auto& x : v->as_array()) {
    if (!x.is_string() || x.as_string().size() > 200) {
      return Error::BadRequest(fmt::format("'{}' must be a list of keys", key));
    }
    out.emplace_back(x.as_string());
  }
  return out;
}

void GetSeb(Services& s, const ContextPtr& c) {
  if (!s.exams.Manages(c->caller(), c->param(0))) {
    return c->Fail(Error::NotFound(fmt::format("no exam '{}' of yours", c->param(0))));
  }
  c->Json(200, KeysJson(c->param(0), s.seb.KeysOf(c->param(0))));
}

// PUT /api/exams/ID/seb {"config_keys": [...], "browser_exam_keys": [...]}; both empty: lifted.
void PutSeb(Services& s, const ContextPtr& c) {
  if (!s.exams.Manages(c->caller(), c->param(0))) {
    return c->Fail(Error::NotFound(fmt::format("no exam '{}' of yours", c->param(0))));
  }
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  auto ck = KeyList(*body, "config_keys");
  if (!ck.ok()) return c->Fail(ck.error());
  auto bek = KeyList(*body, "browser_exam_keys");
  if (!bek.ok()) return c->Fail(bek.error());
  auto keys = guard::SafeExamBrowser::Normalise(*ck, *bek);
  if (!keys.ok()) return c->Fail(keys.error());
  boost::asio::post(s.workers, [&s, c, keys = std::move(*keys)] {
    Status st = s.seb.Set(c->param(0), keys);
    c->Later([&s, c, st] {
      if (!st.ok()) return c->Fail(st.error());
      c->Json(200, KeysJson(c->param(0), s.seb.KeysOf(c->param(0))));
    });
  });
}

// POST /api/exams/ID/seb/config, the body a .seb file: its Config Key is computed and added to
// the exam's (the Browser Exam Keys stay as they are).
void UploadSebConfig(Services& s, const ContextPtr& c) {
  if (!s.exams.Manages(c->caller(), c->param(0))) {
    return c->Fail(Error::NotFound(fmt::format("no exam '{}' of yours", c->param(0))));
  }
  boost::asio::post(s.workers, [&s, c] {
    auto read = guard::ReadSebConfig(c->req.body());
    Status st = OkStatus();
    guard::SebConfig file;
    if (!read.ok()) {
      st = read.take_error();
    } else if (file = std::move(*read); !file.sends_keys) {
      st = Error::Invalid(
          "this configuration does not send its keys, so every student would be refused: in SEB's "
          "configuration tool, under Exam, tick 'Use Browser Exam Key and Config Key (send in HTTP "
          "header)', save the file again and upload it");
    } else {
      st = s.seb.AddConfigKey(c->param(0), file.config_key);
    }
    c->Later([&s, c, st, file = std::move(file)] {
      if (!st.ok()) return c->Fail(st.error());
      json::object r = KeysJson(c->param(0), s.seb.KeysOf(c->param(0)));
      r["file"] = json::object{{"config_key", file.config_key}, {"start_url", file.start_url}};
      c->Json(200, std::move(r));
    });
  });
}

}  // namespace

void RegisterSebRoutes(Router& router, Services& s) {
  router.Add({verb::get, "/api/exams/*/seb", "exam_seb", Access::kTeacher, Admission::kInteractive,
              Bind(s, GetSeb)});
  router.Add({verb::put, "/api/exams/*/seb", "exam_seb_set", Access::kTeacher,
              Admission::kInteractive, Bind(s, PutSeb)});
  router.Add({verb::post, "/api/exams/*/seb/config", "exam_seb_config", Access::kTeacher,
              Admission::kInteractive, Bind(s, UploadSebConfig), Body::kUpload});
}

}  // namespace pupitre::api
