"use strict";
// Shared by every page: translation, building the DOM, the API client, the server's clock and
// the router. Pages register themselves with P.route(); main.js starts the router.
const P = (window.P = {});

// ------------------------------------------------------------------ language
P.lang = localStorage.getItem("pupitre.lang") ||
  ((navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en");
P.t = (key, vars) => {
  let s = STRINGS[P.lang][key] ?? STRINGS.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
};
P.setLang = (lang) => {
  P.lang = lang;
  localStorage.setItem("pupitre.lang", lang);
  P.refresh();
};
const locale = () => (P.lang === "fr" ? "fr-FR" : "en-GB");
// Times are the school's ([school] time_zone, told by /api/session), written with the zone's
// name; the device's own time is added when its zone reads differently at that instant.
P.zone = "UTC";
P.myZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const DAY = { day: "numeric", month: "short", year: "numeric" };
const HOUR = { hour: "2-digit", minute: "2-digit" };
const fmt = (ms, opts, zone) => new Intl.DateTimeFormat(locale(), { ...opts, timeZone: zone }).format(new Date(ms));
// How far the wall clock of `zone` is ahead of UTC at `ms`, in ms.
const zoneOffsetMs = (ms, zone) => {
  const parts = {};
  for (const p of new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(new Date(ms))) parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - Math.floor(ms / 1000) * 1000;
};
const yours = (ms, opts) => (zoneOffsetMs(ms, P.zone) === zoneOffsetMs(ms, P.myZone) ? ""
  : ` (${P.t("time.yours", { time: fmt(ms, opts, P.myZone) })})`);
P.fmtTime = (ms) => fmt(ms, { ...DAY, ...HOUR, timeZoneName: "short" }, P.zone) + yours(ms, { ...HOUR, weekday: "short" });
P.fmtClock = (ms) => fmt(ms, { ...HOUR, second: "2-digit", timeZoneName: "short" }, P.zone) + yours(ms, HOUR);
// <input type="datetime-local"> in the school's zone: its value for `ms`, and back.
P.toZoneInput = (ms) => new Date(ms + zoneOffsetMs(ms, P.zone)).toISOString().slice(0, 16);
P.fromZoneInput = (value) => {
  const wall = Date.parse(`${value}:00Z`);
  return wall - zoneOffsetMs(wall - zoneOffsetMs(wall, P.zone), P.zone);
};
P.fmtNumber = (x, digits = 0) =>
  Number(x).toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
// 3725000 -> "1:02:05"; 65000 -> "1:05".
P.fmtDuration = (ms) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
};

// A question's text with its images in their places (the text marks each with U+FFFC, the k-th
// mark its k-th image), as nodes for el(); `src(blob)` says where an image is read.
P.questionText = (text, images, src) => {
  const parts = String(text).split("\uFFFC");
  const out = [];
  parts.forEach((part, i) => {
    if (part) out.push(part);
    const image = i < parts.length - 1 ? (images || [])[i] : null;
    if (image) out.push(P.el("img", { class: "qimage", src: src(image.blob), alt: image.alt, loading: "lazy" }));
  });
  return out;
};
P.examImage = (examId) => (blob) => `/api/exams/${encodeURIComponent(examId)}/images/${blob}`;
// A question's images by where they stand: its text's first, then each option's (a choice may
// be a picture), in the options' own order as the server lists them.
P.imagesOf = (q) => {
  const marks = (s) => String(s).split("\uFFFC").length - 1;
  const all = q.images || [];
  let at = marks(q.text);
  const options = (q.options || []).map((o) => {
    const mine = all.slice(at, at + marks(o));
    at += mine.length;
    return mine;
  });
  return { text: all.slice(0, marks(q.text)), options };
};
// Option k's pictures (a choice's, an item's to match or to order), each named (one without an
// alt text: "picture of choice k + 1", or "picture of item k + 1").
P.optionImages = (q, k) => (P.imagesOf(q).options[k] || []).map((image) => image.alt ? image
  : { ...image, alt: q.type === "single" || q.type === "multiple" ? P.t("q.choice_picture", { n: k + 1 }) : P.t("q.item_picture", { n: k + 1 }) });
// Option k with its pictures in their places, as nodes for el().
P.optionLabel = (q, k, src) => P.questionText(q.options[k], P.optionImages(q, k), src);
// The label of the option shown at `place` (from 0) in a question's numbering (Moodle's
// answernumbering): "a.", "A.", "1.", "i.", "I.", or "" (none). Letters past z go on as numbers.
P.optionNumber = (numbering, place) => {
  const roman = (n) => [[1000, "m"], [900, "cm"], [500, "d"], [400, "cd"], [100, "c"], [90, "xc"], [50, "l"],
    [40, "xl"], [10, "x"], [9, "ix"], [5, "v"], [4, "iv"], [1, "i"]].reduce((out, [value, letters]) => {
    for (; n >= value; n -= value) out += letters;
    return out;
  }, "");
  const n = place + 1;
  switch (numbering) {
    case "abc": return `${n <= 26 ? String.fromCharCode(96 + n) : n}.`;
    case "ABCD": return `${n <= 26 ? String.fromCharCode(64 + n) : n}.`;
    case "123": return `${n}.`;
    case "iii": return `${roman(n)}.`;
    case "IIII": return `${roman(n).toUpperCase()}.`;
    default: return "";
  }
};
// Option k in words (where no picture fits, such as a summary): each picture its name in brackets.
P.optionWords = (q, k) => {
  const text = (q.options || [])[k];
  if (text === undefined) return String(k);
  const images = P.optionImages(q, k);
  let i = 0;
  return String(text).replace(/\uFFFC/g, () => `[${(images[i++] || {}).alt || ""}]`);
};

// ------------------------------------------------------------------ results
// An answer as the student gave it (options by their text), or the right one (a result's item).
P.answerText = (item, value) => {
  const t = P.t;
  if (value === null || value === undefined || (Array.isArray(value) && !value.length)) return t("result.no_answer");
  switch (item.type) {
    case "single": return P.optionWords(item, value);
    case "multiple": return value.map((i) => P.optionWords(item, i)).join(" ; ");
    case "truefalse": return t(value ? "q.true" : "q.false");
    case "numeric": {
      if (typeof value !== "object") return P.fmtNumber(value, 6);
      const unit = value.unit ? ` ${value.unit}` : "";  // a unit given, or the right answer's
      const number = P.fmtNumber(value.value, 6) + unit;
      return value.tolerance ? t("result.numeric_right", { value: number, tolerance: P.fmtNumber(value.tolerance, 6) }) : number;
    }
    case "short": return Array.isArray(value) ? value.join(" / ") : String(value);
    case "gaps":  // each gap's answer (a menu's choice by its text), in the text's order
      if (!Array.isArray(value)) return String(value);
      return value.map((v, k) => {
        const choices = ((item.gaps || [])[k] || {}).choices;
        return v === null ? "\u2014" : choices ? choices[v] ?? String(v) : typeof v === "number" ? P.fmtNumber(v, 6) : String(v);
      }).join(" | ");
    case "ordering":
      if (!Array.isArray(value)) return String(value);
      return value.map((i) => P.optionWords(item, i)).join(" \u2192 ");
    case "matching":
      if (!Array.isArray(value)) return String(value);
      return value.map((c, i) => (c === null ? null : `${P.optionWords(item, i)} \u2192 ${(item.choices || [])[c] ?? c}`)).filter(Boolean).join(" ; ") || t("result.no_answer");
    default: return String(value);
  }
};

// ------------------------------------------------------------------ DOM
// el("button", {class: "primary", onclick: f, text: "Go"}, child, ...): attributes, properties
// (keys starting with "on" are listeners; "text" sets the text), then children.
P.el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "value" || k === "checked") e[k] = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k);
  return e;
};
let uid = 0;
P.uid = (prefix) => `${prefix}-${++uid}`;
// A labelled field: returns [label, control] wired together.
P.field = (labelText, control) => {
  if (!control.id) control.id = P.uid("f");
  return P.el("div", { class: "field" }, P.el("label", { for: control.id, text: labelText }), control);
};
P.banner = (text, kind) => {
  const b = document.getElementById("banner");
  b.textContent = text || "";
  b.className = text ? kind || "info" : "";
};
// On a phone a table shows one card a row (app.css): each cell is named by its column's
// heading. Kept up to date for tables drawn or refilled later (attempts, waiting rooms).
const labelCells = () => {
  for (const table of document.querySelectorAll("#main table")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    for (const body of table.tBodies) for (const row of body.rows) {
      [...row.cells].forEach((cell, i) => {
        if (cell.tagName === "TD" && heads[i] && cell.getAttribute("data-label") !== heads[i]) cell.setAttribute("data-label", heads[i]);
      });
    }
  }
};
document.addEventListener("DOMContentLoaded", () =>
  new MutationObserver(labelCells).observe(document.getElementById("main"), { childList: true, subtree: true }));
