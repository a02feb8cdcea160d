"use strict";
// The operator's live page of load, read every 2 s from /metrics (the figures Prometheus
// scrapes): rates and latency percentiles are computed from the difference of two readings.
(() => {
  const { el, t } = P;

  // Prometheus text -> [{name, labels: {...}, value}].
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split("\n")) {
      if (!line || line[0] === "#") continue;
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      if (m[2]) for (const [, k, v] of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      out.push({ name: m[1], labels, value: Number(m[3]) });
    }
    return out;
  }
  const sum = (ms, name, pred = () => true) => ms.filter((m) => m.name === name && pred(m.labels)).reduce((a, m) => a + m.value, 0);
  // Cumulative buckets of a histogram, summed over its label sets: {le: count}.
  function buckets(ms, name) {
    const b = new Map();
    for (const m of ms) if (m.name === `${name}_bucket`) b.set(m.labels.le, (b.get(m.labels.le) || 0) + m.value);
    return b;
  }
  // The q-quantile of the observations between two readings, as the upper bound of its bucket.
  function quantile(before, after, q) {
    const les = [...after.keys()].sort((a, b) => (a === "+Inf" ? 1 : b === "+Inf" ? -1 : Number(a) - Number(b)));
    const total = (after.get("+Inf") || 0) - (before.get("+Inf") || 0);
    if (total <= 0) return null;
    for (const le of les) if ((after.get(le) || 0) - (before.get(le) || 0) >= q * total) return le === "+Inf" ? Infinity : Number(le);
    return null;
  }
  const ms = (seconds) => (seconds === null ? "–" : seconds === Infinity ? "> 10 s" : `≤ ${P.fmtNumber(seconds * 1000, 1)} ms`);

  P.route("#/operator", async () => {
    const cards = {};
    const card = (key) => (cards[key] = el("dd", { id: `op-${key}`, text: "–" }));
    const keys = ["rps", "errors", "p50", "p99", "connections", "attempts", "commit_p99", "batch", "queue", "waiting", "admit_rate", "limit", "queued", "saves"];
    const history = el("tbody");
    const state = el("p", { class: "muted", role: "status" });
    let previous = null;
    const rows = [];
    const read = async () => {
      let text;
      try {
        const r = await fetch("/metrics", { cache: "no-store" });
        text = await r.text();
      } catch (e) {
        state.textContent = t("op.unreachable");
        return;
      }
      const now = Date.now();
      const m = parseMetrics(text);
      const cur = {
        at: now,
        requests: sum(m, "pupitre_http_requests_total"),
        errors: sum(m, "pupitre_http_requests_total", (l) => l.status >= "500"),
        saves: sum(m, "pupitre_answers_saved_total"),
        latency: buckets(m, "pupitre_http_request_duration_seconds"),
        commit: buckets(m, "pupitre_writer_commit_seconds"),
        batchSum: sum(m, "pupitre_writer_batch_size_sum"),
        batchCount: sum(m, "pupitre_writer_batch_size_count"),
      };
      cards.connections.textContent = P.fmtNumber(sum(m, "pupitre_open_connections"));
      cards.attempts.textContent = P.fmtNumber(sum(m, "pupitre_attempts_in_progress"));
      cards.queue.textContent = P.fmtNumber(sum(m, "pupitre_writer_queue_depth"));
      cards.waiting.textContent = P.fmtNumber(sum(m, "pupitre_waiting_room_waiting"));
      cards.admit_rate.textContent = `${P.fmtNumber(sum(m, "pupitre_waiting_room_rate"), 1)} /s`;
      cards.limit.textContent = `${P.fmtNumber(sum(m, "pupitre_guard_in_flight"))} / ${P.fmtNumber(sum(m, "pupitre_guard_limit"))}`;
      cards.queued.textContent = P.fmtNumber(sum(m, "pupitre_guard_queued"));
      if (previous) {
        const dt = (cur.at - previous.at) / 1000;
        const rps = (cur.requests - previous.requests) / dt;
        const p99 = quantile(previous.latency, cur.latency, 0.99);
        cards.rps.textContent = P.fmtNumber(rps, 1);
        cards.errors.textContent = P.fmtNumber((cur.errors - previous.errors) / dt, 1);
        cards.saves.textContent = P.fmtNumber((cur.saves - previous.saves) / dt, 1);
        cards.p50.textContent = ms(quantile(previous.latency, cur.latency, 0.5));
        cards.p99.textContent = ms(p99);
        cards.commit_p99.textContent = ms(quantile(previous.commit, cur.commit, 0.99));
        const batches = cur.batchCount - previous.batchCount;
        cards.batch.textContent = batches > 0 ? P.fmtNumber((cur.batchSum - previous.batchSum) / batches, 1) : "–";
        rows.unshift(el("tr", {}, el("td", { text: P.fmtClock(cur.at) }), el("td", { text: P.fmtNumber(rps, 1) }), el("td", { text: ms(p99) }),
          el("td", { text: cards.connections.textContent }), el("td", { text: cards.attempts.textContent })));
        rows.length = Math.min(rows.length, 15);
        history.replaceChildren(...rows);
      }
      previous = cur;
      state.textContent = t("op.updated", { time: P.fmtClock(now) });
    };
    const rooms = waitingRooms();
    const attack = underAttack();
    const incidents = P.incidentsPanel();
    const outage = outages();
    const timer = setInterval(() => { read(); rooms.refresh(); attack.refresh(); outage.refresh(); }, 2000);
    P.onLeave(() => clearInterval(timer));
    P.show(t("op.title"), outage.section, el("p", { class: "muted", text: t("op.help") }),
      el("dl", { class: "figures wide" }, keys.map((k) => el("div", {}, el("dt", { text: t(`op.${k}`) }), card(k)))),
      state,
      incidents.section,
      await P.announcementsPanel("", true),
      sessionsAhead(),
      rooms.section,
      attack.section,
      el("h2", { text: t("op.history") }),
      el("table", {}, el("thead", {}, el("tr", {}, ["op.time", "op.rps", "op.p99", "op.connections", "op.attempts"].map((k) => el("th", { scope: "col", text: t(k) })))), history));
    await Promise.all([read(), rooms.refresh(), attack.refresh(), incidents.refresh(), outage.refresh()]);
  }, { roles: ["admin"] });

  // Before an exam: how many of its students already hold a session valid at its opening
  // (they will not log in at 9:00), and how many on a remembered device.
  function sessionsAhead() {
    const exam = el("input", { id: "op-sessions-exam", type: "text", autocomplete: "off" });
    const out = el("p", { id: "op-sessions", role: "status" });
    const err = P.errorBox();
    const count = el("button", { type: "button", text: t("op.sessions_count") });
    count.addEventListener("click", async () => {
      out.textContent = err.textContent = "";
      try {
        const r = await P.api("GET", `/api/admin/exams/${encodeURIComponent(exam.value.trim())}/sessions`);
        out.textContent = t("op.sessions_result", { n: P.fmtNumber(r.with_session), total: P.fmtNumber(r.students), remembered: P.fmtNumber(r.remembered), login: P.fmtNumber(r.students - r.with_session) });
      } catch (e) { err.textContent = e.message; }
    });
    return el("section", { "aria-labelledby": "h-sessions" }, el("h2", { id: "h-sessions", text: t("op.sessions") }),
      el("p", { class: "muted", text: t("op.sessions_help") }),
      el("p", {}, el("label", { for: "op-sessions-exam", text: t("op.exam") }), " ", exam, " ", count), out, err);
  }

  // Outages waiting for an answer (exam.outage_compensation = "ask"): give the time back or not.
  function outages() {
    const text = el("p", { id: "op-outage", role: "alert" });
    const done = el("p", { role: "status" });
    const err = P.errorBox();
    const give = el("button", { type: "button", class: "primary", text: t("op.outage_give") });
    const keep = el("button", { type: "button", text: t("op.outage_keep") });
    const section = el("section", { "aria-labelledby": "h-outage", hidden: true }, el("h2", { id: "h-outage", text: t("op.outage") }), text, give, keep, err, done);
    const answer = async (give_back) => {
      err.textContent = "";
      give.disabled = keep.disabled = true;  // one answer
      try {
        const r = await P.api("POST", "/api/admin/outages", { give_back });
        done.textContent = give_back ? t("op.outage_given", { count: P.fmtNumber(r.attempts_extended) }) : t("op.outage_kept");
        await refresh();
      } catch (e) { err.textContent = e.message; }
      give.disabled = keep.disabled = false;
    };
    give.addEventListener("click", () => answer(true));
    keep.addEventListener("click", () => answer(false));
    async function refresh() {
      let r;
      try { r = await P.api("GET", "/api/admin/outages"); } catch (e) { return; }
      section.hidden = r.pending.length === 0 && !done.textContent;
      give.hidden = keep.hidden = r.pending.length === 0;
      text.textContent = r.pending.map((o) => t("op.outage_text", { from: P.fmtClock(o.from_ms), to: P.fmtClock(o.to_ms), minutes: P.fmtNumber(Math.max(1, Math.round((o.to_ms - o.from_ms) / 60000))), count: P.fmtNumber(o.attempts) })).join(" ");
    }
    return { section, refresh };
  }

  // The under-attack switch (off, on, automatic) and what the meter sees.
  function underAttack() {
    const help = el("p", { class: "muted" });
    const mode = el("select", { id: "op-attack-mode" },
      ["auto", "on", "off"].map((m) => el("option", { value: m, text: t(`op.attack_${m}`) })));
    const state = el("p", { id: "op-attack-state", role: "status" });
    const done = el("p", { role: "status" });
    const err = P.errorBox();
    let shown = null;  // the mode last read: the select follows it unless the operator changed it
    const show = (r) => {
      help.textContent = t("op.attack_help", { rate: P.fmtNumber(r.auto_anonymous_rate) });
      state.textContent = t("op.attack_state", { state: t(r.engaged ? "op.attack_engaged" : "op.attack_idle"), rate: P.fmtNumber(r.anonymous_rate, 1) });
      state.className = r.engaged ? "warn" : "muted";
      if (shown === null || mode.value === shown) mode.value = r.mode;
      shown = r.mode;
    };
    const apply = el("button", { type: "button", text: t("op.attack_apply") });
    apply.addEventListener("click", async () => {
      done.textContent = err.textContent = "";
      try {
        const r = await P.api("PUT", "/api/admin/attack", { mode: mode.value });
        shown = null;
        show(r);
        done.textContent = t("op.attack_done", { mode: t(`op.attack_${r.mode}`) });
      } catch (e) {
        err.textContent = e.message;
      }
    });
    async function refresh() {
      try { show(await P.api("GET", "/api/admin/attack")); } catch (e) { /* said above */ }
    }
    const section = el("section", { "aria-labelledby": "h-attack" },
      el("h2", { id: "h-attack", text: t("op.attack") }), help,
      el("p", {}, el("label", { for: "op-attack-mode", text: t("op.attack_mode") }), " ", mode, " ", apply),
      state, err, done);
    return { section, refresh };
  }

  // The waiting rooms of every exam someone arrived for, and the operator's hands on them:
  // pause and resume admission, cap its rate, let one student through at once. The table is
  // refreshed every 2 s; the controls below it are not, so what is being typed stays.
  function waitingRooms() {
    const body = el("tbody");
    const none = el("p", { class: "muted", text: t("op.rooms_none") });
    const exam = el("select", { id: "op-room-exam" });
    const maxRate = el("input", { id: "op-max-rate", type: "number", min: "0.01", step: "any", inputmode: "decimal" });
    const login = el("input", { id: "op-let-login", type: "text", autocomplete: "off" });
    const done = el("p", { role: "status" });
    const err = P.errorBox();
    const controls = el("div", { hidden: true },
      el("p", {}, el("label", { for: "op-room-exam", text: t("op.exam") }), " ", exam));
    const act = async (what, path, payload, message) => {
      done.textContent = "";
      err.textContent = "";
      try {
        const r = await P.api(what, path, payload);
        done.textContent = message(r);
        await refresh();
      } catch (e) {
        err.textContent = e.message;
      }
    };
    const base = () => `/api/admin/exams/${encodeURIComponent(exam.value)}`;
    const button = (key, onClick) => {
      const b = el("button", { type: "button", text: t(key) });
      b.addEventListener("click", onClick);
      return b;
    };
    controls.append(
      el("p", {},
        button("op.pause", () => act("PUT", `${base()}/admission`, { paused: true }, () => t("op.done_paused", { exam: titleOf(exam.value) }))), " ",
        button("op.resume", () => act("PUT", `${base()}/admission`, { paused: false }, () => t("op.done_resumed", { exam: titleOf(exam.value) })))),
      el("p", {}, el("label", { for: "op-max-rate", text: t("op.max_rate") }), " ", maxRate, " ",
        button("op.apply", () => {
          const rate = Number(maxRate.value);
          if (!(rate >= 0.01)) { err.textContent = t("op.bad_rate"); return; }
          act("PUT", `${base()}/admission`, { max_rate: rate }, (r) => t("op.done_rate", { rate: P.fmtNumber(r.max_rate, 2) }));
        })),
      el("p", {}, el("label", { for: "op-let-login", text: t("op.let_login") }), " ", login, " ",
        button("op.let_through", () => {
          const who = login.value.trim();
          if (!who) { err.textContent = t("op.need_login"); return; }
          act("POST", `${base()}/let-through`, { login: who }, (r) => t("op.done_let", { login: who, attempt: r.attempt_id }));
        })),
      err, done);
    const table = el("table", { hidden: true },
      el("thead", {}, el("tr", {}, ["op.exam", "op.room_waiting", "op.room_admitted", "op.room_rate", "op.room_state"].map((k) => el("th", { scope: "col", text: t(k) })))),
      body);
    const titles = new Map();
    const titleOf = (id) => titles.get(id) || id;
    async function refresh() {
      let list;
      try {
        list = (await P.api("GET", "/api/admin/admission")).rooms;
      } catch (e) {
        return;  // the load figures above already say when the server is unreachable
      }
      for (const r of list) titles.set(r.exam_id, r.title || r.exam_id);
      body.replaceChildren(...list.map((r) => el("tr", { "data-exam": r.exam_id },
        el("th", { scope: "row" }, r.title || r.exam_id, r.opens_ms ? el("br") : null,
          r.opens_ms ? el("span", { class: "muted", text: `${P.fmtTime(r.opens_ms)} – ${P.fmtTime(r.closes_ms)}` }) : null),
        el("td", { text: P.fmtNumber(r.waiting) }),
        el("td", { text: P.fmtNumber(r.admitted) }),
        el("td", { text: t("op.rate_of", { rate: P.fmtNumber(r.rate, 2), max: P.fmtNumber(r.max_rate, 2) }) }),
        el("td", { text: t(r.paused ? "op.state_paused" : "op.state_open") }))));
      // The exam list changes rarely: rebuilt only then, keeping the selection.
      const ids = list.map((r) => r.exam_id);
      if ([...exam.options].map((o) => o.value).join() !== ids.join()) {
        const keep = exam.value;
        exam.replaceChildren(...ids.map((id) => el("option", { value: id, text: `${titleOf(id)} (${id})` })));
        if (ids.includes(keep)) exam.value = keep;
      }
      table.hidden = controls.hidden = list.length === 0;
      none.hidden = list.length > 0;
    }
    const section = el("section", { "aria-labelledby": "h-rooms" },
      el("h2", { id: "h-rooms", text: t("op.rooms") }), none, table, controls);
    return { section, refresh };
  }
})();
