// The course space with the keyboard only: a teacher adds a section and a page (the focus lands
// on what was made), a student opens the course and reads the page, then hands in a homework.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { tabTo } from "./pages.mjs";

const env = withServerAndBrowser();

async function keyboardLogIn(page, login, password) {
  await page.goto(env.server.url);
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  await page.keyboard.type(login);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
}

test("a teacher builds and a student reads a course with the keyboard only", { timeout: 120_000 }, async () => {
  const tp = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await keyboardLogIn(tp, ...TEACHER);
  await tp.getByRole("heading", { name: "Exams", exact: true }).waitFor();
  await tabTo(tp, { text: "Demo course" });
  await tp.keyboard.press("Enter");
  await tp.getByRole("heading", { name: "Demo course", level: 1 }).waitFor();

  await tabTo(tp, { label: "Section title" });
  await tp.keyboard.type("Week 2");
  await tp.keyboard.press("Enter");
  await tp.getByRole("heading", { name: "Week 2", level: 2 }).waitFor();
  assert.equal(await tp.evaluate(() => document.activeElement.textContent), "Week 2", "the focus is on the new section");

  // Its "Add to" opens with Enter; Tab through the form; Enter on Add.
  await tabTo(tp, { text: "Add to “Week 2”" });
  await tp.keyboard.press("Enter");
  await tabTo(tp, { label: "Title" });
  await tp.keyboard.type("Keyboard notes");
  await tp.keyboard.press("Tab");
  await tp.keyboard.type("Made *without* a mouse.");
  await tabTo(tp, { text: "Add" });
  await tp.keyboard.press("Enter");
  await tp.getByRole("heading", { name: "Keyboard notes", level: 3 }).waitFor();
  assert.equal(await tp.evaluate(() => document.activeElement.textContent), "Keyboard notes", "the focus is on the new page");

  // A homework, made by API, for the student to hand in by keyboard.
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const made = await teacher.call("POST", "/api/courses/demo-course/sections/1/items",
    { kind: "homework", title: "Short answer", body: "Say it in a sentence.", rules: { due_ms: Date.now() + 3600_000, max_files: 0, text: true } });
  assert.equal(made.status, 201, JSON.stringify(made.data));

  const sp = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await keyboardLogIn(sp, "student0009", STUDENT_PASSWORD);
  await sp.getByRole("heading", { name: /^Hello/ }).waitFor();
  await tabTo(sp, { text: "Demo course" });
  await sp.keyboard.press("Enter");
  await sp.getByRole("heading", { name: "Week 2", level: 2 }).waitFor();
  // The page opens with Enter on its "Read".
  const reads = sp.locator("details.page summary");
  const count = await reads.count();
  for (let i = 0; i < count; i++) {
    await tabTo(sp, { text: "Read" });
    await sp.keyboard.press("Enter");
  }
  await sp.getByText("Made without a mouse.").waitFor();

  await tabTo(sp, { label: "Open the homework: Short answer" });
  await sp.keyboard.press("Enter");
  await sp.getByRole("heading", { name: "Short answer", level: 1 }).waitFor();
  await tabTo(sp, { label: "Your answer" });
  await sp.keyboard.type("Because it rains.");
  await tabTo(sp, { text: "Hand in" });
  await sp.keyboard.press("Enter");
  await sp.getByRole("heading", { name: "Receipt" }).waitFor();
  assert.equal(await sp.evaluate(() => document.activeElement.textContent), "Receipt", "the focus is on the receipt");
});
