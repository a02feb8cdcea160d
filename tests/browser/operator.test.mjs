// The operator's load page reads /metrics; the interface follows the browser's language and
// switches on demand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();

test("the operator sees the load figures", { timeout: 60_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "admin", "admin-demo");
  await page.getByRole("heading", { name: "Load" }).waitFor();
  // Rates need two readings (2 s apart); the page makes requests of its own meanwhile.
  await page.waitForFunction(() => /^\d/.test(document.querySelector("#op-rps").textContent), null, { timeout: 15_000 });
  assert.match(await page.locator("#op-p99").textContent(), /ms|–/);
  assert.match(await page.locator("#op-connections").textContent(), /^\d+$/);
  assert.ok(Number(await page.locator("#op-connections").textContent()) >= 1);
  assert.equal(await page.locator("#op-attempts").textContent(), "0");
});

test("the operator pauses a waiting room, caps its rate and lets a student through", { timeout: 60_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "admin", "admin-demo");
  await page.getByRole("heading", { name: "Waiting rooms" }).waitFor();
  // The open demo exam is listed by its title before anyone asked to start it: it can be paused
  // or capped ahead of time.
  const row = page.locator('tr[data-exam="demo-exam"]');
  await row.getByText("General knowledge: a demonstration exam").waitFor();
  assert.equal(await row.locator("td").first().textContent(), "0", "nobody waiting yet");
  assert.match(await page.locator("#op-room-exam option:checked").textContent(), /^General knowledge/);

  // A first student starts (admitted at once).
  const first = await apiClient(env.server.url, "student0011", STUDENT_PASSWORD);
  assert.equal((await first.call("POST", "/api/exams/demo-exam/start")).status, 200);
  await page.getByRole("button", { name: "Pause admission" }).click();
  await page.getByText("Admission to General knowledge: a demonstration exam is paused").waitFor();
  await row.getByText("Paused").waitFor();

  // While paused, the next student waits; the operator lets them through by login.
  const second = await apiClient(env.server.url, "student0012", STUDENT_PASSWORD);
  const queued = await second.call("POST", "/api/exams/demo-exam/start");
  assert.equal(queued.status, 202, JSON.stringify(queued.data));
  await page.getByLabel("Let a student through now (login)").fill("student0012");
  await page.getByRole("button", { name: "Let through" }).click();
  await page.getByText(/^student0012 is admitted: attempt \d+/).waitFor();
  const mine = await second.call("GET", "/api/exams/demo-exam/waiting-room");
  assert.equal(mine.data.waiting.admitted, true, JSON.stringify(mine.data));

  await page.getByLabel("Maximum admissions per second").fill("0");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("The maximum rate must be a number of at least 0.01 (one admission every 100 s).").waitFor();
  await page.getByLabel("Maximum admissions per second").fill("0.5");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Admission is now capped at 0.5 per second.").waitFor();
  await row.getByText("(max 0.5)").waitFor();
  await page.getByLabel("Maximum admissions per second").fill("12.5");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText("Admission is now capped at 12.5 per second.").waitFor();
  await page.getByRole("button", { name: "Resume admission" }).click();
  await row.getByText("Open").waitFor();
  const admin = await apiClient(env.server.url, "admin", "admin-demo");
  const { data } = await admin.call("GET", "/api/admin/exams/demo-exam/admission");
  assert.equal(data.paused, false);
  assert.equal(data.max_rate, 12.5);
  assert.equal(data.admitted, 2);
});

test("French from the browser's language, English at the switch", { timeout: 60_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "fr-FR" })).newPage();
  await page.goto(env.server.url);
  await page.getByRole("heading", { name: "Connexion" }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "fr");
  await page.getByLabel("Identifiant").fill("student0006");
  await page.getByLabel("Mot de passe").fill("student-demo");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("heading", { name: /^Bonjour/ }).waitFor();
  await page.getByRole("button", { name: "Switch to English" }).click();
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  // The choice is remembered.
  await page.reload();
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
});

test("the operator tells everyone from the load page, and counts who is already logged in", { timeout: 90_000 }, async () => {
  // A student on the home page, who logged in with "remember this device" through the API.
  const remembered = await apiClient(env.server.url, "student0012", STUDENT_PASSWORD);
  assert.ok(remembered.token);
  const student = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(student, env.server.url, "student0013", STUDENT_PASSWORD);
  await student.getByRole("heading", { name: /^Hello/ }).waitFor();

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "admin", "admin-demo");
  await page.getByRole("heading", { name: "Load" }).waitFor();
  const panel = page.getByRole("region", { name: "Tell people what is going on" });
  await panel.getByLabel("Severity").selectOption("critical");
  await panel.getByLabel("For", { exact: true }).selectOption("all");
  await panel.getByLabel("Text in English").fill("The platform restarts at 9:05 for one minute: your answers are kept.");
  await panel.getByRole("button", { name: "Post the message" }).click();
  await panel.getByText(/^Message #\d+ posted/).waitFor();
  await student.locator("#incidents").getByText("The platform restarts at 9:05").waitFor({ timeout: 2_000 });
  // The operator resolves it: the student's banner says so.
  await panel.getByRole("button", { name: "Mark as resolved" }).click();
  await student.locator("#incidents").getByText("Resolved").waitFor({ timeout: 2_000 });

  // Sessions ahead of an exam: the two students above hold one.
  await page.locator("#op-sessions-exam").fill("demo-exam");
  await page.getByRole("button", { name: "Count" }).click();
  const counted = page.locator("#op-sessions").filter({ hasText: "students already hold" });
  await counted.waitFor();
  const text = await counted.textContent();
  const m = /^(\d+) of (\d+) students already hold a valid session/.exec(text);
  assert.ok(m, text);
  assert.ok(Number(m[1]) >= 2, `at least the two logged-in students: ${m[0]}`);
  assert.ok(Number(m[2]) >= Number(m[1]));
});
