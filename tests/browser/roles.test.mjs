// Pages a role may not use are not offered: a student who types a teacher's address, or a
// teacher an operator's, is sent to their own home. And submitting while offline says why
// nothing happens yet, then submits by itself once the network is back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { answerThenGoOffline } from "./pages.mjs";

const env = withServerAndBrowser();

test("a wrong-role address sends the user home", { timeout: 60_000 }, async () => {
  const student = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(student, env.server.url, "student0015", STUDENT_PASSWORD);
  await student.getByRole("heading", { name: /^Hello/ }).waitFor();
  for (const hash of ["#/teacher", "#/teacher/exam/demo-exam", "#/operator"]) {
    await student.goto(`${env.server.url}/${hash}`);
    await student.waitForURL(/#\/home$/);
    await student.getByRole("heading", { name: /^Hello/ }).waitFor();
    assert.equal(await student.locator('input[type="file"]').count(), 0, `no upload form after ${hash}`);
  }
  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/operator`);
  await teacher.waitForURL(/#\/teacher$/);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  assert.equal(await teacher.getByRole("heading", { name: "Load", exact: true }).count(), 0, "no load page for a teacher");
});

test("submitting offline says so, and submits once the network is back", { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const { page } = await answerThenGoOffline(context, env.server.url, "student0016", STUDENT_PASSWORD);
  await page.getByRole("button", { name: "Submit my exam" }).click();
  await page.getByRole("button", { name: "Yes, submit" }).click();
  await page.getByText("Offline: your answers are kept on this device; submitting as soon as the server answers").waitFor({ timeout: 15_000 });
  await context.setOffline(false);
  await page.getByRole("heading", { name: /submitted/i }).waitFor({ timeout: 30_000 });
});
