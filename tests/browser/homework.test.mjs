// Homework in Chromium: a teacher adds a homework to the demo course; a student hands in a PDF
// and a text and gets the receipt (the file's SHA-256, on screen and as a download); the teacher
// grades with a comment and gives it back; the student reads it. axe passes every view.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { axeViolations, welcomeItemForm } from "./pages.mjs";

const env = withServerAndBrowser();

const PDF = Buffer.alloc(300 * 1024);
for (let i = 0; i < PDF.length; i++) PDF[i] = (i * 31 + (i >> 9)) & 0xff;
PDF.write("%PDF-1.4\n", 0);
const SHA = createHash("sha256").update(PDF).digest("hex");

test("a student hands in homework and reads the teacher's grade", { timeout: 120_000 }, async () => {
  const { page: page, section, form } = await welcomeItemForm(env.browser, env.server.url, "homework");
  await form.getByLabel("Title", { exact: true }).fill("Lab report 1");
  await form.getByLabel("Instructions (Markdown)").fill("Describe **the experiment** in one page.");
  await form.getByLabel(/^Due/).fill(new Date(Date.now() + 3600_000).toISOString().slice(0, 16));
  await form.getByLabel(/^File types accepted/).fill("pdf");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await section.getByRole("heading", { name: "Lab report 1", level: 3 }).waitFor();

  const sc = await env.browser.newContext({ locale: "en-US", bypassCSP: true, acceptDownloads: true });
  const sp = await sc.newPage();
  await logIn(sp, env.server.url, "student0005", STUDENT_PASSWORD);
  await sp.getByRole("link", { name: "Demo course" }).click();
  await sp.getByText("not handed in").waitFor();
  await sp.getByRole("link", { name: "Open the homework: Lab report 1" }).click();
  await sp.getByRole("heading", { name: "Lab report 1", level: 1 }).waitFor();
  const itemId = await sp.evaluate(() => location.hash.split("/").pop());
  await sp.getByText("the experiment").waitFor();
  assert.deepEqual(await axeViolations(sp), [], "the student's homework page");
  await sp.getByLabel("Files").setInputFiles({ name: "report.pdf", mimeType: "application/pdf", buffer: PDF });
  await sp.getByLabel("Your answer").fill("See the attached report.");
  await sp.getByRole("button", { name: "Hand in", exact: true }).click();
  await sp.getByRole("heading", { name: "Receipt" }).waitFor();
  await sp.getByText(`SHA-256 ${SHA}`).waitFor();
  const [download] = await Promise.all([sp.waitForEvent("download"), sp.getByRole("link", { name: "Download the receipt" }).click()]);
  assert.match(readFileSync(await download.path(), "utf8"), new RegExp(`SHA-256 ${SHA}`), "the receipt file holds the fingerprint");

  // The student's calendar lists it, handed in, and gives the private address for a phone.
  await sp.getByRole("link", { name: "Calendar" }).click();
  const event = sp.locator("li.event").filter({ hasText: "Lab report 1" });
  await event.getByText("handed in").waitFor();
  await sp.getByRole("button", { name: "Show my calendar address" }).click();
  assert.match(await sp.getByLabel("My calendar’s private address").inputValue(), /^http:\/\/127\.0\.0\.1:\d+\/calendar\/\d+-0-[0-9a-f]{40}\.ics$/);
  assert.deepEqual(await axeViolations(sp), [], "the calendar page");
  await sp.goBack();

  // The teacher grades and gives it back.
  await page.goto(`${env.server.url}/#/homework/demo-course/${itemId}`);
  await page.getByText("1 of 20 handed in (0 late)").waitFor();
  const row = page.locator('tr[data-login="student0005"]');
  await row.getByText(/^Handed in/).waitFor();
  assert.deepEqual(await axeViolations(page), [], "the teacher's hand-ins page");
  await row.getByLabel("Points for Student 0005").fill("17");
  await row.getByLabel("Comment for Student 0005").fill("Clear and complete.");
  await row.getByLabel("Give back to the student").check();
  await row.getByRole("button", { name: "Save for Student 0005" }).click();
  await row.getByText("Saved and given back.").waitFor();
  // The course's gradebook has the homework beside the exams.
  await page.goto(`${env.server.url}/#/teacher/course/demo-course`);
  await page.locator("#gradebook thead").getByRole("link", { name: "Lab report 1" }).waitFor();
  await page.locator("#gradebook").getByRole("row", { name: /student0005/ }).getByText("17 / 20").waitFor();

  await sp.reload();
  await sp.getByRole("heading", { name: "Grade" }).waitFor();
  await sp.getByText("17 / 20").waitFor();
  await sp.getByText("Clear and complete.").waitFor();
  await page.context().close();
  await sc.close();
});
