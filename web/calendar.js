"use strict";
// The calendar (#/calendar): homework due times (with one's extra time, and whether it is handed
// in), live classes and exam windows, coming first; and the private address of the same calendar for a phone's
// calendar app (iCalendar), which can be replaced when it was shared by mistake.
(() => {
  const { el, t } = P;

  P.route("#/calendar", async () => {
    const r = await P.api("GET", "/api/calendar");
    const now = P.serverNow();
    const soon = r.events.filter((e) => e.end_ms >= now - 24 * 3600_000);
    const past = r.events.length - soon.length;
    const row = (e) => el("li", { class: "event" },
      el("strong", { text: e.kind === "homework" ? t("cal.due", { time: P.fmtTime(e.end_ms) })
        : e.kind === "live" ? t("cal.live", { time: P.fmtTime(e.start_ms) })
          : t("cal.exam", { from: P.fmtTime(e.start_ms), to: P.fmtTime(e.end_ms) }) }),
      " ", el("a", { href: e.page, text: e.title }), e.course ? el("span", { class: "muted", text: ` · ${e.course}` }) : null,
      e.state ? el("span", { class: e.state === "missing" ? "warn" : "ok", text: ` · ${t(`hw.state_${e.state}`)}` }) : null);
    const list = soon.length ? el("ul", { class: "events" }, soon.map(row)) : el("p", { text: t("cal.none") });
    const address = el("p", { class: "feed" });
    const msg = el("p", { role: "status" });
    const showLink = (path) => {
      const url = `${location.origin}${path}`;
      address.replaceChildren(el("input", { type: "text", readonly: true, value: url, "aria-label": t("cal.address"), class: "wide" }), " ",
        el("a", { href: url.replace(/^https?:/, "webcal:"), text: t("cal.subscribe") }));
    };
    const show = el("button", { type: "button", text: t("cal.show_address") });
    show.addEventListener("click", async () => {
      try { showLink((await P.api("GET", "/api/calendar/link")).path); } catch (e) { msg.textContent = e.message; }
    });
    const reset = el("button", { type: "button", text: t("cal.reset") });
    reset.addEventListener("click", async () => {
      if (!confirm(t("cal.reset_confirm"))) return;
      try {
        showLink((await P.api("POST", "/api/calendar/link/reset")).path);
        msg.textContent = t("cal.reset_done");
      } catch (e) { msg.textContent = e.message; }
    });
    P.show(t("cal.title"), list, past ? el("p", { class: "muted", text: t("cal.past", { count: past }) }) : null,
      el("section", { class: "card", "aria-labelledby": "h-feed" }, el("h2", { id: "h-feed", text: t("cal.phone") }),
        el("p", { class: "muted", text: t("cal.phone_help") }), show, " ", reset, address, msg));
  });
})();
