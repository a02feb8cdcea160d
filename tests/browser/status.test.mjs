// The public status page in Chromium while the server is saturated: a crowd is logging in at
// once beyond what password hashing can do (the login line is long), and /status still loads at
// once, in English and in French, and says what is going on in words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withServerAndBrowser } from "./harness.mjs";

// Slow hashing on one thread: 40 logins at once fill the line for many seconds.
const env = withServerAndBrowser({
  demoStudents: 60,
  auth: "argon2_iterations = 8\nargon2_memory_kib = 16384\nhashing_threads = 1\nlogin_line_backlog_ms = 100",
});

// Loads /status, then reloads it (revalidated, as a person pressing reload does: it is rendered
// once a second and cacheable for 5 s) until its text matches `pattern`; bounded in count.
async function shows(page, pattern) {
  let r = await page.goto(`${env.server.url}/status`);
  for (let i = 0; i < 40; i++) {
    if (i > 0) r = await page.reload();
    assert.ok(r.status() === 200 || r.status() === 304, "the status page always loads");
    if (pattern.test(await page.locator("body").textContent())) return true;
    await new Promise((res) => setTimeout(res, 250));  // pacing: it renders each second
  }
  return false;
}

test("/status loads and explains while the server is saturated by a login crowd", { timeout: 90_000 }, async () => {
  // The crowd asks at once and never comes back for its place.
  const crowd = await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(`${env.server.url}/api/login`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login: `student${String(i + 1).padStart(4, "0")}`, password: "student-demo" }),
  }).then((r) => r.status)));
  assert.ok(crowd.filter((s) => s === 202).length >= 20, `most were given a place in line: ${crowd.join(",")}`);

  const en = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  assert.ok(await shows(en, /Logging in: \d+ in line, about/), "the status page says the login line is long");
  await en.getByText("Many people are arriving at once.", { exact: false }).waitFor();
  const fr = await (await env.browser.newContext({ locale: "fr-FR" })).newPage();
  assert.ok(await shows(fr, /Beaucoup de monde arrive en même temps\./), "in French from the browser's language");
  assert.equal(await fr.locator("html").getAttribute("lang"), "fr");
});
