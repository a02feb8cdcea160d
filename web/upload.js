"use strict";
// Resumable uploads (tus 1.0.0, /api/uploads): a file goes in 1 MiB parts, each durable on the
// server when answered. A part that fails (a weak line, a closed laptop, a server restart) is
// sent again from the offset the server holds, after a pause that grows to 30 s; the upload's
// address is kept on this device, so that choosing the same file again after a reload resumes
// it instead of starting over.
(() => {
  const PART = 1024 * 1024;
  const TUS = { "Tus-Resumable": "1.0.0" };
  const keyOf = (file) => `pupitre.upload.${file.name}.${file.size}.${file.lastModified}`;
  const base64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function tus(method, url, headers, body) {
    const h = { ...TUS, ...headers };
    if (P.csrf) h["X-CSRF-Token"] = P.csrf;
    let r;
    try {
      r = await fetch(url, { method, headers: h, body, credentials: "same-origin", cache: "no-store" });
    } catch (e) {
      throw new P.ApiError(0, "offline", P.t("err.offline"));
    }
    if (r.ok) return r;
    const data = await r.json().catch(() => ({}));
    const err = (data && data.error) || {};
    const e = new P.ApiError(r.status, err.code || `http_${r.status}`, "", data);
    e.message = P.errorText(e);
    e.offset = r.headers.get("Upload-Offset");
    throw e;
  }

  // The server's offset for an upload it knows, or null when it does not (any more).
  async function offsetOf(url) {
    try {
      return Number((await tus("HEAD", url)).headers.get("Upload-Offset"));
    } catch (e) {
      if (e.status === 404) return null;
      throw e;
    }
  }

  // Sends `file`; calls onProgress(sent, total) as parts are stored and onRetry(ms) while it
  // waits to try again. Resolves with the upload's id, to name in the request that uses it.
  // `signal` (an AbortSignal) stops it between parts.
  P.uploadFile = async (file, { onProgress = () => {}, onRetry = () => {}, signal } = {}) => {
    const key = keyOf(file);
    let url = localStorage.getItem(key);
    let offset = url ? await offsetOf(url).catch(() => null) : null;
    if (offset === null) {
      const r = await tus("POST", "/api/uploads", { "Upload-Length": String(file.size), "Upload-Metadata": `filename ${base64(file.name)}` });
      url = r.headers.get("Location");
      offset = 0;
      localStorage.setItem(key, url);
    }
    onProgress(offset, file.size);
    let pause = 1000;
    while (offset < file.size) {
      if (signal && signal.aborted) throw new P.ApiError(0, "aborted", P.t("upload.stopped"));
      try {
        const r = await tus("PATCH", url, { "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
          file.slice(offset, offset + PART));
        offset = Number(r.headers.get("Upload-Offset"));
        pause = 1000;
        onProgress(offset, file.size);
      } catch (e) {
        if (e.status === 409 && e.offset !== null) { offset = Number(e.offset); continue; }
        if (e.status === 404) { localStorage.removeItem(key); throw e; }
        if (e.status !== 0 && e.status !== 503 && e.status !== 502 && e.status !== 504) throw e;
        // Offline or busy: wait, then ask the server where it stands and go on from there.
        onRetry(pause);
        await sleep(pause);
        pause = Math.min(pause * 2, 30000);
        const known = await offsetOf(url).catch(() => undefined);
        if (known === null) { localStorage.removeItem(key); throw e; }
        if (known !== undefined) offset = known;
      }
    }
    localStorage.removeItem(key);
    return url.slice(url.lastIndexOf("/") + 1);
  };

  // A size people read: "1.2 MB".
})();
