// The simulator asks for what the page asks for: a real Chromium session of a student's exam
// morning (open the site cold, log in, open the exam, start it; then open the site again with
// the browser's cache warm) is recorded at the network (Chrome DevTools Protocol: what left the
// browser, not what its cache answered), and compared step by step with what
// `pupitre load page-sequence` says each simulated student sends. A change of the page that the
// simulator does not follow (a request more or less, another order of phases) fails here, so the
// two cannot drift apart silently. The journal's save interval must be the simulator's too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { logIn, STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";

const BIN = process.env.PUPITRE_BIN || new URL("../../build/pupitre", import.meta.url).pathname;
const env = withServerAndBrowser();

// Records what a page sends over the network, in phases named by the test.
async function recorder(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const sent = new Map();  // requestId -> { key, cached }
  const waiters = [];
  cdp.on("Network.requestWillBeSent", (e) => {
    const url = new URL(e.request.url);
    if (url.protocol === "data:") return;
    const key = `${e.request.method} ${url.pathname}${url.search}`;
    sent.set(e.requestId, { key, cached: false, phase: current });
    for (const w of waiters.splice(0)) w();
  });
  cdp.on("Network.requestServedFromCache", (e) => { if (sent.has(e.requestId)) sent.get(e.requestId).cached = true; });
  cdp.on("Network.responseReceived", (e) => {
    if (sent.has(e.requestId) && (e.response.fromDiskCache || e.response.fromPrefetchCache)) sent.get(e.requestId).cached = true;
  });
  let current = "";
  return {
    phase(name) { current = name; },
    // Resolves once a request whose key starts with `prefix` has been sent.
    async sentOne(prefix) {
      const deadline = Date.now() + 15_000;
      while (![...sent.values()].some((r) => r.key.startsWith(prefix))) {
        assert.ok(Date.now() < deadline, `the page never asked for ${prefix}`);
        await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 500); });
      }
    },
    // What went over the network in `name`, sorted (parallel requests have no fixed order).
    of(name) {
      return [...sent.values()].filter((r) => r.phase === name && !r.cached).map((r) => r.key).sort();
    },
    cached() { return [...sent.values()].filter((r) => r.cached).length; },
  };
}

// The simulator's requests for the phases `names`, sorted, with `{exam}` and `{attempt}` filled
// in; without the waiting room's stream (nobody waits here) and, warm, without the static files.
function simulated(sequence, names, { attempt = 0, warm = false } = {}) {
  const out = [];
  for (const phase of sequence.phases.filter((p) => names.includes(p.name))) {
    for (const r of phase.requests) {
      if (r.role === "waiting" || (warm && r.role === "static")) continue;
      out.push(`${r.method} ${r.path.replaceAll("{exam}", "demo-exam").replaceAll("{attempt}", String(attempt))}`);
    }
  }
  return out.sort();
}

test("a student's morning in Chromium asks for what the simulator sends", { timeout: 120_000 }, async () => {
  const sequence = JSON.parse(execFileSync(BIN, ["load", "page-sequence", "--target", env.server.url]).toString());
  const journal = readFileSync(new URL("../../web/journal.js", import.meta.url), "utf8");
  assert.equal(Number(/const SAVE_INTERVAL_MS = (\d+);/.exec(journal)?.[1]), sequence.save_interval_ms,
    "the journal's save interval is the simulator's typing cadence");
  assert.deepEqual(sequence.phases.map((p) => p.name), ["open", "log in", "home", "exam", "start", "attempt"]);

  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const rec = await recorder(context, page);

  rec.phase("open");
  await page.goto(env.server.url);
  await page.locator('#main input[type="password"]').waitFor();
  await rec.sentOne("GET /api/session");
  assert.deepEqual(rec.of("open"), simulated(sequence, ["open"]), "opening the site, cold");

  rec.phase("log in");
  await page.locator('#main input[autocomplete="username"]').fill("student0003");
  await page.locator('#main input[type="password"]').fill(STUDENT_PASSWORD);
  await page.locator('#main button[type="submit"]').click();
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
  await rec.sentOne("GET /api/events");
  assert.deepEqual(rec.of("log in"), simulated(sequence, ["log in", "home"]), "logging in, then the home");

  rec.phase("exam");
  await page.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await page.getByRole("button", { name: "Start the exam" }).waitFor();
  assert.deepEqual(rec.of("exam"), simulated(sequence, ["exam"]), "the exam's page");

  rec.phase("start");
  await page.getByRole("button", { name: "Start the exam" }).click();
  await page.locator("#countdown").waitFor();
  const attempt = Number(/#\/attempt\/(\d+)/.exec(page.url())[1]);
  await rec.sentOne(`GET /api/attempts/${attempt}/events`);
  assert.deepEqual(rec.of("start"), simulated(sequence, ["start", "attempt"], { attempt }),
    "the start, the attempt, its paper and its stream");

  // The same browser on another morning: its cache holds the page's files.
  const again = await context.newPage();
  const warm = await recorder(context, again);
  warm.phase("open");
  await again.goto(env.server.url);
  await again.getByRole("heading", { name: /^Hello/ }).waitFor();  // still logged in: the home
  await warm.sentOne("GET /api/session");
  const opened = warm.of("open").filter((k) => !k.startsWith("GET /api/") || k === "GET /api/session");
  assert.deepEqual(opened, simulated(sequence, ["open"], { warm: true }), "opening the site, warm");
  assert.ok(warm.cached() >= sequence.phases[0].requests.filter((r) => r.role === "static").length,
    "every static file came from the cache");
  await context.close();
});
