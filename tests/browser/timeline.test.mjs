// The attempt's timeline in Chromium: a student answers, loses the network, answers again (the
// journal keeps it), comes back (the journal resends it) and submits; the teacher opens the
// attempt's timeline from the attempts table and reads what the server saw, in words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, answerThenGoOffline } from "./pages.mjs";

const env = withServerAndBrowser();

test("the teacher reads an attempt's timeline, resends after a network loss included", { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const { page: student, attemptId } = await answerThenGoOffline(context, env.server.url, "student0005", STUDENT_PASSWORD);
  await context.setOffline(false);
  await allSaved(student, attemptId, 2, 30_000);
  await student.getByRole("button", { name: "Submit my exam" }).click();
  await student.getByRole("button", { name: "Yes, submit" }).click();
  await student.getByRole("heading", { name: "Exam submitted" }).waitFor();

  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/teacher/exam/demo-exam`);
  await teacher.getByRole("link", { name: "Timeline: student0005" }).click();
  await teacher.getByRole("heading", { name: /^What the server saw: .*\(student0005\)$/ }).waitFor();
  const table = teacher.locator("#timeline");
  await table.getByText(/^Started; deadline /).waitFor();
  await table.getByText("The exam page connected").first().waitFor();
  await table.getByText(/1 resent after being offline/).waitFor();
  await table.getByText("Submitted by the student").waitFor();
  const saves = await table.locator('tr[data-kind="saves"] td:nth-child(2)').allTextContents();
  const total = saves.map((s) => Number(/(\d+) answer saves received/.exec(s)[1])).reduce((a, b) => a + b, 0);
  assert.equal(total, 2, `two saves reached the server: ${saves.join(" | ")}`);
  const csv = await teacher.getByRole("link", { name: "Download the timeline (CSV)" }).getAttribute("href");
  assert.equal(csv, `/api/attempts/${attemptId}/timeline.csv`);
});
