"use strict";
// Teacher pages: the exams (upload with errors by line), one exam (settings, publish, extra
// time, live view pushed by the server, attempts, release, results CSV) and essay grading.
(() => {
  const { el, t } = P;
  const enc = encodeURIComponent;
  const STAFF = { roles: ["teacher", "admin"] };  // who sees these pages (operators teach too)
  // A student as the teacher's pages name them: "Name (login)".
  const who = (a) => (a.name && a.name !== a.login ? `${a.name} (${a.login})` : a.login || String(a.user_id));

  P.route("#/teacher", async () => {
    const [{ exams }, { courses }] = await Promise.all([P.api("GET", "/api/exams"), P.api("GET", "/api/courses")]);
    const list = exams.length
      ? el("table", {}, el("thead", {}, el("tr", {}, ["home.exam", "home.window", "teacher.status"].map((k) => el("th", { scope: "col", text: t(k) })))),
          el("tbody", {}, exams.map((x) => el("tr", {},
            el("th", { scope: "row" }, el("a", { href: `#/teacher/exam/${enc(x.id)}`, text: x.title })),
            el("td", { text: `${P.fmtTime(x.opens_ms)} – ${P.fmtTime(x.closes_ms)}` }),
            el("td", { text: x.published ? (x.results_released ? t("teacher.released") : t("teacher.published")) : t("teacher.draft") })))))
      : el("p", { text: t("teacher.no_exams") });
    const courseList = courses.length
      ? el("ul", {}, courses.map((c) => el("li", {}, el("a", { href: `#/course/${enc(c.id)}`, text: c.title }),
          " · ", el("a", { href: `#/teacher/course/${enc(c.id)}`, text: t("gradebook.link"), "aria-label": t("gradebook.title", { title: c.title }) }),
          " · ", el("a", { href: `#/teacher/bank/${enc(c.id)}`, text: t("bank.link"), "aria-label": t("bank.title", { title: c.title }) }),
          c.description ? ` · ${c.description}` : "")))
      : el("p", { text: t("home.no_courses") });
    P.show(t("teacher.title"), list, uploadForm(),
      el("section", { "aria-labelledby": "h-courses" }, el("h2", { id: "h-courses", text: t("gradebook.courses") }), courseList),
      newCourseForm());
  }, STAFF);

  // A new course, which its maker teaches.
  function newCourseForm() {
    const id = el("input", { type: "text", required: true, maxlength: "64", pattern: "[a-z0-9-]+", autocomplete: "off" });
    const title = el("input", { type: "text", required: true, maxlength: "200" });
    const description = el("input", { type: "text", maxlength: "500" });
    const msg = el("p", { class: "error", role: "alert" });
    const form = el("form", { class: "card", "aria-labelledby": "h-new-course" }, el("h2", { id: "h-new-course", text: t("course.new") }),
      P.field(t("course.title_field"), title), P.field(t("course.id_field"), id), P.field(t("course.description_field"), description),
      el("button", { type: "submit", text: t("course.create") }), msg);
    // The id follows the title until the teacher writes one.
    let idTouched = false;
    id.addEventListener("input", () => { idTouched = true; });
    title.addEventListener("input", () => {
      if (!idTouched) id.value = title.value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 64);
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.textContent = "";
      try {
        const r = await P.api("POST", "/api/courses", { id: id.value.trim(), title: title.value.trim(), description: description.value.trim() });
        P.go(`#/course/${enc(r.course.id)}`);
      } catch (e) { msg.textContent = e.message; }
    });
    return form;
  }

  // A course's gradebook: each student's points in each published exam, and as CSV.
  P.route("#/teacher/course/:id", async (courseId) => {
    const g = await P.api("GET", `/api/courses/${enc(courseId)}/gradebook`);
    const cell = (c, x) => {
      if (!c) return el("td", { class: "muted", text: t("gradebook.not_taken") });
      const text = `${P.fmtNumber(c.points, 2)} / ${P.fmtNumber(x.max_points, 2)}`;
      const note = !c.submitted ? t("gradebook.running") : c.ungraded_essays ? t("attempts.to_grade", { count: c.ungraded_essays }) : "";
      return el("td", {}, text, note ? el("span", { class: "muted" }, ` (${note})`) : null);
    };
    // A homework's cell: the points (out of its maximum), or where the student stands.
    const hwCell = (c, h) => {
      if (c.points !== undefined) return el("td", {}, `${P.fmtNumber(c.points, 2)} / ${P.fmtNumber(h.max_points, 2)}`, c.returned ? null : el("span", { class: "muted" }, ` (${t("gradebook.kept_back")})`));
      return el("td", { class: c.state === "missing" ? "muted" : c.state === "late" ? "warn" : "", text: t(`hw.state_${c.state}`) });
    };
    const homework = g.homework || [];
    const table = (g.exams.length || homework.length) && g.students.length
      ? el("table", { id: "gradebook" }, el("caption", { class: "sr-only", text: t("gradebook.title", { title: g.course.title }) }),
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("attempts.student") }),
          g.exams.map((x) => el("th", { scope: "col" }, el("a", { href: `#/teacher/exam/${enc(x.id)}`, text: x.title }))),
          homework.map((h) => el("th", { scope: "col" }, el("a", { href: `#/homework/${enc(courseId)}/${h.id}`, text: h.title }))))),
        el("tbody", {}, g.students.map((s) => el("tr", {}, el("th", { scope: "row", text: who(s) }), s.cells.map((c, j) => cell(c, g.exams[j])),
          (s.homework || []).map((c, j) => hwCell(c, homework[j]))))))
      : el("p", { text: t("gradebook.empty") });
    P.show(t("gradebook.title", { title: g.course.title }),
      el("p", {}, el("a", { href: "#/teacher", text: t("nav.exams") })), table,
      el("p", {}, el("a", { class: "button", href: `/api/courses/${enc(courseId)}/gradebook.csv`, download: `${courseId}-gradebook.csv`, text: t("gradebook.csv") })));
  }, STAFF);

  // An exam file (TOML), or questions from elsewhere (QTI: a content package .zip or items .xml;
  // Moodle XML .xml; GIFT .gift or .txt) made a draft with the id the teacher gives; questions
  // that cannot be imported are refused with each, then may be imported without them at the
  // teacher's word.
  function uploadForm() {
    const file = el("input", { type: "file", accept: ".toml,.zip,.xml,.gift,.txt,text/plain,application/zip,text/xml", id: "exam-file", required: true });
    const qtiId = el("input", { type: "text", id: "qti-id", pattern: "[a-z0-9-]{1,64}", autocomplete: "off", spellcheck: "false" });
    const qtiField = P.field(t("upload.qti_id"), qtiId);
    const isQti = () => file.files.length && /\.(zip|xml|gift|txt)$/i.test(file.files[0].name);
    qtiField.hidden = true;
    file.addEventListener("change", () => { qtiField.hidden = !isQti(); });
    const problems = el("div", { id: "import-problems", role: "alert" });
    const button = el("button", { class: "primary", type: "submit", text: t("upload.button") });
    const form = el("form", { class: "card", "aria-labelledby": "h-upload" },
      el("h2", { id: "h-upload", text: t("upload.title") }), el("p", { class: "muted", text: t("upload.help") }),
      el("p", {}, el("a", { href: "/static/exam-format.md", target: "_blank", rel: "noopener", text: t("upload.guide") }), " · ",
        el("a", { href: "/static/exam-template.toml", download: "exam-template.toml", text: t("upload.template") })),
      P.field(t("upload.file"), file), qtiField, button, problems);
    const listProblems = (e) => {
      const list = (e.body && e.body.error && e.body.error.problems) || [];
      problems.append(el("p", { class: "error", text: list.length ? t("upload.problems", { count: list.length }) : e.message }));
      if (list.length) problems.append(el("ul", { class: "problems" }, list.map((p) => el("li", { text: P.problemText(p) }))));
      return list.length;
    };
    const sendQti = async (partial) => {
      const id = qtiId.value.trim();
      const r = await P.api("POST", `/api/exams/${enc(id)}/import${partial ? "?partial=1" : ""}`, file.files[0]);
      const said = [...r.left_out, ...r.notes];
      if (!said.length) return P.go(`#/teacher/exam/${enc(r.exam.id)}`);
      problems.replaceChildren(el("p", { text: t("upload.qti_done", { count: r.exam.question_count }) }),
        el("ul", { class: "problems" }, said.map((p) => el("li", { text: p.message }))),
        el("p", {}, el("a", { class: "button", href: `#/teacher/exam/${enc(r.exam.id)}`, text: t("upload.open_draft") })));
    };
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      problems.replaceChildren();
      if (!file.files.length) return problems.append(el("p", { class: "error", text: t("upload.choose") }));
      if (isQti() && !qtiId.checkValidity()) return problems.append(el("p", { class: "error", text: t("upload.qti_id_needed") }));
      button.disabled = true;
      try {
        if (isQti()) return await sendQti(false);
        const r = await P.api("POST", "/api/exams", await file.files[0].text());
        P.go(`#/teacher/exam/${enc(r.exam.id)}`);
      } catch (e) {
        if (listProblems(e) && isQti()) {
          const partial = el("button", { type: "button", text: t("upload.qti_partial") });
          partial.addEventListener("click", async () => {
            partial.disabled = true;
            try { await sendQti(true); } catch (e2) { problems.replaceChildren(); listProblems(e2); }
          });
          problems.append(partial);
        }
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  P.route("#/teacher/exam/:id", async (examId) => {
    const { exam } = await P.api("GET", `/api/exams/${enc(examId)}`);
    const sections = [el("p", { text: `${exam.published ? (exam.results_released ? t("teacher.released") : t("teacher.published")) : t("teacher.draft")} · ${t("exam.questions", { count: exam.question_count, points: P.fmtNumber(exam.max_points, 2) })}` }),
      el("p", {}, el("a", { class: "button", href: `#/teacher/preview/${enc(exam.id)}`, text: t("preview.link") }), " ",
        el("a", { class: "button", href: `/api/exams/${enc(exam.id)}/qti.zip`, download: `${exam.id}-qti3.zip`, text: t("exam.qti_export") }))];
    // Once published, what a teacher watches comes first; before, what they prepare.
    const incidents = P.incidentsPanel({ examId: exam.id });
    const seb = sebForm(exam);
    if (exam.published) sections.push(liveSection(exam), attemptsSection(exam), incidents.section, timeNowForm(exam), extraTimeForm(exam), seb.section, settingsForm(exam), duplicateForm(exam));
    else sections.push(settingsForm(exam), publishBox(exam), extraTimeForm(exam), seb.section, incidents.section, duplicateForm(exam));
    P.show(exam.title, sections);
    await Promise.all([incidents.refresh(), seb.refresh()]);
  }, STAFF);

  function settingsForm(exam) {
    const frozen = exam.published;
    const opens = el("input", { type: "datetime-local", value: P.toZoneInput(exam.opens_ms), disabled: frozen, required: true });
    const closes = el("input", { type: "datetime-local", value: P.toZoneInput(exam.closes_ms), disabled: frozen, required: true });
    const duration = el("input", { type: "number", min: "1", step: "1", value: String(Math.round(exam.duration_ms / 60000)), disabled: frozen, required: true });
    const perPage = el("input", { type: "checkbox", id: P.uid("opp"), checked: exam.one_per_page, disabled: frozen });
    const msg = el("p", { role: "status" });
    const form = el("form", { class: "card", "aria-labelledby": "h-settings" }, el("h2", { id: "h-settings", text: t("settings.title") }),
      P.field(t("settings.opens", { zone: P.zone }), opens), P.field(t("settings.closes", { zone: P.zone }), closes), P.field(t("settings.duration"), duration),
      el("div", { class: "option" }, perPage, el("label", { for: perPage.id, text: t("settings.one_per_page") })),
      frozen ? el("p", { class: "muted", text: t("settings.frozen") }) : el("button", { type: "submit", text: t("settings.save") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await P.api("PUT", `/api/exams/${enc(exam.id)}/settings`, {
          opens_ms: P.fromZoneInput(opens.value), closes_ms: P.fromZoneInput(closes.value),
          duration_minutes: Number(duration.value), one_per_page: perPage.checked });
        msg.className = "ok";
        msg.textContent = t("settings.saved");
      } catch (e) {
        msg.className = "error";
        msg.textContent = e.message;
      }
    });
    return form;
  }

  // A new draft copied from this exam (last year's paper, another group's sitting).
  function duplicateForm(exam) {
    const id = el("input", { type: "text", autocomplete: "off", required: true, pattern: "[a-z0-9-]{1,64}", value: `${exam.id}-copy`.slice(0, 64) });
    const title = el("input", { type: "text", autocomplete: "off", required: true, maxlength: "200", value: t("copy.default_title", { title: exam.title }) });
    const msg = P.errorBox();
    const form = el("form", { class: "card", "aria-labelledby": "h-copy" }, el("h2", { id: "h-copy", text: t("copy.title") }),
      el("p", { class: "muted", text: t("copy.help") }), P.field(t("copy.id"), id), P.field(t("copy.name"), title),
      el("button", { type: "submit", text: t("copy.button") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.textContent = "";
      try {
        const r = await P.api("POST", `/api/exams/${enc(exam.id)}/duplicate`, { id: id.value.trim(), title: title.value.trim() });
        P.go(`#/teacher/exam/${enc(r.exam.id)}`);
      } catch (e) { msg.textContent = e.message; }
    });
    return form;
  }

  function publishBox(exam) {
    const msg = P.errorBox();
    const button = el("button", { type: "button", class: "primary", id: "publish", text: t("publish.button") });
    button.addEventListener("click", async () => {
      if (!confirm(t("publish.confirm"))) return;
      try { await P.api("POST", `/api/exams/${enc(exam.id)}/publish`); P.refresh(); } catch (e) { msg.textContent = e.message; }
    });
    return el("section", { class: "card" }, el("h2", { text: t("publish.title") }), el("p", { text: t("publish.help") }), button, msg);
  }

  // More time now, for students already taking the exam: everyone, or the logins listed.
  function timeNowForm(exam) {
    const minutes = el("input", { type: "number", min: "1", max: "1440", step: "1", value: "10", required: true });
    const logins = el("input", { type: "text", autocomplete: "off", placeholder: t("now.everyone") });
    const msg = el("p", { role: "status" });
    const form = el("form", { class: "card", "aria-labelledby": "h-time-now" }, el("h2", { id: "h-time-now", text: t("now.title") }),
      el("p", { class: "muted", text: t("now.help") }), P.field(t("now.minutes"), minutes), P.field(t("now.logins"), logins),
      el("button", { type: "submit", text: t("now.add") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const list = logins.value.split(/[\s,;]+/).filter(Boolean);
      try {
        const r = await P.api("POST", `/api/exams/${enc(exam.id)}/time`, list.length ? { minutes: Number(minutes.value), logins: list } : { minutes: Number(minutes.value) });
        msg.className = "ok";
        msg.textContent = t("now.done", { minutes: r.minutes, count: r.attempts_extended });
      } catch (e) {
        msg.className = "error";
        msg.textContent = e.message;
      }
    });
    return form;
  }

  // Safe Exam Browser: the keys SEB shows (Config Key, Browser Exam Keys); none: not required.
  function sebForm(exam) {
    const ck = el("textarea", { rows: "2", autocomplete: "off", spellcheck: "false" });
    const bek = el("textarea", { rows: "2", autocomplete: "off", spellcheck: "false" });
    const state = el("p", { id: "seb-state" });
    const msg = el("p", { role: "status" });
    const lines = (x) => x.value.split(/[\s,;]+/).filter(Boolean);
    const show = (r) => {
      ck.value = r.config_keys.join("\n");
      bek.value = r.browser_exam_keys.join("\n");
      state.textContent = t(r.required ? "seb.required" : "seb.not_required");
    };
    // Or the .seb file itself: the server computes its Config Key and adds it.
    const file = el("input", { type: "file", accept: ".seb,application/seb,application/octet-stream,text/xml" });
    const upload = el("button", { type: "button", text: t("seb.upload") });
    upload.addEventListener("click", async () => {
      if (!file.files.length) { msg.className = "error"; msg.textContent = t("seb.choose"); return; }
      try {
        const r = await P.api("POST", `/api/exams/${enc(exam.id)}/seb/config`, file.files[0]);
        show(r);
        msg.className = "ok";
        msg.textContent = t("seb.uploaded", { key: r.file.config_key.slice(0, 12), url: r.file.start_url || "-" });
      } catch (e) {
        msg.className = "error";
        msg.textContent = e.message;
      }
    });
    const form = el("form", { class: "card", "aria-labelledby": "h-seb" }, el("h2", { id: "h-seb", text: t("seb.teacher_title") }),
      el("p", { class: "muted", text: t("seb.teacher_help") }), state, P.field(t("seb.file"), file), upload,
      P.field(t("seb.config_keys"), ck), P.field(t("seb.browser_exam_keys"), bek),
      el("button", { type: "submit", text: t("seb.save") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const r = await P.api("PUT", `/api/exams/${enc(exam.id)}/seb`, { config_keys: lines(ck), browser_exam_keys: lines(bek) });
        show(r);
        msg.className = "ok";
        msg.textContent = t(r.required ? "seb.saved" : "seb.lifted");
      } catch (e) {
        msg.className = "error";
        msg.textContent = e.message;
      }
    });
    const refresh = async () => { try { show(await P.api("GET", `/api/exams/${enc(exam.id)}/seb`)); } catch (e) { msg.textContent = e.message; } };
    return { section: form, refresh };
  }

  // Extra time (accommodations), one student at a time, and everyone who has some, in one list.
  function extraTimeForm(exam) {
    const login = el("input", { type: "text", autocomplete: "off", required: true });
    const minutes = el("input", { type: "number", min: "0", step: "1", value: "0", required: true });
    const msg = el("p", { role: "status" });
    const list = el("div", { id: "extra-list" });
    const refresh = async () => {
      try {
        const { extra_time } = await P.api("GET", `/api/exams/${enc(exam.id)}/extra-time`);
        list.replaceChildren(extra_time.length
          ? el("table", {}, el("caption", { text: t("extra.list") }),
            el("thead", {}, el("tr", {}, ["attempts.student", "extra.minutes"].map((k) => el("th", { scope: "col", text: t(k) })))),
            el("tbody", {}, extra_time.map((x) => el("tr", {}, el("th", { scope: "row", text: who(x) }),
              el("td", { text: P.fmtNumber(x.minutes) })))))
          : el("p", { class: "muted", text: t("extra.none") }));
      } catch (e) { /* the form still works; the list shows again on the next visit */ }
    };
    const form = el("form", { class: "card", "aria-labelledby": "h-extra" }, el("h2", { id: "h-extra", text: t("extra.title") }),
      el("p", { class: "muted", text: t("extra.help") }), P.field(t("extra.login"), login), P.field(t("extra.minutes"), minutes),
      el("button", { type: "submit", text: t("extra.save") }), msg, list);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await P.api("PUT", `/api/exams/${enc(exam.id)}/extra-time`, { login: login.value.trim(), minutes: Number(minutes.value) });
        msg.className = "ok";
        msg.textContent = t("extra.saved", { login: login.value.trim(), minutes: minutes.value });
        refresh();
      } catch (e) {
        msg.className = "error";
        msg.textContent = e.message;
      }
    });
    refresh();
    return form;
  }

  P.route("#/teacher/preview/:id", async (examId) => {
    const paper = await P.api("GET", `/api/exams/${enc(examId)}/preview`);
    P.show(t("preview.title", { title: paper.exam.title }),
      el("p", { class: "notice", text: t("preview.help") }),
      el("p", {}, el("a", { href: `#/teacher/exam/${enc(examId)}`, text: t("grade.back") })),
      P.previewPaper(paper));
  }, STAFF);

  // Live figures pushed by the server (server-sent events); the attempts table follows.
  function liveSection(exam) {
    const figures = ["enrolled", "started", "in_progress", "submitted", "saves_last_minute"];
    const values = Object.fromEntries(figures.map((k) => [k, el("dd", { id: `live-${k}`, text: "–" })]));
    const latest = el("ul", { id: "latest-submissions" });
    const state = el("p", { class: "muted", role: "status" });
    let lastCounts = "";  // the attempts table is read again when a student starts or submits
    const stream = P.stream(`/api/exams/${enc(exam.id)}/live/events`);
    stream.addEventListener("live", (ev) => {
      const live = JSON.parse(ev.data);
      for (const k of figures) values[k].textContent = P.fmtNumber(live[k]);
      latest.replaceChildren(...live.latest_submissions.map((s) =>
        el("li", { text: t("live.submission", { name: s.name || s.login, login: s.login, time: P.fmtClock(s.submitted_ms) }) + (s.auto_submitted ? ` (${t("live.auto")})` : "") })));
      state.textContent = t("live.updated", { time: P.fmtClock(Date.now()) });
      const counts = `${live.started}/${live.submitted}`;
      if (counts !== lastCounts) { lastCounts = counts; document.dispatchEvent(new CustomEvent("pupitre:attempts-changed")); }
    });
    stream.onerror = () => { state.textContent = t("live.reconnecting"); };
    return el("section", { class: "card", "aria-labelledby": "h-live" }, el("h2", { id: "h-live", text: t("live.title") }),
      el("dl", { class: "figures" }, figures.map((k) => el("div", {}, el("dt", { text: t(`live.${k}`) }), values[k]))),
      el("h3", { text: t("live.latest") }), latest, state);
  }

  function attemptsSection(exam) {
    const body = el("tbody");
    const msg = P.errorBox();
    let ungraded = 0;  // essays still to grade, from the last reading of the attempts
    let shown = "";    // what the table shows: redrawn only when it changes (focus stays put)
    const load = async () => {
      try {
        const { attempts } = await P.api("GET", `/api/exams/${enc(exam.id)}/attempts`);
        ungraded = attempts.reduce((n, a) => n + (a.result ? a.result.ungraded_essays : 0), 0);
        const now = attempts.map((a) => [a.id, a.status, a.deadline_ms, a.result && a.result.points, a.result && a.result.ungraded_essays].join()).join("|");
        if (now === shown) return;
        shown = now;
        body.replaceChildren(...attempts.map((a) => el("tr", {},
          el("th", { scope: "row", text: who(a) }),
          el("td", { text: a.status === "submitted" ? t("state.submitted") : t("state.in_progress", { time: P.fmtClock(a.deadline_ms) }) }),
          el("td", { text: a.result ? `${P.fmtNumber(a.result.points, 2)} / ${P.fmtNumber(a.result.max_points, 2)}` : "–" }),
          el("td", { text: a.result && a.result.ungraded_essays ? t("attempts.to_grade", { count: a.result.ungraded_essays }) : "" }),
          el("td", {}, a.status === "submitted" ? el("a", { href: `#/teacher/grade/${enc(exam.id)}/${a.id}`, text: t("attempts.grade"), "aria-label": `${t("attempts.grade")}: ${a.login}` }) : "", " ",
            el("a", { href: `#/teacher/timeline/${enc(exam.id)}/${a.id}`, text: t("attempts.timeline"), "aria-label": `${t("attempts.timeline")}: ${a.login}` })))));
      } catch (e) { msg.textContent = e.message; }
    };
    const onChange = () => load();
    document.addEventListener("pupitre:attempts-changed", onChange);
    P.onLeave(() => document.removeEventListener("pupitre:attempts-changed", onChange));
    // Releasing: what students will see (the teacher may change it afterwards), and a warning
    // when the exam is still open or essays are ungraded (students would see a provisional score).
    let released = exam.results_released;
    const levels = ["score", "answers", "solutions"].map((level) => {
      const input = el("input", { type: "radio", name: "review", value: level, id: `review-${level}`, checked: exam.review === level });
      return [input, el("div", { class: "option" }, input, el("label", { for: input.id, text: t(`review.${level}`) }))];
    });
    const chosen = () => levels.find(([input]) => input.checked)[0].value;
    const state = el("p", { id: "release-state", role: "status" });
    const release = el("button", { type: "button", class: "primary", id: "release" });
    const showState = (level) => {
      release.textContent = t(released ? "release.change" : "release.button");
      state.textContent = released ? t("release.state", { level: t(`review.${level}`) }) : "";
    };
    showState(exam.review);
    release.addEventListener("click", async () => {
      const warnings = [];
      if (exam.closes_ms > P.serverNow()) warnings.push(t("release.warn_open", { time: P.fmtTime(exam.closes_ms) }));
      if (ungraded) warnings.push(t("release.warn_ungraded", { count: ungraded }));
      if (!confirm([released ? t("release.confirm_change") : t("release.confirm"), ...warnings].join("\n\n"))) return;
      try {
        const r = await P.api("POST", `/api/exams/${enc(exam.id)}/release`, { review: chosen() });
        released = true;
        showState(r.review);
      } catch (e) { msg.textContent = e.message; }
    });
    load();
    // Scores to the LMS's gradebook (LTI 1.3), when students came from it.
    const lms = el("span");
    const lmsState = el("p", { role: "status" });
    P.api("GET", `/api/exams/${enc(exam.id)}/lti-scores`).then((r) => {
      if (!r.lti || !r.students) return;
      const send = el("button", { type: "button", class: "button", id: "lti-scores", text: t("attempts.lti_send", { count: r.students }) });
      send.addEventListener("click", async () => {
        send.disabled = true;
        lmsState.textContent = t("attempts.lti_sending");
        try {
          const a = await P.api("POST", `/api/exams/${enc(exam.id)}/lti-scores`);
          lmsState.textContent = [t("attempts.lti_sent", { count: a.sent }),
            a.left_out.length ? t("attempts.lti_left_out", { names: a.left_out.map((x) => x.login).join(", ") }) : "",
            a.failed.length ? t("attempts.lti_failed", { names: a.failed.map((x) => x.login).join(", "), why: a.failed[0].message }) : ""].filter(Boolean).join(" ");
        } catch (e) { lmsState.textContent = e.message; }
        send.disabled = false;
      });
      lms.replaceChildren(" ", send);
    }).catch(() => {});
    return el("section", { class: "card", "aria-labelledby": "h-attempts" }, el("h2", { id: "h-attempts", text: t("attempts.title") }),
      el("table", {}, el("thead", {}, el("tr", {}, ["attempts.student", "home.state", "attempts.score", "attempts.essays", "home.action"].map((k) => el("th", { scope: "col", text: t(k) })))), body),
      msg, el("p", {}, el("a", { class: "button", href: `/api/exams/${enc(exam.id)}/results.csv`, download: `${exam.id}-results.csv`, text: t("attempts.csv") }), " ",
        el("a", { class: "button", href: `/api/exams/${enc(exam.id)}/results-moodle.xml`, download: `${exam.id}-moodle-grades.xml`, text: t("attempts.moodle") }), lms),
      lmsState,
      el("fieldset", { class: "release" }, el("legend", { text: t("review.legend") }), levels.map(([, row]) => row), release, state));
  }

  // What the server saw of one attempt, line by line (and as CSV): for "I lost my answers".
  const span = (ms) => { const s = Math.round(ms / 1000); return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`; };
  function timelineText(e) {
    const d = e.data || {};
    switch (e.kind) {
      case "admitted": return t("tl.admitted", { time: span(d.waited_ms || 0) });
      case "started": return t("tl.started", { time: P.fmtClock(d.deadline_ms) });
      case "saves": return [t("tl.saves", { count: d.saves }), d.resent ? t("tl.resent", { count: d.resent }) : "", d.replays ? t("tl.replays", { count: d.replays }) : ""].filter(Boolean).join(" · ");
      case "page_connected": return t("tl.page_connected");
      case "page_disconnected": return t("tl.page_disconnected");
      case "quiet": return t("tl.quiet", { time: span(d.for_ms) });
      case "extra_time": return t("tl.extra_time", { time: span(d.added_ms) });
      case "outage_compensation": return t("tl.compensation", { time: span(d.added_ms), from: P.fmtClock(d.from_ms), to: P.fmtClock(d.to_ms) });
      case "answer_file": return t(d.by_teacher ? "tl.answer_file_teacher" : "tl.answer_file", { applied: d.applied, replays: d.replays, late: d.late });
      case "submitted": return t(d.auto ? "tl.auto_submitted" : "tl.submitted");
      default: return e.kind;
    }
  }
  P.route("#/teacher/timeline/:exam/:attempt", async (examId, attemptId) => {
    const { timeline, login, name } = await P.api("GET", `/api/attempts/${enc(attemptId)}/timeline`);
    const rows = timeline.map((e) => el("tr", { "data-kind": e.kind }, el("td", { text: P.fmtClock(e.at_ms) }), el("td", { text: timelineText(e) })));
    P.show(t("tl.title", { name: name || login || attemptId, login: login || "" }),
      el("p", {}, el("a", { href: `#/teacher/exam/${enc(examId)}`, text: t("grade.back") })),
      el("p", { class: "muted", text: t("tl.help") }),
      el("table", { id: "timeline" }, el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("op.time") }), el("th", { scope: "col", text: t("tl.what") }))), el("tbody", {}, rows)),
      el("p", {}, el("a", { class: "button", href: `/api/attempts/${enc(attemptId)}/timeline.csv`, download: `attempt-${attemptId}-timeline.csv`, text: t("tl.csv") })),
      answerFileForm(attemptId));
  }, STAFF);

  // An invigilator's upload of a student's encrypted answer file (from a page that was offline).
  function answerFileForm(attemptId) {
    const input = el("input", { type: "file", accept: ".json,application/json" });
    const msg = el("p", { role: "status" });
    const form = el("form", { class: "card", "aria-labelledby": "h-file" }, el("h2", { id: "h-file", text: t("file.upload_title") }),
      el("p", { class: "muted", text: t("file.upload_help") }), P.field(t("file.choose"), input),
      el("button", { type: "submit", text: t("file.upload") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!input.files.length) { msg.className = "error"; msg.textContent = t("file.none"); return; }
      try {
        const r = await P.api("POST", `/api/attempts/${enc(attemptId)}/answer-file`, await input.files[0].text());
        msg.className = "ok";
        msg.textContent = t("file.applied", { applied: r.applied, replays: r.replays, late: r.late, refused: r.refused });
      } catch (e) {
        msg.className = "error";
        msg.textContent = e.message;
      }
    });
    return form;
  }

  // Grading. An attempt's page: every question with the student's answer, the right one, its
  // points (an essay's to give) and a comment the student reads after release; an overall
  // comment; the previous and next student. Or one question across every student.
  const submittedOf = async (examId) => (await P.api("GET", `/api/exams/${enc(examId)}/attempts`)).attempts
    .filter((a) => a.status === "submitted").sort((x, y) => (x.login || "").localeCompare(y.login || ""));

  // One question of one attempt: answer, right answer, points (given here for an essay) and the
  // teacher's comment, saved together.
  function gradeForm(attempt, item, heading) {
    const essay = item.type === "essay";
    const current = attempt.result.questions[item.id];
    const points = essay ? el("input", { type: "number", min: "0", max: String(item.max), step: "0.25", required: true,
      value: current === null || current === undefined ? "" : String(current) }) : null;
    const comment = el("textarea", { rows: "2", maxlength: "8000", value: attempt.result.comments[item.id] || "" });
    const msg = el("p", { role: "status" });
    const answer = essay
      ? el("blockquote", { class: "essay", text: item.answer || t("grade.no_answer") })
      : el("p", {}, el("strong", { text: t("result.your_answer") }), " ", P.answerText(item, item.answer));
    const form = el("form", { class: "card grade", "data-qid": item.id, "data-attempt": String(attempt.id) }, heading, answer,
      item.right !== null && item.right !== undefined ? el("p", { class: "right" }, el("strong", { text: t("result.right_answer") }), " ", P.answerText(item, item.right)) : null,
      essay ? P.field(t("grade.points", { max: P.fmtNumber(item.max, 2) }), points)
        : el("p", { text: t("result.q_points", { points: P.fmtNumber(current ?? 0, 2), max: P.fmtNumber(item.max, 2) }) }),
      P.field(t("grade.comment"), comment), el("button", { type: "submit", text: t("grade.save") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.className = "";
      msg.textContent = "";
      try {
        if (essay) await P.api("PUT", `/api/attempts/${attempt.id}/grades/${enc(item.id)}`, { points: Number(points.value) });
        await P.api("PUT", `/api/attempts/${attempt.id}/comments/${enc(item.id)}`, { text: comment.value });
        msg.className = "ok";
        msg.textContent = t("grade.saved");
      } catch (e) { msg.className = "error"; msg.textContent = e.message; }
    });
    return form;
  }

  P.route("#/teacher/grade/:exam/:attempt", async (examId, attemptId) => {
    const [{ attempt }, all] = await Promise.all([P.api("GET", `/api/attempts/${enc(attemptId)}`), submittedOf(examId)]);
    const i = all.findIndex((a) => String(a.id) === String(attemptId));
    const me = all[i] || attempt;
    const link = (a, key) => (a ? el("a", { href: `#/teacher/grade/${enc(examId)}/${a.id}`, rel: key === "grade.previous" ? "prev" : "next", text: t(key, { name: who(a) }) }) : null);
    const nav = el("nav", { class: "pager", "aria-label": t("grade.students") }, link(all[i - 1], "grade.previous") || el("span"), link(all[i + 1], "grade.next") || el("span"));
    if (!attempt.result) return P.show(t("grade.title", { name: who(me) }), el("p", { text: t("grade.not_submitted") }), nav);
    const items = (attempt.result.items || []).filter((item) => item.type !== "description");  // nothing to grade
    const forms = items.map((item, k) => gradeForm(attempt, item, el("h2", {}, t("q.number", { n: k + 1 }), " ", ...P.questionText(item.text, item.images, P.examImage(examId)),
      item.type === "essay" ? el("span", { class: "muted" }, " · ", el("a", { href: `#/teacher/grade-question/${enc(examId)}/${enc(item.id)}`, text: t("grade.everyone") })) : null)));
    const overall = el("textarea", { rows: "3", maxlength: "8000", value: attempt.result.comment || "" });
    const msg = el("p", { role: "status" });
    const overallForm = el("form", { class: "card", "aria-labelledby": "h-overall" }, el("h2", { id: "h-overall", text: t("grade.overall") }),
      P.field(t("grade.comment"), overall), el("button", { type: "submit", text: t("grade.save") }), msg);
    overallForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await P.api("PUT", `/api/attempts/${attempt.id}/comment`, { text: overall.value });
        msg.className = "ok";
        msg.textContent = t("grade.saved");
      } catch (e) { msg.className = "error"; msg.textContent = e.message; }
    });
    P.show(t("grade.title", { name: who(me) }),
      el("p", {}, el("a", { href: `#/teacher/exam/${enc(examId)}`, text: t("grade.back") })), nav,
      el("p", { class: "big", text: t("result.points", { points: P.fmtNumber(attempt.result.points, 2), max: P.fmtNumber(attempt.result.max_points, 2) }) }),
      forms, overallForm, nav.cloneNode(true));
  }, STAFF);

  // One question across every submitted attempt: the way to grade an essay fairly.
  P.route("#/teacher/grade-question/:exam/:question", async (examId, questionId) => {
    const all = await submittedOf(examId);
    const blocks = all.map((a) => {
      const item = ((a.result && a.result.items) || []).find((x) => x.id === questionId);
      return item ? gradeForm(a, item, el("h2", { text: who(a) })) : null;
    }).filter(Boolean);
    const first = all.map((a) => ((a.result && a.result.items) || []).find((x) => x.id === questionId)).find(Boolean);
    P.show(t("grade.question_title", { question: first ? first.text.replaceAll("\uFFFC", "") : questionId }),
      el("p", {}, el("a", { href: `#/teacher/exam/${enc(examId)}`, text: t("grade.back") })),
      blocks.length ? blocks : el("p", { text: t("grade.nobody") }));
  }, STAFF);
})();
