// Pages drawn in order: a page still loading when the user goes elsewhere must not stay drawn
// over the newer one, whatever the order in which their requests come back. Here the teacher's
// exam list answers only after the exam page has drawn its heading but before that page is done
// (its Safe Exam Browser keys still loading): the list draws over it, and the exam page must be
// drawn again. Each step waits for the request or the drawing it depends on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, TEACHER, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();

test("a page that finishes loading late does not stay drawn over the newer one", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();

  // Hold the list's request and the exam page's last request until told.
  const held = {};
  const hold = (name, match) => context.route(match, (route) => {
    if (route.request().method() !== "GET") return route.continue();
    held[name] = route;
    if (held.waiters?.[name]) held.waiters[name]();
  });
  const arrived = (name) => new Promise((r) => { if (held[name]) r(); else (held.waiters ??= {})[name] = r; });
  await hold("list", "**/api/exams");
  await hold("keys", "**/api/exams/demo-exam/seb");

  await page.evaluate(() => { P.refresh(); });  // the list loads again (not awaited: it is held)
  await arrived("list");
  await page.evaluate(() => { location.hash = "#/teacher/exam/demo-exam"; });
  await page.getByRole("heading", { name: "More time now" }).waitFor();
  await arrived("keys");
  await held.list.continue();  // the stale list draws over the exam page
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  await held.keys.continue();  // the exam page finishes: it must be drawn again
  await page.getByRole("heading", { name: "More time now" }).waitFor();
  assert.match(page.url(), /#\/teacher\/exam\/demo-exam$/);
  assert.equal(await page.getByRole("heading", { name: "Exams", exact: true }).count(), 0);
});
