// The course space in Chromium: a teacher makes a course, a section, a page (with a script that
// must not run) and a file sent as a resumable upload whose line breaks once, and enrols a student
// from a CSV file; the student reads the page and downloads the file, byte for byte; both views
// pass axe and fit a phone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { axeViolations, welcomeItemForm } from "./pages.mjs";

const env = withServerAndBrowser();

// A file of 2.5 MiB (three parts of the page's 1 MiB), different at every offset.
const PDF = Buffer.alloc(2.5 * 1024 * 1024);
for (let i = 0; i < PDF.length; i++) PDF[i] = (i * 131 + (i >> 8)) & 0xff;
PDF.write("%PDF-1.4\n", 0);

test("a teacher builds a course and a student reads and downloads it", { timeout: 120_000 }, async () => {
  const teacherContext = await env.browser.newContext({ locale: "en-US", bypassCSP: true });
  const page = await teacherContext.newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams", exact: true }).waitFor();

  // A new course: its short name follows the title.
  await page.getByLabel("Title", { exact: true }).fill("Sciences 5e – Été");
  assert.equal(await page.getByLabel(/^Short name/).inputValue(), "sciences-5e-ete");
  await page.getByRole("button", { name: "Create the course" }).click();
  await page.getByRole("heading", { name: "Sciences 5e – Été", level: 1 }).waitFor();
  await page.getByText("This course is empty").waitFor();

  await page.getByLabel("Section title").fill("Week 1");
  await page.getByRole("button", { name: "Add the section" }).click();
  await page.getByRole("heading", { name: "Week 1", level: 2 }).waitFor();

  // A page whose script must never run.
  const section = page.locator("section.course-section").filter({ has: page.getByRole("heading", { name: "Week 1" }) });
  await section.getByText("Add to “Week 1”").click();
  const form = section.locator("form.item-form");
  await form.getByLabel("Title", { exact: true }).fill("Welcome");
  await form.getByLabel(/^Text/).fill("# Cells\n\nRead *chapter 2*.\n\n<script>window.pwned = 1</script>\n\n<img src=x onerror=\"window.pwned = 2\">");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await section.getByRole("heading", { name: "Welcome", level: 3 }).waitFor();

  // A file, whose second part is cut off once on the way: the page resumes it by itself.
  let cut = 0;
  await page.route("**/api/uploads/*", (route) => {
    if (route.request().method() === "PATCH" && cut === 0 && Number(route.request().headers()["upload-offset"]) > 0) {
      cut++;
      return route.abort("connectionreset");
    }
    return route.continue();
  });
  await section.getByText("Add to “Week 1”").click();
  await form.getByLabel("Kind").selectOption("file");
  await form.getByLabel("Title", { exact: true }).fill("Slides");
  await form.getByLabel("File", { exact: true }).setInputFiles({ name: "slides-week-1.pdf", mimeType: "application/pdf", buffer: PDF });
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await section.getByRole("heading", { name: "Slides", level: 3 }).waitFor({ timeout: 30_000 });
  assert.equal(cut, 1, "the line was cut once");
  await section.getByText("slides-week-1.pdf · 2.5 MB").waitFor();
  assert.deepEqual(await axeViolations(page), [], "the teacher's course page");

  // A student of the course, enrolled by the teacher from a CSV file on the course page.
  const people = page.locator("form").filter({ has: page.getByRole("heading", { name: "People" }) });
  await people.getByText("0 student(s) and 1 teacher(s) in this course.").waitFor();
  await people.getByLabel(/^Or read the logins from a CSV file/).setInputFiles({ name: "class.csv", mimeType: "text/csv",
    buffer: Buffer.from("name,login\nStudent Three,student0003\n") });
  await page.waitForFunction(() => document.getElementById("h-people").closest("form").querySelector("textarea").value !== "");
  assert.equal(await people.getByLabel(/^Logins/).inputValue(), "student0003", "the login column, without its header");
  await people.getByRole("button", { name: "Add them" }).click();
  await people.getByText("1 added to the course.").waitFor();
  await people.getByText("1 student(s) and 1 teacher(s) in this course.").waitFor();
  const studentContext = await env.browser.newContext({ locale: "en-US", bypassCSP: true, acceptDownloads: true });
  const sp = await studentContext.newPage();
  await logIn(sp, env.server.url, "student0003", STUDENT_PASSWORD);
  await sp.getByRole("link", { name: "Sciences 5e – Été" }).click();
  await sp.getByRole("heading", { name: "Week 1", level: 2 }).waitFor();
  assert.equal(await sp.getByRole("button", { name: "Add the section" }).count(), 0, "no teacher's tools");
  await sp.getByText("Read", { exact: true }).click();
  await sp.getByRole("heading", { name: "Cells", level: 1 }).waitFor();
  assert.equal(await sp.evaluate(() => window.pwned), undefined, "a script in a page ran");
  const [download] = await Promise.all([sp.waitForEvent("download"), sp.getByRole("link", { name: "Download slides-week-1.pdf" }).click()]);
  assert.equal(download.suggestedFilename(), "slides-week-1.pdf");
  assert.ok(readFileSync(await download.path()).equals(PDF), "the downloaded file is the uploaded one, byte for byte");
  assert.deepEqual(await axeViolations(sp), [], "the student's course page");
  await sp.setViewportSize({ width: 375, height: 740 });
  assert.ok(await sp.evaluate(() => document.documentElement.scrollWidth <= innerWidth), "no sideways scrolling on a phone");

  // Someone else's student is told the course does not exist.
  const other = await apiClient(env.server.url, "student0004", STUDENT_PASSWORD);
  assert.equal((await other.call("GET", "/api/courses/sciences-5e-ete/outline")).status, 404);
  await teacherContext.close();
  await studentContext.close();
});

test("an exam of the course is placed in its space and a student goes to it from there", { timeout: 90_000 }, async () => {
  const { page: tp, section, form } = await welcomeItemForm(env.browser, env.server.url, "exam");
  await form.getByLabel("Exam of this course").locator("option", { hasText: "General knowledge" }).waitFor({ state: "attached" });
  await form.getByLabel("Exam of this course").selectOption({ label: "General knowledge: a demonstration exam" });
  await form.getByLabel("Title", { exact: true }).fill("This week's exam");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await section.getByRole("heading", { name: "This week's exam", level: 3 }).waitFor();

  const sc = await env.browser.newContext({ locale: "en-US", bypassCSP: true });
  const sp = await sc.newPage();
  await logIn(sp, env.server.url, "student0009", STUDENT_PASSWORD);
  await sp.getByRole("link", { name: "Demo course" }).click();
  await sp.getByRole("link", { name: "Go to the exam: This week's exam" }).click();
  await sp.waitForURL(/#\/exam\/demo-exam$/);
});
