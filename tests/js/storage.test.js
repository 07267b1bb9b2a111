import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  CODE_BOX_KEY,
  DRAFT_PREFIX,
  draftKey,
  forgetEverything,
  keysStartingWith,
  readDraft,
  readFlag,
  saveUrlOf,
  writeDraft,
  writeFlag,
} from "../../app/static/js/lib/storage.js";

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
    data,
  };
}

const brokenStorage = {
  get length() {
    throw new Error("denied");
  },
  getItem() {
    throw new Error("denied");
  },
  setItem() {
    throw new Error("quota");
  },
  removeItem() {
    throw new Error("denied");
  },
};

describe("what this browser keeps", () => {
  it("keys a draft by the URL its answer saves to, and back", () => {
    const key = draftKey("/attempts/3/answers/2");
    assert.equal(key, DRAFT_PREFIX + "/attempts/3/answers/2");
    assert.equal(saveUrlOf(key), "/attempts/3/answers/2");
    assert.equal(saveUrlOf("other"), null);
  });

  it("writes and reads a draft; anything else reads as none", () => {
    const storage = memoryStorage({ bad: "{not json", odd: JSON.stringify({ text: 5 }) });
    writeDraft("k", "typed", 3, storage);
    assert.deepEqual(readDraft("k", storage), { text: "typed", revision: 3 });
    assert.equal(readDraft("bad", storage), null);
    assert.equal(readDraft("odd", storage), null);
    assert.equal(readDraft("missing", storage), null);
  });

  it("signing out forgets drafts and preferences, and nothing else", () => {
    const storage = memoryStorage({ "another-site": "x" });
    writeDraft(draftKey("/attempts/1/answers/1"), "a", 0, storage);
    writeFlag(CODE_BOX_KEY, true, storage);
    assert.equal(keysStartingWith("rehearse:", storage).length, 2);
    forgetEverything(storage);
    assert.deepEqual([...storage.data.keys()], ["another-site"]);
    assert.equal(readFlag(CODE_BOX_KEY, storage), false);
  });

  it("storage that refuses everything is survived", () => {
    writeDraft("k", "typed", 1, brokenStorage);
    assert.equal(readDraft("k", brokenStorage), null);
    assert.deepEqual(keysStartingWith("rehearse:", brokenStorage), []);
    forgetEverything(brokenStorage);
    writeFlag(CODE_BOX_KEY, true, brokenStorage);
    assert.equal(readFlag(CODE_BOX_KEY, brokenStorage), false);
  });
});
