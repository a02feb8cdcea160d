// Outages waiting for the operator's answer (exam.outage_compensation = "ask"): what happened
// and to how many attempts, and the answer (give the time back, or not).

#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "api/json_io.h"
#include "api/services.h"
#include "exam/outages.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using bhttp::verb;

namespace {

// GET /api/admin/outages: {"pending": [{"from_ms","to_ms","attempts"}]}.
void Pending(Services& s, const ContextPtr& c) {
  auto list = exam::PendingOutages(s.settings);
  if (!list.ok()) return c->Fail(list.error());
  json::array out;
  for (const auto& o : *list) {
    out.push_back(json::object{{"from_ms", o.from_ms},
                               {"to_ms", o.to_ms},
                               {"attempts", s.exams.CountInterrupted(o.from_ms, o.to_ms)}});
  }
  c->Json(200, {{"policy", s.config.exam.outage_compensation}, {"pending", std::move(out)}});
}

// POST /api/admin/outages {"give_back": true|false}: the answer, for every pending outage.
void Decide(Services& s, const ContextPtr& c) {
  auto body = ParseObject(c->req.body());
  if (!body.ok()) return c->Fail(body.error());
  const json::value* give = body->if_contains("give_back");
  if (!give || !give->is_bool()) {
    return c->Fail(Error::BadRequest("'give_back' must be true (give the time back) or false"));
  }
  auto list = exam::PendingOutages(s.settings);
  if (!list.ok()) return c->Fail(list.error());
  if (list->empty()) return c->Fail(Error::Conflict("no outage is waiting for an answer"));
  boost::asio::post(s.workers, [&s, c, give_back = give->as_bool()] {
    auto r = exam::DecidePendingOutages(s.settings, s.exams, give_back);
    // The exam pages read their attempt again: their countdown moves (or they close).
    if (r.ok()) {
      for (const auto& e : s.exams.ExamsFor(exam::Caller{0, true, true})) {
        s.hub.AttemptsChanged(e->spec->id, {});
      }
    }
    c->Later([c, r = std::move(r), give_back] {
      if (!r.ok()) return c->Fail(r.error());
      c->Json(200, {{"given_back", give_back}, {"attempts_extended", *r}});
    });
  });
}

}  // namespace

void RegisterOutageRoutes(Router& router, Services& s) {
  router.Add({verb::get, "/api/admin/outages", "outages", Access::kAdmin, Admission::kStatus,
              Bind(s, Pending)});
  router.Add({verb::post, "/api/admin/outages", "outages_decide", Access::kAdmin,
              Admission::kInteractive, Bind(s, Decide)});
}

}  // namespace pupitre::api
