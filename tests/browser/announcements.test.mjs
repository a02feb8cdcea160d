// Announcements in Chromium: a teacher posts from the course page and it appears on a student's
// open course page at once; on another page the student is told one arrived; the home page counts
// the unread ones until the course is opened; an operator's announcement to everyone reaches the
// student's open home page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { axeViolations } from "./pages.mjs";

const env = withServerAndBrowser();

test("announcements reach open pages live and are counted until read", { timeout: 120_000 }, async () => {
  const sc = await env.browser.newContext({ locale: "en-US", bypassCSP: true });
  const sp = await sc.newPage();
  await logIn(sp, env.server.url, "student0007", STUDENT_PASSWORD);
  await sp.getByRole("link", { name: "Demo course" }).click();
  await sp.getByText("No announcement yet.").waitFor();

  // The teacher posts from the course page.
  const tc = await env.browser.newContext({ locale: "en-US", bypassCSP: true });
  const tp = await tc.newPage();
  await logIn(tp, env.server.url, ...TEACHER);
  await tp.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  await tp.goto(`${env.server.url}/#/course/demo-course`);
  await tp.getByRole("heading", { name: "Announcements", exact: true }).waitFor();
  await tp.getByLabel("Title", { exact: true }).first().fill("Room change");
  await tp.getByLabel("Text (Markdown)").fill("Tomorrow's class is in **room 12**.");
  await tp.getByRole("button", { name: "Post to the course" }).click();
  await tp.getByText("Posted: it appears on open pages now.").waitFor();
  assert.deepEqual(await axeViolations(tp), [], "the teacher's course page with its announcements");

  // On the student's open course page, without a reload.
  const item = sp.locator("#announcements li").filter({ hasText: "Room change" });
  await item.waitFor({ timeout: 10_000 });
  assert.match(await item.innerHTML(), /<strong>room 12<\/strong>/);

  // On another page: a notice with a link; the home page counts it as new until the course is opened.
  await sp.goto(`${env.server.url}/#/home`);
  await sp.getByRole("heading", { name: /^Hello/ }).waitFor();
  const teacher = await apiClient(env.server.url, ...TEACHER);
  assert.equal((await teacher.call("POST", "/api/courses/demo-course/announcements", { title: "Bring a calculator", body: "" })).status, 201);
  const notice = sp.locator("#announced").filter({ hasText: "New announcement in Demo course:" });
  await notice.getByRole("link", { name: "Bring a calculator" }).waitFor({ timeout: 10_000 });
  await sp.reload();
  await sp.getByText("1 new").waitFor();
  // The course page marks what it shows as read (a request of its own): wait for it to be kept.
  const marked = sp.waitForResponse((r) => r.url().endsWith("/api/announcements/read") && r.request().method() === "PUT");
  await sp.getByRole("link", { name: "Demo course" }).click();
  await sp.locator("#announcements li").filter({ hasText: "Bring a calculator" }).waitFor();
  assert.equal((await marked).status(), 200);
  await sp.goto(`${env.server.url}/#/home`);
  await sp.getByRole("heading", { name: "Announcements to everyone" }).waitFor();
  assert.equal(await sp.getByText("1 new").count(), 0, "read once the course was opened");

  // An operator's announcement to everyone reaches the open home page.
  const op = await apiClient(env.server.url, "admin", "admin-demo");
  assert.equal((await op.call("POST", "/api/announcements", { title: "The platform is closed on Sunday", body: "" })).status, 201);
  await sp.locator("#announcements li").filter({ hasText: "The platform is closed on Sunday" }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await axeViolations(sp), [], "the student's home with announcements");
  const other = await apiClient(env.server.url, "student0008", STUDENT_PASSWORD);
  const theirs = await other.call("GET", "/api/announcements");
  assert.equal(theirs.data.unread_total, 3, "two of the course and one to everyone, none read");
  await sc.close();
  await tc.close();
});
