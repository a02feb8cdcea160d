// The results CSV as a teacher opens it: LibreOffice Calc (Debian's libreoffice-calc-nogui,
// headless) imports it, and its cells are plain numbers, plain text (an option's text, an essay
// without JSON quotes) and ISO 8601 times with the school's offset. No browser: the CSV is
// downloaded as the teacher's page does, then converted to a flat spreadsheet file and read.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiClient, examToml, startServer, STUDENT_PASSWORD, TEACHER, tempDir } from "./harness.mjs";

const dir = tempDir();
after(() => dir.remove());

// The sheet's rows, each cell {type, value, text} (a repeated cell counted once per column).
function readSheet(fods) {
  const decode = (s) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const rows = [];
  for (const row of fods.split("<table:table-row").slice(1)) {
    const body = row.slice(0, row.indexOf("</table:table-row>"));
    const cells = [];
    for (const m of body.matchAll(/<table:table-cell([^>]*?)(\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
      const attrs = m[1];
      const type = (/office:value-type="(\w+)"/.exec(attrs) || [])[1] || "empty";
      const value = (/office:value="([^"]*)"/.exec(attrs) || [])[1];
      const text = decode([...(m[3] || "").matchAll(/<text:p>([\s\S]*?)<\/text:p>/g)].map((p) => p[1].replace(/<[^>]+>/g, "")).join("\n"));
      const repeat = Number((/table:number-columns-repeated="(\d+)"/.exec(attrs) || [])[1] || 1);
      for (let i = 0; i < Math.min(repeat, 64); i++) cells.push({ type, value, text });
    }
    rows.push(cells);
  }
  return rows;
}

test("the results CSV opens in LibreOffice with numbers, text and times as they should be", { timeout: 120_000 }, async () => {
  const server = await startServer({ dataDir: dir.path, config: '[school]\ntime_zone = "Europe/Paris"' });
  try {
    const teacher = await apiClient(server.url, ...TEACHER);
    const extra = `
[[question]]
id = "q3"
type = "numeric"
text = "Speed of light, in km/s"
answer = 299792
tolerance = 500

[[question]]
id = "q4"
type = "essay"
text = "Why?"
points = 3.5
`;
    assert.equal((await teacher.call("POST", "/api/exams", examToml({ id: "calc", extra }))).status, 201);
    assert.equal((await teacher.call("POST", "/api/exams/calc/publish")).status, 200);
    const student = await apiClient(server.url, "student0006", STUDENT_PASSWORD);
    const id = (await student.call("POST", "/api/exams/calc/start")).data.attempt.id;
    for (const [q, value] of [["q1", 1], ["q2", "Jupiter"], ["q3", 299800.5], ["q4", 'He said "no", twice.']]) {
      assert.equal((await student.call("PUT", `/api/attempts/${id}/answers/${q}`, { seq: 1, value })).status, 200);
    }
    assert.equal((await student.call("POST", `/api/attempts/${id}/submit`)).status, 200);
    assert.equal((await teacher.call("PUT", `/api/attempts/${id}/grades/q4`, { points: 2.25 })).status, 200);
    const r = await fetch(`${server.url}/api/exams/calc/results.csv`, { headers: { Authorization: `Bearer ${teacher.token}` } });
    assert.equal(r.status, 200);
    const csvPath = join(dir.path, "results.csv");
    writeFileSync(csvPath, await r.text());

    // Comma-separated, double quotes, UTF-8 (76), from the first line: what Calc's dialog offers.
    execFileSync("soffice", [`-env:UserInstallation=file://${join(dir.path, "lo-profile")}`, "--headless",
      "--infilter=CSV:44,34,76,1", "--convert-to", "fods", "--outdir", dir.path, csvPath], { stdio: "pipe", timeout: 90_000 });
    const [header, row] = readSheet(readFileSync(join(dir.path, "results.fods"), "utf8"));
    const cell = (name) => {
      const i = header.findIndex((c) => c.text === name);
      assert.ok(i >= 0, `no column ${name}: ${header.map((c) => c.text).join(",")}`);
      return row[i];
    };
    assert.deepEqual(cell("login"), { type: "string", value: undefined, text: "student0006" });
    for (const [name, value] of [["attempt_id", String(id)], ["points", "5.25"], ["max_points", "6.5"],
      ["points_q3", "1"], ["points_q4", "2.25"], ["answer_q3", "299800.5"]]) {
      assert.equal(cell(name).type, "float", `${name} is not a number in Calc: ${JSON.stringify(cell(name))}`);
      assert.equal(cell(name).value, value, name);
    }
    assert.equal(cell("answer_q1").text, "7", "the option's text");
    assert.equal(cell("answer_q2").text, "Jupiter", "text without its JSON quotes");
    assert.equal(cell("answer_q4").text, 'He said "no", twice.');
    for (const name of ["started_at", "submitted_at"]) {
      assert.match(cell(name).text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$/, `${name}: ${cell(name).text}`);
    }
  } finally {
    await server.stop();
  }
});
