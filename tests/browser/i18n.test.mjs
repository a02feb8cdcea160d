// Every string the pages use exists in English and in French, with the same placeholders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import vm from "node:vm";

const web = new URL("../../web/", import.meta.url);
const context = {};
vm.runInNewContext(`${readFileSync(new URL("i18n.js", web), "utf8")}; this.STRINGS = STRINGS;`, context);
const { en, fr } = context.STRINGS;

// Keys used in the pages: t("key") and t(`prefix.${...}`) with the prefix's keys listed.
function usedKeys() {
  const keys = new Set();
  for (const f of readdirSync(web).filter((n) => n.endsWith(".js") && n !== "i18n.js")) {
    const src = readFileSync(new URL(f, web), "utf8");
    for (const m of src.matchAll(/\bt\("([a-z_0-9.]+)"/g)) keys.add(m[1]);
    for (const m of src.matchAll(/"((?:home|op|live|attempts|map)\.[a-z_0-9]+)"/g)) {
      if (!m[1].endsWith(".js")) keys.add(m[1]);  // "live.js" is a file (P.lazyRoute), not a key
    }
  }
  return keys;
}
const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test("both languages have the same keys", () => {
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
});

test("every key the pages use is translated", () => {
  const keys = usedKeys();
  assert.ok(keys.size > 100, `found ${keys.size} keys`);
  for (const k of keys) {
    assert.ok(k in en, `missing in English: ${k}`);
    assert.ok(k in fr, `missing in French: ${k}`);
  }
});

test("translations keep their placeholders and are not left in English", () => {
  let same = 0;
  for (const k of Object.keys(en)) {
    assert.deepEqual(placeholders(fr[k]), placeholders(en[k]), `placeholders of ${k}`);
    if (fr[k] === en[k]) same++;
  }
  // A few strings are the same in both ("Questions", "{points} / {max} points"...).
  assert.ok(same < 12, `${same} strings are identical in both languages`);
});

// The reasons a sign-in through the school's provider (CAS, OpenID Connect) or a launch from its
// LMS (LTI) fails with: the login
// page says each in words (web/main.js), never a code.
test("every school sign-in reason has a sentence in both languages", () => {
  const src = new URL("../../src/", import.meta.url);
  const files = ["sso/cas.cc", "sso/identity.cc", "sso/jwt.cc", "sso/oidc.cc", "sso/oidc_client.cc",
    "api/sso_routes.cc", "api/oidc_routes.cc", "api/sso_common.cc", "auth/accounts.cc",
    "lti/lti_messages.cc", "lti/lti_tool.cc", "api/lti_routes.cc", "api/lti_score_routes.cc"];
  const reasons = new Set();
  for (const f of files) {
    const text = readFileSync(new URL(f, src), "utf8");
    for (const m of text.matchAll(/(?:Because|BackToLogin)\((?:c, )?"((?:sso|lti)_[a-z0-9_]+)"/g)) reasons.add(m[1]);
  }
  for (const r of ["sso_state", "sso_bad_token", "sso_busy", "sso_refused", "sso_not_allowed", "sso_local_account",
    "lti_replay", "lti_bad_launch", "lti_for_teachers", "lti_unknown_platform"]) {
    assert.ok(reasons.has(r), `the scan finds ${r} (found ${[...reasons].join(" ")})`);
  }
  for (const r of reasons) {
    assert.ok(`reason.${r}` in en && `reason.${r}` in fr, `no sentence for the reason ${r}`);
  }
});

// The reasons the importers give their problems (src/import, src/auth/users_csv.cc): each has its
// sentence in both languages, so a French teacher never reads an English problem.
test("every importer problem has a sentence in both languages", () => {
  const src = new URL("../../src/", import.meta.url);
  const files = ["import/toml/exam_toml.cc", "import/toml/question_toml.cc", "import/toml/exam_parser.h", "import/toml/nesting.cc",
    "import/qti/qti_exam.cc", "import/qti/qti_package.cc", "auth/users_csv.cc", "auth/accounts.cc",
    "bank/question_bank.cc", "api/bank_routes.cc"];
  const reasons = new Set();
  for (const f of files) {
    const text = readFileSync(new URL(f, src), "utf8");
    // Add(at, where, "reason", {...}, ...), Problem{line, message, "reason", ...}, Because("reason")
    for (const m of text.matchAll(/,\s*"([a-z][a-z0-9_]+)",\s*(?:\{|std::move\(params\))/g)) reasons.add(m[1]);
    for (const m of text.matchAll(/Because\("([a-z0-9_]+)"/g)) reasons.add(m[1]);
    for (const m of text.matchAll(/too_deep\("([a-z]+)"/g)) assert.ok(`nesting.${m[1]}` in en, `nesting.${m[1]}`);
  }
  for (const r of ["wrong_type", "unknown_key", "missing_key", "too_deep", "csv_header", "login_chars"]) {
    assert.ok(reasons.has(r), `the scan finds ${r} (found ${[...reasons].join(" ")})`);
  }
  for (const r of reasons) {
    assert.ok(`problem.${r}` in en || `reason.${r}` in en, `no sentence for the reason ${r}`);
  }
  const kinds = readFileSync(new URL("import/toml/toml_parts.h", src), "utf8");
  for (const m of kinds.matchAll(/return \{"([a-z_]+)", "an? [^"]+"\}/g)) assert.ok(`kind.${m[1]}` in en, `kind.${m[1]}`);
  const expected = [...kinds.matchAll(/Expected k\w+\{"([a-z_]+)"/g)].map((m) => m[1]);
  assert.ok(expected.includes("pairs") && [...kinds.matchAll(/return \{"([a-z_]+)", "an? /g)].length > 5, "the scan finds the kinds and expectations");
  for (const e of expected) assert.ok(`expected.${e}` in en, `expected.${e}`);
});
