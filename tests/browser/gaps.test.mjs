// A gaps question on the exam page: the text with each gap where it stands, a menu (named by its
// gap, for a screen reader) or a box to type in; the answers are saved as the student gives them,
// come back after a reload, and the released review writes them and the right ones in words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, controlsWithoutName, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const GAPS = `
[[question]]
id = "q3"
type = "gaps"
text = "The bandit killed her [[1]] and burned her [[2]]."
points = 2
gaps = [{ choices = ["horse", "family", "castle"], answer = "family" }, { answer = "castle" }]
`;

test("a gaps question is answered in its text", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = examToml({ id: "gaps-exam", extra: GAPS }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/gaps-exam/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0008", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test gaps-exam");
  const question = page.locator("#question-q3");
  const text = await question.locator("p.gaps").textContent();
  assert.match(text, /^The bandit killed her .* and burned her \.$/, text);
  assert.doesNotMatch(text, /\[\[/, "no mark is left in the text");
  assert.deepEqual(await controlsWithoutName(page), [], "each gap is named");

  await question.getByRole("combobox", { name: "Gap 1" }).selectOption({ label: "family" });
  await question.getByRole("textbox", { name: "Gap 2" }).fill("castle");
  await allSaved(page, attemptId, 1);
  const saved = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.deepEqual(saved.data.attempt.answers.q3.value, [1, "castle"], "the menu's index, the typed text");

  await page.reload();
  await page.locator("#question-q3 p.gaps").waitFor();
  assert.equal(await question.getByRole("combobox", { name: "Gap 1" }).inputValue(), "1", "the answers are back after a reload");
  assert.equal(await question.getByRole("textbox", { name: "Gap 2" }).inputValue(), "castle");

  const student = await apiClient(env.server.url, "student0008", STUDENT_PASSWORD);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/gaps-exam/release")).status, 200);
  await page.reload();  // on the attempt's page: now its released result
  const review = page.locator('li.review[data-qid="q3"]');
  await review.waitFor();
  const shown = await review.textContent();
  assert.match(shown, /Right answer: family \| castle/, shown);
  assert.match(shown, /2 \/ 2/, shown);
});
