// The deadline passes while the exam page is open: the page submits by itself and says so, and
// the answers given before are in the submitted attempt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

test("the page submits by itself at the deadline", { timeout: 120_000 }, async () => {
  // The window closes 20 s from now: the attempt's deadline is the close.
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const imported = await teacher.call("POST", "/api/exams", examToml({ id: "short-exam", closesInMs: 20_000 }));
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/short-exam/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0005", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test short-exam");
  const left = await page.locator("#countdown").textContent();
  assert.match(left, /^0:[0-2]\d$/, `the countdown shows the time to the close: ${left}`);
  await page.locator("#question-q1").getByLabel("7").check();
  await allSaved(page, attemptId, 1);

  await page.getByText("Time is up: your exam was submitted automatically").waitFor({ timeout: 45_000 });
  await page.getByRole("heading", { name: "Exam submitted" }).waitFor();
  const { data } = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.equal(data.attempt.status, "submitted");
  assert.equal(data.attempt.answers.q1.value, 1);
});
