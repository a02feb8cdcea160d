"use strict";
// What the server tells every open page. Each page holds one event stream: the waiting room's,
// the live view's, or, on any other page, /api/events (opened by the shell). Whichever it is,
// the server's notification hub sends incidents through it ("incidents": all that concern this
// user, on every (re)connection; "incident": one posted or changed), and "attempt" when an
// attempt changed (time was added). Incidents are shown above the page, in its language.
(() => {
  const { el, t } = P;
  const SHOW_RESOLVED_MS = 10 * 60_000;  // as the server: a resolved incident is shown a while
  P.incidents = new Map();
  const hidden = new Set(JSON.parse(sessionStorage.getItem("pupitre.hidden-incidents") || "[]"));
  const attemptListeners = new Set();
  let pageStream = null;   // the page's own stream (waiting room, live view)
  let shellStream = null;  // /api/events, for pages without their own

  const otherLang = () => (P.lang === "fr" ? "en" : "fr");
  P.renderIncidents = () => {
    const box = document.getElementById("incidents");
    const now = P.serverNow();
    const shown = [...P.incidents.values()]
      .filter((i) => !i.resolved || (now - i.updated_ms < SHOW_RESOLVED_MS && !hidden.has(i.id)))
      .sort((a, b) => a.posted_ms - b.posted_ms);
    box.replaceChildren(...shown.map((i) => {
      const mine = i.text[P.lang];
      const hide = i.resolved ? el("button", { type: "button", class: "link", text: t("incident.hide") }) : null;
      if (hide) hide.addEventListener("click", () => {
        hidden.add(i.id);
        sessionStorage.setItem("pupitre.hidden-incidents", JSON.stringify([...hidden]));
        P.renderIncidents();
      });
      return el("div", { class: `incident ${i.resolved ? "resolved" : i.severity}`, "data-incident": String(i.id) },
        el("strong", { text: t(i.resolved ? "incident.resolved" : `incident.${i.severity}`) }), " ",
        el("span", { class: "incident-text", lang: mine ? null : otherLang(), text: mine || i.text[otherLang()] }), " ",
        el("span", { class: "muted", text: t("incident.at", { time: P.fmtClock(i.updated_ms) }) }), " ", hide);
    }));
    // The exam page's sticky bar sits below them.
    document.documentElement.style.setProperty("--incidents-h", `${box.offsetHeight}px`);
  };
  setInterval(P.renderIncidents, 30_000);  // resolved ones leave by themselves

  const listen = (source) => {
    let connected = false;
    source.addEventListener("incidents", (ev) => {
      P.incidents = new Map(JSON.parse(ev.data).incidents.map((i) => [i.id, i]));
      P.renderIncidents();
      // A reconnection: what changed meanwhile was not pushed; pages read it again.
      if (connected) for (const f of attemptListeners) f({ reconnected: true });
      connected = true;
    });
    source.addEventListener("incident", (ev) => {
      const i = JSON.parse(ev.data);
      const known = P.incidents.get(i.id);
      if (!known || known.version <= i.version) P.incidents.set(i.id, i);
      P.renderIncidents();
    });
    source.addEventListener("announcement", (ev) => {
      const a = JSON.parse(ev.data);
      // The page showing its course takes it in; any other page says it arrived.
      let taken = false;
      for (const f of announcementListeners) taken = f(a) || taken;
      if (!taken) P.announced(a);
    });
    source.addEventListener("attempt", (ev) => {
      const d = JSON.parse(ev.data);
      for (const f of attemptListeners) f(d);
    });
    return source;
  };
  const closeShell = () => {
    if (shellStream) shellStream.close();
    shellStream = null;
  };

  // The page's own event stream (closed when the page is left); incidents come through it too.
  P.stream = (url) => {
    closeShell();
    const source = listen(new EventSource(url));
    pageStream = source;
    P.onLeave(() => {
      source.close();
      if (pageStream === source) pageStream = null;
    });
    return source;
  };
  // The page gives its stream up (it polls instead): incidents come by the shell's again.
  P.dropStream = (source) => {
    source.close();
    if (pageStream === source) {
      pageStream = null;
      P.ensureStream();
    }
  };
  // Called by the router once a page is shown: a logged-in page without a stream of its own
  // gets the shell's (kept open from page to page).
  P.ensureStream = () => {
    if (!P.me) {
      closeShell();
      P.incidents.clear();
      P.renderIncidents();
      return;
    }
    if (pageStream) return closeShell();
    if (!shellStream) shellStream = listen(new EventSource("/api/events"));
  };
  // `f({exam_id})` when an attempt of that exam changed, `f({reconnected: true})` after the
  // stream came back; until the page is left.
  // `f(announcement)` for each one pushed while the page is shown; true: the page showed it.
  const announcementListeners = new Set();
  P.onAnnouncement = (f) => {
    announcementListeners.add(f);
    P.onLeave(() => announcementListeners.delete(f));
  };
  // A short notice of a new announcement, with a link to it, until it is hidden.
  P.announced = (a) => {
    const box = document.getElementById("announced");
    const where = a.course ? `#/course/${encodeURIComponent(a.course)}` : P.homeOf(P.me);
    const hide = el("button", { type: "button", class: "link", text: t("incident.hide") });
    const note = el("div", { class: "incident info announced" },
      el("strong", { text: a.course ? t("ann.new_in", { course: a.course_title }) : t("ann.new_all") }), " ",
      el("a", { href: where, text: a.title }), " ", hide);
    hide.addEventListener("click", () => note.remove());
    box.append(note);
  };
  P.onAttemptChanged = (f) => {
    attemptListeners.add(f);
    P.onLeave(() => attemptListeners.delete(f));
  };

  // ---------------------------------------------------------------- telling people
  // The form and list of incidents, for the operator (any scope) and for a teacher (their exam:
  // `examId`). Each listed incident can be corrected or resolved.
  P.incidentsPanel = ({ examId } = {}) => {
    const severity = () => el("select", {}, ["warning", "info", "critical"].map((s) => el("option", { value: s, text: t(`incident.${s}`) })));
    const sev = severity();
    const scopeKind = el("select", {}, ["all", "course", "exam"].map((k) => el("option", { value: k, text: t(`incident.scope_${k}`) })));
    const scopeId = el("input", { type: "text", autocomplete: "off" });
    const en = el("textarea", { rows: "2", maxlength: "2000", lang: "en" });
    const fr = el("textarea", { rows: "2", maxlength: "2000", lang: "fr" });
    const msg = el("p", { role: "status" });
    const list = el("div", { class: "incident-list" });
    const say = (ok, text) => { msg.className = ok ? "ok" : "error"; msg.textContent = text; };
    const scopeFields = examId ? [] : [P.field(t("incident.scope"), scopeKind), P.field(t("incident.scope_id"), scopeId)];
    const form = el("form", {}, P.field(t("incident.severity"), sev), ...scopeFields,
      P.field(t("incident.text_en"), en), P.field(t("incident.text_fr"), fr),
      el("button", { type: "submit", class: "primary", text: t("incident.post") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const scope = examId ? { kind: "exam", id: examId } : scopeKind.value === "all" ? "all" : { kind: scopeKind.value, id: scopeId.value.trim() };
      try {
        const r = await P.api("POST", "/api/incidents", { severity: sev.value, scope, text_en: en.value.trim(), text_fr: fr.value.trim() });
        say(true, t("incident.posted", { id: r.incident.id }));
        en.value = fr.value = "";
        await refresh();
      } catch (e) { say(false, e.message); }
    });
    const row = (i) => {
      const sevEdit = severity();
      sevEdit.value = i.severity;
      const enEdit = el("textarea", { rows: "2", maxlength: "2000", lang: "en", value: i.text.en });
      const frEdit = el("textarea", { rows: "2", maxlength: "2000", lang: "fr", value: i.text.fr });
      const save = el("button", { type: "button", text: t("incident.update") });
      const resolve = el("button", { type: "button", text: t("incident.resolve") });
      const change = async (body, done) => {
        try {
          await P.api("PUT", `/api/incidents/${i.id}`, body);
          say(true, done);
          await refresh();
        } catch (e) { say(false, e.message); }
      };
      save.addEventListener("click", () => change({ severity: sevEdit.value, text_en: enEdit.value.trim(), text_fr: frEdit.value.trim() }, t("incident.updated", { id: i.id })));
      resolve.addEventListener("click", () => change({ resolved: true }, t("incident.resolved_done", { id: i.id })));
      const scope = i.scope.kind === "all" ? t("incident.scope_all") : `${t(`incident.scope_${i.scope.kind}`)} ${i.scope.id}`;
      const head = el("p", {}, el("strong", { text: `#${i.id} · ${t(i.resolved ? "incident.resolved" : `incident.${i.severity}`)}` }),
        ` · ${scope} · ${t("incident.at", { time: P.fmtTime(i.updated_ms) })} · ${t("incident.versions", { count: i.version })}`);
      if (i.resolved) return el("div", { class: "card", "data-incident-row": String(i.id) }, head, el("p", { text: i.text[P.lang] || i.text[otherLang()] }));
      return el("div", { class: "card", "data-incident-row": String(i.id) }, head, P.field(t("incident.severity"), sevEdit),
        P.field(t("incident.text_en"), enEdit), P.field(t("incident.text_fr"), frEdit), save, resolve);
    };
    async function refresh() {
      try {
        const r = await P.api("GET", P.me && P.me.role === "admin" ? "/api/incidents/history" : "/api/incidents");
        const mine = r.incidents.filter((i) => !examId || (i.scope.kind === "exam" && i.scope.id === examId));
        list.replaceChildren(...(mine.length ? mine.map(row) : [el("p", { class: "muted", text: t("incident.none") })]));
      } catch (e) { /* the page says when the server is unreachable */ }
    }
    const section = el("section", { class: "card", "aria-labelledby": "h-incidents" },
      el("h2", { id: "h-incidents", text: t("incident.title") }),
      el("p", { class: "muted", text: t(examId ? "incident.help_exam" : "incident.help") }), form,
      el("h3", { text: t("incident.list") }), list);
    return { section, refresh };
  };
})();
