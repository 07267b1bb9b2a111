// The interview page's save and conflict rules, driven as the page drives them, with a fake
// server, a fake browser store and timers run by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  FIRST_BACKOFF_MS,
  MESSAGES,
  SAVE_DELAY_MS,
  createAutosave,
  createState,
  isOwnSave,
  offlineMessage,
} from "../../app/static/js/interview/autosave.js";

const flush = () => new Promise((resolve) => setImmediate(resolve));

// Timers that run only when the test says so.
function manualTimers() {
  let next = 1;
  const pending = new Map();
  return {
    set(fn, ms) {
      const id = next++;
      pending.set(id, { fn, ms });
      return id;
    },
    clear(id) {
      pending.delete(id);
    },
    delays: () => [...pending.values()].map((t) => t.ms),
    async runAll() {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, t] of due) await t.fn();
      await flush();
    },
  };
}

// A server that answers each request with the next reply the test queued (or holds it).
function fakeServer() {
  const requests = [];
  const queued = [];
  return {
    requests,
    reply(status, data) {
      queued.push({ status, data });
    },
    offline() {
      queued.push("offline");
    },
    // The next request waits until the test calls the function returned here with a reply.
    hold() {
      let release;
      queued.push(new Promise((resolve) => (release = resolve)));
      return (status, data) => release({ status, ok: status < 300, data });
    },
    send(body, keepalive) {
      requests.push({ body, keepalive });
      const next = queued.shift();
      if (next === "offline" || next === undefined) return Promise.reject(new TypeError("Failed to fetch"));
      if (next instanceof Promise) return next;
      return Promise.resolve({ status: next.status, ok: next.status < 300, data: next.data });
    },
  };
}

function setUp({ text = "", revision = 0, savedText = text, draft = null, lastSavedAt = null } = {}) {
  const view = {
    box: text,
    flag: false,
    revisionField: revision,
    statuses: [],
    conflictShown: null,
    readOnlyNow: false,
    clock: null,
    nav: null,
    reviewUrl: "/attempts/1",
    text() {
      return this.box;
    },
    setText(value) {
      this.box = value;
    },
    flagged() {
      return this.flag;
    },
    setRevision(value) {
      this.revisionField = value;
    },
    status(message, kind) {
      this.statuses.push([message, kind]);
    },
    get lastStatus() {
      return this.statuses.at(-1);
    },
    showConflict(other) {
      this.conflictShown = other;
    },
    hideConflict() {
      this.conflictShown = null;
    },
    markNav(answered, flagged) {
      this.nav = { answered, flagged };
    },
    syncClock(seconds) {
      this.clock = seconds;
    },
    readOnly() {
      this.readOnlyNow = true;
    },
  };
  const store = { draft };
  const drafts = {
    read: () => store.draft,
    keep: (t, r) => {
      store.draft = { text: t, revision: r };
    },
    drop: () => {
      store.draft = null;
    },
  };
  const server = fakeServer();
  const timers = manualTimers();
  const navigations = [];
  const submits = [];
  const autosave = createAutosave({
    state: createState({ revision, savedText, lastSavedAt }),
    view,
    send: server.send,
    submit: () => {
      submits.push(true);
      return server.send({ submit: true }, false);
    },
    drafts,
    navigate: (url, delay) => navigations.push([url, delay]),
    formatTime: (date) => date.toISOString().slice(11, 16),
    timers,
  });
  return { autosave, view, store, server, timers, navigations, submits, state: autosave.state };
}

const saved = (revision, extra = {}) => ({
  status: "saved",
  revision,
  saved_at: "2026-05-04T09:03:00+00:00",
  answered: true,
  flagged: false,
  remaining_seconds: 100,
  ...extra,
});

