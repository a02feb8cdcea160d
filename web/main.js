"use strict";
// Start-up: restore the session (cookie) or show the login page, then route.
(() => {
  const { el, t } = P;

  P.route("#/login", async () => {
    const login = el("input", { type: "text", autocomplete: "username", required: true, autocapitalize: "none" });
    const password = el("input", { type: "password", autocomplete: "current-password", required: true });
    const err = P.errorBox();
    const button = el("button", { type: "submit", class: "primary", text: t("login.button") });
    const form = el("form", { class: "card narrow" }, P.field(t("login.login"), login), P.field(t("login.password"), password), err, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      err.textContent = "";
      try {
        const body = { login: login.value.trim(), password: password.value };
        let r;
        try {
          r = await P.api("POST", "/api/login", body);
        } catch (e) {
          // Under attack, and this page was loaded before (or its pass expired): prove, retry.
          if (e.code !== "proof_of_work_required" || !window.PupitreProof) throw e;
          err.textContent = t("login.proving");
          try {
            await PupitreProof.prove(e.body.error.challenge, e.body.error.bits);
          } catch (failed) {
            const key = failed.message === "insecure_context" ? "login.proof_insecure" : "login.proof_failed";
            throw new P.ApiError(403, "proof_failed", t(key));
          }
          err.textContent = "";
          r = await P.api("POST", "/api/login", body);
        }
        P.me = r.user;
        P.csrf = r.csrf_token;
        P.go(P.homeOf(P.me));
      } catch (e) {
        err.textContent = e.status === 401 ? t("login.wrong") : e.offline ? t("login.busy") : e.message;
        button.disabled = false;
        password.focus();
      }
    });
    P.show(t("login.title"), el("p", { text: t("login.intro") }), form);
    login.focus();
  });

  async function logout() {
    try { await P.api("POST", "/api/logout"); } catch (e) { /* the cookie is dropped anyway below */ }
    P.me = null;
    P.csrf = "";
    P.go("#/login");
  }

  async function boot() {
    document.getElementById("lang-switch").addEventListener("click", () => P.setLang(P.lang === "fr" ? "en" : "fr"));
    document.getElementById("logout").addEventListener("click", logout);
    window.addEventListener("hashchange", P.refresh);
    for (;;) {
      try {
        const r = await P.api("GET", "/api/me");
        P.me = r.user;
        P.csrf = r.csrf_token;
        break;
      } catch (e) {
        if (!e.offline) break; // not logged in
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