// An error shown where it happened, announced to screen readers.
P.errorBox = () => P.el("div", { class: "error", role: "alert" });

// ------------------------------------------------------------------ server time
// The offset between the server's clock and this device's, from the last answer that carried
// the server's time: countdowns use the server's time, never the laptop's.
P.offsetMs = 0;
P.serverNow = () => Date.now() + P.offsetMs;
P.noteServerTime = (serverMs, sentAt, receivedAt) => {
  if (typeof serverMs === "number") P.offsetMs = serverMs - (sentAt + receivedAt) / 2;
};

// ------------------------------------------------------------------ API
class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status; // 0: the server could not be reached
    this.code = code;
    this.body = body;
  }
  get offline() { return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504; }
}
P.ApiError = ApiError;
// A page's read that answered after the page was left: nothing is drawn with it (a stale page
// drawn over the newest one was the router's race). Status -1: neither offline nor a refusal.
class PageLeft extends ApiError {
  constructor() { super(-1, "page_left", "page left"); }
}
P.PageLeft = PageLeft;
// What to tell people about a refusal, in the page's language: the message written for its
// reason when the server names one, else for its code, with the server's own words as the
// detail where they add something (a line number, a login).
P.errorText = (e) => {
  if (!(e instanceof ApiError)) return String((e && e.message) || e);
  const err = (e.body && e.body.error) || {};
  const vars = err.params || {};
  if (err.reason && STRINGS.en[`reason.${err.reason}`]) return P.t(`reason.${err.reason}`, vars);
  if (e.status === 0) return P.t("err.offline");
  const key = STRINGS.en[`code.${e.code}`] ? `code.${e.code}` : `code.http_${Math.floor(e.status / 100)}xx`;
  const general = P.t(key);
  return err.message ? `${general} (${P.t("err.detail")} ${err.message})` : general;
};
// One problem of an imported file (an exam, a list of accounts) in the page's language, with its
// line: the sentence of its reason, after the table it is in; else the server's English sentence.
P.problemText = (p) => {
  const v = { ...(p.params || {}) };
  const key = [`problem.${p.reason}`, `reason.${p.reason}`].find((k) => p.reason && STRINGS.en[k]);
  let text = p.message;
  if (key) {
    for (const [name, prefix] of [["found", "kind"], ["expected", "expected"], ["what", "nesting"]]) {
      if (v[name] && STRINGS.en[`${prefix}.${v[name]}`]) v[name] = P.t(`${prefix}.${v[name]}`);
    }
    text = P.t(key, v);
    if (v.meant) text += ` ${P.t("problem.did_you_mean", { meant: v.meant })}`;
    if (v.at) {
      const where = v.at === "exam" ? P.t("where.exam")
        : v.name ? P.t(`where.${v.at}_named`, { name: v.name }) : P.t(`where.${v.at}_number`, { number: v.number });
      text = P.t("problem.in", { where, text });
    }
  }
  return p.line ? P.t("upload.line", { line: p.line, message: text }) : text;
};
P.csrf = "";
P.me = null;
// `keep`: the answer is wanted even if the page is left meanwhile (the shell's own reads).
P.api = async (method, path, body, { raw = false, keep = false, headers: extra = {} } = {}) => {
  const headers = { ...extra };
  if (P.csrf) headers["X-CSRF-Token"] = P.csrf;
  let payload;
  if (body !== undefined) {
    if (typeof body === "string") { payload = body; headers["Content-Type"] = "text/plain; charset=utf-8"; }
    else if (body instanceof Blob) { payload = body; headers["Content-Type"] = "application/octet-stream"; }
    else { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  }
  const sentAt = Date.now();
  const page = generation;  // a read for a page that is left meanwhile draws nothing
  const refuseIfLeft = () => {
    if (method !== "GET" || keep || page === generation) return;
    P.staleReads++;
    throw new PageLeft();
  };
  let r;
  try {
    r = await fetch(path, { method, headers, body: payload, credentials: "same-origin", cache: "no-store" });
  } catch (e) {
    refuseIfLeft();
    throw new ApiError(0, "offline", P.t("err.offline"));
  }
  if (raw && r.ok) return r;
  const data = await r.json().catch(() => ({}));
  refuseIfLeft();
  if (data && typeof data.server_now_ms === "number") P.noteServerTime(data.server_now_ms, sentAt, Date.now());
  if (!r.ok) {
    const err = (data && data.error) || {};
    const e = new ApiError(r.status, err.code || "http_" + r.status, "", data);
    e.message = P.errorText(e);
    e.retryAfterMs = (Number(r.headers.get("Retry-After")) || 0) * 1000;
    if (r.status === 401 && path !== "/api/login") P.go("#/login");
    throw e;
  }
  return data;
};

// A size in bytes as people read it.
P.fmtSize = (bytes) => {
  if (bytes < 1024) return P.t("size.bytes", { n: bytes });
  if (bytes < 1024 * 1024) return P.t("size.kb", { n: P.fmtNumber(bytes / 1024, 0) });
  if (bytes < 1024 * 1024 * 1024) return P.t("size.mb", { n: P.fmtNumber(bytes / (1024 * 1024), 1) });
  return P.t("size.gb", { n: P.fmtNumber(bytes / (1024 * 1024 * 1024), 1) });
};

// ------------------------------------------------------------------ scripts loaded when needed
// The exam page's weight stays small (a cold exam page < 100 KB): the course space's pages
// that an exam never needs come when first visited. Same origin, same version as this file.
const loadedScripts = {};
const version = (() => {
  const me = document.querySelector('script[src*="/static/core.js"]');
  return me ? new URL(me.src).search : "";
})();
P.loadScript = (name) => loadedScripts[name] || (loadedScripts[name] = new Promise((resolve, reject) => {
  const s = document.createElement("script");
  s.src = `/static/${name}${version}`;
  s.onload = resolve;
  s.onerror = () => { delete loadedScripts[name]; s.remove(); reject(new ApiError(0, "offline", P.t("err.offline"))); };
  document.head.append(s);
}));

// ------------------------------------------------------------------ router
// Routes are "#/name/:param"; a page is async (params) => void and calls P.show().
const routes = [];
let cleanups = [];
let retrying = false;  // the current page failed to load and is tried again
// Each visit to a page is a generation. A page still loading when another is asked for must
// never draw: its reads (P.api GETs) fail with PageLeft once the page is left, before the page
// can use them, so a stale page stops at its first await after leaving.
let generation = 0;
// Reads answered after their page was left, refused (nothing is drawn with them); counted,
// for the browser test page_order.
P.staleReads = 0;
// `roles`: who may see the page (all when absent); anyone else is sent to their own home, so a
// page never offers what the server would refuse.
P.route = (pattern, page, { roles = null } = {}) => routes.push({ parts: pattern.split("/"), page, roles });
// A page whose code is in `script`, loaded on the first visit (the script registers the page
// with P.route under the same pattern).
P.lazyRoute = (pattern, script, options) => {
  const entry = { parts: pattern.split("/"), roles: (options && options.roles) || null };
  entry.page = async (...params) => {
    await P.loadScript(script);
    const real = routes.find((r) => r !== entry && r.parts.join("/") === entry.parts.join("/"));
    if (!real) throw new Error(`${script} did not register ${pattern}`);
    return real.page(...params);
  };
  routes.push(entry);
};
// Work to undo when the page is left: timers, event streams.
P.onLeave = (f) => cleanups.push(f);
P.go = (hash) => {
  if (location.hash === hash) P.refresh();
  else location.hash = hash;
};
P.refresh = async () => {
  const mine = ++generation;
  for (const f of cleanups.splice(0)) try { f(); } catch (e) { /* leaving anyway */ }
  document.documentElement.lang = P.lang;
  P.renderChrome();
  P.renderIncidents();  // in the page's language
  const parts = (location.hash || "#/").split("/");
  for (const r of routes) {
    if (r.parts.length !== parts.length) continue;
    const params = [];
    if (r.parts.every((p, i) => (p.startsWith(":") ? params.push(decodeURIComponent(parts[i])) : p === parts[i]))) {
      if (r.roles && !(P.me && r.roles.includes(P.me.role))) return P.go(P.homeOf(P.me));
      try {
        await r.page(...params);
        if (mine !== generation) return;  // left meanwhile
        if (retrying) P.banner("");
        retrying = false;
        P.ensureStream();  // incidents reach every page (notify.js)
      } catch (e) {
        if (mine !== generation) return;  // left already
        P.ensureStream();
        if (!(e instanceof ApiError && e.offline)) return P.showError(e);
        // Busy or unreachable: say so and load this page again by itself (never a dead end).
        retrying = true;
        P.banner(P.t("boot.retrying"), "warn");
        const hash = location.hash;
        setTimeout(() => { if (location.hash === hash) P.refresh(); }, Math.max(e.retryAfterMs || 0, 2000));
      }
      return;
    }
  }
  P.go(P.homeOf(P.me));
};
// Replaces the page: a title (the h1, focused so that screen readers announce the new page).
P.show = (title, ...content) => {
  const main = document.getElementById("main");
  const h1 = P.el("h1", { text: title, tabindex: "-1" });
  main.replaceChildren(h1, ...content.flat().filter((c) => c !== null && c !== undefined && c !== false));
  document.title = `${title} · Pupitre`;
  h1.focus({ preventScroll: false });
};
P.showError = (e) => {
  if (e instanceof ApiError && e.status === 401) return;
  if (e instanceof ApiError && e.code === "seb_required") {
    // The exam requires Safe Exam Browser: say what to do, in the page's language.
    const reason = (e.body && e.body.error && e.body.error.reason) || "missing";
    return P.show(P.t("seb.title"), P.el("p", { class: "error", role: "alert", text: P.t(`seb.${reason}`) }),
      P.el("p", { text: P.t("seb.how") }),
      P.el("p", {}, P.el("a", { href: "https://safeexambrowser.org/download_en.html", rel: "noopener", text: P.t("seb.download") })),
      P.el("p", {}, P.el("a", { href: P.homeOf(P.me), text: P.t("nav.home") })));
  }
  P.show(P.t("err.title"), P.el("p", { class: "error", role: "alert", text: e.message }),
    P.el("p", {}, P.el("a", { href: P.homeOf(P.me), text: P.t("nav.home") })));
};
P.homeOf = (me) => !me ? "#/login" : me.role === "student" ? "#/home" : me.role === "admin" ? "#/operator" : "#/teacher";
P.renderChrome = () => {
  const nav = document.getElementById("nav");
  const links = [];
  if (P.me && P.me.role === "student") links.push(["#/home", P.t("nav.home")]);
  if (P.me && P.me.role !== "student") links.push(["#/teacher", P.t("nav.exams")]);
  if (P.me && P.me.role === "admin") links.push(["#/operator", P.t("nav.operator")], ["#/admin/accounts", P.t("nav.accounts")]);
  if (P.me && P.me.role !== "admin") links.push(["#/calendar", P.t("nav.calendar")]);
  if (P.me) links.push(["#/account", P.t("nav.account")]);
  nav.replaceChildren(...links.map(([href, text]) => P.el("a", { href, text })));
  const sw = document.getElementById("lang-switch");
  sw.textContent = P.lang === "fr" ? "English" : "Français";
  sw.setAttribute("lang", P.lang === "fr" ? "en" : "fr");
  sw.setAttribute("aria-label", P.t("lang.switch"));
  const out = document.getElementById("logout");
  out.hidden = !P.me;
  out.textContent = P.me ? P.t("nav.logout", { name: P.me.name || P.me.login }) : "";
  document.getElementById("skip-link").textContent = P.t("nav.skip");
};
