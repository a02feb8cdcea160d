"use strict";
// Start-up: restore the session (cookie) or show the login page, then route.
(() => {
  const { el, t } = P;

  // Staff pages, loaded on their first visit: a student's exam page never downloads them (the
  // 9:00 page stays small). Each script registers its pages with P.route under these patterns.
  const STAFF = { roles: ["teacher", "admin"] };
  for (const pattern of ["#/teacher", "#/teacher/course/:id", "#/teacher/exam/:id", "#/teacher/preview/:id",
    "#/teacher/timeline/:exam/:attempt", "#/teacher/grade/:exam/:attempt", "#/teacher/grade-question/:exam/:question"]) {
    P.lazyRoute(pattern, "teacher.js", STAFF);
  }
  P.lazyRoute("#/teacher/bank/:course", "bank.js", STAFF);
  P.lazyRoute("#/operator", "operator.js", { roles: ["admin"] });
  P.lazyRoute("#/admin/accounts", "admin.js", { roles: ["admin"] });

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // "about 40 s", "about 3 min".
  const about = (ms) => {
    const s = Math.max(1, Math.ceil(ms / 1000));
    return t("login.about", { time: s < 60 ? `${s} s` : `${Math.ceil(s / 60)} min` });
  };

  // A login as the server wants it done at 9:00: with a proof of work first if it is under
  // attack; with a place in the login line if hashing is saturated (the page comes back with
  // its ticket by itself); retried by itself when the server is busy for a moment.
  async function logInThrough(body, say) {
    for (let tries = 0; tries < 1000; tries++) {
      let r;
      try {
        r = await P.api("POST", "/api/login", body);
      } catch (e) {
        if (e.code === "proof_of_work_required" && window.PupitreProof) {
          say(t("login.proving"));
          try {
            await PupitreProof.prove(e.body.error.challenge, e.body.error.bits);
          } catch (failed) {
            const key = failed.message === "insecure_context" ? "login.proof_insecure" : "login.proof_failed";
            throw new P.ApiError(403, "proof_failed", t(key));
          }
          continue;
        }
        if (e.offline && e.status !== 0) {
          const wait = Math.max(e.retryAfterMs || 0, 2000);
          say(t("login.retrying", { time: about(wait) }));
          await sleep(wait);
          continue;
        }
        throw e;
      }
      if (!r.login_queue) return r;
      const q = r.login_queue;
      body.queue_ticket = q.ticket;
      say(q.position > 0 ? t("login.in_line", { position: P.fmtNumber(q.position), time: about(q.eta_ms) }) : t("login.checking"));
      await sleep(q.poll_after_ms || 1000);
    }
    throw new P.ApiError(503, "unavailable", t("login.busy"));
  }

  P.route("#/login", async () => {
    const login = el("input", { type: "text", autocomplete: "username", required: true, autocapitalize: "none" });
    const password = el("input", { type: "password", autocomplete: "current-password", required: true });
    // Students who used Pupitre the day before need not log in at 9:00 (the login storm).
    const remember = el("input", { type: "checkbox", id: "login-remember" });
    const rememberRow = el("div", { class: "option" }, remember, el("label", { for: "login-remember", text: t("login.remember") }));
    const err = P.errorBox();
    const status = el("p", { id: "login-status", role: "status", "aria-live": "polite" });
    const button = el("button", { type: "submit", class: "primary", text: t("login.button") });
    const form = el("form", { class: "card narrow" }, P.field(t("login.login"), login), P.field(t("login.password"), password), rememberRow, err, status, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      err.textContent = "";
      status.textContent = "";
      try {
        const r = await logInThrough({ login: login.value.trim(), password: password.value, remember: remember.checked }, (text) => { status.textContent = text; });
        status.textContent = "";
        P.me = r.user;
        P.csrf = r.csrf_token;
        P.go(P.homeOf(P.me));
      } catch (e) {
        status.textContent = "";
        err.textContent = e.status === 401 ? t("login.wrong") : e.offline ? t("login.busy") : e.message;
        button.disabled = false;
        password.focus();
      }
    });
    // Back from the school's sign-in with why it failed: said here, then gone from the address.
    const ssoError = new URLSearchParams(location.search).get("sso_error");
    if (ssoError) {
      const reason = `reason.${ssoError}`;
      err.textContent = t(reason) !== reason ? t(reason) : t("login.sso_failed");
      history.replaceState(null, "", "/#/login");
    }
    // The school's sign-in (CAS), when the server offers it (told by /api/session): one click,
    // no password here.
    // The school's sign-ins this server offers: one button, named after the protocol only when
    // there are two.
    const offered = ["cas", "oidc"].filter((p) => P.sso && P.sso[p]);
    const sso = offered.length
      ? el("p", { class: "card narrow" },
        ...offered.map((p) => el("a", { class: "button primary", id: `sso-${p}`, href: `/sso/${p}`,
          text: offered.length > 1 ? t(`login.sso_${p}`) : t("login.sso") })),
        el("span", { class: "muted", text: ` ${t("login.sso_or")}` }))
      : null;
    P.show(t("login.title"), el("p", { text: t("login.intro") }), sso, form);
    login.focus();
  });

  // My account: who I am, and changing my password (every other session of mine then ends).
  P.route("#/account", async () => {
    const field = (id, autocomplete) => el("input", { type: "password", id, autocomplete, required: true, minlength: id === "pw-current" ? null : "8", maxlength: "1024" });
    const current = field("pw-current", "current-password");
    const next = field("pw-new", "new-password");
    const again = field("pw-again", "new-password");
    const msg = el("p", { role: "status" });
    const button = el("button", { type: "submit", class: "primary", text: t("account.change") });
    const form = el("form", { class: "card narrow", "aria-labelledby": "h-password" }, el("h2", { id: "h-password", text: t("account.password") }),
      P.field(t("account.current"), current), P.field(t("account.new"), next), el("p", { class: "muted", text: t("account.rules") }),
      P.field(t("account.again"), again), button, msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.className = "error";
      if (next.value !== again.value) { msg.textContent = t("account.mismatch"); again.focus(); return; }
      button.disabled = true;
      msg.textContent = "";
      try {
        await P.api("POST", "/api/me/password", { current: current.value, new: next.value });
        form.reset();
        msg.className = "ok";
        msg.textContent = t("account.changed");
      } catch (e) {
        msg.textContent = e.message;
      } finally {
        button.disabled = false;
      }
    });
    P.show(t("account.title"), el("p", { text: t("account.who", { name: P.me.name || P.me.login, login: P.me.login }) }), form);
  }, { roles: ["student", "teacher", "admin"] });

  async function logout() {
    try { await P.api("POST", "/api/logout"); } catch (e) { /* the cookie is dropped anyway below */ }
    P.me = null;
    P.csrf = "";
    // What the login page offers (the school's sign-in) came with /api/session only when
    // nobody was logged in: asked now, as the login page shows.
    if (!P.sso) P.sso = await P.api("GET", "/api/sso", undefined, { keep: true }).catch(() => null);
    P.go("#/login");
  }

  async function boot() {
    document.getElementById("lang-switch").addEventListener("click", () => P.setLang(P.lang === "fr" ? "en" : "fr"));
    document.getElementById("logout").addEventListener("click", logout);
    window.addEventListener("hashchange", P.refresh);
    for (;;) {
      try {
        const r = await P.api("GET", "/api/session", undefined, { keep: true });
        P.me = r.user;
        P.csrf = r.csrf_token;
        if (r.time_zone) P.zone = r.time_zone;
        P.sso = r.sso || null;
        break;
      } catch (e) {
        if (!e.offline) break; // refused: shown as logged out
        // The server is busy or unreachable: say so, and try again (the page never gives up).
        P.banner(t("boot.retrying"), "warn");
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
    P.banner("");
    if (!P.me && location.hash !== "#/login") location.hash = "#/login"; // hashchange renders it
    else P.refresh();
  }
  boot();
})();
