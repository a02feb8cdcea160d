// What the server refuses is said in the page's language, with the reason the server names; a
// logged-out page logs no error; a student reads their released result in French.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, examToml, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();

// Logs in through the French page (the labels are French once the language is switched).
async function logInFrench(context, login, password) {
  const page = await context.newPage();
  await page.goto(env.server.url);
  await page.getByLabel("Identifiant").fill(login);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  return page;
}

test("a logged-out page logs no error in the console", { timeout: 60_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  const session = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/session");
  await page.goto(env.server.url);
  assert.equal((await session).status(), 200);
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  assert.deepEqual(errors, [], "errors in the console of a logged-out page");
});

test("a French teacher reads the server's refusals in French", { timeout: 60_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  assert.equal((await teacher.call("POST", "/api/exams", examToml({ id: "fr-draft" }))).status, 201);
  const context = await env.browser.newContext({ locale: "fr-FR" });
  const page = await logInFrench(context, ...TEACHER);
  await page.getByRole("heading", { name: "Examens", exact: true }).waitFor();
  await page.goto(`${env.server.url}/#/teacher/exam/fr-draft`);
  await page.getByRole("heading", { name: "Browser test fr-draft" }).waitFor();

  // Extra time for a login that does not exist.
  await page.getByLabel("Identifiant de l'étudiant").fill("student9999");
  await page.getByLabel("Minutes supplémentaires").fill("10");
  await page.getByRole("button", { name: "Accorder", exact: true }).click();
  await page.getByText("Aucun compte n’a l’identifiant « student9999 ».").waitFor();

  // A window that closes before it opens.
  await page.getByLabel(/^Fermeture/).fill("2030-01-01T08:00");
  await page.getByLabel(/^Ouverture/).fill("2030-01-01T10:00");
  await page.getByRole("button", { name: "Enregistrer les réglages" }).click();
  await page.getByText("La fermeture doit être postérieure à l’ouverture.").waitFor();
  const body = await page.locator("main").textContent();
  assert.ok(!/closes must be later|no user/.test(body), `English server words shown raw: ${body}`);

  // An exam file with a problem: the summary is French, its line named.
  await page.goto(`${env.server.url}/#/teacher`);
  await page.getByRole("heading", { name: "Examens", exact: true }).waitFor();
  await page.locator("#exam-file").setInputFiles({ name: "exam.toml", mimeType: "text/plain",
    buffer: Buffer.from(examToml({ id: "fr-bad" }).replace("answer = 1", "answer = 5")) });
  await page.getByRole("button", { name: "Déposer" }).click();
  // The problem itself is French too, naming the question and its values.
  const problem = page.locator("#import-problems li").first();
  await problem.getByText(/^Ligne \d+ : question « q1 » : la réponse 5 n’est pas un numéro d’option \(3 options/).waitFor();
  assert.ok(!/out of range/.test(await problem.textContent()), "the problem is said in English");
  await context.close();
});

test("a student reads the released result in French, at the teacher's level", { timeout: 90_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const extra = `feedback = "7 n'a que deux diviseurs."\noption_feedback = ["4 = 2 × 2.", "", "9 = 3 × 3."]`;
  const toml = examToml({ id: "fr-result" }).replace("answer = 1\n", `answer = 1\n${extra}\n`)
    .replace('answer = "Jupiter"\n', 'answer = "Jupiter"\nanswer_feedback = ["Oui : onze fois la Terre."]\n');
  assert.equal((await teacher.call("POST", "/api/exams", toml)).status, 201);
  assert.equal((await teacher.call("POST", "/api/exams/fr-result/publish")).status, 200);
  const student = await apiClient(env.server.url, "student0011", STUDENT_PASSWORD);
  const id = (await student.call("POST", "/api/exams/fr-result/start")).data.attempt.id;
  assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/q1`, { seq: 1, value: 0 })).status, 200);
  assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/q2`, { seq: 1, value: "jupiter" })).status, 200);
  assert.equal((await student.call("POST", `/api/attempts/${id}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/fr-result/release", { review: "solutions" })).status, 200);

  const context = await env.browser.newContext({ locale: "fr-FR" });
  const page = await logInFrench(context, "student0011", STUDENT_PASSWORD);
  await page.getByRole("heading", { name: /^Bonjour/ }).waitFor();
  await page.goto(`${env.server.url}/#/attempt/${id}`);
  await page.getByRole("heading", { name: "Résultat : Browser test fr-result" }).waitFor();
  const q1 = page.locator('#review li[data-qid="q1"]');
  assert.match(await q1.textContent(), /Votre réponse : 4/);
  assert.match(await q1.textContent(), /Bonne réponse : 7/);
  assert.match(await q1.textContent(), /4 = 2 × 2\./, "the feedback of the option picked");
  assert.ok(!(await q1.textContent()).includes("9 = 3 × 3"), "feedback of an option not picked");
  assert.match(await q1.textContent(), /7 n'a que deux diviseurs/);
  assert.match(await q1.textContent(), /0 \/ 1 pt/);
  // The feedback written for the answer given, named as such.
  const q2 = page.locator('#review li[data-qid="q2"]');
  assert.match(await q2.textContent(), /Sur votre réponse : Oui : onze fois la Terre\./);

  // The teacher now shows the score only: no question, no answer.
  assert.equal((await teacher.call("POST", "/api/exams/fr-result/release", { review: "score" })).status, 200);
  await page.reload();
  await page.locator("#grade").waitFor();
  assert.equal(await page.locator("#review .qtext").count(), 0, "questions shown at the score level");
  assert.ok(!(await page.locator("main").textContent()).includes("Bonne réponse"));
  await context.close();
});
