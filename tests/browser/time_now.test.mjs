// More time now, in Chromium: the teacher adds minutes from the exam page; a student already
// taking the exam sees the countdown move and a notice at once, without saving or reloading.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

// The countdown "1:02:05" or "29:58" in seconds.
const seconds = (text) => text.trim().split(":").map(Number).reduce((a, x) => a * 60 + x, 0);

test("time added by the teacher reaches a running countdown with a notice", { timeout: 90_000 }, async () => {
  const student = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(student, env.server.url, "student0007", STUDENT_PASSWORD);
  await startDemoExam(student);
  const before = seconds(await student.locator("#countdown").textContent());

  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/teacher/exam/demo-exam`);
  await teacher.getByRole("heading", { name: "More time now" }).waitFor();
  await teacher.getByLabel("Minutes to add").fill("15");
  await teacher.getByRole("button", { name: "Add the time" }).click();
  await teacher.getByText(/^15 min added to \d+ attempts in progress\.$/).waitFor();

  // Pushed to the exam page at once through its event stream (no save, no reload): the
  // countdown jumps and says why.
  await student.getByText("Your teacher added 15 min to your time.").waitFor({ timeout: 2_000 });
  // The countdown shows it at its next tick (once a second).
  await student.waitForFunction((min) => {
    const s = document.querySelector("#countdown").textContent.trim().split(":").map(Number).reduce((a, x) => a * 60 + x, 0);
    return s > min;
  }, before + 14 * 60, { timeout: 5_000 });
  const after = seconds(await student.locator("#countdown").textContent());
  assert.ok(after - before > 14 * 60, `the countdown went from ${before} s to ${after} s`);
});

