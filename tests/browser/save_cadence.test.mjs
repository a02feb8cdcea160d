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
  const saves = [];
  let inFlight = 0, maxInFlight = 0;
  page.on("request", (r) => {
    if (r.method() === "PUT" && r.url().includes(`/api/attempts/${attemptId}/answers/`)) {
      saves.push({ at: Date.now(), body: JSON.parse(r.postData()) });
      maxInFlight = Math.max(maxInFlight, ++inFlight);
    }
  });
  const settle = (r) => { if (r.method() === "PUT" && r.url().includes("/answers/")) inFlight--; };
  page.on("requestfinished", settle);
  page.on("requestfailed", settle);

  const essay = page.locator("#question-printing-press").getByRole("textbox");
  await essay.click();
  const text = "Printed books spread ideas faster: copies were cheaper and the same everywhere.";  // 80 characters
  const began = Date.now();
  await page.keyboard.type(text, { delay: 100 });
  const typedFor = Date.now() - began;
  const lastKey = Date.now();

  // The last change on the server within 2 s of the last key (read as the teacher would).
  const teacher = await apiClient(env.server.url, ...TEACHER);
  let held = null;
  for (const until = lastKey + 2_000; Date.now() < until;) {
    const r = await teacher.call("GET", `/api/attempts/${attemptId}`);
    held = r.data.attempt.answers["printing-press"];
    if (held && held.value === text) break;
    await page.waitForTimeout(100);  // pacing of this read loop, bounded by the deadline above
  }
  assert.equal(held && held.value, text, "the whole text was on the server within 2 s of the last key");

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
