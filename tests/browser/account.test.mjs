// A student changes their own password from "My account": a wrong current password and a
// mistyped new one are said plainly; once changed, their other devices are logged out, this
// one goes on, and only the new password opens the account.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, STUDENT_PASSWORD, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();

test("a student changes their password; their other devices are logged out", { timeout: 90_000 }, async () => {
  const other = await apiClient(env.server.url, "student0017", STUDENT_PASSWORD);  // another device
  assert.equal((await other.call("GET", "/api/me")).status, 200);

  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "student0017", STUDENT_PASSWORD);
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();
  await page.getByRole("link", { name: "My account" }).click();
  await page.getByRole("heading", { name: "My account" }).waitFor();

  const fill = async (current, next, again) => {
    await page.getByLabel("Current password").fill(current);
    await page.getByLabel("New password", { exact: true }).fill(next);
    await page.getByLabel("New password, again").fill(again);
    await page.getByRole("button", { name: "Change my password" }).click();
  };
  await fill(STUDENT_PASSWORD, "a-new-secret-1", "a-new-secret-2");
  await page.getByText("The two new passwords differ.").waitFor();
  await fill("not-my-password", "a-new-secret-1", "a-new-secret-1");
  await page.getByText("The current password is wrong.").waitFor();
  assert.match(page.url(), /#\/account$/, "a wrong password logged the page out");
  await fill(STUDENT_PASSWORD, "a-new-secret-1", "a-new-secret-1");
  await page.getByText("Your password is changed; your other devices are logged out.").waitFor();

  assert.equal((await other.call("GET", "/api/me")).status, 401, "the other device is still logged in");
  await page.getByRole("link", { name: "My exams" }).click();
  await page.getByRole("heading", { name: /^Hello/ }).waitFor();  // this one goes on
  await assert.rejects(apiClient(env.server.url, "student0017", STUDENT_PASSWORD), /401/, "the old password still works");
  assert.ok((await apiClient(env.server.url, "student0017", "a-new-secret-1")).token, "the new password does not work");
});
