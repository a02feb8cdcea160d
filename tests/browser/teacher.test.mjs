// A teacher uploads an exam with an error and sees its line, fixes it, publishes it, and
// watches a student's submission appear live (pushed by the server, no reload).
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { controlsWithoutName } from "./pages.mjs";

const env = withServerAndBrowser();

test("upload with an error, fix, publish, watch a submission live", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  page.on("dialog", (d) => d.accept());
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams" }).waitFor();

  const good = examToml({ id: "live-exam", extra: `
[[question]]
id = "q3"
type = "essay"
text = "Why do planets orbit the Sun?"
points = 4
` });
  const broken = good.replace("answer = 1", "answer = 5");
  const badLine = broken.split("\n").findIndex((l) => l === "answer = 5") + 1;
  const upload = async (text) => {
    await page.locator("#exam-file").setInputFiles({ name: "exam.toml", mimeType: "text/plain", buffer: Buffer.from(text) });
    await page.getByRole("button", { name: "Upload" }).click();
  };
  await upload(broken);
  const problems = page.locator("#import-problems");
  await problems.getByText(`Line ${badLine}:`).waitFor();
  assert.match(await problems.textContent(), /question “q1”: answer 5 is not an option number \(3 options/);
  assert.equal((await apiClient(env.server.url, ...TEACHER).then((t) => t.call("GET", "/api/exams/live-exam"))).status, 404, "nothing was saved");

  // The format guide and a template are one click from the form.
  const guide = await page.request.get(new URL(await page.getByRole("link", { name: "The exam format guide" }).getAttribute("href"), env.server.url).href);
  assert.equal(guide.status(), 200);
  assert.match(guide.headers()["content-type"], /^text\/plain/);
  assert.match(await guide.text(), /\[\[question\]\]/);
  const [template] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download a template" }).click()]);
  assert.equal(template.suggestedFilename(), "exam-template.toml");

  await upload(good);
  await page.getByRole("heading", { name: "Browser test live-exam" }).waitFor();
  assert.deepEqual(await controlsWithoutName(page), []);
  // Settings of the draft: a longer duration, one question per page.
  await page.getByLabel("Duration (minutes)").fill("45");
  await page.getByLabel("One question per page").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByText("Settings saved.").waitFor();
  const saved = await apiClient(env.server.url, ...TEACHER).then((t) => t.call("GET", "/api/exams/live-exam"));
  assert.equal(saved.data.exam.duration_ms, 45 * 60_000);
  assert.equal(saved.data.exam.one_per_page, true);
  // Extra time for one student.
  await page.getByLabel("Student's login").fill("student0007");
  await page.getByLabel("Extra minutes").fill("15");
  await page.getByRole("button", { name: "Give extra time" }).click();
  await page.getByText("student0007 has 15 extra minute(s).").waitFor();
  // Accommodations in one list.
  await page.locator("#extra-list").getByRole("row", { name: /Student 0007 \(student0007\)\s*15/ }).waitFor();

  // The draft as a student will see it: nothing is saved.
  await page.getByRole("link", { name: "Preview as a student" }).click();
  await page.getByRole("heading", { name: "Preview: Browser test live-exam" }).waitFor();
  await page.locator("#question-q1").getByLabel("7").check();
  await page.getByText("Why do planets orbit the Sun?").waitFor();
  await page.getByRole("link", { name: "Back to the exam" }).click();
  await page.getByRole("heading", { name: "Browser test live-exam" }).waitFor();

  await page.getByRole("button", { name: "Publish the exam" }).click();
  await page.getByRole("heading", { name: "Live", exact: true }).waitFor();
  await page.locator("#live-enrolled").filter({ hasText: "20" }).waitFor();
  assert.equal(await page.locator("#live-submitted").textContent(), "0");

  // A student takes the exam (through the API: the teacher's page is under test).
  const student = await apiClient(env.server.url, "student0002", STUDENT_PASSWORD);
  const started = await student.call("POST", "/api/exams/live-exam/start");
  assert.equal(started.status, 200, JSON.stringify(started.data));
  const id = started.data.attempt.id;
  assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/q1`, { seq: 1, value: 1 })).status, 200);
  assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/q3`, { seq: 1, value: "Gravity." })).status, 200);
  await page.locator("#live-started").filter({ hasText: "1" }).waitFor();
  assert.equal((await student.call("POST", `/api/attempts/${id}/submit`)).status, 200);

  await page.locator("#live-submitted").filter({ hasText: "1" }).waitFor({ timeout: 10_000 });
  await page.locator("#latest-submissions").getByText("student0002").waitFor();
  // The attempts table follows, with the automatic score.
  const row = page.getByRole("row", { name: /student0002/ });
  await row.getByText("1 / 6").waitFor();
  await row.getByText("1 to grade").waitFor();

  // Grade the essay, release the results, download them.
  await row.getByRole("link", { name: /^Grade/ }).click();
  await page.getByRole("heading", { name: "Grading: Student 0002 (student0002)" }).waitFor();
  const essay = page.locator('form.grade[data-qid="q3"]');
  await essay.getByText("Gravity.").waitFor();
  await essay.getByLabel("Points (0 to 4)").fill("3");
  await essay.getByLabel("Comment for the student (shown with the result)").fill("Right idea; say what keeps them moving.");
  await essay.getByRole("button", { name: "Save grade" }).click();
  await essay.getByText("Grade saved.").waitFor();
  const overall = page.locator("form").filter({ has: page.getByRole("heading", { name: "Overall comment" }) });
  await overall.getByRole("textbox").fill("A good start.");
  await overall.getByRole("button", { name: "Save grade" }).click();
  await overall.getByText("Grade saved.").waitFor();
  // The same question for every student, from its heading's link.
  await essay.getByRole("link", { name: "Grade this question for every student" }).click();
  await page.getByRole("heading", { name: "Every student: Why do planets orbit the Sun?" }).waitFor();
  assert.equal(await page.locator('form.grade[data-qid="q3"] textarea').inputValue(), "Right idea; say what keeps them moving.");
  await page.getByRole("link", { name: "Back to the exam" }).click();
  await page.getByRole("row", { name: /student0002/ }).getByText("4 / 6").waitFor();
  // Released while the exam is still open: the teacher is warned; students see their answers.
  const dialogs = [];
  page.on("dialog", (d) => dialogs.push(d.message()));
  await page.getByLabel("each question with their answer and its points").check();
  await page.getByRole("button", { name: "Release results" }).click();
  await page.locator("#release-state").getByText("Results released: students see each question").waitFor();
  assert.match(dialogs.at(-1), /still open/, "no warning that the exam is still open");
  assert.equal((await apiClient(env.server.url, ...TEACHER).then((t) => t.call("GET", "/api/exams/live-exam"))).data.exam.review, "answers");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download results (CSV)" }).click()]);
  const csv = await new Promise((resolve, reject) => {
    download.createReadStream().then((stream) => {
      let text = "";
      stream.on("data", (c) => (text += c));
      stream.on("end", () => resolve(text));
      stream.on("error", reject);
    }, reject);
  });
  assert.match(csv.split("\n")[0], /^login,name,attempt_id/);
  assert.match(csv, /student0002,.*,submitted,.*Gravity/);
  // The student reads the comments with the result.
  const mine = await student.call("GET", `/api/attempts/${id}`);
  assert.equal(mine.data.attempt.result.comments.q3, "Right idea; say what keeps them moving.");
  assert.equal(mine.data.attempt.result.comment, "A good start.");

  // The course's gradebook: each student in each published exam, and its CSV.
  await page.goto(`${env.server.url}/#/teacher`);
  await page.getByRole("link", { name: "Gradebook: Demo course" }).click();
  await page.getByRole("heading", { name: "Gradebook: Demo course" }).waitFor();
  const line = page.locator("#gradebook").getByRole("row", { name: /student0002/ });
  await line.getByText("4 / 6").waitFor();
  assert.match(await page.locator("#gradebook thead").textContent(), /Browser test live-exam/);
  const [book] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the gradebook (CSV)" }).click()]);
  assert.equal(book.suggestedFilename(), "demo-course-gradebook.csv");

  // A copy of the exam: a new draft with the same questions.
  await page.goto(`${env.server.url}/#/teacher/exam/live-exam`);
  await page.getByLabel("Id of the copy (a-z, 0-9, -)").fill("live-exam-resit");
  await page.getByRole("button", { name: "Duplicate" }).click();
  await page.getByRole("heading", { name: "Browser test live-exam (copy)" }).waitFor();
  await page.getByText(/^Draft · 3 questions/).waitFor();
  await page.goto(`${env.server.url}/#/teacher/exam/live-exam`);
  // The copy's page has the same form: wait for the original's before filling it.
  await page.getByRole("heading", { name: "Browser test live-exam", exact: true }).waitFor();
  await page.getByLabel("Id of the copy (a-z, 0-9, -)").fill("live-exam-resit");
  await page.getByRole("button", { name: "Duplicate" }).click();
  await page.getByText("An exam \u201clive-exam-resit\u201d exists already: choose another id.").waitFor();

  // The student with extra time sees it, and the exam one question per page.
  const other = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(other, env.server.url, "student0007", STUDENT_PASSWORD);
  await other.getByRole("link", { name: /^Start: Browser test live-exam/ }).click();
  await other.getByText("Time allowed: 60 min").waitFor();
  await other.getByText("Including 15 min of extra time").waitFor();
  await other.getByRole("button", { name: "Start the exam" }).click();
  await other.locator("#countdown").waitFor();
  assert.ok(await other.locator("#question-q1").isVisible());
  assert.ok(!(await other.locator("#question-q2").isVisible()), "one question at a time");
  await other.getByRole("button", { name: "Next question" }).click();
  assert.ok(await other.locator("#question-q2").isVisible());
  assert.ok(!(await other.locator("#question-q1").isVisible()));
  assert.equal(await other.locator(".qmap-item.current").textContent(), "2");
});
