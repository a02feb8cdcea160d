// The 9:00 login storm in Chromium: when hashing is saturated, the login page shows its place
// in line and logs in by itself, with no button to press again (in French for a French page).
import { test } from "node:test";
import assert from "node:assert/strict";
import { STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";

// One hashing thread and a costly hash: a crowd of a few dozen fills it.
const env = withServerAndBrowser({
  auth: "hashing_threads = 1\nlogin_line_backlog_ms = 200\nargon2_iterations = 6\nargon2_memory_kib = 16384",
});

// A crowd that asks once and never comes back (their numbers are passed over when called).
async function crowd(n) {
  const answers = await Promise.all(Array.from({ length: n }, (_, i) =>
    fetch(`${env.server.url}/api/login`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ login: `student${String(i + 2).padStart(4, "0")}`, password: STUDENT_PASSWORD }),
    }).then((r) => r.status)));
  return answers.filter((s) => s === 202).length;
}

test("the login page waits in line and logs in by itself", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "fr-FR" })).newPage();
  await page.goto(env.server.url);
  await page.getByLabel("Identifiant").fill("student0001");
  await page.getByLabel("Mot de passe").fill(STUDENT_PASSWORD);
  const queued = await crowd(40);
  assert.ok(queued > 20, `only ${queued} of 40 were put in line: the crowd did not saturate hashing`);
  await page.getByRole("button", { name: "Se connecter" }).click();
  // Its place, in French, with an estimate...
  await page.locator("#login-status").getByText(/Vous êtes numéro \d+ dans la file : environ \d+ (s|min)/).waitFor({ timeout: 20_000 });
  // ... then in, with nothing pressed again.
  await page.getByRole("heading", { name: "Mes examens" }).waitFor({ timeout: 90_000 });
});
