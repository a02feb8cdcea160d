// Incidents in Chromium: a teacher tells the students of an exam, an operator tells everyone;
// the message appears within 2 s on an open exam page (in French for a French page) and on a
// waiting page (in English), through the event streams they already hold; its update and its
// resolution follow the same way; /status shows what is for everyone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();
const PUSHED = { timeout: 2_000 };  // the bound: from the post's answer to the page

test("incidents reach exam pages and waiting rooms at once, in the page's language", { timeout: 120_000 }, async () => {
  const admin = await apiClient(env.server.url, "admin", "admin-demo");
  const paused = await admin.call("PUT", "/api/admin/exams/demo-exam/admission", { paused: true });
  assert.equal(paused.status, 200, JSON.stringify(paused.data));

  // A student let in by the operator, on the exam page, reading French.
  const taking = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(taking, env.server.url, "student0003", STUDENT_PASSWORD);
  await taking.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await taking.getByRole("button", { name: "Start the exam" }).click();
  await taking.getByText("You are number 1 in the queue.").waitFor();
  const let_ = await admin.call("POST", "/api/admin/exams/demo-exam/let-through", { login: "student0003" });
  assert.equal(let_.status, 200, JSON.stringify(let_.data));
  await taking.locator("#countdown").waitFor();
  await taking.getByRole("button", { name: "Français" }).click();
  await taking.getByText("Temps restant :").waitFor();

  // Another still in the waiting room (admission is paused), reading English.
  const waiting = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(waiting, env.server.url, "student0004", STUDENT_PASSWORD);
  await waiting.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await waiting.getByRole("button", { name: "Start the exam" }).click();
  await waiting.getByText(/You are number \d+ in the queue\./).waitFor();

  // The teacher tells the exam's students, from the exam's page.
  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/teacher/exam/demo-exam`);
  const panel = teacher.getByRole("region", { name: "Tell people what is going on" });
  await panel.getByLabel("Text in English").fill("Question 2 has a typo: read 100 degrees.");
  await panel.getByLabel("Text in French").fill("La question 2 contient une coquille : lire 100 degrés.");
  await panel.getByRole("button", { name: "Post the message" }).click();
  await panel.getByText(/^Message #\d+ posted/).waitFor();
  const fr = taking.locator("#incidents").getByText("La question 2 contient une coquille : lire 100 degrés.");
  const en = waiting.locator("#incidents").getByText("Question 2 has a typo: read 100 degrees.");
  await fr.waitFor(PUSHED);
  await en.waitFor(PUSHED);
  assert.equal(await taking.locator("#incidents").getByText("Attention").count(), 1, "severity in French");
  assert.equal(await waiting.locator("#question-water-boiling").count(), 0, "still waiting");

  // The operator tells everyone: it is also on the public status page.
  const all = await admin.call("POST", "/api/incidents", { severity: "critical", scope: "all",
    text_en: "Saves are slow: your answers are kept on your device.", text_fr: "Les enregistrements sont lents : vos réponses sont gardées sur votre appareil." });
  assert.equal(all.status, 201, JSON.stringify(all.data));
  await taking.locator("#incidents").getByText("Les enregistrements sont lents").waitFor(PUSHED);
  await waiting.locator("#incidents").getByText("Saves are slow").waitFor(PUSHED);
  // /status is rendered once a second: read until it shows it (bounded).
  let shown = false;
  for (let i = 0; i < 30 && !shown; i++) {
    const body = await (await fetch(`${env.server.url}/status?lang=fr`)).text();
    shown = body.includes("Les enregistrements sont lents");
    if (!shown) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(shown, "the status page shows the incident for everyone");

  // An update and the resolution follow the same way.
  const id = all.data.incident.id;
  const upd = await admin.call("PUT", `/api/incidents/${id}`, { text_en: "Saves are back to normal.", text_fr: "Les enregistrements sont revenus à la normale." });
  assert.equal(upd.status, 200, JSON.stringify(upd.data));
  await waiting.locator("#incidents").getByText("Saves are back to normal.").waitFor(PUSHED);
  await taking.locator("#incidents").getByText("Les enregistrements sont revenus à la normale.").waitFor(PUSHED);
  assert.equal((await admin.call("PUT", `/api/incidents/${id}`, { resolved: true })).status, 200);
  await waiting.locator(`#incidents [data-incident="${id}"]`).getByText("Resolved").waitFor(PUSHED);
  await taking.locator(`#incidents [data-incident="${id}"]`).getByText("Résolu").waitFor(PUSHED);

  // A page opened afterwards gets what concerns it on connecting; the exam's message stays.
  await waiting.reload();
  await waiting.locator("#incidents").getByText("Question 2 has a typo: read 100 degrees.").waitFor();
  // Another course's student would not see the exam's message: the demo has one course, so the
  // scope rule is checked by the integration test (incidents_test.cc).
});
