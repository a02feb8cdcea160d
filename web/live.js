"use strict";
// A live class (#/live/COURSE/ITEM): when it is, a button that takes the person into the video
// server's meeting (a signed link from Pupitre), their place in line while the server is full
// (asked again every few seconds), a clear message while the server does not answer (tried again
// every 15 s); for the course's teachers, who joined (and a CSV of it), who is in now, ending
// the class, and its recordings.
(() => {
  const { el, t } = P;
  const enc = encodeURIComponent;
  const kEngineRetryMs = 15_000;

  const isReason = (e, reason) => !!(e && e.body && e.body.error && e.body.error.reason === reason);

  const recordingsView = async (base, box) => {
    try {
      const r = await P.api("GET", `${base}/recordings`);
      box.replaceChildren(r.recordings.length
        ? el("ul", {}, r.recordings.map((x) => el("li", {},
          el("a", { href: x.url, target: "_blank", rel: "noopener noreferrer", text: t("live.recording_item", { time: P.fmtTime(x.start_ms) }) }),
          x.published ? null : el("span", { class: "muted", text: ` · ${t("live.unpublished")}` }))))
        : el("p", { class: "muted", text: t("live.no_recordings") }));
    } catch (e) {
      if (!(e instanceof P.PageLeft)) box.replaceChildren(el("p", { class: "error", role: "alert", text: e.message }));
    }
  };

  const attendanceView = async (base, box) => {
    const r = await P.api("GET", `${base}/attendance`);
    const rows = r.students.map((s) => el("tr", {},
      el("td", { text: s.name || s.login }), el("td", { text: s.login }),
      el("td", { class: s.attended ? "ok" : "warn", text: s.attended ? (s.present ? t("live.in_now") : t("live.joined")) : t("live.absent") }),
      el("td", { text: s.attended ? P.fmtTime(s.attended.first_ms) : "" }),
      el("td", { text: s.attended ? String(s.attended.joins) : "" })));
    box.replaceChildren(
      el("p", { text: t("live.joined_count", { joined: r.joined, total: r.students.length }) }),
      el("table", { class: "grid" },
        el("caption", { class: "sr-only", text: t("live.attendance") }),
        el("thead", {}, el("tr", {}, ["col_name", "col_login", "col_state", "col_first", "col_joins"].map((k) => el("th", { scope: "col", text: t(`live.${k}`) })))),
        el("tbody", {}, rows)),
      el("p", {}, el("a", { href: `${base}/attendance.csv`, download: "", class: "button", text: t("live.att_csv") })));
  };

  P.route("#/live/:course/:item", async (courseId, itemId) => {
    const base = `/api/courses/${enc(courseId)}/live/${enc(itemId)}`;
    const v = await P.api("GET", base);
    const teacher = v.role === "teacher";
    const about = el("div", { class: "page-body" });
    about.innerHTML = v.item.html;  // rendered by the server with raw HTML dropped (cmark)
    const parts = [
      el("p", {}, el("a", { href: `#/course/${enc(courseId)}`, text: t("live.back") })),
      about,
      el("ul", { class: "rules" },
        el("li", { text: t("live.when", { time: P.fmtTime(v.start_ms), minutes: v.duration_min }) }),
        v.phase === "scheduled" ? el("li", { text: t("live.opens", { time: P.fmtTime(v.opens_ms) }) }) : null,
        v.record ? el("li", { text: t("live.recorded") }) : null,
        v.mine ? el("li", { text: t("live.you_joined", { time: P.fmtTime(v.mine.first_ms) }) }) : null),
    ];
    const state = el("p", { id: "live-state", role: "status", "aria-live": "polite" });
    const msg = el("p", { class: "error", role: "alert" });
    const join = el("button", { type: "button", class: "primary big", text: t(teacher ? "live.join_teacher" : "live.join") });
    let timer = 0;
    P.onLeave(() => clearTimeout(timer));

    const tryJoin = async () => {
      clearTimeout(timer);
      msg.textContent = "";
      join.disabled = true;
      try {
        const r = await P.api("POST", `${base}/join`);
        if (r.url) {
          state.textContent = t("live.going");
          window.location.assign(r.url);
          return;
        }
        const w = r.waiting;
        state.textContent = w.full ? t("live.full", { position: w.position })
          : t("live.waiting", { position: w.position, seconds: Math.max(1, Math.round(w.eta_ms / 1000)) });
        timer = setTimeout(tryJoin, r.retry_ms || 3000);
      } catch (e) {
        if (e instanceof P.PageLeft) return;
        if (isReason(e, "live_engine_down") || e.status === 0) {
          state.textContent = "";
          msg.textContent = t("live.engine_down", { seconds: kEngineRetryMs / 1000 });
          timer = setTimeout(tryJoin, kEngineRetryMs);
          return;
        }
        msg.textContent = e.message;
        join.disabled = false;
      }
    };
    join.addEventListener("click", tryJoin);

    if (v.phase === "ended") {
      state.textContent = t("live.ended");
      parts.push(state);
    } else if (!v.engine) {
      parts.push(el("p", { class: "warn", text: t("live.not_configured") }));
    } else if (v.phase === "scheduled" && !teacher) {
      state.textContent = t("live.not_open", { time: P.fmtTime(v.opens_ms) });
      join.disabled = true;
      parts.push(join, state);
      // The button wakes up when the class opens (if that is within the hour).
      const wait = v.opens_ms - P.serverNow();
      if (wait > 0 && wait < 3600_000) timer = setTimeout(() => { join.disabled = false; state.textContent = ""; }, wait + 500);
    } else {
      if (!v.engine_up) msg.textContent = t("live.engine_down", { seconds: kEngineRetryMs / 1000 });
      parts.push(join, state, msg);
      if (v.waiting) tryJoin();  // back on the page while in line: the place is kept
    }

    if (teacher) {
      const att = el("div", {});
      const end = el("button", { type: "button", text: t("live.end") });
      const endMsg = el("p", { class: "error", role: "alert" });
      end.addEventListener("click", async () => {
        if (!confirm(t("live.end_confirm"))) return;
        end.disabled = true;
        try { await P.api("POST", `${base}/end`); P.go(location.hash); } catch (e) { endMsg.textContent = e.message; end.disabled = false; }
      });
      parts.push(el("section", { class: "card", "aria-labelledby": "h-att" },
        el("h2", { id: "h-att", text: t("live.attendance") }),
        v.phase !== "ended" && v.engine ? el("p", { class: "muted", text: t("live.now", { present: v.present || 0, queued: v.queued || 0 }) }) : null,
        att, v.phase !== "ended" ? el("p", {}, end, endMsg) : null));
      attendanceView(base, att).catch((e) => { if (!(e instanceof P.PageLeft)) att.textContent = e.message; });
    }
    if (v.record && v.engine) {
      const recs = el("div", {});
      const show = el("button", { type: "button", text: t("live.show_recordings") });
      show.addEventListener("click", () => { show.remove(); recordingsView(base, recs); });
      parts.push(el("section", { class: "card", "aria-labelledby": "h-rec" }, el("h2", { id: "h-rec", text: t("live.recordings") }),
        v.phase === "ended" ? null : el("p", { class: "muted", text: t("live.recordings_after") }), show, recs));
    }
    return P.show(v.item.title, parts);
  });
})();
