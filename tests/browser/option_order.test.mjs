// Options on the exam page when the exam shuffles them: a question that keeps its order (a scale)
// shows it as written; a question numbered as Moodle numbers its answers shows a. b. c. (or i.
// ii. iii.) in the order the student sees, whatever the options' own order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const QUESTIONS = `
[[question]]
id = "scale"
type = "single"
text = "How sure are you?"
options = ["Not at all", "A little", "Quite", "Very"]
answer = 3
shuffle_options = false
numbering = "ABCD"

[[question]]
id = "roman"
type = "multiple"
text = "Which are rivers?"
options = ["Loire", "Alps", "Danube", "Sahara", "Rhine", "Gobi"]
answer = [0, 2, 4]
numbering = "iii"
`;

test("a scale keeps its order and options are numbered in the order shown", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = examToml({ id: "order-exam", extra: QUESTIONS }).replace("duration_minutes", "shuffle_options = true\nduration_minutes");
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/order-exam/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0007", STUDENT_PASSWORD);
  await startDemoExam(page, "Browser test order-exam");
  const labels = (qid) => page.locator(`#question-${qid} .option label`).allTextContents();
  assert.deepEqual(await labels("scale"), ["A. Not at all", "B. A little", "C. Quite", "D. Very"]);
  // Numbered by place: i. to vi. down the page, whichever option stands there.
  const roman = await labels("roman");
  assert.deepEqual(roman.map((l) => l.split(" ")[0]), ["i.", "ii.", "iii.", "iv.", "v.", "vi."], roman.join(" | "));
  assert.deepEqual(roman.map((l) => l.split(" ")[1]).sort(), ["Alps", "Danube", "Gobi", "Loire", "Rhine", "Sahara"]);
  // The number is part of the option's name: picking by it picks the option shown there.
  const third = roman[2].split(" ")[1];
  await page.locator("#question-roman").getByLabel(roman[2]).check();
  assert.equal(await page.locator("#question-roman").getByLabel(roman[2]).isChecked(), true, third);
});
