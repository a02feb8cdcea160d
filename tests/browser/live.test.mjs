// Live classes in Chromium, against the stand-in BigBlueButton server (tests/standins, checking
// every checksum): a teacher schedules a class from the course page; a student opens it from the
// course and the button takes them into the meeting as a viewer; beyond the server's capacity a
// French student is told their place in line and goes in by themselves when a seat frees; the
// teacher sees who came; a class whose server fails says so and keeps trying. axe passes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiClient, logIn, STUDENT_PASSWORD, TEACHER, withServerAndBrowser } from "./harness.mjs";
import { axeViolations, welcomeItemForm } from "./pages.mjs";

const SECRET = "0123456789abcdef0123456789abcdef";
const env = withServerAndBrowser({ lazy: true });
let standin;
let bbb;  // http://127.0.0.1:PORT

before(async () => {
  standin = spawn("python3", [new URL("../standins/bbb_standin.py", import.meta.url).pathname, "--secret", SECRET, "--checksum", "sha256"],
    { stdio: ["ignore", "pipe", "ignore"] });
  bbb = await new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error("the stand-in did not start")), 20_000);
    standin.stdout.on("data", (c) => {
      seen += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const secretFile = join(env.dir.path, "bbb-secret");
  writeFileSync(secretFile, `${SECRET}\n`);
  await env.start({ config: ["[live]", `bbb_url = "${bbb}/bigbluebutton/api/"`, `bbb_secret_file = "${secretFile}"`,
    'checksum = "sha256"', "poll_seconds = 1", "max_participants = 2", "join_rate = 20"].join("\n") });
});
after(() => standin?.kill("SIGKILL"));

test("students join a live class, wait their turn when it is full, and the teacher sees who came", { timeout: 150_000 }, async () => {
  const { page: tp, section, form } = await welcomeItemForm(env.browser, env.server.url, "live");
  await form.getByLabel("Title", { exact: true }).fill("Geometry live");
  await form.getByLabel(/^Starts at/).fill(new Date(Date.now() + 5 * 60_000).toISOString().slice(0, 16));
  await form.getByLabel("Length (minutes)").fill("45");
  await form.getByRole("button", { name: "Add", exact: true }).click();
  await section.getByRole("heading", { name: "Geometry live", level: 3 }).waitFor();

  // A student goes in from the course page.
  const ac = await env.browser.newContext({ locale: "en-US", bypassCSP: true });
  const ap = await ac.newPage();
  await logIn(ap, env.server.url, "student0003", STUDENT_PASSWORD);
  await ap.getByRole("link", { name: "Demo course" }).click();
  await ap.getByRole("link", { name: "Open the class: Geometry live" }).click();
  await ap.getByRole("heading", { name: "Geometry live", level: 1 }).waitFor();
  const classPath = await ap.evaluate(() => location.hash);
  assert.deepEqual(await axeViolations(ap), [], "the student's live class page");
  await ap.getByRole("button", { name: "Join the class" }).click();
  await ap.getByRole("heading", { name: "In the meeting" }).waitFor();
  assert.equal(await ap.locator("#role").textContent(), "VIEWER");
  assert.equal(await ap.locator("#who").textContent(), "Student 0003");

  // A second one takes the last seat; a third, in French, is told her place in line.
  const student = await apiClient(env.server.url, "student0004", STUDENT_PASSWORD);
  const itemId = classPath.split("/").pop();
  const second = await student.call("POST", `/api/courses/demo-course/live/${itemId}/join`);
  assert.equal(second.status, 200, JSON.stringify(second.data));
  assert.equal((await fetch(second.data.url)).status, 200);
  const fc = await env.browser.newContext({ locale: "fr-FR", bypassCSP: true });
  const fp = await fc.newPage();
  await logIn(fp, env.server.url, "student0005", STUDENT_PASSWORD);
  await fp.getByRole("heading", { name: /^Bonjour/ }).waitFor();
  await fp.goto(`${env.server.url}/${classPath}`);
  await fp.getByRole("button", { name: "Entrer dans la classe" }).click();
  await fp.getByText("La classe est pleine : vous êtes numéro 1 dans la file.").waitFor();
  assert.deepEqual(await axeViolations(fp), [], "the page of a student in line");

  // The teacher's page: who came, who is in.
  await tp.goto(`${env.server.url}/${classPath}`);
  await tp.getByRole("heading", { name: "Attendance" }).waitFor();
  await tp.getByText("2 of").waitFor();
  const row = tp.locator("tr").filter({ hasText: "student0003" });
  await row.getByText(/Joined|In the class now/).waitFor();
  assert.deepEqual(await axeViolations(tp), [], "the teacher's live class page");

  // The first student leaves the meeting: the one in line goes in by herself.
  const me = await (await apiClient(env.server.url, "student0003", STUDENT_PASSWORD)).call("GET", "/api/me");
  await fetch(`${bbb}/_standin/leave?meetingID=pupitre-demo-course-${itemId}&userID=${me.data.user.id}`);
  await fp.getByRole("heading", { name: "In the meeting" }).waitFor({ timeout: 30_000 });
  assert.equal(await fp.locator("#role").textContent(), "VIEWER");

  const calls = await (await fetch(`${bbb}/_standin/calls`)).json();
  assert.ok(calls.length > 0);
  assert.deepEqual(calls.filter((c) => !c.checksum_ok), [], "every call was signed right");
});

test("a class whose video server fails says so and keeps trying", { timeout: 60_000 }, async () => {
  const teacher = await apiClient(env.server.url, ...TEACHER);
  const outline = await teacher.call("GET", "/api/courses/demo-course/outline");
  const sectionId = outline.data.sections[0].id;
  // The first class ends (its seats free: the server's capacity is shared by every class).
  const first = outline.data.sections.flatMap((x) => x.items).find((i) => i.kind === "live");
  if (first) assert.equal((await teacher.call("POST", `/api/courses/demo-course/live/${first.id}/end`)).status, 200);
  const item = await teacher.call("POST", `/api/courses/demo-course/sections/${sectionId}/items`,
    { kind: "live", title: "Algebra live", body: "", live: { start_ms: Date.now() + 60_000, duration_min: 30 } });
  assert.equal(item.status, 201, JSON.stringify(item.data));
  await fetch(`${bbb}/_standin/fail?on=1`);
  const sc = await env.browser.newContext({ locale: "en-US", bypassCSP: true });
  const sp = await sc.newPage();
  await logIn(sp, env.server.url, "student0006", STUDENT_PASSWORD);
  await sp.getByRole("heading", { name: /^Hello/ }).waitFor();
  await sp.goto(`${env.server.url}/#/live/demo-course/${item.data.item.id}`);
  await sp.getByRole("button", { name: "Join the class" }).click();
  await sp.getByRole("alert").filter({ hasText: "The video service does not answer right now. This page tries again every 15 seconds" }).waitFor();
  await fetch(`${bbb}/_standin/fail?on=0`);
});
