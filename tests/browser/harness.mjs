// What every browser test needs: a Pupitre server of its own (a child process on an ephemeral
// loopback port, with a fresh data directory and the demo dataset), Debian's Chromium driven by
// Playwright, and a small API client for the parts of a scenario that are not under test.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

const BIN = process.env.PUPITRE_BIN || new URL("../../build/pupitre", import.meta.url).pathname;

export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "pupitre-browser-"));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Starts `pupitre serve --demo` on `port` (0: any free one) and resolves once it listens.
// `config`: more TOML appended to the test configuration (e.g. a `[waiting_room]` section).
// `auth`: the [auth] section's lines (the default: the cheapest password hash, for speed).
export function startServer({ dataDir, port = 0, demoStudents = 20, timeoutMs = 30000, config: more = "",
  auth = "argon2_iterations = 1\nargon2_memory_kib = 64" }) {
  // Inside the data directory, so that it goes with it (the server ignores files it does not own).
  const config = join(dataDir, "test-config.toml");
  writeFileSync(config, [
    "[server]", `listen = "127.0.0.1:${port}"`, "threads = 2", "shutdown_grace_ms = 2000",
    "[auth]", auth, more, ""].join("\n"));
  const proc = spawn(BIN, ["serve", "--config", config, "--data-dir", dataDir, "--demo", "--demo-students", String(demoStudents)],
    { stdio: ["ignore", "pipe", "pipe"] });
  let seen = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill("SIGKILL"); reject(new Error(`server did not start:\n${seen}`)); }, timeoutMs);
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      proc.stdout.off("data", onData);
      proc.stderr.off("data", onData);
      proc.stdout.resume();
      proc.stderr.resume();
      const exited = new Promise((r) => proc.once("exit", r));
      resolve({
        url: m[1], port: Number(m[2]), proc,
        // SIGKILL: a crash; SIGTERM: a graceful stop. Resolves once the process is gone.
        stop: async (signal = "SIGTERM") => { if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal); await exited; },
      });
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${seen}`)); });
  });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

// For a test file: one data directory, one server (started before the tests unless `lazy`) and
// one browser, all removed after them. A test may replace `env.server` (a restart).
export function withServerAndBrowser({ lazy = false, ...options } = {}) {
  const env = { dir: tempDir() };
  env.start = async (more = {}) => (env.server = await startServer({ dataDir: env.dir.path, ...options, ...more }));
  before(async () => {
    if (!lazy) await env.start();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
    env.dir.remove();
  });
  return env;
}

// A script's view of the API (bearer token), for set-up and for checking what the server holds.
export async function apiClient(url, login, password) {
  const r = await fetch(`${url}/api/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ login, password }) });
  if (!r.ok) throw new Error(`login ${login}: ${r.status} ${await r.text()}`);
  const { token } = await r.json();
  const call = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, "Content-Type": typeof body === "string" ? "text/plain" : "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { data = text; }
    return { status: res.status, data };
  };
  return { call, token };
}

export const STUDENT_PASSWORD = "student-demo";
export const TEACHER = ["teacher", "teacher-demo"];

// Logs in through the page (in whatever language it shows).
export async function logIn(page, url, login, password) {
  await page.goto(url);
  await page.locator('#main input[autocomplete="username"]').fill(login);
  await page.locator('#main input[type="password"]').fill(password);
  await page.locator('#main button[type="submit"]').click();
}

// An exam file in the native format, open from a minute ago until `closesInMs` from now.
export function examToml({ id, closesInMs = 3600_000, extra = "", durationMinutes = 30 }) {
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  return `[exam]
id = "${id}"
title = "Browser test ${id}"
course = "demo-course"
opens = ${iso(Date.now() - 60_000)}
closes = ${iso(Date.now() + closesInMs)}
duration_minutes = ${durationMinutes}

[[question]]
id = "q1"
type = "single"
text = "Which one is a prime number?"
options = ["4", "7", "9"]
answer = 1

[[question]]
id = "q2"
type = "short"
text = "Name the largest planet."
answer = "Jupiter"
${extra}`;
}
