// The encrypted answer file in Chromium: a student's page loses the network, the student answers
// on and downloads the encrypted file; the server never got those answers; a teacher uploads
// the file on the attempt's timeline page and the attempt now holds them, the timeline saying so.
import { after as afterAll, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, tempDir, withServerAndBrowser } from "./harness.mjs";
import { answerThenGoOffline } from "./pages.mjs";

const env = withServerAndBrowser();

test("answers written offline reach the attempt through the encrypted file", { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext({ locale: "en-US", acceptDownloads: true });
  const { page: student, attemptId } = await answerThenGoOffline(context, env.server.url, "student0011", STUDENT_PASSWORD);
  const [download] = await Promise.all([student.waitForEvent("download"), student.getByRole("button", { name: "Download my answers (encrypted file)" }).click()]);
  const keep = tempDir();
  afterAll(() => keep.remove());
  const path = `${keep.path}/answers.json`;
  await download.saveAs(path);  // kept after the student's browser is closed
  const text = await readFile(path, "utf8");
  const file = JSON.parse(text);
  assert.equal(file.format, "pupitre-answer-file/1");
  assert.equal(file.attempt_id, attemptId);
  assert.ok(!text.includes("jupiter"), "the answers are not readable in the file");
  await context.close();  // the page never comes back online

  const api = await apiClient(env.server.url, ...TEACHER);
  const before = await api.call("GET", `/api/attempts/${attemptId}`);
  assert.ok(!before.data.attempt.answers["largest-planet"], "the server never received it");

  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/teacher/timeline/demo-exam/${attemptId}`);
  await teacher.getByLabel("Answer file", { exact: true }).setInputFiles(path);
  await teacher.getByRole("button", { name: "Upload", exact: true }).click();
  await teacher.getByText(/^1 answers added, 1 the server had already, 0 written after the deadline/).waitFor();
  const after = await api.call("GET", `/api/attempts/${attemptId}`);
  assert.equal(after.data.attempt.answers["largest-planet"].value, "jupiter");
  await teacher.reload();
  await teacher.getByText(/Encrypted answer file uploaded by a teacher: 1 answers added/).waitFor();

  // A changed file is refused, with the reason.
  const changed = { ...file, box: (file.box[0] === "A" ? "B" : "A") + file.box.slice(1) };
  const r = await api.call("POST", `/api/attempts/${attemptId}/answer-file`, JSON.stringify(changed));
  assert.equal(r.status, 422);
  assert.match(r.data.error.message, /changed after it was written/);
});
