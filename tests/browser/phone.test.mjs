// Every page on a 375 px phone: nothing wider than the screen (no sideways scrolling), the
// buttons in reach; and on the exam page, a question jumped to from the map lands below the
// sticky bar (countdown, save state, map), which stays in view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();
const PHONE = { viewport: { width: 375, height: 740 }, locale: "en-US", isMobile: true, hasTouch: true };

// The page's widest point, against the screen's width.
async function fitsTheScreen(page, what) {
  const { scroll, inner, culprit } = await page.evaluate(() => {
    const inner = window.innerWidth;
    let culprit = "";
    for (const e of document.querySelectorAll("body *")) {
      const r = e.getBoundingClientRect();
      if (r.width && r.right > inner + 0.5) { culprit = e.outerHTML.slice(0, 120); break; }
    }
    return { scroll: document.documentElement.scrollWidth, inner, culprit };
  });
  assert.ok(scroll <= inner, `${what}: ${scroll} px wide on a ${inner} px screen (${culprit})`);
}

// A control is inside the screen (it can be tapped without scrolling sideways).
async function inReach(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 375.5, `${what} is cut off: ${JSON.stringify(box)}`);
}

test("a student's pages fit a phone, and the map's jumps land below the sticky bar", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext(PHONE);
  const page = await context.newPage();
  await logIn(page, env.server.url, "student0003", STUDENT_PASSWORD);
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
  await fitsTheScreen(page, "home");
  await inReach(page.getByRole("link", { name: /^Start: General knowledge/ }), "the Start button");
  await page.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await page.getByRole("button", { name: "Start the exam" }).waitFor();
  await fitsTheScreen(page, "the exam's start page");
  await page.goto(`${env.server.url}/#/home`);
  const attemptId = await startDemoExam(page);
  await fitsTheScreen(page, "the exam page");

  // Jump to the last question from the map: its text is below the sticky head, in view.
  const items = page.locator(".qmap-item");
  const last = await items.count();
  await items.nth(last - 1).click();
  const head = await page.locator(".examhead").boundingBox();
  const legend = await page.locator("fieldset.question").nth(last - 1).locator("legend").boundingBox();
  assert.ok(head.y >= 0 && head.y < 200, `the sticky head scrolled away (y ${head.y})`);
  assert.ok(legend.y >= head.y + head.height - 1, `question text under the sticky bar: text at ${legend.y}, bar ends at ${head.y + head.height}`);
  assert.ok(legend.y < 740, "the question is below the screen");

  await page.locator("#question-largest-planet").getByRole("textbox").fill("Jupiter");
  await allSaved(page, attemptId, 1);
  await page.getByRole("button", { name: "Submit my exam" }).click();
  await inReach(page.getByRole("button", { name: "Yes, submit" }), "Yes, submit");
  await page.getByRole("button", { name: "Yes, submit" }).click();
  await page.getByRole("heading", { name: "Exam submitted" }).waitFor();
  await fitsTheScreen(page, "the submitted page");

  // Released: the result with every question (the demo's review shows solutions).
  const teacher = await apiClient(env.server.url, ...TEACHER);
  assert.equal((await teacher.call("POST", "/api/exams/demo-exam/release")).status, 200);
  await page.reload();
  await page.locator("#grade").waitFor();
  await fitsTheScreen(page, "the result");
  await page.goto(`${env.server.url}/#/home`);
  await page.getByRole("link", { name: /^See my result/ }).waitFor();
  await fitsTheScreen(page, "home with a result");
  await inReach(page.getByRole("link", { name: /^See my result/ }), "See my result");
  await context.close();
});

