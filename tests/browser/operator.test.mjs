// The operator's load page reads /metrics; the interface follows the browser's language and
// switches on demand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, withServerAndBrowser } from "./harness.mjs";

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
