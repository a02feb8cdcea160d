// Under-attack mode in Chromium: a newcomer's browser solves the proof of work by itself and
// gets the pages; the login page proves again when its pass is gone; a logged-in student never
// sees the challenge; the operator turns the mode off from the load page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";

// The default cost (15 bits: 32,768 hashes on average), as students would meet it.
const env = withServerAndBrowser({ config: '[attack]\nmode = "on"' });

test("a newcomer's browser solves the challenge by itself, then logs in", { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  const started = Date.now();
  const first = await page.goto(env.server.url);
  // The first answer is the challenge page (its body may be gone already: it reloads itself as
  // soon as it is solved, so its headers tell).
  assert.match(first.headers()["content-security-policy"], /script-src 'sha256-/);
  // It reloads by itself once it holds a pass: the application's login form appears.
  await page.getByLabel("Login").waitFor({ timeout: 60_000 });
  console.log(`# challenge solved and the page loaded in ${Date.now() - started} ms (default cost, Chromium, this machine)`);
  const cookies = await context.cookies();
  const pass = cookies.find((c) => c.name === "pupitre_pass");
  assert.ok(pass, "a pass cookie was set");
  assert.equal(pass.httpOnly, true);
  await page.getByLabel("Login").fill("student0001");
  await page.getByLabel("Password").fill(STUDENT_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "My exams" }).waitFor();

  // Logged in, the pass no longer matters: without it the application still loads.
  await context.clearCookies({ name: "pupitre_pass" });
  const again = await page.reload();
  assert.doesNotMatch(await again.text(), /pupitre-challenge/);
  await page.getByRole("heading", { name: "My exams" }).waitFor();
  await context.close();
});

test("the login proves again when the page's pass is gone", { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByLabel("Identifiant").waitFor({ timeout: 60_000 });
  await context.clearCookies({ name: "pupitre_pass" });  // it expired, say
  await page.getByLabel("Identifiant").fill("student0002");
  await page.getByLabel("Mot de passe").fill(STUDENT_PASSWORD);
  const refused = page.waitForResponse((r) => r.url().endsWith("/api/login") && r.status() === 403);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await refused;  // asked for the proof...
  await page.getByRole("heading", { name: "Mes examens" }).waitFor({ timeout: 60_000 });  // ...and in
  assert.ok((await context.cookies()).some((c) => c.name === "pupitre_pass"));
  await context.close();
});

test("the status page loads at once under attack and says what is going on", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto(`${env.server.url}/status`);
  // No challenge, no script: the page itself, in French.
  await page.getByRole("heading", { name: "Pupitre : état du service" }).waitFor();
  assert.equal(await page.locator("meta[name=pupitre-challenge]").count(), 0);
  const state = page.getByRole("status");
  // The mode is on (the operator turns it off in the next test): it says so.
  await state.getByText(/se protège/).waitFor({ timeout: 10_000 });
  await page.getByRole("link", { name: "English version" }).click();
  await page.getByRole("heading", { name: "Pupitre: status" }).waitFor();
  await context.close();
});

test("the operator sees the mode engaged and turns it off", { timeout: 90_000 }, async () => {
  const context = await env.browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByLabel("Login").waitFor({ timeout: 60_000 });
  await logIn(page, env.server.url, "admin", "admin-demo");
  await page.getByRole("heading", { name: "Under attack" }).waitFor();
  await page.locator("#op-attack-state").getByText(/^Engaged/).waitFor();
  await page.getByLabel("Mode").selectOption("off");
  await page.getByRole("button", { name: "Set the mode" }).click();
  await page.getByText('Under-attack mode set to "Off".').waitFor();
  await page.locator("#op-attack-state").getByText(/^Not engaged/).waitFor();
  // A newcomer now gets the application at once.
  const fresh = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  const answer = await fresh.goto(env.server.url);
  assert.doesNotMatch(await answer.text(), /pupitre-challenge/);
  await fresh.getByLabel("Login").waitFor();
  await context.close();
});
