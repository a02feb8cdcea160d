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
    for (const m of src.matchAll(/"((?:home|op|live|attempts|map)\.[a-z_0-9]+)"/g)) keys.add(m[1]);
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
