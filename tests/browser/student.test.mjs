// A student takes the demo exam in Chromium: every question type, a reload mid-exam, the
// submission, and the grade once released. Also: labels on every control, and the weight of a
// cold exam page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, startDemoExam, controlsWithoutName } from "./pages.mjs";

const env = withServerAndBrowser();

test("a student answers every question type, reloads, submits and sees the grade", { timeout: 120_000 }, async (t) => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await logIn(page, env.server.url, "student0001", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page);

  const q = (id) => page.locator(`#question-${id}`);
  await q("capital-australia").getByLabel("Canberra").check();
  for (const gas of ["Helium", "Neon", "Argon"]) await q("noble-gases").getByLabel(gas).check();
  await q("great-wall").getByLabel("False").check();
  await q("water-boiling").getByRole("textbox").fill("212");
  await q("speed-of-light").getByRole("textbox").fill("300");
  await q("largest-planet").getByRole("textbox").fill("jupiter");
  await q("shakespeare").getByLabel("William Shakespeare").check();
  await q("printing-press").getByRole("textbox").fill("Books became cheap, so ideas travelled faster.");
  await allSaved(page, attemptId, 8);
  assert.equal(await page.locator("#save-state").textContent(), "All answers saved");
  assert.deepEqual(await controlsWithoutName(page), [], "every control has a label");

  // The question map shows every question answered.
  assert.equal(await page.locator(".qmap-item.answered").count(), 8);

  // A cold page (empty cache) of the exam weighs less than 100 KB over the wire.
  const cold = await env.browser.newContext({ locale: "en-US", storageState: await context.storageState() });
  const coldPage = await cold.newPage();
  const requests = [];
  coldPage.on("requestfinished", (r) => requests.push(r));
  await coldPage.goto(`${env.server.url}/#/attempt/${attemptId}`);
  await coldPage.locator("#countdown").waitFor();
  await coldPage.waitForLoadState("networkidle");
  let bytes = 0;
  for (const r of requests) {
    const s = await r.sizes();
    bytes += s.responseBodySize + s.responseHeadersSize;
  }
  assert.ok(requests.length >= 5, `the page loaded its files (${requests.length} requests)`);
  assert.ok(bytes < 100 * 1024, `a cold exam page weighs ${bytes} bytes`);
  t.diagnostic(`cold exam page: ${bytes} bytes over the wire in ${requests.length} requests`);
  await cold.close();

  // Reload mid-exam: every answer is still there.
  await page.reload();
  await page.locator("#countdown").waitFor();
  assert.ok(await q("capital-australia").getByLabel("Canberra").isChecked());
  for (const gas of ["Helium", "Neon", "Argon"]) assert.ok(await q("noble-gases").getByLabel(gas).isChecked(), gas);
  assert.ok(!(await q("noble-gases").getByLabel("Oxygen").isChecked()));
  assert.ok(await q("great-wall").getByLabel("False").isChecked());
  assert.equal(await q("water-boiling").getByRole("textbox").inputValue(), "212");
  assert.equal(await q("speed-of-light").getByRole("textbox").inputValue(), "300");
  assert.equal(await q("largest-planet").getByRole("textbox").inputValue(), "jupiter");
  assert.ok(await q("shakespeare").getByLabel("William Shakespeare").isChecked());
  assert.match(await q("printing-press").getByRole("textbox").inputValue(), /ideas travelled faster/);

  // Submit, through the confirmation step.
  await page.getByRole("button", { name: "Submit my exam" }).click();
  await page.getByText("Every question has an answer.").waitFor();
  // Nothing flagged: no stray "null" line; the button is hidden behind its own confirmation.
  assert.ok(!(await page.locator(".confirm").textContent()).includes("null"), "a 'null' line in the confirmation");
  assert.equal(await page.locator("#submit").isVisible(), false, "'Submit my exam' still shows above its confirmation");
  await page.getByRole("button", { name: "Yes, submit" }).click();
  await page.getByRole("heading", { name: "Exam submitted" }).waitFor();
  await page.getByText("Your result will appear here").waitFor();

  // The teacher grades the essay and releases the results; the student sees the grade.
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const { data } = await teacher.call("GET", "/api/exams/demo-exam/attempts");
  const mine = data.attempts.find((a) => a.id === attemptId);
  assert.equal(mine.status, "submitted");
  assert.equal(mine.answers["water-boiling"].value, 212);
  assert.equal((await teacher.call("PUT", `/api/attempts/${attemptId}/grades/printing-press`, { points: 2 })).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/demo-exam/release")).status, 200);
  await page.reload();
  await page.locator("#grade").waitFor();
  assert.equal(await page.locator("#grade").textContent(), "10 / 11 points");
  // The demo exam's review is "solutions": each question, the answer given, the right one and
  // the teacher's feedback, with points out of the maximum.
  await page.getByRole("heading", { name: "Result: General knowledge: a demonstration exam" }).waitFor();
  const capital = page.locator('#review li[data-qid="capital-australia"]');
  assert.match(await capital.textContent(), /Your answer: Canberra/);
  assert.match(await capital.textContent(), /Right answer: Canberra/);
  assert.match(await capital.textContent(), /built as the capital/);
  assert.match(await page.locator('#review li[data-qid="noble-gases"]').textContent(), /2 \/ 2 pt/);
  assert.deepEqual(errors, []);
  await context.close();
});
