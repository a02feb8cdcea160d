#include "api/status_page.h"

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <cmath>
#include <ctime>

#include "common/text.h"
#include "guard/signing.h"

namespace pupitre::api {

namespace bhttp = boost::beast::http;
using bhttp::verb;

namespace {

constexpr std::string_view kStyle =
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1b1b1b}main{max-width:40rem;margin:2rem auto;padding:0 1rem}h1{color:#0b4f9c}"
    ".state{border-left:6px solid #1d6b1d;padding:.6rem 1rem;background:#e8f3e8}"
    ".state.busy{border-color:#8a4b00;background:#fff3cd}"
    ".state.under_attack,.state.restarting{border-color:#a00000;background:#fbe9e9}"
    ".muted{color:#555}.incident{border-left:6px solid #0b4f9c;padding:.4rem 1rem;"
    "margin:.5rem 0;background:#eef3fb;white-space:pre-line}"
    ".incident.warning{border-color:#8a4b00;background:#fff3cd}"
    ".incident.critical{border-color:#a00000;background:#fbe9e9}"
    ".incident.resolved{border-color:#1d6b1d;background:#e8f3e8}";

struct Words {
  const char* lang;
  const char* title;
  const char* operational;
  const char* busy;
  const char* under_attack;
  const char* restarting;
  const char* login_line;     // {n} {time}
  const char* rooms;          // {n} {rate}
  const char* updated;        // {time}
  const char* other;          // link to the other language
  // Updating by itself is the reader's choice (WCAG 2.2.1: no time limit they cannot turn off):
  const char* refresh_on;     // the link that turns it on
  const char* refresh_off;    // what it does, and the link that turns it off
  const char* incidents;      // heading
  const char* resolved;       // before a resolved incident's text
  const char* since;          // {time}
};

constexpr Words kEn{
    "en",
    "Pupitre: status",
    "Everything is working.",
    "Many people are arriving at once. Pupitre lets everyone in, in order: keep your page open, "
    "it goes on by itself.",
    "Pupitre is receiving a flood of traffic and is protecting itself. Students who are logged "
    "in keep working; new visitors pass a short browser check first.",
    "Pupitre is restarting. Keep your page open: your answers are kept and it reconnects by "
    "itself.",
    "Logging in: {n} in line, about {time} for a newcomer.",
    "Starting an exam: {n} waiting, admitted at {rate} a second.",
    "Updated {time} ({zone}).",
    "<a href=\"/status?lang=fr\" lang=\"fr\">Version française</a>",
    "<a href=\"/status?lang=en&amp;refresh=on\">Keep this page up to date (every 15 s)</a>",
    "This page updates itself every 15 s. <a href=\"/status?lang=en\">Stop updating it</a>",
    "Messages from the operators",
    "Resolved:",
    "since {time} ({zone})"};

constexpr Words kFr{
    "fr",
    "Pupitre : état du service",
    "Tout fonctionne.",
    "Beaucoup de monde arrive en même temps. Pupitre fait entrer chacun dans l'ordre : gardez "
    "votre page ouverte, elle continue d'elle-même.",
    "Pupitre reçoit un afflux de trafic et se protège. Les élèves connectés continuent de "
    "travailler ; les nouveaux visiteurs passent d'abord une courte vérification du navigateur.",
    "Pupitre redémarre. Gardez votre page ouverte : vos réponses sont conservées et elle se "
    "reconnecte d'elle-même.",
    "Connexion : {n} dans la file, environ {time} pour qui arrive.",
    "Début d'examen : {n} en attente, admis à {rate} par seconde.",
    "Mis à jour à {time} ({zone}).",
    "<a href=\"/status?lang=en\" lang=\"en\">English version</a>",
    "<a href=\"/status?lang=fr&amp;refresh=on\">Tenir cette page à jour (toutes les 15 s)</a>",
    "Cette page se met à jour toutes les 15 s. <a href=\"/status?lang=fr\">Arrêter</a>",
    "Messages des opérateurs",
    "Résolu :",
    "depuis {time} ({zone})"};

std::string Replace(std::string s, std::string_view key, const std::string& value) {
  ReplaceAll(s, key, value);
  return s;
}

std::string Duration(int64_t ms) {
  const int64_t s = std::max<int64_t>(1, (ms + 999) / 1000);
  if (s < 60) return fmt::format("{} s", s);
  return fmt::format("{} min", (s + 59) / 60);
}

// "09:00:01" in the school's zone.
std::string ClockOf(int64_t ms, const TimeZone& zone) { return zone.Iso8601(ms).substr(11, 8); }

// A sentence with its {time} (in the school's zone) and the zone's name.
std::string AtTime(const char* sentence, int64_t ms, const TimeZone& zone) {
  return Replace(Replace(sentence, "{time}", ClockOf(ms, zone)), "{zone}", zone.name());
}

// The incidents for everyone, in the page's language (or the other, if that is all there is).
std::string IncidentsHtml(const boost::json::array& incidents, const Words& w,
                          const TimeZone& zone) {
  if (incidents.empty()) return "";
  std::string out = fmt::format("<h2>{}</h2>\n", w.incidents);
  const bool fr = std::string_view(w.lang) == "fr";
  for (const auto& v : incidents) {
    const auto& i = v.as_object();
    const auto& text = i.at("text").as_object();
    std::string_view mine = text.at(fr ? "fr" : "en").as_string();
    std::string_view other = text.at(fr ? "en" : "fr").as_string();
    const bool resolved = i.at("resolved").as_bool();
    out += fmt::format(
        "<div class=\"incident {}\" role=\"status\"{}>{}{}<br><span class=\"muted\">{}</span></div>\n",
        resolved ? "resolved" : std::string(i.at("severity").as_string()),
        mine.empty() ? (fr ? " lang=\"en\"" : " lang=\"fr\"") : "",
        resolved ? std::string(w.resolved) + " " : "", HtmlEscape(mine.empty() ? other : mine),
        AtTime(w.since, i.at("posted_ms").as_int64(), zone));
  }
  return out;
}

std::string Html(const boost::json::object& j, const Words& w, const std::string& state,
                 bool refreshing, const TimeZone& zone) {
  const char* text = state == "under_attack" ? w.under_attack
                     : state == "busy"       ? w.busy
                     : state == "restarting" ? w.restarting
                                             : w.operational;
  std::string details;
  const auto& line = j.at("login_line").as_object();
  if (line.at("waiting").as_int64() > 0) {
    details += "<li>" +
               Replace(Replace(w.login_line, "{n}", std::to_string(line.at("waiting").as_int64())),
                       "{time}", Duration(line.at("eta_ms").as_int64())) +
               "</li>";
  }
  const auto& rooms = j.at("waiting_rooms").as_object();
  if (rooms.at("waiting").as_int64() > 0) {
    details += "<li>" +
               Replace(Replace(w.rooms, "{n}", std::to_string(rooms.at("waiting").as_int64())),
                       "{rate}", fmt::format("{:.1f}", rooms.at("admission_rate").to_number<double>())) +
               "</li>";
  }

  return fmt::format(
      "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "{}<title>{}</title>\n"
      "<link rel=\"icon\" href=\"data:,\">\n<style>{}</style>\n</head>\n<body>\n<main>\n"
      "<h1>{}</h1>\n<p class=\"state {}\" role=\"status\">{}</p>\n{}{}"
      "<p class=\"muted\">{} {}</p>\n<p>{}</p>\n</main>\n</body>\n</html>\n",
      w.lang, refreshing ? "<meta http-equiv=\"refresh\" content=\"15\">\n" : "", w.title,
      kStyle, w.title, state, text, details.empty() ? "" : "<ul>" + details + "</ul>\n",
      IncidentsHtml(j.at("incidents").as_array(), w, zone),
      AtTime(w.updated, j.at("updated_ms").as_int64(), zone),
      refreshing ? w.refresh_off : w.refresh_on, w.other);
}

}  // namespace

StatusPage::StatusPage(const Services& s) : s_(s) { Refresh(); }

void StatusPage::Refresh() {
  MutexLock render(refresh_mu_);
  const guard::Stats g = s_.guard.stats();
  const guard::RoomStatus rooms = s_.admissions.rooms().Totals();
  const guard::LoginLine::Stats line = s_.login_line.stats();
  const double hash_rate = std::max(s_.hashing.rate(), 0.1);
  const bool attack = s_.attack.Engaged();
  const bool refused = g.rejected() > last_rejected_;
  last_rejected_ = g.rejected();
  const std::string state = !s_.ready.load()                                  ? "restarting"
                            : attack                                          ? "under_attack"
                            : refused || line.waiting > 0 || rooms.waiting > 0 ? "busy"
                                                                              : "operational";
  const int64_t now_ms = ToUnixMs(s_.clock.Now());
  // Only what is told to everyone is public: a course's or an exam's incidents are for its
  // people, on their pages.
  boost::json::array incidents;
  for (const auto& i : s_.incidents.Current(NotifyHub::kShowResolved)) {
    if (i.scope.kind == notify::ScopeKind::kAll) incidents.push_back(notify::IncidentJson(i, false));
  }
  const int64_t line_eta_ms =
      static_cast<int64_t>(std::ceil(1000.0 * static_cast<double>(line.waiting + 1) / hash_rate));
  boost::json::object j{
      {"state", state},
      {"updated_ms", now_ms},
      {"under_attack", attack},
      {"login_line", {{"waiting", line.waiting}, {"eta_ms", line_eta_ms}}},
      {"waiting_rooms", {{"waiting", rooms.waiting}, {"admission_rate", rooms.rate}}},
      {"incidents", std::move(incidents)},
  };
  auto snap = std::make_shared<Snapshot>();
  snap->html_en = Html(j, kEn, state, false, s_.zone);
  snap->html_fr = Html(j, kFr, state, false, s_.zone);
  snap->html_en_refreshing = Html(j, kEn, state, true, s_.zone);
  snap->html_fr_refreshing = Html(j, kFr, state, true, s_.zone);
  snap->json = boost::json::serialize(j);
  snap->etag = fmt::format("\"{}\"", guard::Sha256Base64(snap->json).substr(0, 22));
  MutexLock lock(mu_);
  current_ = std::move(snap);
}

std::shared_ptr<const StatusPage::Snapshot> StatusPage::Current() const {
  MutexLock lock(mu_);
  return current_;
}

void RegisterStatusRoutes(Router& router, const StatusPage& page) {
  static const std::string csp = fmt::format(
      "default-src 'none'; style-src 'sha256-{}'; img-src data:; frame-ancestors 'none'; "
      "base-uri 'none'; form-action 'none'",
      guard::Sha256Base64(kStyle));
  auto serve = [&page](const ContextPtr& c, bool json) {
    const auto snap = page.Current();
    const bool fresh = c->req[bhttp::field::if_none_match] == snap->etag;
    http::Response res{fresh ? bhttp::status::not_modified : bhttp::status::ok, c->req.version()};
    res.set(bhttp::field::etag, snap->etag);
    res.set(bhttp::field::cache_control, "public, max-age=5");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(c->req.keep_alive());
    if (json) {
      res.set(bhttp::field::content_type, "application/json");
      if (!fresh) res.body() = snap->json;
    } else {
      // ?lang= wins; otherwise the browser's first choice.
      const std::string_view target = c->req.target();
      const std::string_view accept = c->req[bhttp::field::accept_language];
      bool fr = accept.substr(0, 2) == "fr" || accept.substr(0, 2) == "FR";
      if (target.find("lang=fr") != std::string_view::npos) fr = true;
      if (target.find("lang=en") != std::string_view::npos) fr = false;
      res.set(bhttp::field::content_type, "text/html; charset=utf-8");
      res.set(bhttp::field::vary, "Accept-Language");
      res.set("Content-Security-Policy", csp);
      // ?refresh=on: the reader asked the page to update itself.
      const bool refreshing = target.find("refresh=on") != std::string_view::npos;
      if (!fresh) {
        res.body() = refreshing ? (fr ? snap->html_fr_refreshing : snap->html_en_refreshing)
                                : (fr ? snap->html_fr : snap->html_en);
      }
    }
    if (c->req.method() == verb::head) res.body().clear();
    c->Send(std::move(res));
  };
  // Exempt, as the probes are: it must load when everything else is refused.
  router.Add({verb::get, "/status", "status_page", Access::kPublic, Admission::kExempt,
              [serve](const ContextPtr& c) { serve(c, false); }});
  router.Add({verb::get, "/status.json", "status_json", Access::kPublic, Admission::kExempt,
              [serve](const ContextPtr& c) { serve(c, true); }});
}

}  // namespace pupitre::api
