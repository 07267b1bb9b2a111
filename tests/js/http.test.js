import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { csrfToken, getJSON, postForm, postJSON } from "../../app/static/js/lib/http.js";

function recordingFetch(status, body) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return {
      status,
      ok: status >= 200 && status < 300,
      json: async () => (typeof body === "string" ? JSON.parse(body) : body),
    };
  };
  return { calls, fetchImpl };
}

describe("requests with the page's CSRF token", () => {
  it("reads the token from the page's meta tag", () => {
    const doc = { querySelector: (q) => (q === 'meta[name="csrf-token"]' ? { getAttribute: () => "tok" } : null) };
    assert.equal(csrfToken(doc), "tok");
    assert.equal(csrfToken({ querySelector: () => null }), "");
  });

  it("posts JSON with the token, same-origin, asking for JSON", async () => {
    const { calls, fetchImpl } = recordingFetch(200, { revision: 2 });
    const reply = await postJSON("/save", { text: "a" }, { fetchImpl, token: "tok", keepalive: true });
    assert.deepEqual(reply, { status: 200, ok: true, data: { revision: 2 } });
    const { init } = calls[0];
    assert.equal(init.method, "POST");
    assert.equal(init.keepalive, true);
    assert.equal(init.credentials, "same-origin");
    assert.equal(init.headers["X-CSRFToken"], "tok");
    assert.equal(init.headers.Accept, "application/json");
    assert.equal(init.body, JSON.stringify({ text: "a" }));
  });

  it("a reply that is not JSON still gives its status", async () => {
    const { fetchImpl } = recordingFetch(502, "<html>");
    assert.deepEqual(await postForm("/rate", {}, { fetchImpl, token: "t" }), { status: 502, ok: false, data: {} });
    assert.deepEqual(await getJSON("/status", { fetchImpl }), { status: 502, ok: false, data: {} });
  });

  it("a network failure rejects, for the caller to treat as offline", async () => {
    const fetchImpl = async () => {
      throw new TypeError("Failed to fetch");
    };
    await assert.rejects(postJSON("/save", {}, { fetchImpl, token: "t" }), TypeError);
  });
});
