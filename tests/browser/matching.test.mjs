// A matching question on the exam page: one list per item, each offering every choice; what the
// student picks is saved as one choice per item, comes back after a reload, and the released
// review says the pairs in words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, controlsWithoutName, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const MATCHING = `
[[question]]
id = "q3"
type = "matching"
text = "Match each country with its capital."
points = 3
pairs = [["France", "Paris"], ["Italy", "Rome"], ["Spain", "Madrid"]]
distractors = ["Lisbon"]
`;

test("a matching question is answered with one list per item", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = examToml({ id: "match-exam", extra: MATCHING }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/match-exam/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0006", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test match-exam");
  const question = page.locator("#question-q3");
  const choices = await question.getByLabel("France").locator("option").allTextContents();
  assert.deepEqual(choices, ["Choose\u2026", "Lisbon", "Madrid", "Paris", "Rome"], "every choice, in an order that tells nothing");
  await question.getByLabel("France").selectOption({ label: "Paris" });
  await question.getByLabel("Italy").selectOption({ label: "Lisbon" });
  await allSaved(page, attemptId, 1);
  assert.deepEqual(await controlsWithoutName(page), [], "each list is named by its item");

  const saved = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.deepEqual(saved.data.attempt.answers.q3.value, [2, 0, null]);

  await page.reload();
  await page.locator("#question-q3").waitFor();
  assert.equal(await page.locator("#question-q3").getByLabel("France").inputValue(), "2", "the pick is back after a reload");
  assert.equal(await page.locator("#question-q3").getByLabel("Spain").inputValue(), "", "nothing picked stays unpicked");

  const student = await apiClient(env.server.url, "student0006", STUDENT_PASSWORD);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/match-exam/release")).status, 200);
  await page.reload();  // on the attempt's page: now its released result
  const review = page.locator('li.review[data-qid="q3"]');
  await review.waitFor();
  const text = await review.textContent();
  assert.match(text, /France \u2192 Paris ; Italy \u2192 Lisbon/, text);
  assert.match(text, /Right answer: France \u2192 Paris ; Italy \u2192 Rome ; Spain \u2192 Madrid/, text);
  assert.match(text, /1 \/ 3/, text);
});
