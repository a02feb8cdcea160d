// An ordering question on the exam page: the items come in an order that is never the right one,
// each moved up or down by its buttons (named by its item, for a screen reader); the order is
// saved as the student leaves it, comes back after a reload, and the released review says it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, controlsWithoutName, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const ORDERING = `
[[question]]
id = "q3"
type = "ordering"
text = "Order the steps of sowing a field."
points = 3
options = ["Plough", "Harrow", "Sow"]
`;
const RIGHT = ["Plough", "Harrow", "Sow"];

test("an ordering question is answered by moving its items", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = examToml({ id: "order-exam", extra: ORDERING }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/order-exam/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0007", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test order-exam");
  const question = page.locator("#question-q3");
  const shown = () => question.locator("ol.ordering li .item").allTextContents();
  const first = await shown();
  assert.deepEqual([...first].sort(), [...RIGHT].sort(), "every item, once");
  assert.notDeepEqual(first, RIGHT, "never shown in the right order");
  assert.deepEqual(await controlsWithoutName(page), [], "each button is named by its item");

  // Each item in turn brought up to its place, with its own "up" button.
  for (let place = 0; place < RIGHT.length; place++) {
    for (let at = (await shown()).indexOf(RIGHT[place]); at > place; at--) {
      await question.getByRole("button", { name: `Move \u201c${RIGHT[place]}\u201d up` }).click();
    }
  }
  assert.deepEqual(await shown(), RIGHT);
  await allSaved(page, attemptId, 1);
  const paper = await teacher.call("GET", "/api/exams/order-exam/paper");
  const options = paper.data.questions.find((q) => q.id === "q3").options;
  const saved = await teacher.call("GET", `/api/attempts/${attemptId}`);
  assert.deepEqual(saved.data.attempt.answers.q3.value, RIGHT.map((item) => options.indexOf(item)));

  await page.reload();
  await page.locator("#question-q3 ol.ordering").waitFor();
  assert.deepEqual(await shown(), RIGHT, "the order is back after a reload");

  const student = await apiClient(env.server.url, "student0007", STUDENT_PASSWORD);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/order-exam/release")).status, 200);
  await page.reload();  // on the attempt's page: now its released result
  const review = page.locator('li.review[data-qid="q3"]');
  await review.waitFor();
  const text = await review.textContent();
  assert.match(text, /Right answer: Plough \u2192 Harrow \u2192 Sow/, text);
  assert.match(text, /3 \/ 3/, text);
});
