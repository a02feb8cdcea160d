// A page still loading when another is asked for never draws: the teacher's exam list, whose
// read is held back until the exam page is drawn, does not replace it when its answer comes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, TEACHER, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();

test("a stale page's late answer draws nothing over the newest page", { timeout: 60_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();

  // From now on the exam list's read waits for the gate.
  let open;
  const gate = new Promise((resolve) => (open = resolve));
  let held = 0;
  await page.route((url) => url.pathname === "/api/exams", async (route) => {
    held++;
    await gate;
    await route.continue();
  });
  await page.evaluate(() => P.go("#/teacher"));  // the list again: its read is held
  await page.evaluate(() => { location.hash = "#/teacher/exam/demo-exam"; });
  await page.getByRole("heading", { name: "General knowledge: a demonstration exam" }).waitFor();
  assert.equal(held, 1, "the list's read was not the one held");

  const refused = await page.evaluate(() => P.staleReads);
  open();
  // The held answer arrives and is refused: the list page that asked for it is gone.
  await page.waitForFunction((before) => P.staleReads > before, refused);
  assert.equal(await page.locator("h1").textContent(), "General knowledge: a demonstration exam",
    "the stale list was drawn over the exam page");
  assert.equal(await page.locator("#exam-file").count(), 0, "the list's upload form is on the exam page");
  assert.ok(page.url().endsWith("#/teacher/exam/demo-exam"));
});
