"use strict";
// A course's space: its sections and their items (pages, files, links) for its students (who
// come in through its door: a place in line while the platform is full, see guard/course_door.h); the
// same page lets its teachers add, change, move and delete them. Pages come rendered (and made
// safe) by the server. Files are sent as resumable uploads (upload.js).
(() => {
  const { el, t } = P;
  const enc = encodeURIComponent;

  // The course space's other pages, loaded on their first visit.
  P.lazyRoute("#/homework/:course/:item", "homework.js");
  P.lazyRoute("#/live/:course/:item", "live.js");
  P.lazyRoute("#/calendar", "calendar.js");

  P.route("#/course/:id", async (courseId) => {
    const base = `/api/courses/${enc(courseId)}`;
    let outline = await P.api("GET", `${base}/outline`);
    if (outline.course_line) {
      // The platform is full (or an exam is starting): a place in line, and the page goes on by
      // itself when it is this student's turn.
      const w = outline.course_line;
      const timer = setTimeout(() => P.refresh(), outline.retry_ms || 2000);
      P.onLeave(() => clearTimeout(timer));
      return P.show(t("course.line_title"),
        el("p", { role: "status", class: "big", text: w.eta_ms === null ? t("course.line_paused", { position: w.position })
          : t("course.line", { position: w.position, seconds: Math.max(1, Math.round(w.eta_ms / 1000)) }) }),
        el("p", { class: "muted", text: t("course.line_why") }));
    }
    const teacher = outline.role === "teacher";
    const sections = el("div", { id: "sections" });

    // Reads the outline again and redraws the sections; `focus` is the id of what gets the
    // focus after (the thing just made or moved), so that a keyboard user stays in place.
    const reload = async (focus) => {
      outline = await P.api("GET", `${base}/outline`);
      draw();
      const target = focus && document.getElementById(focus);
      if (target) target.focus();
    };
    // Runs a teacher's change; its refusal is said next to what was changed.
    const change = async (box, work, focus) => {
      box.textContent = "";
      try {
        await work();
        await reload(focus);
      } catch (e) {
        box.textContent = e.message;
      }
    };

    const itemView = (section, item, index) => {
      const msg = el("span", { class: "error", role: "alert" });
      const head = el("h3", { id: `item-${item.id}`, tabindex: "-1", text: item.title });
      let body;
      if (item.kind === "page") {
        const html = el("div", { class: "page-body" });
        html.innerHTML = item.html;  // rendered by the server with raw HTML dropped (cmark)
        body = el("details", { class: "page" }, el("summary", { text: t("course.read") }), html);
      } else if (item.kind === "homework") {
        const h = item.homework;
        const state = h.state ? el("span", { class: h.state === "missing" ? "" : h.state === "late" ? "warn" : "ok", text: ` · ${t(`hw.state_${h.state}`)}` }) : null;
        body = el("p", {}, el("span", { text: t("hw.due", { time: P.fmtTime(h.my_due_ms || h.due_ms) }) }), state, " · ",
          el("a", { href: `#/homework/${enc(courseId)}/${item.id}`, text: teacher ? t("hw.open_teacher") : t("hw.open"), "aria-label": `${teacher ? t("hw.open_teacher") : t("hw.open")}: ${item.title}` }));
      } else if (item.kind === "exam") {
        const x = item.exam;
        const label = teacher ? t("course.exam_open_teacher") : t("course.exam_open");
        body = el("p", {}, x.opens_ms ? el("span", { text: `${t("cal.exam", { from: P.fmtTime(x.opens_ms), to: P.fmtTime(x.closes_ms) })} · ` }) : null,
          x.published || teacher
            ? el("a", { href: teacher ? `#/teacher/exam/${enc(x.id)}` : `#/exam/${enc(x.id)}`, text: label, "aria-label": `${label}: ${item.title}` })
            : el("span", { class: "muted", text: t("course.exam_not_yet") }));
      } else if (item.kind === "live") {
        const l = item.live;
        const label = teacher ? t("live.open_teacher") : t("live.open");
        const phase = l ? el("span", { class: l.phase === "open" ? "ok" : "", text: ` · ${t(`live.phase_${l.phase}`)}` }) : null;
        body = el("p", {}, el("span", { text: l ? t("live.when", { time: P.fmtTime(l.start_ms), minutes: l.duration_min }) : "" }), phase, " · ",
          el("a", { href: `#/live/${enc(courseId)}/${item.id}`, text: label, "aria-label": `${label}: ${item.title}` }));
      } else if (item.kind === "link") {
        body = el("p", {}, el("a", { href: item.url, rel: "noopener noreferrer", target: "_blank", text: item.url }));
      } else {
        const f = item.file;
        const about = item.html ? el("div", { class: "page-body" }) : null;
        if (about) about.innerHTML = item.html;
        body = el("div", {}, about,
          el("p", { class: "file" },
            el("a", { href: f.url, target: "_blank", rel: "noopener", text: t("course.open") , "aria-label": t("course.open_named", { name: f.name }) }), " · ",
            el("a", { href: `${f.url}?download=1`, download: f.name, text: t("course.download"), "aria-label": t("course.download_named", { name: f.name }) }),
            el("span", { class: "muted", text: ` ${f.name} · ${P.fmtSize(f.size)}` })));
      }
      const tools = teacher ? el("div", { class: "tools" },
        el("button", { type: "button", text: t("course.edit"), "aria-label": t("course.edit_named", { name: item.title }),
          onclick: () => li.replaceChildren(itemForm(section, item, () => li.replaceWith(itemView(section, item, index)))) }),
        el("button", { type: "button", text: "↑", disabled: index === 0, "aria-label": t("course.up_named", { name: item.title }),
          onclick: () => change(msg, () => P.api("PUT", `${base}/items/${item.id}/place`, { section: section.id, position: index - 1 }), `item-${item.id}`) }),
        el("button", { type: "button", text: "↓", disabled: index === section.items.length - 1, "aria-label": t("course.down_named", { name: item.title }),
          onclick: () => change(msg, () => P.api("PUT", `${base}/items/${item.id}/place`, { section: section.id, position: index + 1 }), `item-${item.id}`) }),
        el("button", { type: "button", text: t("course.delete"), "aria-label": t("course.delete_named", { name: item.title }),
          onclick: () => { if (confirm(t("course.delete_item_confirm", { name: item.title }))) change(msg, () => P.api("DELETE", `${base}/items/${item.id}`), `section-${section.id}`); } }),
        msg) : null;
      const li = el("li", { class: `item item-${item.kind}`, "data-item": item.id }, head, body, tools);
      return li;
    };

    // The form that adds an item to `section` (item null) or changes `item`.
    const itemForm = (section, item, cancel) => {
      const kind = el("select", { disabled: !!item },
        ["page", "file", "link", "homework", "live", "exam"].map((k) => el("option", { value: k, text: t(`course.kind_${k}`), selected: item ? item.kind === k : k === "page" })));
      // A homework's rules; times in the school's zone.
      const h = (item && item.homework) || {};
      const due = el("input", { type: "datetime-local", value: h.due_ms ? P.toZoneInput(h.due_ms) : "" });
      const cutoff = el("input", { type: "datetime-local", value: h.cutoff_ms ? P.toZoneInput(h.cutoff_ms) : "" });
      const points = el("input", { type: "number", min: "0", max: "10000", step: "any", value: String(h.max_points || 20) });
      const types = el("input", { type: "text", value: (h.allowed || []).join(", "), placeholder: "pdf, jpg, png" });
      const maxFiles = el("input", { type: "number", min: "0", max: "20", value: String(h.max_files === undefined ? 3 : h.max_files) });
      const allowText = el("input", { type: "checkbox", id: P.uid("text"), checked: h.text === undefined ? true : h.text });
      const rules = el("fieldset", { class: "rules-form" }, el("legend", { text: t("hw.rules") }),
        P.field(t("hw.due_field", { zone: P.zone }), due), P.field(t("hw.cutoff_field"), cutoff), P.field(t("hw.points_field"), points),
        P.field(t("hw.types_field"), types), P.field(t("hw.max_files_field"), maxFiles),
        el("div", { class: "option" }, allowText, el("label", { for: allowText.id, text: t("hw.text_field") })));
      // A live class's schedule.
      const l = (item && item.live) || {};
      const start = el("input", { type: "datetime-local", value: l.start_ms ? P.toZoneInput(l.start_ms) : "" });
      const minutes = el("input", { type: "number", min: "5", max: "480", value: String(l.duration_min || 60) });
      const record = el("input", { type: "checkbox", id: P.uid("record"), checked: !!l.record });
      const schedule = el("fieldset", { class: "rules-form" }, el("legend", { text: t("live.schedule") }),
        P.field(t("live.start_field", { zone: P.zone }), start), P.field(t("live.duration_field"), minutes),
        el("div", { class: "option" }, record, el("label", { for: record.id, text: t("live.record_field") })));
      // An exam item: one of the course's exams, chosen from the list (read when first shown).
      const examSel = el("select", {}, el("option", { value: item && item.kind === "exam" ? item.body : "", text: item && item.exam && item.exam.title ? item.exam.title : "…" }));
      const examField = P.field(t("course.exam_field"), examSel);
      let examsRead = false;
      const readExams = async () => {
        if (examsRead) return;
        examsRead = true;
        try {
          const mine = (await P.api("GET", "/api/exams")).exams.filter((x) => x.course === courseId);
          const now = examSel.value;
          examSel.replaceChildren(...(mine.length ? mine.map((x) => el("option", { value: x.id, text: x.title, selected: x.id === now }))
            : [el("option", { value: "", text: t("course.exam_none") })]));
        } catch (e) { examSel.replaceChildren(el("option", { value: "", text: e.message })); }
      };
      const title = el("input", { type: "text", required: true, maxlength: "200", value: item ? item.title : "" });
      const text = el("textarea", { rows: "8", value: item ? (item.kind === "link" ? item.url : item.body || "") : "" });
      const url = el("input", { type: "url", value: item && item.kind === "link" ? item.url : "", placeholder: "https://" });
      const file = el("input", { type: "file" });
      const progress = el("progress", { max: "100", value: "0", hidden: true });
      const status = el("p", { role: "status" });
      const msg = el("p", { class: "error", role: "alert" });
      const textField = P.field(t("course.markdown"), text);
      const urlField = P.field(t("course.url"), url);
      const fileField = P.field(item ? t("course.replace_file") : t("course.file"), file);
      const show = () => {
        const k = kind.value;
        textField.hidden = k === "link" || k === "exam";
        examField.hidden = k !== "exam";
        if (k === "exam") readExams();
        textField.querySelector("label").textContent = k === "file" ? t("course.description") : k === "homework" ? t("hw.instructions") : t("course.markdown");
        rules.hidden = k !== "homework";
        schedule.hidden = k !== "live";
        urlField.hidden = k !== "link";
        fileField.hidden = k !== "file";
      };
      kind.addEventListener("change", show);
      const submit = el("button", { type: "submit", class: "primary", text: item ? t("course.save") : t("course.add") });
      const form = el("form", { class: "item-form", "aria-label": item ? t("course.edit_named", { name: item.title }) : t("course.add_to", { name: section.title }) },
        P.field(t("course.kind"), kind), P.field(t("course.title_field"), title), textField, urlField, fileField, examField, rules, schedule,
        progress, status, msg, submit,
        cancel ? el("button", { type: "button", text: t("course.cancel"), onclick: cancel }) : null);
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        msg.textContent = "";
        submit.disabled = true;
        try {
          const k = kind.value;
          const body = { kind: k, title: title.value.trim(), body: k === "link" ? url.value.trim() : k === "exam" ? examSel.value : text.value };
          if (k === "homework") {
            if (!due.value) throw new Error(t("hw.due_needed"));
            body.rules = { due_ms: P.fromZoneInput(due.value), cutoff_ms: cutoff.value ? P.fromZoneInput(cutoff.value) : 0,
              max_points: Number(points.value) || 0, max_files: Number(maxFiles.value) || 0, text: allowText.checked,
              allowed: types.value.split(/[\s,;.]+/).map((x) => x.toLowerCase()).filter(Boolean) };
          }
          if (k === "live") {
            if (!start.value) throw new Error(t("reason.start_needed"));
            body.live = { start_ms: P.fromZoneInput(start.value), duration_min: Number(minutes.value) || 60, record: record.checked };
          }
          if (k === "file" && file.files.length) {
            progress.hidden = false;
            await P.loadScript("upload.js");
            body.upload = await P.uploadFile(file.files[0], {
              onProgress: (sent, total) => {
                progress.value = total ? Math.floor((100 * sent) / total) : 100;
                status.textContent = t("upload.progress", { sent: P.fmtSize(sent), total: P.fmtSize(total) });
              },
              onRetry: (ms) => { status.textContent = t("upload.retrying", { seconds: Math.round(ms / 1000) }); },
            });
          } else if (k === "file" && !item) {
            throw new Error(t("course.choose_file"));
          }
          const r = item ? await P.api("PUT", `${base}/items/${item.id}`, body)
            : await P.api("POST", `${base}/sections/${section.id}/items`, body);
          await reload(`item-${r.item.id}`);
        } catch (e) {
          msg.textContent = e.message;
          submit.disabled = false;
        }
      });
      show();
      return form;
    };

    const sectionView = (section, index) => {
      const msg = el("span", { class: "error", role: "alert" });
      const heading = el("h2", { id: `section-${section.id}`, tabindex: "-1", text: section.title });
      const list = section.items.length
        ? el("ol", { class: "items" }, section.items.map((item, i) => itemView(section, item, i)))
        : el("p", { class: "muted", text: t("course.empty_section") });
      let tools = null;
      if (teacher) {
        const name = el("input", { type: "text", required: true, maxlength: "200", value: section.title, "aria-label": t("course.rename_named", { name: section.title }) });
        const rename = el("form", { class: "inline" }, name, el("button", { type: "submit", text: t("course.rename") }));
        rename.addEventListener("submit", (ev) => {
          ev.preventDefault();
          change(msg, () => P.api("PUT", `${base}/sections/${section.id}`, { title: name.value.trim() }), `section-${section.id}`);
        });
        tools = el("div", { class: "tools" }, rename,
          el("button", { type: "button", text: "↑", disabled: index === 0, "aria-label": t("course.up_named", { name: section.title }),
            onclick: () => change(msg, () => P.api("PUT", `${base}/sections/${section.id}`, { position: index - 1 }), `section-${section.id}`) }),
          el("button", { type: "button", text: "↓", disabled: index === outline.sections.length - 1, "aria-label": t("course.down_named", { name: section.title }),
            onclick: () => change(msg, () => P.api("PUT", `${base}/sections/${section.id}`, { position: index + 1 }), `section-${section.id}`) }),
          el("button", { type: "button", text: t("course.delete"), "aria-label": t("course.delete_named", { name: section.title }),
            onclick: () => { if (confirm(t("course.delete_section_confirm", { name: section.title }))) change(msg, () => P.api("DELETE", `${base}/sections/${section.id}`), "add-section-title"); } }),
          msg,
          el("details", { class: "add-item" }, el("summary", { text: t("course.add_to", { name: section.title }) }), itemForm(section, null, null)));
      }
      return el("section", { class: "card course-section", "aria-labelledby": heading.id }, heading, list, tools);
    };

    const draw = () => {
      sections.replaceChildren(...(outline.sections.length ? outline.sections.map(sectionView)
        : [el("p", { text: t(teacher ? "course.empty_teacher" : "course.empty") })]));
    };

    let addSection = null;
    if (teacher) {
      const title = el("input", { type: "text", id: "add-section-title", required: true, maxlength: "200" });
      const msg = el("p", { class: "error", role: "alert" });
      addSection = el("form", { class: "card", "aria-labelledby": "h-add-section" },
        el("h2", { id: "h-add-section", text: t("course.new_section") }),
        P.field(t("course.section_title"), title), el("button", { type: "submit", text: t("course.add_section") }), msg);
      addSection.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        msg.textContent = "";
        try {
          const r = await P.api("POST", `${base}/sections`, { title: title.value.trim() });
          title.value = "";
          await reload(`section-${r.section.id}`);
        } catch (e) { msg.textContent = e.message; }
      });
    }
    draw();
    P.show(outline.course.title, outline.course.description ? el("p", { class: "lead", text: outline.course.description }) : null,
      await P.announcementsPanel(courseId, teacher), sections, addSection, teacher ? await peopleCard() : null);
  });

  // Announcements of a course (`courseId`) or everyone's (""): the newest first, new ones marked
  // and then counted as read; a form to post when `canPost`; new ones pushed while it is shown.
  // `read`: the list's answer when the page already has it (the student's home reads it with
  // its other lists: one request fewer per student at 9:00).
  P.announcementsPanel = async (courseId, canPost, read = null) => {
    const path = courseId ? `/api/courses/${enc(courseId)}/announcements` : "/api/announcements";
    const r = read || await P.api("GET", path);
    const all = courseId ? r.announcements : r.announcements.filter((a) => !a.course);
    const list = el("ol", { class: "announcements", id: "announcements" });
    const view = (a, fresh) => {
      const html = el("div", { class: "page-body" });
      html.innerHTML = a.html;  // rendered by the server with raw HTML dropped (cmark)
      return el("li", { class: fresh ? "announcement new" : "announcement", "data-announcement": String(a.id) },
        el("h3", {}, a.title, fresh ? el("span", { class: "badge", text: ` ${t("ann.new")}` }) : null),
        el("p", { class: "muted", text: t("ann.by", { author: a.author, time: P.fmtTime(a.at_ms) }) }), html);
    };
    const empty = el("p", { class: "muted", text: t("ann.none") });
    const draw = (items) => {
      list.replaceChildren(...items.map((a) => view(a, a.unread)));
      empty.hidden = items.length > 0;
    };
    draw(all);
    const newest = all.length ? all[0].id : 0;
    if (all.some((a) => a.unread)) P.api("PUT", "/api/announcements/read", { course: courseId, up_to: newest }).catch(() => {});
    P.onAnnouncement((a) => {
      if ((a.course || "") !== courseId) return false;
      if (list.querySelector(`[data-announcement="${a.id}"]`)) return true;
      list.prepend(view(a, true));
      empty.hidden = true;
      P.api("PUT", "/api/announcements/read", { course: courseId, up_to: a.id }).catch(() => {});
      return true;
    });
    let form = null;
    if (canPost) {
      const title = el("input", { type: "text", required: true, maxlength: "200" });
      const body = el("textarea", { rows: "4" });
      const msg = el("p", { role: "status" });
      form = el("form", { class: "announce-form" }, P.field(t("ann.title_field"), title), P.field(t("ann.body_field"), body),
        el("button", { type: "submit", text: t(courseId ? "ann.post" : "ann.post_all") }), msg);
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        msg.className = "";
        try {
          const p = await P.api("POST", path, { title: title.value.trim(), body: body.value });
          if (!list.querySelector(`[data-announcement="${p.announcement.id}"]`)) list.prepend(view(p.announcement, false));
          empty.hidden = true;
          title.value = "";
          body.value = "";
          msg.className = "ok";
          msg.textContent = t("ann.posted");
        } catch (e) { msg.className = "error"; msg.textContent = e.message; }
      });
    }
    return el("section", { class: "card", "aria-labelledby": "h-announcements" },
      el("h2", { id: "h-announcements", text: courseId ? t("ann.title") : t("ann.title_all") }), list, empty, form);
  };

  // The course's people, for its teachers: who is in it, and adding students or teachers by
  // login, typed or read from a CSV file (its "login" column, or its first).
  async function peopleCard() {
    const courseId = decodeURIComponent(location.hash.split("/")[2]);
    const path = `/api/courses/${enc(courseId)}/members`;
    const list = el("div", {});
    const drawList = async () => {
      const m = await P.api("GET", path);
      const names = (rows) => rows.map((u) => (u.name && u.name !== u.login ? `${u.name} (${u.login})` : u.login)).join(", ");
      list.replaceChildren(el("p", { text: t("people.counts", { students: m.students.length, teachers: m.teachers.length }) }),
        el("details", {}, el("summary", { text: t("people.see") }),
          el("p", {}, el("strong", { text: t("people.teachers") }), " ", names(m.teachers)),
          (m.assistants || []).length ? el("p", {}, el("strong", { text: t("people.assistants") }), " ", names(m.assistants)) : null,
          el("p", {}, el("strong", { text: t("people.students") }), " ", names(m.students) || "—")));
    };
    const logins = el("textarea", { rows: "3", autocomplete: "off", spellcheck: "false" });
    const csv = el("input", { type: "file", accept: ".csv,text/csv,text/plain" });
    csv.addEventListener("change", async () => {
      if (!csv.files.length) return;
      const rows = (await csv.files[0].text()).split(/\r?\n/).filter((l) => l.trim()).map((l) => l.split(/[,;\t]/).map((x) => x.trim().replace(/^"|"$/g, "")));
      const col = Math.max(0, rows.length ? rows[0].findIndex((h) => h.toLowerCase() === "login") : 0);
      const body = rows.length && rows[0][col] && rows[0][col].toLowerCase() === "login" ? rows.slice(1) : rows;
      logins.value = body.map((r) => r[col]).filter(Boolean).join("\n");
    });
    const asRole = el("select", {}, ["student", "teacher", "assistant"].map((r) => el("option", { value: r, text: t(`people.as_${r}`) })));
    const msg = el("p", { role: "status" });
    const form = el("form", { class: "card", "aria-labelledby": "h-people" }, el("h2", { id: "h-people", text: t("people.title") }), list,
      P.field(t("accounts.logins"), logins), P.field(t("people.csv"), csv),
      P.field(t("people.as"), asRole),
      el("button", { type: "submit", text: t("accounts.add_members") }), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.className = "";
      try {
        const r = await P.api("POST", path, { logins: logins.value.split(/[\s,;]+/).filter(Boolean), role: asRole.value });
        msg.className = "ok";
        msg.textContent = t("accounts.members_added", { count: r.added });
        logins.value = "";
        await drawList();
      } catch (e) { msg.className = "error"; msg.textContent = e.message; }
    });
    await drawList();
    return form;
  }
})();
