"use strict";
// Student pages: home (courses and exams), an exam's start page and waiting room, the exam page
// itself (answers journaled on this device, countdown on the server's clock), and the result.
(() => {
  const { el, t } = P;

  // In a cluster, HAProxy sends an exam's calls to the node holding it: an attempt's calls name
  // their exam (?exam=), remembered on this device when a page links to the attempt.
  const examOfKey = (id) => `pupitre.exam_of.${id}`;
  const toAttempt = (id, examId) => {
    try { localStorage.setItem(examOfKey(id), examId); } catch (e) { /* private mode: no cluster hint */ }
    return `#/attempt/${id}`;
  };
  const examQuery = (id) => {
    let e = null;
    try { e = localStorage.getItem(examOfKey(id)); } catch (err) { /* private mode */ }
    return e ? `?exam=${encodeURIComponent(e)}` : "";
  };

  // ---------------------------------------------------------------- home
  function examState(x, now) {
    const a = x.attempt;
    if (a && a.status === "in_progress") return { text: t("state.in_progress", { time: P.fmtClock(a.deadline_ms) }), href: toAttempt(a.id, x.id), action: t("action.continue") };
    if (a && x.results_released) return { text: t("state.result"), href: toAttempt(a.id, x.id), action: t("action.see_result") };
    if (a) return { text: t("state.submitted"), href: toAttempt(a.id, x.id), action: t("action.see") };
    if (now >= x.closes_ms) return { text: t("state.closed") };
    const starts = Math.max(x.opens_ms, x.my_start_ms || 0);
    if (now < starts) return { text: t("state.not_open", { time: P.fmtTime(starts) }), href: `#/exam/${x.id}`, action: t("action.details") };
    return { text: t("state.open"), href: `#/exam/${x.id}`, action: t("action.start") };
  }

  P.route("#/home", async () => {
    const [courses, exams, news] = await Promise.all([P.api("GET", "/api/courses"), P.api("GET", "/api/exams"), P.api("GET", "/api/announcements")]);
    const now = P.serverNow();
    const unread = news.unread || {};
    const courseList = courses.courses.length
      ? el("ul", {}, courses.courses.map((c) => el("li", {}, el("a", { href: `#/course/${encodeURIComponent(c.id)}`, text: c.title }),
          unread[c.id] ? el("span", { class: "badge", text: ` ${t("ann.unread", { count: unread[c.id] })}` }) : null,
          c.description ? ` · ${c.description}` : "")))
      : el("p", { text: t("home.no_courses") });
    const rows = exams.exams.map((x) => {
      const s = examState(x, now);
      return el("tr", {},
        el("th", { scope: "row", text: x.title }),
        el("td", { text: `${P.fmtTime(x.opens_ms)} – ${P.fmtTime(x.closes_ms)}` }),
        el("td", { text: s.text }),
        el("td", {}, s.href ? el("a", { href: s.href, class: "button", text: s.action, "aria-label": `${s.action}: ${x.title}` }) : ""));
    });
    const table = exams.exams.length
      ? el("table", {}, el("caption", { class: "sr-only", text: t("home.exams") }),
          el("thead", {}, el("tr", {}, ["home.exam", "home.window", "home.state", "home.action"].map((k) => el("th", { scope: "col", text: t(k) })))),
          el("tbody", {}, rows))
      : el("p", { text: t("home.no_exams") });
    P.show(t("home.title", { name: P.me.name || P.me.login }),
      el("section", { "aria-labelledby": "h-exams" }, el("h2", { id: "h-exams", text: t("home.exams") }), table),
      el("section", { "aria-labelledby": "h-courses" }, el("h2", { id: "h-courses", text: t("home.courses") }), courseList),
      await P.announcementsPanel("", false, news));
  });

  // ---------------------------------------------------------------- start page and waiting room
  P.route("#/exam/:id", async (examId) => {
    const { exam } = await P.api("GET", `/api/exams/${encodeURIComponent(examId)}`);
    if (exam.attempt_id) return P.go(toAttempt(exam.attempt_id, examId));
    const minutes = Math.round((exam.duration_ms + (exam.extra_time_ms || 0)) / 60000);
    const err = P.errorBox();
    const start = el("button", { class: "primary", type: "button", text: t("exam.start") });
    const facts = el("ul", {},
      el("li", { text: t("exam.window", { from: P.fmtTime(exam.opens_ms), to: P.fmtTime(exam.closes_ms) }) }),
      el("li", { text: t("exam.duration", { minutes }) }),
      exam.extra_time_ms ? el("li", { text: t("exam.extra", { minutes: Math.round(exam.extra_time_ms / 60000) }) }) : null,
      el("li", { text: t("exam.questions", { count: exam.question_count, points: P.fmtNumber(exam.max_points, 2) }) }),
      exam.my_wave ? el("li", { text: t("exam.wave", { wave: exam.my_wave, time: P.fmtTime(exam.my_start_ms) }) }) : null);
    const begin = async () => {
      start.disabled = true;
      err.textContent = "";
      try {
        const r = await arrive(examId);
        if (r.attempt) return P.go(toAttempt(r.attempt.id, examId));
        waitingRoom(exam, r.waiting);
      } catch (e) {
        if (e.code === "seb_required") return P.showError(e);
        err.textContent = e.offline ? t("exam.busy") : e.message;
        start.disabled = false;
      }
    };
    start.addEventListener("click", begin);
    const seb = exam.safe_exam_browser ? el("p", { class: "notice", id: "seb-notice", text: t("seb.notice") }) : null;
    P.show(exam.title, facts, seb, el("p", { text: t("exam.clock_note") }), err, start);
    // Reloaded while waiting: asking again keeps the place, so the waiting room comes back as it was.
    if (sessionStorage.getItem(waitingKey(examId))) begin();
  });

  // While waiting, the page keeps the signed ticket of its place: after a server restart, sending
  // it back when asking again takes the same rank in the rebuilt queue.
  const waitingKey = (examId) => `pupitre.waiting.${examId}`;
  const ticketHeader = (examId) => {
    const ticket = sessionStorage.getItem(waitingKey(examId));
    return ticket && ticket !== "1" ? { headers: { "X-Waiting-Ticket": ticket } } : {};
  };

  // Asks to start: 200 with the attempt, or 202 with a place (the same one if already queued).
  const arrive = async (examId) => {
    const path = `/api/exams/${encodeURIComponent(examId)}/start`;
    const withTicket = ticketHeader(examId);
    try {
      return await P.api("POST", path, undefined, withTicket);
    } catch (e) {
      // A ticket this server cannot check (its key was replaced): ask without it.
      if (e.status !== 403 || !withTicket.headers) throw e;
      sessionStorage.setItem(waitingKey(examId), "1");
      return P.api("POST", path);
    }
  };

  function waitingRoom(exam, first) {
    const place = el("p", { class: "big", "aria-live": "polite" });
    const eta = el("p", { "aria-live": "polite" });
    const note = el("p", { class: "muted", text: t("wait.note") });
    const lost = el("p", { class: "notice", role: "status" });
    let poll = null, stream = null;
    if (!sessionStorage.getItem(waitingKey(exam.id))) sessionStorage.setItem(waitingKey(exam.id), "1");
    const update = (w) => {
      if (w.admitted && w.attempt_id) {
        sessionStorage.removeItem(waitingKey(exam.id));
        return P.go(toAttempt(w.attempt_id, exam.id));
      }
      if (w.admitted) return;  // let in, the attempt is being created: the next answer has it
      if (w.ticket) sessionStorage.setItem(waitingKey(exam.id), w.ticket);
      const doors = w.starts_ms || exam.my_start_ms || exam.opens_ms;
      if (w.before_opening && (w.restoring || doors <= P.serverNow())) place.textContent = t("wait.restoring");
      else if (w.before_opening) place.textContent = t("wait.before_opening", { time: P.fmtClock(doors) });
      else place.textContent = t("wait.position", { position: w.position });
      if (w.paused) eta.textContent = t("wait.paused");
      else if (typeof w.eta_ms === "number") eta.textContent = w.eta_ms < 60000 ? t("wait.eta_soon") : t("wait.eta", { minutes: Math.ceil(w.eta_ms / 60000) });
      else eta.textContent = "";
    };
    const pollNow = async () => {
      const base = `/api/exams/${encodeURIComponent(exam.id)}`;
      try {
        let r;
        try {
          r = await P.api("GET", `${base}/waiting-room`);
        } catch (e) {
          // The room no longer knows this student (the server restarted): take a place again.
          if (e.status !== 404) throw e;
          r = await arrive(exam.id);
          if (r.attempt) return P.go(toAttempt(r.attempt.id, exam.id));
        }
        lost.textContent = "";
        update(r.waiting);
        poll = setTimeout(pollNow, r.waiting.poll_after_ms || 3000);
      } catch (e) {
        if (e.offline) lost.textContent = t("wait.offline");
        poll = setTimeout(pollNow, 3000);
      }
    };
    stream = P.stream(`/api/exams/${encodeURIComponent(exam.id)}/waiting-room/events`);
    stream.addEventListener("place", (ev) => update(JSON.parse(ev.data)));
    stream.addEventListener("admitted", (ev) => { stream.close(); update(JSON.parse(ev.data)); });
    stream.onerror = () => { P.dropStream(stream); if (!poll) pollNow(); };
    P.onLeave(() => clearTimeout(poll));  // the stream is closed by P.stream
    P.show(t("wait.title", { title: exam.title }), place, eta, lost, note);
    update(first);
  }

  // ---------------------------------------------------------------- the exam page
  P.route("#/attempt/:id", async (attemptId) => {
    const { attempt } = await P.api("GET", `/api/attempts/${attemptId}${examQuery(attemptId)}`);
    if (attempt.status === "submitted") {
      const { exam } = await P.api("GET", `/api/exams/${encodeURIComponent(attempt.exam_id)}`);
      return submittedPage(attempt, undefined, exam.title);
    }
    const paper = await P.api("GET", `/api/exams/${encodeURIComponent(attempt.exam_id)}/paper`);
    examPage(attempt, paper);
  });

  // A released result's questions in the student's order, numbered; a description as its text.
  function reviewItems(items, comments, examId) {
    const numbers = numbersOf(items);
    const src = P.examImage(examId);
    return items.map((item) => item.type === "description"
      ? el("li", { class: "review description", "data-qid": item.id }, el("p", { class: "qtext" }, ...P.questionText(item.text, item.images, src)))
      : reviewItem(item, numbers.get(item.id), comments[item.id], src));
  }

  // One question of a released result: its points out of its maximum, the question and the
  // student's answer (review "answers"), the right answer and feedback (review "solutions").
  function reviewItem(item, n, comment, src) {
    // An essay left blank is not waiting for a grade: it earned nothing.
    const earned = item.points === null && item.answer === null ? 0 : item.points;
    const points = earned === null ? t("result.q_ungraded") : t("result.q_points", { points: P.fmtNumber(earned, 2), max: P.fmtNumber(item.max, 2) });
    const li = el("li", { class: "review", "data-qid": item.id },
      el("h3", {}, t("q.number", { n }), " ", el("span", { class: "points", text: points })),
      el("p", { class: "qtext" }, ...P.questionText(item.text, item.images, src)));
    const mine = P.answerText(item, item.answer);
    li.append(el("p", {}, el("strong", { text: t("result.your_answer") }), " ",
      item.type === "essay" && item.answer ? el("span", { class: "essay", text: mine }) : mine));
    const teacher = comment ? el("p", { class: "comment" }, el("strong", { text: t("result.teacher_comment") }), " ", comment) : null;
    if (!("right" in item)) {
      if (teacher) li.append(teacher);
      return li;
    }
    if (item.right !== null) li.append(el("p", { class: "right" }, el("strong", { text: t("result.right_answer") }), " ", P.answerText(item, item.right)));
    const picked = item.type === "single" ? [item.answer] : item.type === "multiple" && Array.isArray(item.answer) ? item.answer : [];
    for (const i of picked) {
      const f = (item.option_feedback || [])[i];
      if (f) li.append(el("p", { class: "feedback" }, el("strong", { text: `${P.optionWords(item, i)} : ` }), f));
    }
    if (item.answer_feedback) li.append(el("p", { class: "feedback answer-feedback" }, el("strong", { text: t("result.on_your_answer") }), " ", item.answer_feedback));
    if (item.feedback) li.append(el("p", { class: "feedback", text: item.feedback }));
    if (teacher) li.append(teacher);
    return li;
  }

  function submittedPage(attempt, how, title) {
    const parts = [];
    if (how === "auto") parts.push(el("p", { class: "notice", role: "status", text: t("done.auto") }));
    else if (how === "manual") parts.push(el("p", { class: "notice", role: "status", text: t("done.manual") }));
    parts.push(el("p", { text: t("done.at", { time: P.fmtTime(attempt.submitted_ms) }) }));
    if (attempt.auto_submitted && !how) parts.push(el("p", { text: t("done.was_auto") }));
    const r = attempt.result;
    if (r) {
      parts.push(el("h2", { text: t("result.title") }),
        el("p", { class: "big", id: "grade", text: t("result.points", { points: P.fmtNumber(r.points, 2), max: P.fmtNumber(r.max_points, 2) }) }));
      if (r.ungraded_essays) parts.push(el("p", { class: "warn", text: t("result.ungraded", { count: r.ungraded_essays }) }));
      const comments = r.comments || {};
      if (r.comment) parts.push(el("div", { class: "comment", id: "overall-comment" }, el("strong", { text: t("result.teacher_comment") }), " ", el("span", { class: "essay", text: r.comment })));
      parts.push(r.items
        ? el("ol", { class: "review-list", id: "review" }, reviewItems(r.items, comments, attempt.exam_id))
        : el("ol", { id: "review" }, attempt.order.questions.filter((qid) => qid in r.questions).map((qid, i) => {
          const p = r.questions[qid];
          return el("li", { "data-qid": qid }, t("q.number", { n: i + 1 }), " ",
            p === null ? t("result.q_ungraded") : t("result.q_points", { points: P.fmtNumber(p, 2), max: P.fmtNumber(r.max[qid], 2) }),
            comments[qid] ? el("p", { class: "comment" }, el("strong", { text: t("result.teacher_comment") }), " ", comments[qid]) : null);
        })));
    } else {
      parts.push(el("p", { text: t("done.result_later") }));
    }
    parts.push(el("p", {}, el("a", { href: "#/home", text: t("nav.back_home") })));
    P.show(r && title ? t("result.heading", { title }) : t("done.title"), parts);
  }

  // Each question's number on the page, in `order`: a description (a text to read) has none.
  // `questions`: in their order on the page, each with its id and type.
  function numbersOf(questions) {
    const numbers = new Map();
    for (const q of questions) if (q.type !== "description") numbers.set(q.id, numbers.size + 1);
    return numbers;
  }

  function examPage(attempt, paper) {
    const questions = new Map(paper.questions.map((q) => [q.id, q]));
    const order = attempt.order.questions.filter((qid) => questions.has(qid));
    const isText = (qid) => questions.get(qid).type === "description";
    const numbers = numbersOf(order.map((qid) => questions.get(qid)));
    const flagsKey = `pupitre.flags.${attempt.id}`;
    const flags = new Set(JSON.parse(localStorage.getItem(flagsKey) || "[]"));
    const onePerPage = !!paper.exam.one_per_page;
    let current = 0;
    let finished = false;

    // Status bar: countdown and save state.
    const countdown = el("span", { class: "countdown", id: "countdown" });
    const saveState = el("span", { class: "save", id: "save-state", role: "status", "aria-live": "polite" });
    const alertLine = el("span", { class: "sr-only", "aria-live": "assertive" });
    const bar = el("div", { class: "exambar" }, el("span", {}, t("exam.time_left"), " ", countdown), saveState, alertLine);
    // Time given back after an outage of the platform, and why. Read again when the page is
    // back in touch after being offline: the server may have moved the deadline meanwhile.
    const notices = (list) => (list || []).map((c) => el("p", { class: "notice compensation", role: "status",
      text: t("exam.compensated", { minutes: P.fmtNumber(Math.max(1, Math.round(c.added_ms / 60000))), from: P.fmtClock(c.from_ms), to: P.fmtClock(c.to_ms) }) }));
    const added = (list) => (list || []).map((a) => el("p", { class: "notice time-added", role: "status",
      text: t("exam.time_added", { minutes: P.fmtNumber(Math.round(a.added_ms / 60000)) }) }));
    const givenBack = el("div", { id: "given-back" }, notices(attempt.compensations), added(attempt.time_added));
    let wasOffline = false;
    const reread = async () => {
      try {
        const r = await P.api("GET", `/api/attempts/${attempt.id}${examQuery(attempt.id)}`);
        attempt.deadline_ms = r.attempt.deadline_ms;  // the countdown reads it every second
        // Time given back after the server had refused saves: the journal sends again.
        if (r.attempt.status === "in_progress" && r.attempt.deadline_ms > P.serverNow()) journal.reopen();
        givenBack.replaceChildren(...notices(r.attempt.compensations), ...added(r.attempt.time_added));
      } catch (e) { /* offline again: the next reconnection reads it */ }
    };

    // Time added by a teacher is pushed through the page's event stream (and comes with the
    // next save's answer); this look once a minute is the fallback when the stream is down.
    P.stream(`/api/attempts/${attempt.id}/events${examQuery(attempt.id)}`);  // the page's own: its coming and going is in the timeline
    P.onAttemptChanged((d) => { if (d.reconnected || d.exam_id === attempt.exam_id) reread(); });
    const look = setInterval(reread, 60_000);
    P.onLeave(() => clearInterval(look));
    // The encrypted answer file: offered on demand, and put forward when the page has been
    // offline for a while (exam/answer_file.h says what it holds and how it is sealed).
    const fileNote = el("p", { class: "warn", id: "answer-file-note", role: "status", hidden: true, text: t("file.offline") });
    const fileButton = el("button", { type: "button", id: "answer-file", text: t("file.download") });
    let offlineSince = 0;
    const fileTimer = setInterval(() => { fileNote.hidden = !(offlineSince && Date.now() - offlineSince > 30_000); }, 5_000);
    P.onLeave(() => clearInterval(fileTimer));
    fileButton.addEventListener("click", () => {
      // In pieces: a long essay's bytes are too many for one call's arguments.
      const b64 = (u8) => {
        let bin = "";
        for (let i = 0; i < u8.length; i += 0x8000) bin += String.fromCharCode(...u8.subarray(i, i + 0x8000));
        return btoa(bin);
      };
      const examKey = Uint8Array.from(atob(attempt.answer_file_key), (c) => c.charCodeAt(0));
      const inner = new TextEncoder().encode(JSON.stringify({ attempt_id: attempt.id, answers: journal.answersForFile() }));
      const eph = nacl.box.keyPair();
      const nonce = nacl.randomBytes(nacl.box.nonceLength);
      const sealed = nacl.box(inner, nonce, examKey, eph.secretKey);
      const file = JSON.stringify({ format: "pupitre-answer-file/1", exam_id: attempt.exam_id, attempt_id: attempt.id, created_ms: Math.round(P.serverNow()),
        epk: b64(eph.publicKey), nonce: b64(nonce), box: b64(sealed) });
      const a = el("a", { href: URL.createObjectURL(new Blob([file], { type: "application/json" })), download: `pupitre-answers-${attempt.exam_id}-${attempt.id}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
    });
    const fileArea = el("div", { class: "answer-file" }, fileNote, el("p", { class: "muted", text: t("file.help") }), fileButton);
    const journal = new Journal(attempt.id, (state, err) => {
      offlineSince = state === "offline" ? offlineSince || Date.now() : 0;
      if (state === "offline") wasOffline = true;
      else if (state === "saved" && wasOffline) {
        wasOffline = false;
        reread();
      }
      saveState.className = `save ${state}`;
      if (state === "saved") saveState.textContent = t("save.saved");
      else if (state === "saving") saveState.textContent = t("save.saving");
      else if (state === "offline") {
        saveState.textContent = t("save.offline");
        // Submitting waits for the journal: say why nothing happens yet.
        if (finished) submitErr.textContent = t("exam.submit_offline");
      }
      else if (state === "closed" && !finished) {
        saveState.textContent = t("save.closed", { reason: err.message });
        // The server has submitted the attempt (its deadline passed): show what it holds.
        P.api("GET", `/api/attempts/${attempt.id}${examQuery(attempt.id)}`).then((r) => {
          if (r.attempt.status === "submitted") { finished = true; submittedPage(r.attempt, "auto", paper.exam.title); }
        }).catch(() => {});
      }
    }, attempt.exam_id);
    journal.onDeadline = (ms) => {
      if (ms === attempt.deadline_ms) return;
      attempt.deadline_ms = ms;  // the countdown reads it every second
      reread();  // and the notice that says why
    };
    journal.merge(attempt.answers);
    P.onLeave(() => journal.stop());
    if (journal.pendingCount()) journal.kick();
    else { saveState.className = "save saved"; saveState.textContent = t("save.saved"); }

    const answered = (qid) => {
      const v = journal.value(qid);
      return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && v !== "";
    };

    // Question map.
    const mapButtons = order.map((qid, i) => el("button", { type: "button", class: "qmap-item", onclick: () => goTo(i) }, isText(qid) ? "i" : String(numbers.get(qid))));
    const refreshMap = () => mapButtons.forEach((b, i) => {
      const qid = order[i];
      const state = isText(qid) ? "text" : flags.has(qid) ? "flagged" : answered(qid) ? "answered" : "unanswered";
      b.className = `qmap-item ${state}${onePerPage && i === current ? " current" : ""}`;
      b.setAttribute("aria-label", isText(qid) ? t("map.text") : t("map.item", { n: numbers.get(qid), state: t(`map.${state}`) }));
      if (onePerPage && i === current) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    });
    const map = el("nav", { class: "qmap", "aria-label": t("map.title") }, el("h2", { class: "sr-only", text: t("map.title") }), mapButtons);
    const legend = el("p", { class: "legend" }, el("span", { class: "dot answered" }), t("map.answered"), " ", el("span", { class: "dot flagged" }), t("map.flagged"), " ", el("span", { class: "dot unanswered" }), t("map.unanswered"));
    // The countdown, the save state and the map stay in view; a question jumped to lands below them.
    const head = el("div", { class: "examhead" }, bar, map);
    const headSize = new ResizeObserver(() => document.documentElement.style.setProperty("--examhead-h", `${head.offsetHeight}px`));
    headSize.observe(head);
    P.onLeave(() => headSize.disconnect());

    const sections = order.map((qid) => questionBlock(questions.get(qid), numbers.get(qid), attempt, journal, flags, () => {
      localStorage.setItem(flagsKey, JSON.stringify([...flags]));
      refreshMap();
    }));
    const prev = el("button", { type: "button", text: t("exam.prev"), onclick: () => goTo(current - 1) });
    const next = el("button", { type: "button", text: t("exam.next"), onclick: () => goTo(current + 1) });
    const pager = el("div", { class: "pager" }, prev, next);
    function goTo(i) {
      if (i < 0 || i >= order.length) return;
      current = i;
      if (onePerPage) {
        sections.forEach((s, k) => (s.hidden = k !== i));
        prev.disabled = i === 0;
        next.disabled = i === order.length - 1;
      }
      refreshMap();
      const target = sections[i].querySelector("input, textarea") || sections[i];
      sections[i].scrollIntoView({ block: "start" });  // its scroll-margin keeps it below the sticky head
      target.focus({ preventScroll: true });
    }

    // Submit, with a confirmation step.
    const submitErr = P.errorBox();
    const confirmBox = el("div", { class: "confirm", hidden: true, role: "group", "aria-labelledby": "confirm-title" });
    const submitBtn = el("button", { type: "button", class: "primary", id: "submit", text: t("exam.submit") });
    submitBtn.addEventListener("click", () => {
      const unanswered = order.filter((q) => !isText(q) && !answered(q)).length;
      const yes = el("button", { type: "button", class: "primary", id: "confirm-submit", text: t("confirm.yes") });
      const no = el("button", { type: "button", text: t("confirm.no") });
      // (replaceChildren writes a null as the text "null": nothing is passed when nothing is flagged.)
      confirmBox.replaceChildren(...[
        el("h2", { id: "confirm-title", text: t("confirm.title") }),
        el("p", { text: unanswered ? t("confirm.unanswered", { count: unanswered }) : t("confirm.all") }),
        flags.size ? el("p", { text: t("confirm.flagged", { count: flags.size }) }) : null,
        el("p", { text: t("confirm.final") }), yes, no].filter(Boolean));
      confirmBox.hidden = false;
      submitBtn.hidden = true;
      no.addEventListener("click", () => { confirmBox.hidden = true; submitBtn.hidden = false; submitBtn.focus(); });
      yes.addEventListener("click", () => { yes.disabled = true; no.disabled = true; finish("manual"); });
      yes.focus();
    });

    async function finish(how) {
      if (finished) return;
      finished = true;
      submitErr.textContent = how === "auto" ? t("exam.time_up") : t("exam.submitting");
      // Everything typed goes first; the server takes saves in flight a little past the deadline.
      try { await journal.flush(); } catch (e) { /* refused: the server holds what it holds */ }
      for (let wait = 1000; ; wait = Math.min(wait * 2, 5000)) {
        try {
          const r = await P.api("POST", `/api/attempts/${attempt.id}/submit${examQuery(attempt.id)}`);
          journal.stop();
          if (journal.pendingCount() === 0) journal.discard();
          return submittedPage(r.attempt, how, paper.exam.title);
        } catch (e) {
          if (!e.offline) { submitErr.textContent = e.message; finished = false; return; }
          submitErr.textContent = t("exam.submit_offline");
          await new Promise((r) => setTimeout(r, wait));
        }
      }
    }

    // Countdown on the server's clock; automatic submission at the deadline.
    let warned5 = false, warned1 = false;
    const tick = () => {
      const left = attempt.deadline_ms - P.serverNow();
      countdown.textContent = P.fmtDuration(left);
      countdown.classList.toggle("low", left < 5 * 60000);
      if (!warned5 && left < 5 * 60000 && left > 60000) { warned5 = true; alertLine.textContent = t("exam.five_minutes"); }
      if (!warned1 && left < 60000 && left > 0) { warned1 = true; alertLine.textContent = t("exam.one_minute"); }
      if (left <= 0 && !finished) finish("auto");
    };
    const timer = setInterval(tick, 1000);
    P.onLeave(() => clearInterval(timer));
    tick();

    const warnLeave = (ev) => { if (journal.pendingCount()) { ev.preventDefault(); ev.returnValue = ""; } };
    window.addEventListener("beforeunload", warnLeave);
    P.onLeave(() => window.removeEventListener("beforeunload", warnLeave));

    P.show(paper.exam.title, head, legend, givenBack, el("form", { class: "paper", onsubmit: (e) => e.preventDefault() }, sections),
      onePerPage ? pager : null, el("div", { class: "submit-area" }, submitErr, submitBtn, confirmBox), fileArea);
    refreshMap();
    if (onePerPage) { sections.forEach((s, k) => (s.hidden = k !== 0)); prev.disabled = true; next.disabled = order.length <= 1; }
  }

  // A teacher's preview of a paper (also a draft's): the exam page as students will see it,
  // with the countdown standing at the exam's duration and nothing saved.
  P.previewPaper = (paper) => {
    const answers = new Map();
    const journal = { value: (qid) => answers.get(qid), record: (qid, v) => answers.set(qid, v) };
    const attempt = { id: "preview", exam_id: paper.exam.id, order: { questions: paper.questions.map((q) => q.id), options: {} } };
    const flags = new Set();
    const numbers = numbersOf(paper.questions);
    const blocks = paper.questions.map((q) => questionBlock(q, numbers.get(q.id), attempt, journal, flags, () => {}));
    const bar = el("div", { class: "exambar" }, el("span", {}, t("exam.time_left"), " ",
      el("span", { class: "countdown", text: P.fmtDuration(paper.exam.duration_ms) })), el("span", { class: "save", text: t("preview.not_saved") }));
    const map = el("nav", { class: "qmap", "aria-label": t("map.title") }, paper.questions.map((q, i) =>
      el("button", { type: "button", class: "qmap-item unanswered", "aria-label": t("map.item", { n: i + 1, state: t("map.unanswered") }),
        onclick: () => blocks[i].scrollIntoView({ block: "start" }) }, String(i + 1))));
    return [el("div", { class: "examhead" }, bar, map), el("form", { class: "paper", onsubmit: (e) => e.preventDefault() }, blocks)];
  };

  // One question: its number, text, control, and a flag. Every change goes to the journal. A
  // description is its text alone.
  function questionBlock(q, number, attempt, journal, flags, changed) {
    const text = P.questionText(q.text, q.images, P.examImage(attempt.exam_id));
    if (q.type === "description") {
      return el("section", { class: "question description", id: `question-${q.id}`, "data-qid": q.id, "data-type": q.type, tabindex: "-1" },
        el("p", { class: "qtext" }, ...text));
    }
    const legendId = P.uid("q");
    const fs = el("fieldset", { class: "question", id: `question-${q.id}`, "data-qid": q.id, "data-type": q.type });
    const gaps = q.type === "gaps";  // its text holds its controls: the legend says what to do
    fs.append(el("legend", { id: legendId }, el("span", { class: "qnum", text: t("q.number", { n: number }) }), " ",
      ...(gaps ? [t("q.gaps_hint")] : text), " ", el("span", { class: "points", text: t("q.points", { points: P.fmtNumber(q.points, 2) }) })));
    const current = journal.value(q.id);
    const save = (value) => { journal.record(q.id, value); changed(); };
    const name = `q-${q.id}`;
    if (gaps) {
      // The text with each gap [[n]] where it stands: a menu (its choices) or a box to type in;
      // the answer is one entry per gap (a choice index, a text, or null).
      const given = Array.isArray(current) && current.length === q.gaps.length ? current.slice() : q.gaps.map(() => null);
      const record = () => save(given.every((g) => g === null) ? null : given.slice());
      const control = (k) => {
        const gap = q.gaps[k];
        const label = t("q.gap", { n: k + 1 });
        if (!gap) return `[[${k + 1}]]`;
        if (gap.choices) {
          const select = el("select", { class: "gap", "data-gap": String(k), "aria-label": label }, el("option", { value: "", text: t("q.choose") }),
            gap.choices.map((c, j) => el("option", { value: String(j), text: c, selected: given[k] === j })));
          select.addEventListener("change", () => { given[k] = select.value === "" ? null : Number(select.value); record(); });
          return select;
        }
        const input = el("input", { type: "text", class: "gap", "data-gap": String(k), "aria-label": label, autocomplete: "off", spellcheck: "false",
          inputmode: gap.number ? "decimal" : undefined, maxlength: "250", value: typeof given[k] === "string" ? given[k] : "" });
        input.addEventListener("input", () => { given[k] = input.value === "" ? null : input.value; record(); });
        return input;
      };
      const body = el("p", { class: "qtext gaps" });
      for (const part of text) {
        if (typeof part !== "string") { body.append(part); continue; }
        part.split(/\[\[(\d{1,4})\]\]/).forEach((piece, i) => body.append(i % 2 ? control(Number(piece) - 1) : piece));
      }
      fs.append(body);
    } else if (q.type === "single" || q.type === "multiple") {
      const perm = (attempt.order.options && attempt.order.options[q.id]) || q.options.map((_, i) => i);
      const multi = q.type === "multiple";
      const boxes = [];
      perm.forEach((k, place) => {
        const input = el("input", { type: multi ? "checkbox" : "radio", name, value: String(k), id: P.uid("o"),
          checked: multi ? Array.isArray(current) && current.includes(k) : current === k });
        boxes.push(input);
        input.addEventListener("change", () => {
          save(multi ? boxes.filter((b) => b.checked).map((b) => Number(b.value)).sort((a, b) => a - b) : k);
        });
        // Numbered in the order shown, when the question says so (a. b. c., as in Moodle).
        const number = P.optionNumber(q.numbering, place);
        fs.append(el("div", { class: "option" }, input, el("label", { for: input.id },
          number ? el("span", { class: "option-number", text: `${number} ` }) : null, ...P.optionLabel(q, k, P.examImage(attempt.exam_id)))));
      });
      if (multi) fs.append(el("p", { class: "muted", text: t("q.select_all") }));
    } else if (q.type === "truefalse") {
      for (const [v, label] of [[true, t("q.true")], [false, t("q.false")]]) {
        const input = el("input", { type: "radio", name, value: String(v), id: P.uid("o"), checked: current === v });
        input.addEventListener("change", () => save(v));
        fs.append(el("div", { class: "option" }, input, el("label", { for: input.id, text: label })));
      }
    } else if (q.type === "matching") {
      // One list per item (in the attempt's order), each offering every choice; the answer is
      // one choice index (or null) per item, in the exam's order of items.
      const perm = (attempt.order.options && attempt.order.options[q.id]) || q.options.map((_, i) => i);
      const picks = Array.isArray(current) && current.length === q.options.length ? current.slice() : q.options.map(() => null);
      const rows = el("div", { class: "matching" });
      for (const k of perm) {
        const select = el("select", { id: P.uid("m"), "data-item": String(k) }, el("option", { value: "", text: t("q.choose") }),
          q.choices.map((c, j) => el("option", { value: String(j), text: c, selected: picks[k] === j })));
        select.addEventListener("change", () => {
          picks[k] = select.value === "" ? null : Number(select.value);
          save(picks.every((p) => p === null) ? null : picks.slice());
        });
        rows.append(el("div", { class: "match-row" }, el("label", { for: select.id }, ...P.optionLabel(q, k, P.examImage(attempt.exam_id))), select));
      }
      fs.append(rows);
    } else if (q.type === "ordering") {
      // The items in the student's order (at first the attempt's, never the right one), each
      // moved up or down by its buttons; the answer is every item index, in that order.
      const perm = (attempt.order.options && attempt.order.options[q.id]) || q.options.map((_, i) => i);
      const valid = Array.isArray(current) && current.length === q.options.length;
      let order = valid ? current.slice() : perm.slice();
      const list = el("ol", { class: "ordering" });
      const status = el("p", { class: "muted", role: "status", text: valid ? t("q.order_saved") : "" });
      const keep = el("button", { type: "button", hidden: valid, text: t("q.keep_order") });
      const commit = () => { save(order.slice()); keep.hidden = true; status.textContent = t("q.order_saved"); };
      const render = (focus) => {
        list.replaceChildren();
        order.forEach((k, at) => {
          const move = (by, dir) => el("button", { type: "button", class: "move", "data-dir": dir, disabled: at + by < 0 || at + by >= order.length,
            "aria-label": t(dir === "up" ? "q.move_up" : "q.move_down", { item: P.optionWords(q, k) }), text: dir === "up" ? "\u2191" : "\u2193",
            onclick: () => {
              [order[at], order[at + by]] = [order[at + by], order[at]];
              commit();
              render({ item: k, dir });
            } });
          const up = move(-1, "up"), down = move(1, "down");
          list.append(el("li", { "data-item": String(k) }, el("span", { class: "item" }, ...P.optionLabel(q, k, P.examImage(attempt.exam_id))), up, down));
          if (focus && focus.item === k) (focus.dir === "up" && !up.disabled ? up : !down.disabled ? down : up).focus();
        });
      };
      keep.addEventListener("click", commit);
      render(null);
      fs.append(el("p", { class: "muted", text: t("q.order_hint") }), list, keep, status);
    } else if (q.type === "numeric") {
      // A number; with units, {value, unit} (the unit chosen from the question's, or none).
      const units = q.units || [];
      const given = current !== null && typeof current === "object" ? current : { value: current, unit: null };
      const hint = el("span", { class: "error", role: "alert" });
      const input = el("input", { type: "text", inputmode: "decimal", autocomplete: "off", "aria-labelledby": legendId,
        value: given.value === undefined || given.value === null ? "" : String(given.value).replace(".", P.lang === "fr" ? "," : ".") });
      const unit = units.length ? el("select", { "aria-label": t("q.unit") },
        el("option", { value: "", text: t("q.unit_none") }), units.map((u) => el("option", { value: u, text: u, selected: u === given.unit }))) : null;
      const changed = () => {
        const raw = input.value.trim().replace(/\s/g, "").replace(",", ".");
        if (raw === "") { hint.textContent = ""; return save(null); }
        const x = Number(raw);
        if (!Number.isFinite(x) || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) { hint.textContent = t("q.not_number"); return; }
        hint.textContent = "";
        save(unit ? { value: x, unit: unit.value || null } : x);
      };
      input.addEventListener("input", changed);
      if (unit) unit.addEventListener("change", changed);
      fs.append(el("span", { class: "numeric" }, input, unit ? " " : null, unit), hint);
    } else {
      const essay = q.type === "essay";
      const input = el(essay ? "textarea" : "input", { type: essay ? undefined : "text", rows: essay ? "8" : undefined, autocomplete: "off",
        spellcheck: essay ? "true" : "false", "aria-labelledby": legendId, value: typeof current === "string" ? current : "" });
      input.addEventListener("input", () => save(input.value === "" ? null : input.value));
      fs.append(input);
    }
    const flag = el("input", { type: "checkbox", id: P.uid("flag"), checked: flags.has(q.id) });
    flag.addEventListener("change", () => { if (flag.checked) flags.add(q.id); else flags.delete(q.id); changed(); });
    fs.append(el("div", { class: "flag" }, flag, el("label", { for: flag.id, text: t("q.flag") })));
    return fs;
  }
})();
