import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { NOTE_DELAY_MS, createNoteSaver } from "../../app/static/js/review/note.js";

const flush = () => new Promise((resolve) => setImmediate(resolve));

function setUp(initial = "") {
  const pending = new Map();
  let next = 1;
  const timers = {
    set(fn, ms) {
      pending.set(next, { fn, ms });
      return next++;
    },
    clear(id) {
      pending.delete(id);
    },
  };
  const sent = [];
  const replies = [];
  const shown = [];
  const saver = createNoteSaver({
    initial,
    timers,
    send(text) {
      sent.push(text);
      const reply = replies.shift();
      return reply === "offline" ? Promise.reject(new TypeError("offline")) : Promise.resolve(reply);
    },
    show: (text, kind) => shown.push([text, kind]),
  });
  async function runTimers() {
    const due = [...pending.values()];
    pending.clear();
    for (const t of due) await t.fn();
    await flush();
  }
  return { saver, sent, replies, shown, pending, runTimers };
}

describe("the private note", () => {
  it("saves itself a moment after typing stops and says so", async () => {
    const t = setUp();
    t.saver.typed("remember PMI");
    assert.equal(t.saver.unsaved(), true);
    assert.deepEqual(t.shown.at(-1), ["Unsaved note", "dirty"]);
    assert.deepEqual([...t.pending.values()].map((p) => p.ms), [NOTE_DELAY_MS]);
    t.replies.push({ ok: true, data: { note: "remember PMI" } });
    await t.runTimers();
    assert.deepEqual(t.sent, ["remember PMI"]);
    assert.deepEqual(t.shown.at(-1), ["Note saved", "saved"]);
    assert.equal(t.saver.unsaved(), false);
  });

  it("sends what was typed while a save was on its way, after it", async () => {
    const t = setUp();
    let release;
    t.replies.push(new Promise((resolve) => (release = resolve)));
    t.saver.typed("first");
    const first = t.saver.flush();
    t.saver.typed("first and second");
    await t.saver.flush(); // one at a time: nothing more is sent yet
    assert.deepEqual(t.sent, ["first"]);
    t.replies.push({ ok: true, data: {} });
    release({ ok: true, data: {} });
    await first;
    await flush();
    assert.deepEqual(t.sent, ["first", "first and second"]);
    assert.equal(t.saver.unsaved(), false);
  });

  it("offline or refused, the note stays unsaved and the page can warn", async () => {
    const t = setUp("old");
    t.saver.typed("new");
    t.replies.push("offline");
    await t.saver.flush();
    assert.equal(t.saver.unsaved(), true);
    assert.match(t.shown.at(-1)[0], /^Note not saved: you seem to be offline/);
    t.replies.push({ ok: false, data: { error: "Keep the note under 2,000 characters." } });
    await t.saver.flush();
    assert.deepEqual(t.shown.at(-1), ["Keep the note under 2,000 characters.", "error"]);
    assert.equal(t.saver.unsaved(), true);
  });

  it("typing back to the saved text needs no save", () => {
    const t = setUp("same");
    t.saver.typed("same");
    assert.equal(t.saver.unsaved(), false);
    assert.equal(t.pending.size, 0);
  });
});