test("a teacher's and an operator's pages fit a phone", { timeout: 120_000 }, async () => {
  // An attempt for the attempts table, a timeline and a grading page.
  const student = await apiClient(env.server.url, "student0004", STUDENT_PASSWORD);
  const started = await student.call("POST", "/api/exams/demo-exam/start");
  assert.equal(started.status, 200, JSON.stringify(started.data));
  const id = started.data.attempt.id;
  assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/printing-press`, { seq: 1, value: "A rather long answer ".repeat(20) })).status, 200);
  assert.equal((await student.call("POST", `/api/attempts/${id}/submit`)).status, 200);

  const context = await env.browser.newContext(PHONE);
  const page = await context.newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  await fitsTheScreen(page, "the teacher's exams");
  await page.getByRole("link", { name: /^General knowledge/ }).click();
  const row = page.getByRole("row", { name: /student0004/ });
  await row.waitFor();
  await fitsTheScreen(page, "the teacher's exam page");
  await inReach(row.getByRole("link", { name: /^Grade/ }), "the Grade link");
  await row.getByRole("link", { name: /^Grade/ }).click();
  await page.getByText("A rather long answer").first().waitFor();
  await fitsTheScreen(page, "the grading page");
  await page.goto(`${env.server.url}/#/teacher/timeline/demo-exam/${id}`);
  await page.locator("#timeline").waitFor();
  await fitsTheScreen(page, "the timeline");
  await context.close();

  const op = await (await env.browser.newContext(PHONE)).newPage();
  await logIn(op, env.server.url, "admin", "admin-demo");
  await op.getByRole("heading", { name: "Load", exact: true }).waitFor();
  await op.locator('#op-room-exam option[value="demo-exam"]').waitFor({ state: "attached" });
  await fitsTheScreen(op, "the operator's load page");
  await op.goto(`${env.server.url}/#/admin/accounts`);
  await op.locator("#acc-q").waitFor();
  await op.getByRole("button", { name: "Search" }).click();
  await op.locator("#acc-results tbody tr").first().waitFor();
  await fitsTheScreen(op, "the accounts page");
});

test("the course space, a homework and the calendar fit a phone", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const made = await teacher.call("POST", "/api/courses/demo-course/sections/1/items", {
    kind: "homework", title: "A homework with a rather long title to see how it wraps on a phone",
    body: "Read `chapter_two_of_the_book_with_a_very_long_name` and answer.", rules: { due_ms: Date.now() + 3600_000, allowed: ["pdf"] } });
  assert.equal(made.status, 201, JSON.stringify(made.data));
  const item = made.data.item.id;
  assert.equal((await teacher.call("POST", "/api/courses/demo-course/announcements", { title: "Welcome back", body: "See https://example.org/a/very/long/address/that/should/wrap/somewhere/on/a/phone" })).status, 201);

  const context = await env.browser.newContext(PHONE);
  const page = await context.newPage();
  await logIn(page, env.server.url, "student0005", STUDENT_PASSWORD);
  await page.getByRole("link", { name: "Demo course" }).click();
  await page.getByRole("heading", { name: "Welcome", level: 2 }).waitFor();
  await fitsTheScreen(page, "the course space");
  await page.getByRole("link", { name: /^Open the homework/ }).click();
  await page.getByRole("button", { name: "Hand in", exact: true }).waitFor();
  await fitsTheScreen(page, "the homework page");
  await inReach(page.getByRole("button", { name: "Hand in", exact: true }), "Hand in");
  await page.getByRole("link", { name: "Calendar" }).click();
  await page.locator("li.event").first().waitFor();
  await fitsTheScreen(page, "the calendar");
  await context.close();

  const tc = await env.browser.newContext(PHONE);
  const tp = await tc.newPage();
  await logIn(tp, env.server.url, ...TEACHER);
  await tp.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  await tp.goto(`${env.server.url}/#/course/demo-course`);
  await tp.getByRole("heading", { name: "People" }).waitFor();
  await fitsTheScreen(tp, "the teacher's course space");
  await tp.goto(`${env.server.url}/#/homework/demo-course/${item}`);
  await tp.locator("#handins").waitFor();
  await fitsTheScreen(tp, "the teacher's hand-ins");
  await tc.close();
});
