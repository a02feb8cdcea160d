// The student flow with the keyboard only: log in, start, answer, submit; and the teacher's:
// grade an essay with a comment, choose what students see, release. Focus is visible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, tabTo } from "./pages.mjs";

const env = withServerAndBrowser();

test("a student takes an exam with the keyboard only", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await page.goto(env.server.url);
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  // The login field has the focus from the start.
  await page.keyboard.type("student0003");
  await page.keyboard.press("Tab");
  await page.keyboard.type(STUDENT_PASSWORD);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();

  const start = await tabTo(page, { text: "Start" });
  assert.notEqual(start.outline, "none", "the focused link is outlined");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Start the exam" }).waitFor();
  await tabTo(page, { text: "Start the exam" });
  await page.keyboard.press("Enter");
  await page.locator("#countdown").waitFor();
  const attemptId = Number(/#\/attempt\/(\d+)/.exec(page.url())[1]);

  // A radio group: Tab reaches it, the arrows choose.
  await tabTo(page, { label: await page.locator("#question-capital-australia .option label").first().textContent() });
  for (let i = 0; i < 4; i++) {
    const label = await page.evaluate(() => document.activeElement.labels[0].textContent);
    if (label === "Canberra") break;
    await page.keyboard.press("ArrowDown");
  }
  await page.keyboard.press("Space");
  // Checkboxes: Space ticks.
  for (const gas of ["Helium", "Neon", "Argon"]) {
    await tabTo(page, { label: gas });
    await page.keyboard.press("Space");
  }
  await tabTo(page, { label: "True" }); // the first of the group: the arrow moves and chooses
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Tab"); // the flag
  await page.keyboard.press("Tab"); // the numeric answer
  await page.keyboard.type("212");
  await allSaved(page, attemptId, 4);

  const submit = await tabTo(page, { text: "Submit my exam" });
  assert.notEqual(submit.outline, "none", "the focused button is outlined");
  await page.keyboard.press("Enter");
  // The confirmation takes the focus.
  await page.waitForFunction(() => document.activeElement.textContent === "Yes, submit");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Exam submitted" }).waitFor();

  const teacher = await apiClient(env.server.url, ...TEACHER);
  const { data } = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.equal(data.attempt.status, "submitted");
  assert.equal(data.attempt.answers["capital-australia"].value, 2);
  assert.deepEqual(data.attempt.answers["noble-gases"].value, [0, 2, 4]);
  assert.equal(data.attempt.answers["great-wall"].value, false);
  assert.equal(data.attempt.answers["water-boiling"].value, 212);
});

test("a teacher grades and releases with the keyboard only", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  page.on("dialog", (d) => d.accept());
  await page.goto(env.server.url);
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  await page.keyboard.type(TEACHER[0]);
  await page.keyboard.press("Tab");
  await page.keyboard.type(TEACHER[1]);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();

  await tabTo(page, { text: "General knowledge: a demonstration exam" });
  await page.keyboard.press("Enter");
  await page.getByRole("row", { name: /student0003/ }).waitFor();
  await tabTo(page, { label: "Grade: student0003" });
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: /^Grading: Student 0003/ }).waitFor();
  // The essay: its points, its comment, saved with Enter on the button.
  const points = await tabTo(page, { label: "Points (0 to 3)" });
  assert.notEqual(points.outline, "none", "the focused field is outlined");
  await page.keyboard.type("2.5");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Clear, but say why the press mattered.");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.locator('form.grade[data-qid="printing-press"]').getByText("Grade saved.").waitFor();

  // Back to the exam; the review level with the arrows, then Release.
  await tabTo(page, { text: "Back to the exam" });
  await page.keyboard.press("Enter");
  await page.locator("#release").waitFor();
  // Tab reaches the group at its checked radio (the demo's "solutions"); the arrow moves up.
  await tabTo(page, { label: "also the right answers and your feedback" });
  await page.keyboard.press("ArrowUp");  // each question with their answer
  await tabTo(page, { text: "Release results" });
  await page.keyboard.press("Enter");
  await page.locator("#release-state").getByText("Results released: students see each question").waitFor();

  const teacher = await apiClient(env.server.url, ...TEACHER);
  const attempts = (await teacher.call("GET", "/api/exams/demo-exam/attempts")).data.attempts;
  const mine = attempts.find((a) => a.login === "student0003");
  assert.equal(mine.result.questions["printing-press"], 2.5);
  assert.equal(mine.result.comments["printing-press"], "Clear, but say why the press mattered.");
  assert.equal((await teacher.call("GET", "/api/exams/demo-exam")).data.exam.review, "answers");
});
