"use strict";
// Under-attack mode (src/guard/proof_of_work.h): before the server serves this browser, find a
// nonce such that SHA-256(challenge ":" nonce) starts with `bits` zero bits, and trade it at
// POST /api/proof for a pass (a cookie). Loaded by the pages (the login retries through it) and
// inlined into the challenge page that the server answers with while the mode is on.
(function () {
  const encoder = new TextEncoder();
  const zeroBits = (bytes) => {
    let n = 0;
    for (const b of bytes) {
      if (b !== 0) return n + Math.clz32(b) - 24;
      n += 8;
    }
    return n;
  };
  // Resolves to the nonce. Digests are asked for in batches: WebCrypto is asynchronous, so the
  // page stays responsive. Needs a secure context (HTTPS, or localhost).
  async function solve(challenge, bits, onProgress) {
    if (!(window.crypto && crypto.subtle)) throw new Error("insecure_context");
    const batch = 256;
    for (let start = 0; ; start += batch) {
      const digests = [];
      for (let n = start; n < start + batch; n++) {
        digests.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
      }
      const done = await Promise.all(digests);
      for (let i = 0; i < batch; i++) {
        if (zeroBits(new Uint8Array(done[i])) >= bits) return String(start + i);
      }
      if (onProgress) onProgress(start + batch, 2 ** bits);
    }
  }
  // Solves and redeems; resolves once this browser holds a pass.
  async function prove(challenge, bits, onProgress) {
    const nonce = await solve(challenge, bits, onProgress);
    const r = await fetch("/api/proof", {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ challenge, nonce }),
    });
    if (!r.ok) throw new Error("refused_" + r.status);
  }
  window.PupitreProof = { solve, prove };

  // The challenge page: solve, then load the page that was asked for.
  const meta = document.querySelector('meta[name="pupitre-challenge"]');
  if (!meta) return;
  const fr = (navigator.language || "").toLowerCase().startsWith("fr");
  const say = (en, frText) => { document.getElementById("status").textContent = fr ? frText : en; };
  const bar = document.getElementById("progress");
  say("Checking that this is a browser… this takes a second.",
      "Vérification que ceci est un navigateur… cela prend une seconde.");
  prove(meta.content, Number(meta.dataset.bits), (tried, expected) => {
    bar.value = Math.min(0.95, tried / (2 * expected));
  }).then(() => {
    bar.value = 1;
    say("Done. Loading Pupitre…", "C'est fait. Chargement de Pupitre…");
    location.reload();
  }).catch((e) => {
    if (String(e.message) === "insecure_context") {
      say("Pupitre is protecting itself from an attack, and this check needs a secure (https) address. Ask your school for the https link.",
          "Pupitre se protège d'une attaque, et cette vérification demande une adresse sécurisée (https). Demandez le lien https à votre établissement.");
    } else {
      say("The check did not go through. Reload the page to try again.",
          "La vérification n'a pas abouti. Rechargez la page pour réessayer.");
    }
  });
})();
