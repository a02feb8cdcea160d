// Steps on Pupitre's pages shared by several browser tests.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { logIn, TEACHER } from "./harness.mjs";

// From the student's home, starts the demo exam; resolves with the attempt id once the exam
// page shows.
export async function startDemoExam(page, title = "General knowledge") {
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
  await page.getByRole("link", { name: new RegExp(`^Start: ${title}`) }).click();
  await page.getByRole("button", { name: "Start the exam" }).click();
  await page.locator("#countdown").waitFor();
  const m = /#\/attempt\/(\d+)/.exec(page.url());
  assert.ok(m, `on an attempt page: ${page.url()}`);
  return Number(m[1]);
}

// Waits until the journal on the device holds `count` answers, all acknowledged by the server.
export async function allSaved(page, attemptId, count, timeout = 20_000) {
  await page.waitForFunction(([id, n]) => {
    const j = JSON.parse(localStorage.getItem(`pupitre.journal.${id}`) || "{}");
    const entries = Object.values(j.entries || {});
    return entries.length >= n && entries.every((e) => e.acked);
  }, [attemptId, count], { timeout });
}

// The controls of the page that a screen reader could not name.
export async function controlsWithoutName(page) {
  return page.evaluate(() => [...document.querySelectorAll("input, textarea, select, button, a[href]")]
    .filter((e) => !e.hidden && e.offsetParent !== null)
    .filter((e) => {
      if (e.getAttribute("aria-label") || e.getAttribute("aria-labelledby")) return false;
      if ((e.tagName === "BUTTON" || e.tagName === "A") && e.textContent.trim()) return false;
      return !(e.labels && e.labels.length);
    })
    .map((e) => e.outerHTML.slice(0, 80)));
}

// Logs `login` in on a new page of `context`, starts the demo exam, answers one question (saved),
// then cuts the network and answers another (kept on the device only, the page saying
// "offline"). Resolves with the page and the attempt id.
export async function answerThenGoOffline(context, url, login, password) {
  const page = await context.newPage();
  await logIn(page, url, login, password);
  const attemptId = await startDemoExam(page);
  const q = (id) => page.locator(`#question-${id}`);
  await q("water-boiling").getByRole("textbox").fill("100");
  await allSaved(page, attemptId, 1);
  await context.setOffline(true);
  await q("largest-planet").getByRole("textbox").fill("jupiter");
  await page.locator("#save-state.offline").waitFor({ timeout: 15_000 });
  return { page, attemptId };
}

// axe-core's violations of WCAG 2.1 levels A and AA on the page as it is now, one line each
// (rule, then up to three elements). The page's context needs `bypassCSP: true`: axe is
// injected as a script of the test's own.
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

// Presses Tab until the focused element matches `want` ({text} or {label}); fails after 60.
export async function tabTo(page, want) {
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

// The teacher (in English) on the demo course's page, the Welcome section's add-item form open
// with `kind` chosen: { page, section, form }.
export async function welcomeItemForm(browser, url, kind) {
  const context = await browser.newContext({ locale: "en-US", bypassCSP: true });
  const page = await context.newPage();
  await logIn(page, url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  await page.goto(`${url}/#/course/demo-course`);
  const section = page.locator("section.course-section").filter({ has: page.getByRole("heading", { name: "Welcome" }) });
  await section.getByText("Add to “Welcome”").click();
  const form = section.locator("form.item-form");
  await form.getByLabel("Kind").selectOption(kind);
  return { page, section, form };
}
