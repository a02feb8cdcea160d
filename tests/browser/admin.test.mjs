// The operator's accounts page: find an account and reset its password, create one in a
// course, import a CSV (its bad line named, nothing created; then all), add people to a course.
import { test } from "node:test";
import assert from "node:assert/strict";
import { apiClient, logIn, withServerAndBrowser } from "./harness.mjs";

const env = withServerAndBrowser();

test("the operator manages accounts and course members from the page", { timeout: 90_000 }, async () => {
  const page = await (await env.browser.newContext({ locale: "en-US" })).newPage();
  await logIn(page, env.server.url, "admin", "admin-demo");
  await page.getByRole("heading", { name: "Load", exact: true }).waitFor();
  await page.getByRole("link", { name: "Accounts" }).click();
  await page.getByRole("heading", { name: "Accounts", exact: true }).waitFor();

  // Find, then reset a password.
  await page.getByLabel("Login or name (empty: all)").fill("student 0005");
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.locator('tr[data-login="student0005"]');
  await row.waitFor();
  assert.equal(await page.locator("#acc-results tbody tr").count(), 1);
  await row.getByLabel("New password for student0005").fill("reset-by-op-1");
  await row.getByRole("button", { name: "Reset" }).click();
  await row.getByText("Reset: the account's sessions ended.").waitFor();
  assert.ok((await apiClient(env.server.url, "student0005", "reset-by-op-1")).token);
  // Disabled: no login; enabled again.
  await row.getByRole("button", { name: "Disable student0005" }).click();
  await row.getByText("Disabled").waitFor();
  await assert.rejects(apiClient(env.server.url, "student0005", "reset-by-op-1"), /403/, "a disabled account logged in");
  await row.getByRole("button", { name: "Enable student0005" }).click();
  await row.getByText("Active").waitFor();
  assert.ok((await apiClient(env.server.url, "student0005", "reset-by-op-1")).token);

  // Create an account in the demo course.
  await page.getByLabel("Login", { exact: true }).fill("nina.roux");
  await page.getByLabel("Name", { exact: true }).fill("Nina Roux");
  await page.getByLabel("Password (at least 8 characters)").fill("nina-pass-1");
  await page.locator("form").filter({ has: page.getByRole("heading", { name: "Create an account" }) }).getByLabel("Course").selectOption("demo-course");
  await page.getByRole("button", { name: "Create the account" }).click();
  await page.getByText("Account nina.roux created.").waitFor();
  const nina = await apiClient(env.server.url, "nina.roux", "nina-pass-1");
  assert.equal((await nina.call("GET", "/api/exams/demo-exam")).status, 200, "not enrolled in the course");

  // Import: a bad line is named and nothing is created; then the good file.
  const importForm = page.locator("form").filter({ has: page.getByRole("heading", { name: "Import accounts from a CSV file" }) });
  const upload = async (text) => {
    await importForm.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    await importForm.getByRole("button", { name: "Import" }).click();
  };
  await upload("login,name,password\nomar,Omar,long-pass-1\npia,Pia,short\n");
  await importForm.getByText(/^Line 3:/).waitFor();
  await assert.rejects(apiClient(env.server.url, "omar", "long-pass-1"), /401/, "a partial import");
  await upload("login,name,password\nomar,Omar,long-pass-1\npia,Pia,long-pass-2\n");
  await importForm.getByText("2 accounts created.").waitFor();

  // Add them to the course.
  const members = page.locator("form").filter({ has: page.getByRole("heading", { name: "Add people to a course" }) });
  await members.getByLabel("Logins (separated by spaces, commas or lines)").fill("omar, pia ghost");
  await members.getByRole("button", { name: "Add them" }).click();
  await members.getByText("There is no account with the login \u201cghost\u201d.").waitFor();
  await members.getByLabel("Logins (separated by spaces, commas or lines)").fill("omar, pia");
  await members.getByRole("button", { name: "Add them" }).click();
  await members.getByText("2 added to the course.").waitFor();
  const omar = await apiClient(env.server.url, "omar", "long-pass-1");
  assert.equal((await omar.call("GET", "/api/exams/demo-exam")).status, 200, "not added to the course");
});
