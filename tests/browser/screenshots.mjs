// Screenshots of the main pages, for docs/ and the README: `make screenshots`.
// Starts a demo server of its own, has a few students take the demo exam, then shoots the
// student's exam page, the teacher's live view and the operator's load page.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, tempDir, apiClient, logIn, STUDENT_PASSWORD, TEACHER } from "./harness.mjs";
import { allSaved, startDemoExam } from "./pages.mjs";

const out = process.argv[2] || "docs/screenshots";
mkdirSync(out, { recursive: true });
const dir = tempDir();
const server = await startServer({ dataDir: dir.path, demoStudents: 60 });
const browser = await launchBrowser();
try {
  // Some activity: 30 students start, answer, and 12 of them submit.
  for (let i = 10; i < 40; i++) {
    const s = await apiClient(server.url, `student00${i}`, STUDENT_PASSWORD);
    const { data } = await s.call("POST", "/api/exams/demo-exam/start");
    if (!data.attempt) continue;
    await s.call("PUT", `/api/attempts/${data.attempt.id}/answers/great-wall`, { seq: 1, value: false });
    await s.call("PUT", `/api/attempts/${data.attempt.id}/answers/water-boiling`, { seq: 1, value: 212 });
    if (i < 22) await s.call("POST", `/api/attempts/${data.attempt.id}/submit`);
  }

  const student = await browser.newPage({ locale: "en-US", viewport: { width: 1100, height: 900 } });
  await logIn(student, server.url, "student0001", STUDENT_PASSWORD);
  const id = await startDemoExam(student);
  const q = (qid) => student.locator(`#question-${qid}`);
  await q("capital-australia").getByLabel("Canberra").check();
  await q("noble-gases").getByLabel("Neon").check();
  await q("great-wall").getByLabel("False").check();
  await q("noble-gases").getByRole("checkbox", { name: /^Flag/ }).check();
  await allSaved(student, id, 3);
  await student.screenshot({ path: join(out, "student-exam.png") });

  const teacher = await browser.newPage({ locale: "en-US", viewport: { width: 1100, height: 1100 } });
  await logIn(teacher, server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams" }).waitFor();
  await teacher.goto(`${server.url}/#/teacher/exam/demo-exam`);
  await teacher.locator("#live-submitted").filter({ hasText: "12" }).waitFor();
  await teacher.getByRole("heading", { name: "Live", exact: true }).scrollIntoViewIfNeeded();
  await teacher.screenshot({ path: join(out, "teacher-live.png") });

  const operator = await browser.newPage({ locale: "en-US", viewport: { width: 1100, height: 800 } });
  await logIn(operator, server.url, "admin", "admin-demo");
  await operator.getByRole("heading", { name: "Load" }).waitFor();
  // Traffic while the page reads /metrics: a bounded burst of saves from one student.
  const s = await apiClient(server.url, "student0050", STUDENT_PASSWORD);
  const { data } = await s.call("POST", "/api/exams/demo-exam/start");
  const until = Date.now() + 7000;
  for (let seq = 1; Date.now() < until && seq < 5000; seq++) {
    await s.call("PUT", `/api/attempts/${data.attempt.id}/answers/printing-press`, { seq, value: `draft ${seq}` });
  }
  await operator.waitForFunction(() => document.querySelectorAll("tbody tr").length >= 3);
  await operator.screenshot({ path: join(out, "operator.png") });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
  dir.remove();
}
