// The student flow with the keyboard only: log in, start, answer, submit. Focus is visible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved } from "./pages.mjs";

const env = withServerAndBrowser();

// Presses Tab until the focused element matches `want` ({text} or {label}); fails after 60.
async function tabTo(page, want) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const here = await page.evaluate(() => {
      const e = document.activeElement;
      const label = e.labels && e.labels.length ? e.labels[0].textContent : e.getAttribute("aria-label") || "";
      return { text: e.textContent.trim(), label, tag: e.tagName, outline: getComputedStyle(e).outlineStyle };
    });
    if ((want.text && here.text === want.text) || (want.label && here.label === want.label)) return here;
  }
  throw new Error(`no focusable element ${JSON.stringify(want)}`);
}

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
