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
    const timer = setInterval(read, 2000);
    P.onLeave(() => clearInterval(timer));
    P.show(t("op.title"), el("p", { class: "muted", text: t("op.help") }),
      el("dl", { class: "figures wide" }, keys.map((k) => el("div", {}, el("dt", { text: t(`op.${k}`) }), card(k)))),
      state,
      el("h2", { text: t("op.history") }),
      el("table", {}, el("thead", {}, el("tr", {}, ["op.time", "op.rps", "op.p99", "op.connections", "op.attempts"].map((k) => el("th", { scope: "col", text: t(k) })))), history));
    await read();
  });
})();
