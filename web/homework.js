"use strict";
// Homework (#/homework/COURSE/ITEM): for a student, the instructions, the due time (with their
// extra time), the hand-in form (files sent as resumable uploads, a text), the receipt with each
// file's SHA-256, and the grade once returned; for the course's teachers, every student's
// hand-in (handed in, late, missing), their files, all of them as one ZIP, a grade and a comment
// to give back, extra time.
(() => {
  const { el, t } = P;
  const enc = encodeURIComponent;

  const rulesText = (h, dueMs, cutoffMs) => [
    el("li", { text: t("hw.due", { time: P.fmtTime(dueMs) }) }),
    cutoffMs && cutoffMs > dueMs ? el("li", { text: t("hw.late_until", { time: P.fmtTime(cutoffMs) }) }) : el("li", { text: t("hw.no_late") }),
    h.max_files ? el("li", { text: h.allowed.length ? t("hw.files_of", { count: h.max_files, types: h.allowed.join(", ") }) : t("hw.files_any", { count: h.max_files }) }) : null,
    h.text ? el("li", { text: t("hw.text_ok") }) : null,
    h.max_points ? el("li", { text: t("hw.out_of", { max: P.fmtNumber(h.max_points, 2) }) }) : null,
  ];

  const filesList = (files) => el("ul", { class: "files" }, files.map((f) => el("li", {},
    el("a", { href: f.url, download: f.name, text: f.name }), el("span", { class: "muted", text: ` · ${P.fmtSize(f.size)}` }),
    el("br"), el("code", { class: "sha", text: `SHA-256 ${f.sha256}` }))));

  const receiptView = (handin, receiptUrl) => el("section", { class: "card receipt", "aria-labelledby": "h-receipt" },
    el("h2", { id: "h-receipt", text: t("hw.receipt") }),
    el("p", { class: handin.late ? "warn" : "ok", text: t(handin.late ? "hw.received_late" : "hw.received", { time: P.fmtTime(handin.submitted_ms), version: handin.version }) }),
    handin.files.length ? filesList(handin.files) : null,
    handin.text ? el("details", {}, el("summary", { text: t("hw.your_text") }), el("p", { class: "essay", text: handin.text })) : null,
    el("p", {}, el("a", { href: receiptUrl, download: "", class: "button", text: t("hw.receipt_download") })));

  P.route("#/homework/:course/:item", async (courseId, itemId) => {
    const base = `/api/courses/${enc(courseId)}/homework/${enc(itemId)}`;
    const v = await P.api("GET", base);
    const h = v.item.homework;
    const instructions = el("div", { class: "page-body" });
    instructions.innerHTML = v.item.html;  // rendered by the server with raw HTML dropped (cmark)
    const back = el("p", {}, el("a", { href: `#/course/${enc(courseId)}`, text: t("hw.back") }));
    const head = [back, instructions, el("ul", { class: "rules" }, rulesText(h, v.my_due_ms, v.my_cutoff_ms))];
    if (v.role !== "student") return teacherView(v, base, head);  // teachers and assistants

    const now = P.serverNow();
    const closed = now > (v.my_cutoff_ms || v.my_due_ms) || (v.handin && now > v.my_due_ms);
    const parts = [...head];
    if (v.grade) {
      parts.push(el("section", { class: "card", "aria-labelledby": "h-grade" }, el("h2", { id: "h-grade", text: t("hw.grade") }),
        v.grade.points !== null ? el("p", { class: "big", text: t("hw.points", { points: P.fmtNumber(v.grade.points, 2), max: P.fmtNumber(v.grade.max_points, 2) }) }) : null,
        v.grade.comment ? el("p", { class: "essay", text: v.grade.comment }) : null));
    }
    const receipt = el("div", { id: "receipt" }, v.handin ? receiptView(v.handin, `${base}/handin/receipt.txt`) : null);
    parts.push(receipt);
    if (closed) {
      parts.push(el("p", { class: "muted", text: t(v.handin ? "hw.final" : "hw.closed") }));
      return P.show(v.item.title, parts);
    }

    // The hand-in form: new files, the last hand-in's files to keep, a text.
    const files = el("input", { type: "file", multiple: true, accept: h.allowed.length ? h.allowed.map((x) => `.${x}`).join(",") : null });
    const keepBoxes = (v.handin ? v.handin.files : []).map((f, i) => {
      const box = el("input", { type: "checkbox", id: `keep-${i}`, checked: true, value: String(i) });
      return el("div", { class: "option" }, box, el("label", { for: box.id, text: t("hw.keep", { name: f.name }) }));
    });
    const text = el("textarea", { rows: "8", value: v.handin ? v.handin.text : "" });
    const progress = el("progress", { max: "100", value: "0", hidden: true });
    const status = el("p", { role: "status" });
    const msg = el("p", { class: "error", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary", text: t(v.handin ? "hw.replace" : "hw.hand_in") });
    const form = el("form", { class: "card", "aria-labelledby": "h-handin" },
      el("h2", { id: "h-handin", text: t(v.handin ? "hw.replace_title" : "hw.hand_in_title") }),
      v.handin ? el("p", { class: "muted", text: t("hw.replace_note", { time: P.fmtTime(v.my_due_ms) }) }) : null,
      keepBoxes,
      h.max_files ? P.field(t("hw.files"), files) : null,
      h.text ? P.field(t("hw.text"), text) : null,
      progress, status, msg, submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.textContent = "";
      submit.disabled = true;
      try {
        const chosen = [...files.files];
        const total = chosen.reduce((n, f) => n + f.size, 0);
        let before = 0;
        const uploads = [];
        if (chosen.length) progress.hidden = false;
        for (const f of chosen) {
          await P.loadScript("upload.js");
          uploads.push(await P.uploadFile(f, {
            onProgress: (sent) => {
              progress.value = total ? Math.floor((100 * (before + sent)) / total) : 100;
              status.textContent = t("upload.progress", { sent: P.fmtSize(before + sent), total: P.fmtSize(total) });
            },
            onRetry: (ms) => { status.textContent = t("upload.retrying", { seconds: Math.round(ms / 1000) }); },
          }));
          before += f.size;
        }
        const keep = keepBoxes.map((d) => d.querySelector("input")).filter((b) => b.checked).map((b) => Number(b.value));
        const r = await P.api("PUT", `${base}/handin`, { text: h.text ? text.value : "", uploads, keep });
        status.textContent = "";
        progress.hidden = true;
        receipt.replaceChildren(receiptView(r.handin, r.receipt_url));
        const heading = document.getElementById("h-receipt");
        heading.tabIndex = -1;
        heading.focus();
        files.value = "";
        submit.textContent = t("hw.replace");
      } catch (e) {
        msg.textContent = e.message;
      } finally {
        submit.disabled = false;
      }
    });
    parts.push(form);
    P.show(v.item.title, parts);
  });

  // The teacher's view: counts, the ZIP, each student's line with a grade form.
  async function teacherView(v, base, head) {
    const list = await P.api("GET", `${base}/handins`);
    const max = list.max_points;
    const row = (r) => {
      const points = el("input", { type: "number", min: "0", max: String(max), step: "any", value: r.grade.points === null ? "" : String(r.grade.points),
        "aria-label": t("hw.points_for", { name: r.name || r.login }), disabled: !max });
      const comment = el("textarea", { rows: "2", value: r.grade.comment, "aria-label": t("hw.comment_for", { name: r.name || r.login }) });
      const give = el("input", { type: "checkbox", id: `return-${r.user_id}`, checked: !!r.grade.returned_ms });
      const msg = el("span", { role: "status" });
      const save = el("form", { class: "grade" }, max ? points : null, comment,
        el("div", { class: "option" }, give, el("label", { for: give.id, text: t("hw.return") })),
        el("button", { type: "submit", text: t("hw.save"), "aria-label": t("hw.save_for", { name: r.name || r.login }) }), msg);
      save.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        msg.className = "";
        try {
          await P.api("PUT", `${base}/handins/${r.user_id}/grade`, { points: points.value === "" ? null : Number(points.value), comment: comment.value, returned: give.checked });
          msg.className = "ok";
          msg.textContent = t(give.checked ? "hw.saved_returned" : "hw.saved");
        } catch (e) { msg.className = "error"; msg.textContent = e.message; }
      });
      const state = r.state === "missing" ? t("hw.missing") : r.state === "late" ? t("hw.late_at", { time: P.fmtTime(r.handin.submitted_ms) }) : t("hw.on_time_at", { time: P.fmtTime(r.handin.submitted_ms) });
      return el("tr", { "data-login": r.login },
        el("th", { scope: "row", text: r.name && r.name !== r.login ? `${r.name} (${r.login})` : r.login }),
        el("td", { class: r.state === "missing" ? "muted" : r.state === "late" ? "warn" : "" , text: state }),
        el("td", {}, r.handin ? [filesList(r.handin.files), r.handin.text ? el("details", {}, el("summary", { text: t("hw.their_text") }), el("p", { class: "essay", text: r.handin.text })) : null] : ""),
        el("td", {}, save));
    };
    const c = list.counts;
    const table = list.rows.length
      ? el("table", { id: "handins" }, el("thead", {}, el("tr", {}, ["hw.student", "hw.state", "hw.work", "hw.grade"].map((k) => el("th", { scope: "col", text: t(k) })))),
          el("tbody", {}, list.rows.map(row)))
      : el("p", { text: t("hw.no_students") });
    P.show(v.item.title, head,
      el("p", { class: "big", text: t("hw.counts", { handed: c.handed_in, students: c.students, late: c.late }) }),
      c.handed_in ? el("p", {}, el("a", { class: "button", href: list.zip_url, download: "", text: t("hw.zip") })) : null,
      table);
  }
})();
