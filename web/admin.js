"use strict";
// The operator's accounts page: find accounts, create one, import many from CSV (all or none,
// every bad line named), reset a password, add students or teachers to a course by login.
(() => {
  const { el, t } = P;
  const enc = encodeURIComponent;
  const ADMIN = { roles: ["admin"] };
  const roleName = (r) => t(`role.${r}`);

  P.route("#/admin/accounts", async () => {
    const { courses } = await P.api("GET", "/api/courses");
    const courseOptions = (blank) => [blank ? el("option", { value: "", text: t("accounts.no_course") }) : null,
      ...courses.map((c) => el("option", { value: c.id, text: `${c.title} (${c.id})` }))].filter(Boolean);

    // Finding accounts, each with its password reset.
    const q = el("input", { type: "search", id: "acc-q", autocomplete: "off" });
    const results = el("div", { id: "acc-results" });
    const findMsg = P.errorBox();
    const resetForm = (u) => {
      const pw = el("input", { type: "password", autocomplete: "new-password", minlength: "8", required: true, "aria-label": t("accounts.new_password_for", { login: u.login }) });
      const msg = el("span", { role: "status" });
      const f = el("form", { class: "inline" }, pw, el("button", { type: "submit", text: t("accounts.reset") }), msg);
      f.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        msg.className = "";
        try {
          await P.api("PUT", `/api/admin/users/${enc(u.login)}/password`, { password: pw.value });
          pw.value = "";
          msg.className = "ok";
          msg.textContent = t("accounts.reset_done");
        } catch (e) { msg.className = "error"; msg.textContent = e.message; }
      });
      return f;
    };
    // Disabling an account: no login, its sessions end; enabling it again.
    const stateCell = (u) => {
      const state = el("span", { text: t(u.disabled ? "accounts.disabled" : "accounts.enabled") });
      const toggle = el("button", { type: "button", text: t(u.disabled ? "accounts.enable" : "accounts.disable"), "aria-label": t(u.disabled ? "accounts.enable_who" : "accounts.disable_who", { login: u.login }) });
      const msg = el("span", { role: "status", class: "error" });
      toggle.addEventListener("click", async () => {
        msg.textContent = "";
        try {
          const r = await P.api("PUT", `/api/admin/users/${enc(u.login)}/disabled`, { disabled: !u.disabled });
          u.disabled = r.disabled;
          state.textContent = t(u.disabled ? "accounts.disabled" : "accounts.enabled");
          toggle.textContent = t(u.disabled ? "accounts.enable" : "accounts.disable");
          toggle.setAttribute("aria-label", t(u.disabled ? "accounts.enable_who" : "accounts.disable_who", { login: u.login }));
        } catch (e) { msg.textContent = e.message; }
      });
      return [state, " ", toggle, msg];
    };
    const find = async () => {
      findMsg.textContent = "";
      try {
        const r = await P.api("GET", `/api/admin/users?q=${enc(q.value.trim())}`);
        results.replaceChildren(r.users.length
          ? el("table", {}, el("thead", {}, el("tr", {}, ["accounts.login", "accounts.name", "accounts.role", "accounts.password", "accounts.state"].map((k) => el("th", { scope: "col", text: t(k) })))),
            el("tbody", {}, r.users.map((u) => el("tr", { "data-login": u.login }, el("th", { scope: "row", text: u.login }),
              el("td", { text: u.name }), el("td", { text: roleName(u.role) }), el("td", {}, resetForm(u)), el("td", {}, stateCell(u))))))
          : el("p", { text: t("accounts.none") }),
          r.more ? el("p", { class: "muted", text: t("accounts.more") }) : "");
      } catch (e) { findMsg.textContent = e.message; }
    };
    const findForm = el("form", { class: "card", "aria-labelledby": "h-find", role: "search" }, el("h2", { id: "h-find", text: t("accounts.find") }),
      P.field(t("accounts.query"), q), el("button", { type: "submit", text: t("accounts.search") }), findMsg, results);
    findForm.addEventListener("submit", (ev) => { ev.preventDefault(); find(); });

    // One new account.
    const login = el("input", { type: "text", autocomplete: "off", required: true, maxlength: "64" });
    const name = el("input", { type: "text", autocomplete: "off", maxlength: "200" });
    const role = el("select", {}, ["student", "teacher", "admin"].map((r) => el("option", { value: r, text: roleName(r) })));
    const password = el("input", { type: "password", autocomplete: "new-password", minlength: "8", required: true });
    const course = el("select", {}, courseOptions(true));
    const createMsg = el("p", { role: "status" });
    const createForm = el("form", { class: "card", "aria-labelledby": "h-create" }, el("h2", { id: "h-create", text: t("accounts.create") }),
      P.field(t("accounts.login"), login), P.field(t("accounts.name"), name), P.field(t("accounts.role"), role),
      P.field(t("accounts.initial_password"), password), P.field(t("accounts.course"), course),
      el("button", { type: "submit", class: "primary", text: t("accounts.create_button") }), createMsg);
    createForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      createMsg.className = "";
      try {
        const r = await P.api("POST", "/api/admin/users", { login: login.value.trim(), name: name.value.trim(), role: role.value, password: password.value, course: course.value || undefined });
        createMsg.className = "ok";
        createMsg.textContent = t("accounts.created", { login: r.users[0].login });
        createForm.reset();
      } catch (e) { createMsg.className = "error"; createMsg.textContent = e.message; }
    });

    // Many accounts from a CSV file: all or none.
    const file = el("input", { type: "file", accept: ".csv,text/csv,text/plain", required: true });
    const importCourse = el("select", {}, courseOptions(true));
    const importMsg = el("div", { role: "status" });
    const importForm = el("form", { class: "card", "aria-labelledby": "h-import" }, el("h2", { id: "h-import", text: t("accounts.import") }),
      el("p", { class: "muted", text: t("accounts.import_help") }), P.field(t("accounts.csv_file"), file), P.field(t("accounts.course"), importCourse),
      el("button", { type: "submit", text: t("accounts.import_button") }), importMsg);
    importForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      importMsg.replaceChildren();
      if (!file.files.length) return;
      try {
        const path = `/api/admin/users/import${importCourse.value ? `?course=${enc(importCourse.value)}` : ""}`;
        const r = await P.api("POST", path, await file.files[0].text());
        importMsg.append(el("p", { class: "ok", text: t("accounts.imported", { count: r.users.length }) }));
      } catch (e) {
        const list = (e.body && e.body.error && e.body.error.problems) || [];
        importMsg.append(el("p", { class: "error", text: e.message }));
        if (list.length) importMsg.append(el("ul", { class: "problems" }, list.map((p) => el("li", { text: P.problemText(p) }))));
      }
    });

    // A course's members, by login.
    const memberCourse = el("select", { required: true }, courseOptions(false));
    const logins = el("textarea", { rows: "3", autocomplete: "off", spellcheck: "false", required: true });
    const asTeacher = el("input", { type: "checkbox", id: "members-teacher" });
    const memberMsg = el("p", { role: "status" });
    const memberForm = el("form", { class: "card", "aria-labelledby": "h-members" }, el("h2", { id: "h-members", text: t("accounts.members") }),
      P.field(t("accounts.course"), memberCourse), P.field(t("accounts.logins"), logins),
      el("div", { class: "option" }, asTeacher, el("label", { for: asTeacher.id, text: t("accounts.as_teachers") })),
      el("button", { type: "submit", text: t("accounts.add_members") }), memberMsg);
    memberForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      memberMsg.className = "";
      try {
        const list = logins.value.split(/[\s,;]+/).filter(Boolean);
        const r = await P.api("POST", `/api/admin/courses/${enc(memberCourse.value)}/members`, { logins: list, role: asTeacher.checked ? "teacher" : "student" });
        memberMsg.className = "ok";
        memberMsg.textContent = t("accounts.members_added", { count: r.added });
      } catch (e) { memberMsg.className = "error"; memberMsg.textContent = e.message; }
    });

    P.show(t("accounts.title"), findForm, createForm, importForm, memberForm);
  }, ADMIN);
})();
