// Safe Exam Browser in Chromium: the teacher pastes the exam's Config Key; a plain browser is
// told what to do; a "Safe Exam Browser" (Chromium whose requests carry SEB's headers, computed
// as SEB does: SHA-256 of each request's URL followed by the key) takes the exam; one with
// another configuration is told it is the wrong one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { allSaved, startDemoExam } from "./pages.mjs";

const env = withServerAndBrowser();
const KEY = "0123456789abcdef".repeat(4);

// A browser context that behaves as SEB with configuration key `key`.
async function sebContext(key) {
  const context = await env.browser.newContext({ locale: "en-US" });
  await context.route("**/*", (route) => {
    const url = route.request().url().split("#")[0];
    const headers = { ...route.request().headers(), "x-safeexambrowser-configkeyhash": createHash("sha256").update(url + key).digest("hex") };
    return route.continue({ headers });
  });
  return context;
}

test("an exam that requires Safe Exam Browser lets in SEB only, and tells others what to do", { timeout: 120_000 }, async () => {
  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/teacher/exam/demo-exam`);
  await teacher.getByText("Not required.").waitFor();
  await teacher.getByLabel("Config Keys").fill(`  ${KEY.toUpperCase()}  `);
  await teacher.getByRole("button", { name: "Save the keys" }).click();
  await teacher.getByText("Saved: this exam now requires Safe Exam Browser.").waitFor();
  assert.equal(await teacher.getByLabel("Config Keys").inputValue(), KEY, "shown as kept");

  // A plain browser: the exam's page says so; starting explains what to do.
  const plain = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(plain, env.server.url, "student0008", STUDENT_PASSWORD);
  await plain.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await plain.locator("#seb-notice").waitFor();
  await plain.getByRole("button", { name: "Start the exam" }).click();
  await plain.getByRole("heading", { name: "This exam needs Safe Exam Browser" }).waitFor();
  await plain.getByText("This page is not open in Safe Exam Browser").waitFor();
  await plain.getByRole("link", { name: "Download Safe Exam Browser" }).waitFor();

  // SEB with this exam's configuration: the exam works, answers are saved.
  const seb = await (await sebContext(KEY)).newPage();
  await logIn(seb, env.server.url, "student0009", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(seb);
  await seb.locator("#question-water-boiling").getByRole("textbox").fill("100");
  await allSaved(seb, attemptId, 1);
  // The same attempt opened in a plain browser is refused with the explanation.
  const copy = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(copy, env.server.url, "student0009", STUDENT_PASSWORD);
  await copy.getByRole("heading", { name: /^Hello/ }).waitFor();
  await copy.goto(`${env.server.url}/#/attempt/${attemptId}`);
  await copy.getByRole("heading", { name: "This exam needs Safe Exam Browser" }).waitFor();

  // SEB with another exam's configuration.
  const other = await (await sebContext("f".repeat(64))).newPage();
  await logIn(other, env.server.url, "student0010", STUDENT_PASSWORD);
  await other.getByRole("link", { name: /^Start: General knowledge/ }).click();
  await other.getByRole("button", { name: "Start the exam" }).click();
  await other.getByText("Safe Exam Browser is open, but not with this exam's configuration.").waitFor();
});

test("a teacher uploads the exam's .seb file; SEB opened with it gets in", { timeout: 120_000 }, async () => {
  // Moodle's fixture, saved by SEB for Windows, and the Config Key Moodle's test expects of it.
  const file = new URL("../fixtures/seb/unencrypted_win_223.seb", import.meta.url).pathname;
  const fileKey = "fc6f4ea5922717760f4d6d536c23b8d19bf20b52aa97940f5427a76e20f49026";
  const teacher = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(teacher, env.server.url, ...TEACHER);
  await teacher.getByRole("heading", { name: "Exams", exact: true }).waitFor();  // home drawn: its load is over before going elsewhere
  await teacher.goto(`${env.server.url}/#/teacher/exam/demo-exam`);
  await teacher.getByRole("heading", { name: "Safe Exam Browser" }).waitFor();
  await teacher.getByRole("button", { name: "Read its Config Key" }).click();
  await teacher.getByText("Choose a .seb file first.").waitFor();
  await teacher.getByLabel(/^Or this exam's SEB configuration file/).setInputFiles(file);
  await teacher.getByRole("button", { name: "Read its Config Key" }).click();
  await teacher.getByText(`Config Key ${fileKey.slice(0, 12)}… added`).waitFor();
  assert.match(await teacher.getByLabel(/^Config Keys/).inputValue(), new RegExp(fileKey), "listed with the keys");

  const seb = await (await sebContext(fileKey)).newPage();
  await logIn(seb, env.server.url, "student0011", STUDENT_PASSWORD);
  const attemptId = await startDemoExam(seb);
  assert.ok(attemptId, "the exam started through SEB with the uploaded file's key");
});
