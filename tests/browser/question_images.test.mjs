// A picture in a question (from a Moodle XML export): shown in its place on the exam page with
// its alternative text, read from the server by the student who started the exam, and again in
// the released review.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, examToml, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const FLAG = `moodle_xml = '''
<quiz><question type="truefalse"><name><text>Flag</text></name>
<questiontext format="html"><text><![CDATA[<p>Is this Japan's flag?</p><p><img src="@@PLUGINFILE@@/dot.png" alt="A red dot"></p><p>Answer below.</p>]]></text>
<file name="dot.png" encoding="base64">${PNG}</file></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>
'''
`;

test("a question's picture is shown in its place, with its alternative text", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = FLAG + examToml({ id: "pictures" }).replace("duration_minutes", 'review = "answers"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/pictures/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0013", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test pictures");
  const legend = page.locator("#question-Flag legend");
  const picture = legend.getByRole("img", { name: "A red dot" });
  await picture.waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector("#question-Flag img.qimage");
    return img && img.complete && img.naturalWidth === 1;
  }, null, { timeout: 10_000 });
  const text = await legend.textContent();
  assert.ok(text.indexOf("Is this Japan's flag?") < text.indexOf("Answer below."), text);
  assert.ok(!text.includes("\uFFFC"), "the mark itself shown");
  // The picture stands between the two paragraphs.
  const order = await legend.evaluate((el) => [...el.childNodes].map((n) => (n.nodeName === "IMG" ? "IMG" : n.textContent.trim())).filter(Boolean));
  const at = order.indexOf("IMG");
  assert.ok(at > 0 && at < order.length - 1, JSON.stringify(order));

  const student = await apiClient(env.server.url, "student0013", STUDENT_PASSWORD);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/pictures/release")).status, 200);
  await page.reload();
  const review = page.locator('li.review[data-qid="Flag"]');
  await review.getByRole("img", { name: "A red dot" }).waitFor();
});

const GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const PICK = `moodle_xml = '''
<quiz><question type="multichoice"><name><text>Pick</text></name>
<questiontext format="html"><text>Which animal purrs?</text></questiontext><single>true</single>
<answer fraction="0" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/x.png" alt="A dog">]]></text><file name="x.png" encoding="base64">${PNG}</file></answer>
<answer fraction="100" format="html"><text><![CDATA[This: <img src="@@PLUGINFILE@@/x.png" alt="A cat">]]></text><file name="x.png" encoding="base64">${GIF}</file></answer>
</question></quiz>
'''
`;

test("a choice that is a picture is shown as its choice, picked by a click on it, named in the review", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = PICK + examToml({ id: "purr" }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/purr/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0014", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test purr");
  const question = page.locator("#question-Pick");
  // Each choice's radio is named by its picture's alternative text (the label holds the picture).
  const dog = question.getByRole("radio", { name: "A dog" });
  const cat = question.getByRole("radio", { name: "This: A cat" });
  await dog.waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("#question-Pick .option img.qimage")]
    .every((img) => img.complete && img.naturalWidth === 1), null, { timeout: 10_000 });
  assert.ok(!(await question.textContent()).includes("\uFFFC"), "the mark itself shown");
  await question.getByRole("img", { name: "A cat" }).click();
  assert.ok(await cat.isChecked(), "a click on the picture picks its choice");
  assert.ok(!(await dog.isChecked()));

  const student = await apiClient(env.server.url, "student0014", STUDENT_PASSWORD);
  await allSaved(page, attemptId, 1);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/purr/release")).status, 200);
  await page.reload();
  const review = page.locator('li.review[data-qid="Pick"]');
  await review.waitFor();
  const said = await review.textContent();
  assert.ok(said.includes("This: [A cat]"), said);
});

const ITEMS = `moodle_xml = '''
<quiz><question type="matching"><name><text>Flags</text></name>
<questiontext format="html"><text>Match each flag with its country.</text></questiontext>
<subquestion format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/jp.png" alt="A red dot">]]></text><file name="jp.png" encoding="base64">${PNG}</file><answer><text>Japan</text></answer></subquestion>
<subquestion format="html"><text><![CDATA[Stripes <img src="@@PLUGINFILE@@/fr.gif">]]></text><file name="fr.gif" encoding="base64">${GIF}</file><answer><text>France</text></answer></subquestion>
</question>
<question type="ordering"><name><text>Growth</text></name>
<questiontext format="html"><text>Put the stages in order.</text></questiontext>
<answer fraction="1" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png" alt="seed">]]></text><file name="a.png" encoding="base64">${PNG}</file></answer>
<answer fraction="2" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/b.gif" alt="sprout">]]></text><file name="b.gif" encoding="base64">${GIF}</file></answer>
<answer fraction="3" format="html"><text>Tree</text></answer>
</question></quiz>
'''
`;

test("items to match and to order that are pictures show them, named by their alternative text", { timeout: 120_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const toml = ITEMS + examToml({ id: "items" }).replace("duration_minutes", 'review = "solutions"\nduration_minutes');
  const imported = await teacher.call("POST", "/api/exams", toml);
  assert.equal(imported.status, 201, JSON.stringify(imported.data));
  assert.equal((await teacher.call("POST", "/api/exams/items/publish")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0015", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(page, "Browser test items");
  // Each item's list is named by its picture (the label holds it); one without alt text by its place.
  const flags = page.locator("#question-Flags");
  await flags.getByRole("combobox", { name: "A red dot" }).selectOption({ label: "Japan" });
  await flags.getByRole("combobox", { name: "Stripes picture of item 2" }).selectOption({ label: "France" });
  await page.waitForFunction(() => {
    const shown = [...document.querySelectorAll("#question-Flags img.qimage, #question-Growth img.qimage")];
    return shown.length === 4 && shown.every((img) => img.complete && img.naturalWidth === 1);
  }, null, { timeout: 10_000 });
  // The items to order show their pictures; their buttons name them in words.
  const growth = page.locator("#question-Growth");
  await growth.getByRole("img", { name: "seed" }).waitFor();
  await growth.getByRole("img", { name: "sprout" }).waitFor();
  const seedMoves = growth.getByRole("button", { name: /\[seed\]/ });
  assert.ok(await seedMoves.count() > 0, "the buttons name the item in words");
  await growth.locator("button.move:not([disabled])").first().click();  // the order saved
  assert.ok(!(await page.locator("main").textContent()).includes("\uFFFC"), "the mark itself shown");

  const student = await apiClient(env.server.url, "student0015", STUDENT_PASSWORD);
  await allSaved(page, attemptId, 2);
  assert.equal((await student.call("POST", `/api/attempts/${attemptId}/submit`)).status, 200);
  assert.equal((await teacher.call("POST", "/api/exams/items/release")).status, 200);
  await page.reload();
  const review = page.locator('li.review[data-qid="Flags"]');
  await review.waitFor();
  const said = await review.textContent();
  assert.ok(said.includes("[A red dot] \u2192 Japan"), said);
});
