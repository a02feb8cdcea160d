// axe-core on every page a student, a teacher and an operator use, in both languages: no
// violation of WCAG 2.1 at levels A and AA.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { axeViolations } from "./pages.mjs";

const env = withServerAndBrowser();

async function clean(page, what) {
  assert.deepEqual(await axeViolations(page), [], `${what}: accessibility violations`);
}

for (const locale of ["en-US", "fr-FR"]) {
  const fr = locale === "fr-FR";
  test(`every page passes axe (${locale})`, { timeout: 180_000 }, async () => {
    // A submitted, graded and released attempt, and one in progress.
    const n = fr ? 12 : 13;
    const student = await apiClient(env.server.url, `student00${n}`, STUDENT_PASSWORD);
    const started = await student.call("POST", "/api/exams/demo-exam/start");
    assert.equal(started.status, 200, JSON.stringify(started.data));
    const id = started.data.attempt.id;
    assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/capital-australia`, { seq: 1, value: 0 })).status, 200);
    assert.equal((await student.call("POST", `/api/attempts/${id}/submit`)).status, 200);
    const teacher = await apiClient(env.server.url, ...TEACHER);
    assert.equal((await teacher.call("POST", "/api/exams/demo-exam/release")).status, 200);

    const context = await env.browser.newContext({ locale, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(env.server.url);
    await page.locator("#login-status").waitFor({ state: "attached" });
    await clean(page, "login");
    await logIn(page, env.server.url, `student00${n}`, STUDENT_PASSWORD);
    await page.getByRole("heading", { name: fr ? /^Bonjour/ : /^Hello/ }).waitFor();
    await clean(page, "student home");
    await page.goto(`${env.server.url}/#/attempt/${id}`);
    await page.locator("#grade").waitFor();
    await clean(page, "result");
    await page.goto(`${env.server.url}/#/exam/demo-exam`);
    await page.locator("#main h1").waitFor();
    await clean(page, "an exam's start page");
    await page.goto(`${env.server.url}/#/account`);
    await page.locator("#pw-current").waitFor();
    await clean(page, "my account");

    // The exam page, with another student (a fresh attempt).
    const other = await (await env.browser.newContext({ locale, bypassCSP: true })).newPage();
    await logIn(other, env.server.url, `student00${n + 2}`, STUDENT_PASSWORD);
    await other.getByRole("heading", { name: fr ? /^Bonjour/ : /^Hello/ }).waitFor();
    await other.goto(`${env.server.url}/#/exam/demo-exam`);
    await other.locator("button.primary").click();
    await other.locator("#countdown").waitFor();
    await clean(other, "the exam page");
    await other.locator("#submit").click();
    await other.locator("#confirm-submit").waitFor();
    await clean(other, "the submit confirmation");

    const t = await (await env.browser.newContext({ locale, bypassCSP: true })).newPage();
    await logIn(t, env.server.url, ...TEACHER);
    await t.locator("#exam-file").waitFor();
    await clean(t, "teacher's exams");
    await t.goto(`${env.server.url}/#/teacher/exam/demo-exam`);
    await t.locator("#release").waitFor();
    await t.locator("#h-attempts").waitFor();
    await clean(t, "teacher's exam page");
    await t.goto(`${env.server.url}/#/teacher/grade/demo-exam/${id}`);
    await t.locator("#main form").first().waitFor();
    await clean(t, "grading");
    await t.goto(`${env.server.url}/#/teacher/timeline/demo-exam/${id}`);
    await t.locator("#timeline").waitFor();
    await clean(t, "timeline");

    const op = await (await env.browser.newContext({ locale, bypassCSP: true })).newPage();
    await logIn(op, env.server.url, "admin", "admin-demo");
    await op.locator('#op-room-exam option[value="demo-exam"]').waitFor({ state: "attached" });
    await clean(op, "operator's load page");
    await op.goto(`${env.server.url}/#/admin/accounts`);
    await op.locator("#acc-q").waitFor();
    await clean(op, "accounts");
    await op.goto(`${env.server.url}/status${fr ? "?lang=fr" : ""}`);
    await clean(op, "status page");
  });
}
