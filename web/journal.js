"use strict";
// The answer journal: every answer is written to this device (localStorage) as it is typed,
// with its sequence number, before it is sent. Whatever the server has not acknowledged is sent
// again, oldest first, until it is: after a network blink, a server restart or a page reload.
// The server keeps the highest sequence number per question, so a resend is harmless.
//
// The cadence is bounded: one save in flight per attempt, and a question is sent at most once
// a second (SAVE_INTERVAL_MS) while it keeps changing; each save carries the latest text, so
// the last change is on the server within about a second plus a round trip. flush() (submit)
// sends at once. A student typing an essay thus sends about one save a second, not one per
// keystroke (docs/web.md: the load per typing student).
//
// States reported to onState: "saved" (nothing waiting), "saving", "offline" (the last try
// failed; answers are kept here and retried), "closed" (the server refuses saves: the attempt
// is submitted or past its deadline; `reason` says why).
const SAVE_INTERVAL_MS = 1000;

class Journal {
  constructor(attemptId, onState, examId = "") {
    this.attemptId = attemptId;
    // Named in each save: in a cluster, HAProxy sends the exam's calls to the node holding it.
    this.examQuery = examId ? `?exam=${encodeURIComponent(examId)}` : "";
    this.key = `pupitre.journal.${attemptId}`;
    this.onState = onState || (() => {});
    this.sending = false;
    this.closed = null;
    this.waiters = [];
    this.retryMs = 500;
    this.sentAt = {};  // qid -> when its last save left (Date.now())
    this.paceWake = null;
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) || "{}");
      this.entries = stored.entries || {};
      this.order = stored.order || 0;
    } catch (e) {
      this.entries = {};
      this.order = 0;
    }
  }

  persist() {
    localStorage.setItem(this.key, JSON.stringify({ entries: this.entries, order: this.order }));
  }

  // Takes the server's answers ({qid: {seq, value}}): a newer local answer wins and stays queued.
  merge(serverAnswers) {
    for (const [qid, s] of Object.entries(serverAnswers || {})) {
      const mine = this.entries[qid];
      if (!mine || mine.seq <= s.seq) this.entries[qid] = { seq: s.seq, value: s.value, acked: true, n: mine ? mine.n : 0 };
    }
    this.persist();
  }

  has(qid) { return qid in this.entries; }
  value(qid) { return this.entries[qid] ? this.entries[qid].value : undefined; }
  pendingCount() { return Object.values(this.entries).filter((e) => !e.acked).length; }

  // A new answer for `qid`: kept here at once, then sent.
  record(qid, value) {
    const seq = (this.entries[qid] ? this.entries[qid].seq : 0) + 1;
    // `at`: when it was written, on the server's clock as the page knows it (the answer file).
    this.entries[qid] = { seq, value, acked: false, n: ++this.order, at: P.serverNow() };
    this.persist();
    this.kick();
  }

  // Resolves once nothing is waiting; rejects if the server refuses saves.
  flush() {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pendingCount() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (this.paceWake) this.paceWake();  // waiting out the cadence: send now
      this.kick();
    });
  }

  // Every answer held here, as the encrypted answer file carries them.
  answersForFile() {
    const out = {};
    for (const [qid, e] of Object.entries(this.entries)) out[qid] = { seq: e.seq, value: e.value, at_ms: Math.round(e.at || P.serverNow()) };
    return out;
  }

  // Forgets the journal once the attempt is submitted and every answer acknowledged.
  discard() { localStorage.removeItem(this.key); }

  async kick() {
    if (this.sending || this.closed || this.stopped) return;
    this.sending = true;
    try {
      for (;;) {
        const pending = Object.entries(this.entries).filter(([, e]) => !e.acked).sort((a, b) => a[1].n - b[1].n);
        if (pending.length === 0) break;
        this.onState("saving");
        // The oldest change of a question not sent within the interval; all of them when a
        // flush waits. None: wait until the first one may go (a flush wakes this early).
        const now = Date.now();
        const ready = this.waiters.length ? pending : pending.filter(([q]) => now - (this.sentAt[q] || 0) >= SAVE_INTERVAL_MS);
        if (ready.length === 0) {
          const next = Math.min(...pending.map(([q]) => (this.sentAt[q] || 0) + SAVE_INTERVAL_MS));
          await new Promise((r) => { this.paceWake = r; this.paceTimer = setTimeout(r, Math.max(0, next - now)); });
          clearTimeout(this.paceTimer);
          this.paceWake = null;
          if (this.stopped) return;
          continue;
        }
        const [qid, entry] = ready[0];
        this.sentAt[qid] = now;
        // Sent before without an answer (offline, or the page was reloaded): the server
        // counts it as a resend in the teacher's timeline.
        const resent = !!entry.sent;
        entry.sent = true;
        this.persist();
        try {
          const r = await P.api("PUT", `/api/attempts/${this.attemptId}/answers/${encodeURIComponent(qid)}${this.examQuery}`,
            resent ? { seq: entry.seq, value: entry.value, resent } : { seq: entry.seq, value: entry.value });
          const now = this.entries[qid];
          if (now.seq <= r.saved_seq) now.acked = true;
          if (this.onDeadline && typeof r.deadline_ms === "number") this.onDeadline(r.deadline_ms);
          this.persist();
          this.retryMs = 500;
        } catch (e) {
          if (e instanceof P.ApiError && !e.offline && e.status !== 429) {
            this.closed = e;
            this.onState("closed", e);
            for (const w of this.waiters.splice(0)) w.reject(e);
            return;
          }
          // The network or the server blinked: keep everything here and try again.
          this.onState("offline");
          const wait = Math.max(this.retryMs, e.retryAfterMs || 0);
          this.retryMs = Math.min(this.retryMs * 2, 4000);
          await new Promise((r) => { this.retryTimer = setTimeout(r, wait * (0.75 + Math.random() * 0.5)); });
          if (this.stopped) return;
        }
      }
      this.onState("saved");
      for (const w of this.waiters.splice(0)) w.resolve();
    } finally {
      this.sending = false;
    }
  }

  // The server takes saves again (time was given back after it had refused them): what is
  // waiting here is sent.
  reopen() {
    if (!this.closed) return;
    this.closed = null;
    this.kick();
  }

  // Stops retrying (the page is left). Nothing is lost: the journal stays on this device.
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.paceWake) this.paceWake();
  }
}
window.Journal = Journal;
