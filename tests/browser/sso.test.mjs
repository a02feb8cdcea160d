// A student signs in with the school's account: the login page's button goes to the school's
// identity provider (a real LemonLDAP::NG portal), and back to Pupitre signed in, with no
// Pupitre password; a failed return says why on the login page.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { writeFileSync } from "node:fs";
import { launchBrowser, startServer, tempDir } from "./harness.mjs";

const LEMONLDAP = process.env.LEMONLDAP_BIN || new URL("../../build/lemonldap_for_tests", import.meta.url).pathname;

// A port free now on 127.0.0.1: the provider must know the server's callback before it starts.
const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once("error", reject);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

function startProvider(...args) {
  const proc = spawn(LEMONLDAP, args, { stdio: ["pipe", "pipe", "pipe"] });
  let seen = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill("SIGKILL"); reject(new Error(`LemonLDAP::NG did not start:\n${seen}`)); }, 60_000);
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      resolve({ url: m[1], stop: () => proc.kill("SIGTERM") });
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code) => { clearTimeout(timer); reject(new Error(`LemonLDAP::NG exited (${code}):\n${seen}`)); });
  });
}

test("a student signs in with the school's account", { timeout: 180_000 }, async () => {
  const port = await freePort();
  const service = `http://127.0.0.1:${port}/sso/cas/callback`;
  const provider = await startProvider(service);
  const dir = tempDir();
  const server = await startServer({ dataDir: dir.path, port,
    config: `[sso]\ncas_url = "${provider.url}/cas"\nservice_url = "${service}"\n` });
  const browser = await launchBrowser();
  after(async () => { await browser.close(); await server.stop(); provider.stop(); dir.remove(); });

  const page = await (await browser.newContext({ locale: "en-US" })).newPage();
  await page.goto(server.url);
  await page.getByRole("link", { name: "Sign in with my school account" }).click();
  // The provider's own login page.
  await page.waitForURL((u) => u.href.startsWith(provider.url));
  await page.locator('input[name="user"]').fill("rtyler");
  await page.locator('input[name="password"]').fill("rtyler");
  await page.locator('button[type="submit"]').first().click();
  // Back at Pupitre, signed in as the provider says.
  await page.getByRole("heading", { name: /^Hello/ }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator("body").textContent(), /Rose Tyler/);
  const me = await page.evaluate(async () => (await fetch("/api/me")).json());
  assert.equal(me.user.login, "rtyler");
  assert.equal(me.user.role, "student");

  // A return that did not start in this browser: the login page says why.
  const fresh = await (await browser.newContext({ locale: "en-US" })).newPage();
  await fresh.goto(`${server.url}/sso/cas/callback?s=x&ticket=ST-used-long-ago`);
  await fresh.getByText("This sign-in did not start in this browser").waitFor();
  assert.equal(new URL(fresh.url()).search, "", "the reason is gone from the address");
});

test("a teacher signs in with OpenID Connect, and the provider's logout signs them out", { timeout: 180_000 }, async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider = await startProvider(`${base}/sso/cas/callback`, `${base}/sso/oidc/callback`, `${base}/sso/oidc/logout`);
  const dir = tempDir();
  const secret = `${dir.path}/oidc-secret`;
  writeFileSync(secret, "pupitre-secret-for-tests\n");  // testkit/lemonldap.h's kOidcSecret
  const server = await startServer({ dataDir: dir.path, port,
    config: `[sso]\noidc_issuer = "${provider.url}"\noidc_client_id = "pupitre"\n` +
      `oidc_client_secret_file = "${secret}"\noidc_redirect_url = "${base}/sso/oidc/callback"\n` +
      `oidc_scopes = "openid profile email groups"\nname_attribute = "name"\n` +
      `role_attribute = "groups"\nteacher_values = ["timelords"]\n` });
  const browser = await launchBrowser();
  after(async () => { await browser.close(); await server.stop(); provider.stop(); dir.remove(); });

  const page = await (await browser.newContext({ locale: "en-US" })).newPage();
  await page.goto(server.url);
  await page.getByRole("link", { name: "Sign in with my school account" }).click();
  await page.waitForURL((u) => u.href.startsWith(`${provider.url}/oauth2/authorize`));
  await page.locator('input[name="user"]').fill("dwho");
  await page.locator('input[name="password"]').fill("dwho");
  await page.locator('button[type="submit"]').first().click();
  // A teacher's home: their exams, and their name by the logout.
  await page.getByText("Log out (Doctor Who)").waitFor({ timeout: 30_000 });
  const me = await page.evaluate(async () => (await fetch("/api/me")).json());
  assert.equal(me.user.login, "dwho");
  assert.equal(me.user.role, "teacher", "from the provider's groups");
  assert.equal(me.user.name, "Doctor Who");

  // The provider's logout page loads this server's logout in a frame: the session ends.
  await page.goto(`${provider.url}/?logout=1`);
  await page.frameLocator("iframe").locator("body").getByText("signed out").waitFor({ timeout: 30_000 });
  const after_logout = await page.request.get(`${server.url}/api/me`);
  assert.equal(after_logout.status(), 401);
});
