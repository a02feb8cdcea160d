// A teacher keeps questions in their course's bank and makes an exam of them from the page: a
// GIFT file added (its categories kept), a question removed, one replaced by a corrected
// version (and a file of two refused as a replacement), one question chosen for everyone
// and two capitals drawn for each student; the draft opens with its three questions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { logIn, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { controlsWithoutName } from "./pages.mjs";

const env = withServerAndBrowser();
const GIFT = `$CATEGORY: $course$/top/Geography/Capitals

::paris::Capital of France? {=Paris ~Lyon ~Nice}

::rome::Capital of Italy? {=Rome ~Milan ~Turin}

::madrid::Capital of Spain? {=Madrid ~Seville ~Bilbao}

::oslo::Capital of Norway? {=Oslo ~Bergen}

$CATEGORY: $course$/top/Geography/Rivers

::nile::The Nile is in Africa. {T}

::loire::The Loire flows into the Atlantic. {T}
`;

test("a course's question bank: questions added by category, an exam drawn from it", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams" }).waitFor();
  await page.getByRole("link", { name: "Question bank: Demo course" }).click();
  await page.getByRole("heading", { name: "Question bank: Demo course" }).waitFor();
  await page.getByText("The bank is empty", { exact: false }).waitFor();

  await page.getByLabel("Question file").setInputFiles({ name: "geography.gift", mimeType: "text/plain", buffer: Buffer.from(GIFT) });
  await page.getByRole("button", { name: "Add to the bank" }).click();
  await page.getByRole("heading", { name: "Questions (6)" }).waitFor();
  const capitals = page.getByRole("group", { name: "Geography/Capitals: 4 question(s)" });
  await capitals.waitFor();
  await page.getByRole("group", { name: "Geography/Rivers: 2 question(s)" }).waitFor();
  assert.deepEqual(await controlsWithoutName(page), [], "every control is named");

  await page.getByRole("button", { name: "Remove oslo from the bank" }).click();
  await page.getByRole("heading", { name: "Questions (5)" }).waitFor();

  // A typo corrected: rome replaced by a file of one question, in place (its id and category).
  await page.getByRole("button", { name: "Replace rome with a corrected version (a file of one question)" }).waitFor();
  await page.locator('input[data-replace="rome"]').setInputFiles({ name: "rome.gift", mimeType: "text/plain",
    buffer: Buffer.from("::rome-fixed::What is the capital of Italy? {=Rome ~Milan ~Naples}") });
  await page.getByText("What is the capital of Italy?").waitFor();
  assert.equal(await page.locator('li[data-question="rome"]').count(), 1, "replaced in place, under its id");
  await page.getByRole("heading", { name: "Questions (5)" }).waitFor();
  // A file of two questions is not a replacement: said, nothing changed.
  await page.locator('input[data-replace="rome"]').setInputFiles({ name: "two.gift", mimeType: "text/plain",
    buffer: Buffer.from("Is it? {T}\n\nIs it not? {F}") });
  await page.getByText("A replacement is a file of exactly one question; this one holds 2.").waitFor();
  await page.getByText("What is the capital of Italy?").waitFor();

  await page.getByRole("checkbox", { name: "Ask nile of everyone" }).check();
  await page.getByRole("group", { name: "Geography/Capitals: 3 question(s)" }).getByLabel("Draw for each student").fill("2");
  await page.getByLabel("Id of the new exam (a-z, 0-9 and -)").fill("geo-bank");
  await page.getByLabel("Title of the exam").fill("Geography from the bank");
  await page.getByRole("button", { name: "Make the draft" }).click();
  await page.getByRole("heading", { name: "Geography from the bank" }).waitFor();
  assert.match(await page.locator("#main").textContent(), /3 questions/);
});

test("a draw larger than its category is explained in the page's language", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "fr-FR" })).newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Examens" }).waitFor();
  await page.getByRole("link", { name: "Banque de questions : Demo course" }).click();
  const rivers = page.getByRole("group", { name: "Geography/Rivers : 2 question(s)" });
  await rivers.waitFor();
  await rivers.getByLabel("Tirer pour chaque \u00e9l\u00e8ve").fill("2");
  await page.getByRole("checkbox", { name: "Poser loire \u00e0 tous" }).check();
  await page.locator("#bank-exam-id").fill("rivers");
  await page.locator("#bank-exam-title").fill("Rivi\u00e8res");
  await page.getByRole("button", { name: "Cr\u00e9er le brouillon" }).click();
  await page.getByText("Un tirage de 2 dans", { exact: false }).waitFor();
});
