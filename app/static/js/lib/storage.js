// What Rehearse keeps in this browser's localStorage, under one prefix so that signing out can
// forget all of it: a copy of each answer until the server has it, and the user's preferences.
// Storage can be full or disabled: every function here then does nothing rather than fail.

export const PREFIX = "rehearse:";
export const DRAFT_PREFIX = PREFIX + "draft:";
export const CODE_BOX_KEY = PREFIX + "pref:code-box";

function store(storage) {
  if (storage) return storage;
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // reading localStorage itself can throw when storage is blocked
  }
}

// A draft is keyed by the URL its answer saves to, so the review page can send leftovers there.
export function draftKey(saveUrl) {
  return DRAFT_PREFIX + saveUrl;
}

export function saveUrlOf(key) {
  return key.startsWith(DRAFT_PREFIX) ? key.slice(DRAFT_PREFIX.length) : null;
}

export function readDraft(key, storage) {
  try {
    const draft = JSON.parse(store(storage).getItem(key) || "null");
    return draft && typeof draft.text === "string" ? draft : null;
  } catch {
    return null;
  }
}

export function writeDraft(key, text, revision, storage) {
  try {
    store(storage).setItem(key, JSON.stringify({ text, revision }));
  } catch {
    /* storage full or disabled: autosave still runs */
  }
}

export function removeKey(key, storage) {
  try {
    store(storage).removeItem(key);
  } catch {
    /* nothing was kept */
  }
}

export function keysStartingWith(prefix, storage) {
  const found = [];
  try {
    const s = store(storage);
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (key && key.startsWith(prefix)) found.push(key);
    }
  } catch {
    /* storage disabled: nothing kept */
  }
  return found;
}

// Signing out: the next person at a shared computer must not find anything typed here.
export function forgetEverything(storage) {
  keysStartingWith(PREFIX, storage).forEach((key) => removeKey(key, storage));
}

export function readFlag(key, storage) {
  try {
    return store(storage).getItem(key) === "on";
  } catch {
    return false;
  }
}

export function writeFlag(key, on, storage) {
  try {
    if (on) store(storage).setItem(key, "on");
    else store(storage).removeItem(key);
  } catch {
    /* the preference lasts for this page only */
  }
}