describe("saving", () => {
  it("saves what was typed, keeps a copy until the server has it, then says Saved", async () => {
    const t = setUp();
    t.view.box = "Cosine similarity";
    t.autosave.typed();
    assert.deepEqual(t.store.draft, { text: "Cosine similarity", revision: 0 });
    assert.deepEqual(t.view.lastStatus, [MESSAGES.dirty, "dirty"]);
    assert.deepEqual(t.timers.delays(), [SAVE_DELAY_MS]);

    t.server.reply(200, saved(1));
    await t.timers.runAll();

    assert.equal(t.server.requests[0].body.text, "Cosine similarity");
    assert.equal(t.server.requests[0].body.revision, 0);
    assert.equal(t.state.revision, 1);
    assert.equal(t.view.revisionField, 1);
    assert.equal(t.store.draft, null);
    assert.deepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
    assert.deepEqual(t.view.nav, { answered: true, flagged: false });
    assert.equal(t.view.clock, 100);
    assert.equal(t.autosave.mayLeave(), true);
  });

  it("text typed while a save was on its way is saved next, on the new revision", async () => {
    const t = setUp();
    t.view.box = "first";
    const answer = t.server.hold();
    const pending = t.autosave.save();
    t.view.box = "first and more";
    t.autosave.typed();
    answer(200, saved(1));
    await pending;
    assert.equal(t.state.savedText, "first");
    assert.deepEqual(t.store.draft, { text: "first and more", revision: 1 });
    assert.deepEqual(t.view.lastStatus, [MESSAGES.dirty, "dirty"]);
    assert.equal(t.autosave.mayLeave(), false);
  });

  it("does not send when nothing changed and little time passed", async () => {
    const t = setUp({ text: "same" });
    await t.autosave.save();
    assert.equal(t.server.requests.length, 0);
    t.state.pendingSeconds = 20; // the time spent is worth reporting on its own
    t.server.reply(200, saved(0, { status: "unchanged" }));
    await t.autosave.save();
    assert.equal(t.server.requests.length, 1);
    assert.equal(t.state.pendingSeconds, 0);
  });
});

describe("conflicts", () => {
  it("a 409 from another tab's text shows both and saves nothing until the user chooses", async () => {
    const t = setUp({ text: "old", revision: 1 });
    t.view.box = "mine";
    t.server.reply(409, { status: "conflict", text: "theirs", revision: 2 });
    await t.autosave.save();
    assert.equal(t.state.mode, "conflict");
    assert.equal(t.view.conflictShown, "theirs");
    assert.deepEqual(t.store.draft, { text: "mine", revision: 1 });
    assert.deepEqual(t.view.lastStatus, [MESSAGES.conflict, "error"]);
    // Typing on does not send while the user has not chosen.
    t.view.box = "mine, longer";
    t.autosave.typed();
    await t.autosave.save();
    assert.equal(t.server.requests.length, 1);
    assert.equal(t.autosave.mayLeave(), false);
  });

  it("keeping this tab's text saves it over the other version's revision", async () => {
    const t = setUp({ text: "old", revision: 1 });
    t.view.box = "mine";
    t.server.reply(409, { status: "conflict", text: "theirs", revision: 2 });
    await t.autosave.save();
    t.server.reply(200, saved(3));
    t.autosave.resolveConflict(false);
    await flush();
    const last = t.server.requests.at(-1).body;
    assert.deepEqual([last.text, last.revision], ["mine", 2]);
    assert.equal(t.state.mode, "editing");
    assert.equal(t.view.conflictShown, null);
    assert.deepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
  });

  it("using the other version puts it in the box and forgets this tab's copy", async () => {
    const t = setUp({ text: "old", revision: 1 });
    t.view.box = "mine";
    t.server.reply(409, { status: "conflict", text: "theirs", revision: 2 });
    await t.autosave.save();
    t.autosave.resolveConflict(true);
    assert.equal(t.view.box, "theirs");
    assert.equal(t.state.revision, 2);
    assert.equal(t.store.draft, null);
    assert.equal(t.server.requests.length, 1);
    assert.deepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
  });

  it("a 409 answering this tab's own earlier save only catches up", async () => {
    const t = setUp({ text: "", revision: 0 });
    t.view.box = "typed";
    t.state.recentSends.push({ text: "typed", revision: 0 });
    t.server.reply(409, { status: "conflict", text: "typed", revision: 1 });
    await t.autosave.save();
    assert.equal(t.state.mode, "editing");
    assert.equal(t.state.revision, 1);
    assert.deepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
  });

  it("tells its own crossed saves from another tab's", () => {
    const sent = [{ text: "a", revision: 3 }];
    assert.equal(isOwnSave(sent, { text: "a", revision: 4 }), true);
    assert.equal(isOwnSave(sent, { text: "a", revision: 5 }), false);
    assert.equal(isOwnSave(sent, { text: "b", revision: 4 }), false);
  });

  it("a copy based on an older revision than the server's asks the user on reload", () => {
    const t = setUp({ text: "server text", revision: 4, draft: { text: "unsaved here", revision: 3 } });
    t.autosave.start();
    assert.equal(t.state.mode, "conflict");
    assert.equal(t.view.box, "unsaved here");
    assert.equal(t.state.revision, 3); // nothing can overwrite the newer text until the user chooses
    assert.equal(t.view.conflictShown, "server text");
    assert.equal(t.state.other.revision, 4);
  });

  it("a copy on the same revision is put back and saved", async () => {
    const t = setUp({ text: "saved", revision: 2, draft: { text: "saved and more", revision: 2 } });
    t.autosave.start();
    assert.equal(t.view.box, "saved and more");
    assert.deepEqual(t.timers.delays(), [500]);
    t.server.reply(200, saved(3));
    await t.timers.runAll();
    assert.equal(t.server.requests[0].body.text, "saved and more");
    assert.equal(t.store.draft, null);
  });

  it("a form refused as stale keeps the stale revision until the user chooses", () => {
    const t = setUp({ text: "server text", revision: 5 });
    t.view.box = "posted text";
    t.autosave.refusedAsStale(4);
    assert.equal(t.state.revision, 4);
    assert.equal(t.state.other.revision, 5);
    assert.equal(t.view.conflictShown, "server text");
  });
});

