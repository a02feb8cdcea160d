// A teacher uploads 1EdTech's BBQs QTI package: the items that cannot be imported are listed,
// the teacher imports the rest at their word and opens the draft, its questions previewed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { logIn, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { controlsWithoutName } from "./pages.mjs";

const env = withServerAndBrowser();
const PACKAGE = readFileSync(fileURLToPath(new URL("../fixtures/qti/BBQsTest.zip", import.meta.url)));

test("a QTI package: what cannot be imported is listed, the rest imported at the teacher's word", { timeout: 120_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams" }).waitFor();
  await page.locator("#exam-file").setInputFiles({ name: "BBQsTest.zip", mimeType: "application/zip", buffer: PACKAGE });
  const id = page.getByLabel("Id of the new exam (a-z, 0-9 and -)");
  await id.waitFor();
  assert.deepEqual(await controlsWithoutName(page), [], "the id field is named");
  await id.fill("bbqs");
  await page.getByRole("button", { name: "Upload" }).click();
  const problems = page.locator("#import-problems");
  await problems.getByText("The file has 7 problem(s); nothing was saved:").waitFor();
  assert.match(await problems.textContent(), /QTI, line 2: id-992e8bd3c9ac\/hotspot-maximum\.xml: item hotspot-maximum: selectPointInteraction is not imported yet/);

  await page.getByRole("button", { name: "Import the questions that can be, without these" }).click();
  await problems.getByText("A draft with 15 question(s) was made.", { exact: false }).waitFor();
  assert.match(await problems.textContent(), /TF-choice|hotspot-maximum/);
  await page.getByRole("link", { name: "Open the draft" }).click();
  await page.getByRole("heading", { name: "BBQs test package" }).waitFor();
  assert.match(await page.locator("#main").textContent(), /15 questions/);
});

test("a Moodle GIFT bank: the questions Pupitre does not take are listed, the rest imported", { timeout: 120_000 }, async () => {
  // Moodle's own fixture (every question of it is taken), and one that does not parse.
  const gift = Buffer.concat([readFileSync(fileURLToPath(new URL("../fixtures/moodle-gift/questions.gift.txt", import.meta.url))),
    Buffer.from("\n\n::Two lists:: {=a} and {=b}\n")]);
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, ...TEACHER);
  await page.getByRole("heading", { name: "Exams" }).waitFor();
  await page.locator("#exam-file").setInputFiles({ name: "questions.gift.txt", mimeType: "text/plain", buffer: gift });
  await page.getByLabel("Id of the new exam (a-z, 0-9 and -)").fill("moodle-bank");
  await page.getByRole("button", { name: "Upload" }).click();
  const problems = page.locator("#import-problems");
  await problems.getByText("The file has 1 problem(s); nothing was saved:").waitFor();
  assert.match(await problems.textContent(), /GIFT, line \d+:/);
  await page.getByRole("button", { name: "Import the questions that can be, without these" }).click();
  await problems.getByText("A draft with 9 question(s) was made.", { exact: false }).waitFor();
  await page.getByRole("link", { name: "Open the draft" }).click();
  await page.getByRole("heading", { name: "moodle-bank" }).waitFor();
  assert.match(await page.locator("#main").textContent(), /9 questions/);
});
