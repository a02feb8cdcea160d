"use strict";
// A course's question bank (teachers): questions added from a file (GIFT, Moodle XML, QTI) and
// filed by category, removed, and a draft exam made of them: questions chosen for everyone, and
// from any category a number drawn at random for each student.
(() => {
  const { el, t } = P;
  const enc = encodeURIComponent;
  const STAFF = { roles: ["teacher", "admin"] };
  const TYPES = { single: "bank.type_single", multiple: "bank.type_multiple", truefalse: "bank.type_truefalse",
    numeric: "bank.type_numeric", short: "bank.type_short", essay: "bank.type_essay", matching: "bank.type_matching", ordering: "bank.type_ordering", gaps: "bank.type_gaps",
    description: "bank.type_description" };

  P.route("#/teacher/bank/:course", async (courseId) => {
    const [{ courses }, bank] = await Promise.all([P.api("GET", "/api/courses"), P.api("GET", `/api/courses/${enc(courseId)}/bank`)]);
    const course = courses.find((c) => c.id === courseId) || { id: courseId, title: courseId };
    const builder = examForm(courseId, bank);
    P.show(t("bank.title", { title: course.title }),
      el("p", {}, el("a", { href: "#/teacher", text: t("nav.exams") }), " · ",
        el("a", { href: `#/teacher/course/${enc(courseId)}`, text: t("gradebook.link") })),
      addForm(courseId), bankSection(courseId, bank, builder), builder.form);
  }, STAFF);

  // Questions from a file into the bank; what cannot be imported is listed first, and the rest
  // imported at the teacher's word.
  function addForm(courseId) {
    const file = el("input", { type: "file", id: "bank-file", accept: ".gift,.txt,.xml,.zip,text/plain,text/xml,application/zip", required: true });
    const category = el("input", { type: "text", id: "bank-category", maxlength: "200", autocomplete: "off" });
    const said = el("div", { id: "bank-said", role: "status" });
    const button = el("button", { class: "primary", type: "submit", text: t("bank.add_button") });
    const form = el("form", { class: "card", "aria-labelledby": "h-bank-add" },
      el("h2", { id: "h-bank-add", text: t("bank.add_title") }), el("p", { class: "muted", text: t("bank.add_help") }),
      P.field(t("bank.file"), file), P.field(t("bank.category_default"), category), button, said);
    const send = async (partial) => {
      const query = new URLSearchParams();
      if (partial) query.set("partial", "1");
      if (category.value.trim()) query.set("category", category.value.trim());
      const r = await P.api("POST", `/api/courses/${enc(courseId)}/bank?${query}`, file.files[0]);
      const notes = [...r.left_out, ...r.notes];
      if (!notes.length) return P.refresh();
      said.replaceChildren(el("p", { text: t("bank.added", { count: r.added.length }) }),
        el("ul", { class: "problems" }, notes.map((p) => el("li", { text: p.message }))),
        el("button", { type: "button", text: t("bank.see"), onclick: () => P.refresh() }));
    };
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      said.replaceChildren();
      if (!file.files.length) return said.append(el("p", { class: "error", text: t("upload.choose") }));
      button.disabled = true;
      try {
        await send(false);
      } catch (e) {
        const list = (e.body && e.body.error && e.body.error.problems) || [];
        said.append(el("p", { class: "error", text: list.length ? t("upload.problems", { count: list.length }) : P.errorText(e) }));
        if (list.length) {
          said.append(el("ul", { class: "problems" }, list.map((p) => el("li", { text: P.problemText(p) }))));
          const rest = el("button", { type: "button", text: t("upload.qti_partial") });
          rest.addEventListener("click", async () => {
            rest.disabled = true;
            try { await send(true); } catch (e2) { said.replaceChildren(el("p", { class: "error", text: P.errorText(e2) })); }
          });
          said.append(rest);
        }
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  // The bank by category: each question may be chosen for everyone, replaced by a corrected
  // version or removed, and each category
  // drawn from (a number per student).
  function bankSection(courseId, bank, builder) {
    const bankImage = (blob) => `/api/courses/${enc(courseId)}/bank/images/${blob}`;
    if (!bank.questions.length) {
      return el("section", { class: "card", "aria-labelledby": "h-bank" }, el("h2", { id: "h-bank", text: t("bank.questions") }),
        el("p", { text: t("bank.empty") }));
    }
    const blocks = bank.categories.map((c) => {
      const name = c.name || t("bank.no_category");
      const draw = el("input", { type: "number", min: "0", max: String(c.count), value: "0", class: "short", "data-category": c.name });
      builder.draws.push(draw);
      const items = bank.questions.filter((q) => q.category === c.name).map((q) => {
        const pick = el("input", { type: "checkbox", value: q.id, "aria-label": t("bank.choose", { id: q.id }) });
        builder.chosen.push(pick);
        const remove = el("button", { type: "button", class: "link", text: t("bank.remove"), "aria-label": t("bank.remove_one", { id: q.id }) });
        remove.addEventListener("click", async () => {
          remove.disabled = true;
          try {
            await P.api("DELETE", `/api/courses/${enc(courseId)}/bank/${enc(q.id)}`);
            P.refresh();
          } catch (e) { remove.disabled = false; builder.say(P.errorText(e)); }
        });
        // A corrected version from a file of one question: it keeps its id and category.
        const file = el("input", { type: "file", hidden: true, accept: ".gift,.txt,.xml,.zip", "data-replace": q.id });
        const replace = el("button", { type: "button", class: "link", text: t("bank.replace"), "aria-label": t("bank.replace_one", { id: q.id }) });
        replace.addEventListener("click", () => file.click());
        file.addEventListener("change", async () => {
          if (!file.files.length) return;
          replace.disabled = true;
          try {
            await P.api("PUT", `/api/courses/${enc(courseId)}/bank/${enc(q.id)}`, file.files[0]);
            P.refresh();
          } catch (e) { replace.disabled = false; file.value = ""; builder.say(P.errorText(e)); }
        });
        const detail = q.type === "description" ? t(TYPES.description)
          : `${t(TYPES[q.type] || "bank.type_other")} · ${t("bank.points", { points: P.fmtNumber(q.points, 2) })}`;
        return el("li", { class: "bank-question", "data-question": q.id }, pick, " ", el("strong", { text: q.id }), " ", el("span", { class: "muted", text: detail }),
          " ", replace, file, " ", remove, el("p", {}, ...P.questionText(q.text, q.images, bankImage)),
          q.options ? el("ul", {}, q.options.map((o, k) => el("li", {}, ...P.optionLabel(q, k, bankImage)))) : null,
          q.gaps ? el("ul", {}, q.gaps.map((g, k) => el("li", { text: `${t("q.gap", { n: k + 1 })}: ${g.choices ? g.choices.join(" / ") : t("bank.gap_typed")}` }))) : null);
      });
      return el("fieldset", { class: "bank-category" }, el("legend", { text: t("bank.category", { name, count: c.count }) }),
        P.field(t("bank.draw"), draw), el("ul", { class: "plain" }, items));
    });
    const damaged = bank.damaged && bank.damaged.length
      ? el("p", { class: "warn", text: t("bank.damaged", { ids: bank.damaged.join(", ") }) }) : null;
    return el("section", { class: "card", "aria-labelledby": "h-bank" },
      el("h2", { id: "h-bank", text: t("bank.questions_count", { count: bank.questions.length }) }),
      el("p", { class: "muted", text: t("bank.help") }), damaged, blocks);
  }

  // A new draft of the chosen questions and draws; the teacher then sets its window and
  // publishes it from the exam's page.
  function examForm(courseId, bank) {
    const builder = { chosen: [], draws: [] };
    const id = el("input", { type: "text", id: "bank-exam-id", required: true, maxlength: "64", pattern: "[a-z0-9-]{1,64}", autocomplete: "off", spellcheck: "false" });
    const title = el("input", { type: "text", id: "bank-exam-title", required: true, maxlength: "200" });
    const msg = el("p", { class: "error", role: "alert" });
    builder.say = (text) => { msg.textContent = text; };
    builder.form = el("form", { class: "card", "aria-labelledby": "h-bank-exam" },
      el("h2", { id: "h-bank-exam", text: t("bank.exam_title") }), el("p", { class: "muted", text: t("bank.exam_help") }),
      P.field(t("upload.qti_id"), id), P.field(t("bank.exam_name"), title),
      el("button", { class: "primary", type: "submit", text: t("bank.exam_button"), disabled: !bank.questions.length }), msg);
    builder.form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      msg.textContent = "";
      const questions = builder.chosen.filter((c) => c.checked).map((c) => c.value);
      const draws = builder.draws.filter((d) => Number(d.value) > 0)
        .map((d) => ({ category: d.dataset.category, pick: Number(d.value) }));
      try {
        const r = await P.api("POST", `/api/courses/${enc(courseId)}/bank/exam`,
          { id: id.value.trim(), title: title.value.trim(), questions, draws });
        P.go(`#/teacher/exam/${enc(r.exam.id)}`);
      } catch (e) { msg.textContent = P.errorText(e); }
    });
    return builder;
  }
})();
