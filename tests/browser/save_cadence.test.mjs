// The save cadence in Chromium: a student typing an essay at about 10 characters a second
// sends about one save a second (not one per keystroke), one at a time, each with the whole
// text so far; the last change reaches the server within 2 s of the last key, and a submit
// sends what is waiting at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

test("typing an essay sends about one save a second, and the last change within 2 s", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0014", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page);
  const text = "Printed books spread ideas faster: copies were cheaper and the same everywhere.";  // 79 characters
  const saves = [];
  let inFlight = 0, maxInFlight = 0;
  const isSave = (r) => r.method() === "PUT" && r.url().includes(`/api/attempts/${attemptId}/answers/`);
  page.on("request", (r) => {
    if (!isSave(r)) return;
    saves.push({ at: Date.now(), body: JSON.parse(r.postData()) });
    maxInFlight = Math.max(maxInFlight, ++inFlight);
  });
  const settle = (r) => { if (isSave(r)) inFlight--; };
  page.on("requestfinished", settle);
  page.on("requestfailed", settle);
  // The server's acknowledgement (durable) of the save that carries the whole text.
  let wholeAckedAt = 0;
  const wholeAcked = page.waitForResponse(async (r) => {
    if (!isSave(r.request()) || r.status() !== 200 || JSON.parse(r.request().postData()).value !== text) return false;
    wholeAckedAt = Date.now();
    return true;
  }, { timeout: 60_000 });

  const essay = page.locator("#question-printing-press").getByRole("textbox");
  await essay.click();
  const began = Date.now();
  await page.keyboard.type(text, { delay: 100 });
  const typedFor = Date.now() - began;
  const lastKey = Date.now();

  await wholeAcked;
  assert.ok(wholeAckedAt - lastKey <= 2_000, `the whole text acknowledged ${wholeAckedAt - lastKey} ms after the last key`);
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const held = (await teacher.call("GET", `/api/attempts/${attemptId}`)).data.attempt.answers["printing-press"];
  assert.equal(held && held.value, text, "the server holds the whole text");

  const seconds = typedFor / 1000;
  assert.ok(saves.length <= Math.ceil(seconds) + 3, `${saves.length} saves in ${seconds.toFixed(1)} s of typing: at most about one a second`);
  assert.ok(saves.length >= Math.floor(seconds / 2), `${saves.length} saves in ${seconds.toFixed(1)} s: it still saves while typing`);
  console.log(`save cadence: ${saves.length} saves in ${seconds.toFixed(1)} s of typing ${text.length} characters`);
  assert.equal(maxInFlight, 1, "one save in flight at a time");
  for (let i = 1; i < saves.length; i++) {
    assert.ok(saves[i].body.seq > saves[i - 1].body.seq, "each save is newer than the one before");
  }

  // A change just before submitting is sent at once, not a second later.
  await essay.press("End");
  await page.keyboard.type("!");
  await page.getByRole("button", { name: "Submit my exam" }).click();
  await page.getByRole("button", { name: "Yes, submit" }).click();
  await page.getByRole("heading", { name: /submitted/i }).waitFor();
  const r = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.equal(r.data.attempt.answers["printing-press"].value, text + "!");
});
