// A description on the exam page: a text to read in its place, without a number, a control or
// a flag; the questions around it are numbered as if it were not there, the map marks it as a
// text, the confirmation counts only questions, and the released review shows it as a text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, controlsWithoutName, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const READING = `
[[question]]
id = "passage"
type = "description"
text = "Jupiter is the largest planet; Mercury the smallest."

[[question]]
id = "q3"
type = "short"
text = "Name the smallest planet."
answer = "Mercury"
`;

test("a description is read between questions, unnumbered and never answered", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = examToml({ id: "reading", extra: READING }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/reading/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0008", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test reading");
  const passage = page.locator("#question-passage");
  await passage.waitFor();
  assert.equal((await passage.textContent()).trim(), "Jupiter is the largest planet; Mercury the smallest.");
  assert.equal(await passage.locator("input, textarea, select").count(), 0, "a control for a text");
  assert.match(await page.locator("#question-q3 legend").textContent(), /^Question 3\./, "numbered as if the text were not there");
  const map = await page.locator(".qmap .qmap-item").allTextContents();
  assert.deepEqual(map, ["1", "2", "i", "3"]);
  assert.equal(await page.locator(".qmap .qmap-item").nth(2).getAttribute("aria-label"), "A text to read");
  assert.deepEqual(await controlsWithoutName(page), []);

  await page.locator("#question-q3 input[type=text]").fill("mercury");
  await allSaved(page, attemptId, 1);
  await page.locator("#submit").click();
  assert.match(await page.locator(".confirm").textContent(), /2 question\(s\) have no answer/, "the text counted as a question");
  await page.locator("#confirm-submit").click();
  await page.getByRole("heading", { name: "Exam submitted" }).waitFor();

  assert.equal((await teacher.call("POST", "/api/exams/reading/release")).status, 200);
  await page.reload();
  const text = page.locator('#review li.description[data-qid="passage"]');
  await text.waitFor();
  assert.equal((await text.textContent()).trim(), "Jupiter is the largest planet; Mercury the smallest.");
  assert.match(await page.locator('#review li[data-qid="q3"] h3').textContent(), /^Question 3\./);
});
