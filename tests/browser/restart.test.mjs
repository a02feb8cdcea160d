// The server is killed (SIGKILL: a crash) and restarted while a student keeps answering: the
// page says it is offline, keeps the answers on the device, and sends them once the server is
// back; the submitted attempt holds every one of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, startDemoExam } from "./pages.mjs";

// Outages of any length are given back (the default ignores those under 10 s).
const env = withServerAndBrowser({ lazy: true, config: "[exam]\noutage_min_seconds = 0" });

test("answers typed while the server is down are saved after its restart", { timeout: 120_000 }, async () => {
  await env.start();
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0004", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page);
  const q = (id) => page.locator(`#question-${id}`);
  await q("capital-australia").getByLabel("Canberra").check();
  await allSaved(page, attemptId, 1);

  const port = env.server.port;
  await env.server.stop("SIGKILL");
  await q("great-wall").getByLabel("False").check();
  await q("water-boiling").getByRole("textbox").fill("212");
  await q("printing-press").getByRole("textbox").fill("Typed while the server was down.");
  await page.getByText("Offline: your answers are kept on this device").waitFor({ timeout: 15_000 });
  const pending = await page.evaluate((id) => Object.values(JSON.parse(localStorage.getItem(`pupitre.journal.${id}`)).entries).filter((e) => !e.acked).length, attemptId);
  assert.equal(pending, 3, "three answers wait on the device");

  await env.start({ port });
  await allSaved(page, attemptId, 4, 30_000);
  await page.getByText("All answers saved").waitFor();
  // The time the platform was down is given back, and the page says so.
  await page.locator("#given-back").getByText(/min added to your time: the platform was unavailable from .+ to .+\./).waitFor({ timeout: 10_000 });
  const teacherNow = await apiClient(env.server.url, ...TEACHER);
  const before = (await teacherNow.call("GET", `/api/attempts/${attemptId}`)).data.attempt;
  assert.equal(before.compensations.length, 1);
  assert.ok(before.compensations[0].added_ms > 0);
  await page.getByRole("button", { name: "Submit my exam" }).click();
  await page.getByRole("button", { name: "Yes, submit" }).click();
  await page.getByRole("heading", { name: "Exam submitted" }).waitFor();

  const teacher = await apiClient(env.server.url, ...TEACHER);
  const { data } = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.equal(data.attempt.status, "submitted");
  const a = data.attempt.answers;
  assert.equal(a["capital-australia"].value, 2);
  assert.equal(a["great-wall"].value, false);
  assert.equal(a["water-boiling"].value, 212);
  assert.equal(a["printing-press"].value, "Typed while the server was down.");
});
