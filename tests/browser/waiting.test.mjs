// The waiting page through a server crash: a queued student's page says the connection is lost,
// keeps trying, takes its place again in the restarted server's room (rebuilt from the tickets
// the pages bring back), and
// opens the exam when admitted, without the student touching anything. A reload keeps the place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";

// Before the crash, one admission every ten seconds (the first arrival waits about 9 s: time
// enough to pause admission); after the restart, five a second.
// After the restart, the rooms wait 10 s for those who were queued to come back (3 s was too
// short for a loaded CI machine: the page came back after the rebuild and never saw it).
const rate = (r) => `[waiting_room]\ninitial_rate = ${r}\nmin_rate = ${r}\nmax_rate = ${r}\nrestore_ms = 10000`;
const env = withServerAndBrowser({ lazy: true, config: rate(0.1) });

test("a queued student gets in after the server restarts", { timeout: 120_000 }, async () => {
  await env.start();
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0007", STUDENT_PASSWORD);
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
  await page.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await page.getByRole("button", { name: "Start the exam" }).click();
  await page.getByText("You are number 1 in the queue.").waitFor();
  const emptyBars = await page.evaluate(() => [...document.querySelectorAll(".notice")].filter((e) => e.offsetParent !== null && !e.textContent.trim()).length);
  assert.equal(emptyBars, 0, "an empty notice bar shows on the waiting page");

  // The operator holds admission, so the student is still waiting when the server dies.
  const admin = await apiClient(env.server.url, "admin", "admin-demo");
  const paused = await admin.call("PUT", "/api/admin/exams/demo-exam/admission", { paused: true });
  assert.equal(paused.status, 200, JSON.stringify(paused.data));
  await page.getByText("Admissions are paused").waitFor();
  // Reloading the page brings the waiting room back as it was, without clicking anything.
  await page.reload();
  await page.getByText("You are number 1 in the queue.").waitFor();
  await page.getByText("Admissions are paused").waitFor();

  const port = env.server.port;
  await env.server.stop("SIGKILL");
  await page.getByText("The connection to the server is lost").waitFor({ timeout: 15_000 });
  assert.match(page.url(), /#\/exam\/demo-exam$/, "still on the waiting page");

  await env.start({ port, config: rate(5) });
  // The pause held across the crash; the operator lifts it.
  const admin2 = await apiClient(env.server.url, "admin", "admin-demo");
  const held = await admin2.call("GET", "/api/admin/exams/demo-exam/admission");
  assert.equal(held.data.paused, true, "a crash lifted the operator's pause");
  assert.equal((await admin2.call("PUT", "/api/admin/exams/demo-exam/admission", { paused: false })).status, 200);
  // The page finds the new room, takes its place again with its ticket while the queue is
  // rebuilt, and is admitted at the room's rate.
  await page.getByText("The server has just restarted and is rebuilding the queue").waitFor({ timeout: 15_000 });
  await page.locator("#countdown").waitFor({ timeout: 20_000 });
  const m = /#\/attempt\/(\d+)/.exec(page.url());
  assert.ok(m, `on the exam page: ${page.url()}`);
  const me = await apiClient(env.server.url, "student0007", STUDENT_PASSWORD);
  const { status, data } = await me.call("GET", `/api/attempts/${m[1]}`);
  assert.equal(status, 200);
  assert.equal(data.attempt.status, "in_progress");
});
