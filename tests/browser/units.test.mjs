// A numeric question with units on the exam page: the number and a list of the question's
// units beside it; what the student gives is saved as {value, unit}, comes back after a reload,
// and the released review says the unit of both answers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, controlsWithoutName, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const DOOR = `
[[question]]
id = "q3"
type = "numeric"
text = "How tall is the door?"
answer = 2
tolerance = 0.05
units = [["m", 1], ["cm", 100]]
unit_penalty = 0.25
`;

test("a numeric answer is given with one of the question's units", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = examToml({ id: "units", extra: DOOR }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/units/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0012", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test units");
  const question = page.locator("#question-q3");
  const unit = question.getByLabel("Unit");
  assert.deepEqual(await unit.locator("option").allTextContents(), ["(no unit)", "m", "cm"]);
  await question.locator("input[type=text]").fill("201");
  await unit.selectOption("cm");
  await allSaved(page, attemptId, 1);
  assert.deepEqual(await controlsWithoutName(page), [], "the number and its unit are named");
  const saved = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.deepEqual(saved.data.attempt.answers.q3.value, { value: 201, unit: "cm" });

  await page.reload();
  await page.locator("#question-q3").waitFor();
  assert.equal(await page.locator("#question-q3 input[type=text]").inputValue(), "201", "the number is back after a reload");
  assert.equal(await page.locator("#question-q3").getByLabel("Unit").inputValue(), "cm", "and its unit");

  const student = await apiClient(env.server.url, "student0012", STUDENT_PASSWORD);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/units/release")).status, 200);
  await page.reload();
  const review = page.locator('li.review[data-qid="q3"]');
  await review.waitFor();
  const text = await review.textContent();
  assert.match(text, /Your answer: 201 cm/, text);
  assert.match(text, /Right answer: 2 m \(± 0\.05\)/, text);
  assert.match(text, /1 \/ 1/, text);
});
