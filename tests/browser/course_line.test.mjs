// The course space's door in Chromium: while a line is held at it, a student new to the course
// space reads her place and an estimate (in French), and the page goes in by itself when her
// turn comes, without a reload. axe passes the line's page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";
import { axeViolations } from "./pages.mjs";

// One entry every 10 s, and two students ahead of her: she finds a line even if reaching the
// door takes her twenty seconds on a loaded machine (one ahead was not always enough under
// `ctest -j2`).
const env = withServerAndBrowser({ config: "[course]\nentry_rate = 0.1" });

test("a student waits her turn at the course space's door and goes in by herself", { timeout: 120_000 }, async () => {
  const op = await apiClient(env.server.url, "admin", "admin-demo");
  assert.equal((await op.call("PUT", "/api/admin/course-door", { hold: true })).status, 200);
  // Two come first (in at once, or in line before her).
  for (const login of ["student0002", "student0004"]) {
    const ahead = await apiClient(env.server.url, login, STUDENT_PASSWORD);
    assert.ok([200, 202].includes((await ahead.call("GET", "/api/courses/demo-course/outline")).status));
  }

  const sc = await env.browser.newContext({ locale: "fr-FR", bypassCSP: true });
  const sp = await sc.newPage();
  await logIn(sp, env.server.url, "student0003", STUDENT_PASSWORD);
  await sp.getByRole("heading", { name: /^Bonjour/ }).waitFor();
  await sp.getByRole("link", { name: "Demo course" }).click();
  await sp.getByRole("heading", { name: "L’espace de cours est très demandé" }).waitFor();
  await sp.getByText(/Vous êtes numéro \d dans la file pour entrer : environ \d+ s\./).waitFor();
  assert.deepEqual(await axeViolations(sp), [], "the line's page");
  // Her turn: the course by itself.
  await sp.getByRole("heading", { name: "Welcome" }).waitFor({ timeout: 75_000 });
  assert.equal((await op.call("PUT", "/api/admin/course-door", { hold: false })).status, 200);
});