describe("a status check finds the stored text changed", () => {
  it("by another tab: the user is asked, even with no unsaved change here", () => {
    const t = setUp({ text: "older", revision: 1 });
    t.autosave.checked({ revision: 2, text: "newer, from another tab", flagged: false });
    assert.equal(t.state.mode, "conflict");
    assert.equal(t.view.conflictShown, "newer, from another tab");
    assert.deepEqual(t.view.lastStatus, [MESSAGES.changedElsewhere, "error"]);
    assert.notDeepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
  });

  it("to the text already in this box: the revision just moves on", () => {
    const t = setUp({ text: "older", revision: 1 });
    t.view.box = "same words";
    t.autosave.checked({ revision: 2, text: "same words", flagged: false });
    assert.equal(t.state.mode, "editing");
    assert.equal(t.state.revision, 2);
    assert.deepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
  });

  it("not at all: nothing changes", () => {
    const t = setUp({ text: "same", revision: 3 });
    t.autosave.checked({ revision: 3, text: "same", flagged: false });
    assert.equal(t.state.mode, "editing");
    assert.deepEqual(t.view.statuses, []);
  });
});

describe("offline", () => {
  it("keeps one steady message with the last save's time while retrying with back-off", async () => {
    const t = setUp({ text: "a", revision: 1, lastSavedAt: new Date("2026-05-04T09:03:00Z") });
    t.view.box = "a and b";
    t.server.offline();
    await t.autosave.save();
    const message = offlineMessage(new Date("2026-05-04T09:03:00Z"), (d) => d.toISOString().slice(11, 16));
    assert.equal(message, "Offline — last saved 09:03, will retry");
    assert.deepEqual(t.view.lastStatus, [message, "offline"]);
    assert.deepEqual(t.timers.delays(), [FIRST_BACKOFF_MS]);
    const fromNowOn = t.view.statuses.length - 1;
    // Retries and typing do not flicker through "Saving…" or "Unsaved changes".
    t.server.offline();
    await t.timers.runAll();
    t.view.box = "a and b and c";
    t.autosave.typed();
    t.server.offline();
    await t.timers.runAll();
    assert.deepEqual(new Set(t.view.statuses.slice(fromNowOn).map(([m]) => m)), new Set([message]));
    assert.deepEqual(t.store.draft, { text: "a and b and c", revision: 1 });
    // Back online: saved, and the message says so.
    t.server.reply(200, saved(2));
    await t.timers.runAll();
    assert.deepEqual(t.view.lastStatus, [MESSAGES.saved, "saved"]);
    assert.equal(t.state.connection, "online");
    assert.equal(t.state.backoffMs, FIRST_BACKOFF_MS);
  });

  it("says when nothing was ever saved", () => {
    assert.equal(
      offlineMessage(null, () => "never"),
      "Offline — not saved yet, will retry",
    );
  });

  it("doubles the wait between retries up to a limit", async () => {
    const t = setUp();
    t.view.box = "x";
    const waits = [];
    for (let i = 0; i < 7; i++) {
      t.server.offline();
      if (i === 0) await t.autosave.save();
      else await t.timers.runAll();
      waits.push(...t.timers.delays());
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

describe("replies that stop saving", () => {
  it("signed out: the text stays in this browser", async () => {
    const t = setUp();
    t.view.box = "typed";
    t.server.reply(401, { error: "You are signed out." });
    await t.autosave.save();
    assert.deepEqual(t.view.lastStatus, [MESSAGES.signedOut, "error"]);
    assert.deepEqual(t.store.draft, { text: "typed", revision: 0 });
  });

  it("too long: the server's message is shown", async () => {
    const t = setUp();
    t.view.box = "x".repeat(10);
    t.server.reply(413, { error: "Your answer is longer than 20,000 characters." });
    await t.autosave.save();
    assert.deepEqual(t.view.lastStatus, ["Your answer is longer than 20,000 characters.", "error"]);
  });

  it("late: the text was kept as late and the page opens the review", async () => {
    const t = setUp();
    t.view.box = "after the end";
    t.server.reply(200, { status: "late", revision: 0, review_url: "/attempts/9", kept_late: true });
    await t.autosave.save();
    assert.equal(t.state.mode, "closed");
    assert.deepEqual(t.navigations, [["/attempts/9", 1500]]);
    assert.equal(t.autosave.mayLeave(), true);
    assert.equal(t.store.draft, null);
  });

  it("the server up but unable to save: its message, a retry, and the text kept here", async () => {
    const t = setUp();
    t.view.box = "typed";
    t.server.reply(503, { error: "Not saved: the database is not answering." });
    await t.autosave.save();
    assert.deepEqual(t.view.lastStatus, ["Not saved: the database is not answering. Retrying…", "offline"]);
    assert.deepEqual(t.store.draft, { text: "typed", revision: 0 });
    assert.deepEqual(t.timers.delays(), [FIRST_BACKOFF_MS]);
  });

  it("late text the server did not hold stays in this browser", async () => {
    const t = setUp();
    t.view.box = "after the end";
    t.server.reply(200, { status: "late", revision: 0, review_url: "/attempts/9", held: false });
    await t.autosave.save();
    assert.deepEqual(t.store.draft, { text: "after the end", revision: 0 });
  });

  it("a fault in handling a reply keeps the text and says so", async () => {
    const t = setUp();
    t.view.box = "typed";
    t.view.markNav = () => {
      throw new Error("broken page");
    };
    t.server.reply(200, saved(1));
    const logged = console.error;
    console.error = () => {};
    try {
      await t.autosave.save();
    } finally {
      console.error = logged;
    }
    assert.deepEqual(t.view.lastStatus, [MESSAGES.scriptFault, "error"]);
    assert.deepEqual(t.store.draft, { text: "typed", revision: 1 });
  });
});

describe("time is up", () => {
  it("sends the last text, then submits and opens the review", async () => {
    const t = setUp();
    t.view.box = "final words";
    t.server.reply(200, saved(1));
    t.server.reply(200, {});
    const outcome = await t.autosave.timeUp();
    assert.equal(outcome, "submitted");
    assert.equal(t.view.readOnlyNow, true);
    assert.equal(t.server.requests[0].body.text, "final words");
    assert.equal(t.server.requests[0].keepalive, true);
    assert.equal(t.submits.length, 1);
    assert.deepEqual(t.navigations, [["/attempts/1", 0]]);
  });

  it("offline at the end: keeps the text and retries until both are done", async () => {
    const t = setUp();
    t.view.box = "typed in a tunnel";
    t.server.offline();
    assert.equal(await t.autosave.timeUp(), "retrying");
    assert.deepEqual(t.view.lastStatus, [MESSAGES.finalOffline, "offline"]);
    assert.deepEqual(t.store.draft, { text: "typed in a tunnel", revision: 0 });
    t.server.reply(200, saved(1));
    t.server.reply(200, {});
    await t.timers.runAll();
    assert.equal(t.submits.length, 1); // the first try failed before submitting
    assert.deepEqual(t.navigations, [["/attempts/1", 0]]);
  });

  it("in a conflict, neither text overwrites the other: this one stays in the browser", async () => {
    const t = setUp({ text: "old", revision: 1 });
    t.view.box = "mine";
    t.server.reply(409, { status: "conflict", text: "theirs", revision: 2 });
    await t.autosave.save();
    t.server.reply(200, {});
    assert.equal(await t.autosave.timeUp(), "submitted");
    assert.equal(t.server.requests.length, 2); // the 409'd save, then the submit: no overwrite
    assert.deepEqual(t.store.draft, { text: "mine", revision: 1 });
  });

  it("a save still on its way when time runs out does not change what the page says", async () => {
    const t = setUp();
    t.view.box = "typed in a tunnel";
    const release = t.server.hold();
    const pending = t.autosave.save();
    t.server.offline();
    const outcome = await t.autosave.timeUp();
    assert.equal(outcome, "retrying");
    release(0, {}); // the earlier save fails late, after the final save said where the text is
    await pending;
    assert.deepEqual(t.view.lastStatus, [MESSAGES.finalOffline, "offline"]);
  });

  it("signed out at the end: stops and says where the text is", async () => {
    const t = setUp();
    t.view.box = "typed";
    t.server.reply(401, {});
    assert.equal(await t.autosave.timeUp(), "stopped");
    assert.deepEqual(t.view.lastStatus, [MESSAGES.finalStopped, "error"]);
    assert.equal(t.submits.length, 0);
  });

  it("happens once", async () => {
    const t = setUp();
    t.server.reply(200, {});
    await t.autosave.timeUp();
    assert.equal(t.autosave.timeUp(), undefined);
    assert.equal(t.submits.length, 1);
  });
});
