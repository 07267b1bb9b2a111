// Saving one answer: autosave, conflicts with a newer text saved elsewhere, going offline, and
// the end of the time. No DOM here: the page passes a `view` (what the user sees), `send` (the
// request) and `drafts` (the copy kept in this browser), so the rules run under Node's tests.
//
// Everything this module knows is in one `state` object (see createState); its `mode` says
// what the page is doing and replaces a set of independent flags.

export const SAVE_DELAY_MS = 2000;
export const FIRST_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 30000;
// Time spent is reported with a save; with nothing typed, a save for the time alone waits this long.
export const TIME_ONLY_SAVE_SECONDS = 15;
const RECENT_SENDS = 5;

export const MESSAGES = {
  saved: "Saved",
  saving: "Saving…",
  dirty: "Unsaved changes",
  restored: "Restored text this browser had not saved yet",
  conflict: "Not saved: another tab changed this answer",
  changedElsewhere: "Changed in another tab: choose which text to keep",
  signedOut: "You were signed out. Your text is kept in this browser: sign in again and reopen this question.",
  reload: "Reload the page to keep saving; your text is kept in this browser.",
  notSaved: "This answer could not be saved.",
  gone: "This interview no longer exists.",
  scriptFault: "This page could not handle the server's reply; your text is kept in this browser. Reload to go on.",
  late: "Time is up. Your last text was kept as late; opening the review…",
  submitting: "Time is up — submitting…",
  finalStopped:
    "Time is up. This page cannot save any more (signed out or expired); your text is kept in this browser and reaches the review when you open it signed in.",
  finalOffline: "Time is up. Your text is kept in this browser while the connection comes back — retrying…",
};

// One steady message while offline, whatever the retries do: when the server last had the text.
export function offlineMessage(lastSavedAt, formatTime) {
  return lastSavedAt
    ? "Offline — last saved " + formatTime(lastSavedAt) + ", will retry"
    : "Offline — not saved yet, will retry";
}

export function createState({ revision, savedText, savedFlag = false, lastSavedAt = null }) {
  return {
    mode: "editing", // "editing" | "conflict" (the user chooses between two texts) | "closed" (time is up)
    saving: false, // a save is on its way
    connection: "online", // "offline" from a failed save until one succeeds
    leaving: false, // the page is going elsewhere on purpose: no "unsaved changes" prompt
    revision, // the revision this tab's text is based on
    savedText, // what the server holds as far as this tab knows
    savedFlag,
    lastSavedAt, // a Date: the last time the server stored this answer's text
    pendingSeconds: 0, // time spent on the question not yet reported
    backoffMs: FIRST_BACKOFF_MS,
    recentSends: [], // {text, revision} this tab sent: a 409 answering one of them is our own save
    other: null, // {text, revision} of the other version while mode is "conflict"
  };
}

// A 409 whose stored text is one this tab sent, one revision on: two of our own saves crossed.
export function isOwnSave(recentSends, reply) {
  return recentSends.some((sent) => sent.text === reply.text && sent.revision + 1 === reply.revision);
}

const defaultTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id),
};

export function createAutosave({ state, view, send, submit, drafts, navigate, formatTime, timers = defaultTimers }) {
  let saveTimer = null;
  let retryTimer = null;

  const text = () => view.text();
  const dirty = () => text() !== state.savedText || view.flagged() !== state.savedFlag;

  function setRevision(revision) {
    state.revision = revision;
    view.setRevision(revision);
  }

  function keepDraft() {
    drafts.keep(text(), state.revision);
  }

  function scheduleSave(delay) {
    timers.clear(saveTimer);
    saveTimer = timers.set(() => save(), delay);
  }

  function cancelTimers() {
    timers.clear(saveTimer);
    timers.clear(retryTimer);
  }

  function post(body, keepalive) {
    state.recentSends.push({ text: body.text, revision: body.revision });
    if (state.recentSends.length > RECENT_SENDS) state.recentSends.shift();
    return send(body, keepalive);
  }

  function payload() {
    return { text: text(), revision: state.revision, flagged: view.flagged(), seconds: state.pendingSeconds };
  }

  function showSettled() {
    if (state.connection === "offline") view.status(offlineMessage(state.lastSavedAt, formatTime), "offline");
    else if (dirty()) view.status(MESSAGES.dirty, "dirty");
    else view.status(MESSAGES.saved, "saved");
  }

  async function save({ keepalive = false } = {}) {
    timers.clear(saveTimer);
    if ((state.saving && !keepalive) || state.mode !== "editing") return;
    if (!dirty() && state.pendingSeconds < TIME_ONLY_SAVE_SECONDS) return;
    state.saving = true;
    const body = payload();
    // Offline, the message stays put while retries go on: no flicker between two states.
    if (dirty() && state.connection === "online") view.status(MESSAGES.saving, "saving");
    let reply;
    try {
      reply = await post(body, keepalive);
    } catch {
      state.saving = false;
      if (state.mode !== "closed") offline(); // once time is up, the final save says what happens
      return;
    }
    state.saving = false;
    if (state.mode === "closed") return; // time ran out meanwhile: the final save sends the text again
    try {
      handleReply(reply.status, reply.data, body);
    } catch (error) {
      console.error(error); // a fault of this script: say so rather than claim anything
      keepDraft();
      view.status(MESSAGES.scriptFault, "error");
    }
  }

  function handleReply(status, data, sent) {
    if (status < 500) state.connection = "online"; // the server answered, whatever it said
    if (status === 200) {
      state.backoffMs = FIRST_BACKOFF_MS;
      state.pendingSeconds = Math.max(0, state.pendingSeconds - sent.seconds);
      setRevision(data.revision);
      if (data.status === "late") {
        late(data, sent);
        return;
      }
      state.savedText = sent.text;
      state.savedFlag = sent.flagged;
      if (data.saved_at) state.lastSavedAt = new Date(data.saved_at);
      view.markNav(data.answered, data.flagged);
      if (typeof data.remaining_seconds === "number") view.syncClock(data.remaining_seconds);
      if (dirty()) {
        keepDraft(); // typed while the save was on its way: the copy follows the new revision
        view.status(MESSAGES.dirty, "dirty");
        scheduleSave(SAVE_DELAY_MS);
      } else {
        drafts.drop();
        view.status(MESSAGES.saved, "saved");
      }
    } else if (status === 409) {
      if (isOwnSave(state.recentSends, data)) {
        // Two saves from this tab crossed: the stored text is ours, so just catch up.
        setRevision(data.revision);
        state.savedText = data.text;
        if (dirty()) save();
        else view.status(MESSAGES.saved, "saved");
      } else {
        showConflict(data, MESSAGES.conflict);
      }
    } else if (status === 401) {
      keepDraft();
      view.status(MESSAGES.signedOut, "error");
    } else if (status === 400) {
      keepDraft();
      view.status((data.error ? data.error + " " : "") + MESSAGES.reload, "error");
    } else if (status === 413 || status === 422) {
      view.status(data.error || MESSAGES.notSaved, "error");
    } else if (status === 404) {
      view.status(MESSAGES.gone, "error");
    } else if (status === 503 && data.error) {
      offline(data.error + " Retrying…"); // the server is up but cannot save just now
    } else {
      offline();
    }
  }

  function late(data, sent) {
    // The server closed the interview: what it received is kept as late text.
    state.mode = "closed";
    state.savedText = sent.text;
    if (text() !== sent.text || data.held === false) keepDraft(); // not kept by the server: keep it here
    else drafts.drop();
    view.status(MESSAGES.late, "late");
    state.leaving = true;
    navigate(data.review_url || view.reviewUrl, 1500);
  }

  function offline(message) {
    keepDraft();
    state.connection = "offline";
    view.status(message || offlineMessage(state.lastSavedAt, formatTime), "offline");
    timers.clear(retryTimer);
    retryTimer = timers.set(() => save(), state.backoffMs);
    state.backoffMs = Math.min(MAX_BACKOFF_MS, state.backoffMs * 2);
  }

  // --- a newer text saved elsewhere: the user chooses ---------------------------------------
  function showConflict(other, message) {
    state.mode = "conflict";
    state.other = { text: other.text, revision: other.revision };
    keepDraft();
    view.showConflict(other.text);
    view.status(message, "error");
  }

  function resolveConflict(useTheirs) {
    if (state.mode !== "conflict") return;
    const other = state.other;
    if (useTheirs) {
      view.setText(other.text);
      state.savedText = other.text;
      drafts.drop();
    }
    setRevision(other.revision);
    state.mode = "editing";
    state.other = null;
    view.hideConflict();
    if (useTheirs) view.status(MESSAGES.saved, "saved");
    else save();
  }

  // --- what the page finds when it starts ---------------------------------------------------
  // A copy left in this browser: typed here but never saved (put it back), or based on an
  // older revision than the server's (the user chooses).
  function restoreDraft() {
    const draft = drafts.read();
    if (!draft || draft.text === text()) {
      if (!dirty()) drafts.drop();
      return;
    }
    if (draft.revision === state.revision) {
      view.setText(draft.text);
      view.status(MESSAGES.restored, "dirty");
    } else {
      const server = { text: state.savedText, revision: state.revision };
      setRevision(draft.revision);
      view.setText(draft.text);
      showConflict(server, MESSAGES.conflict);
    }
  }

  // The form was refused as stale: until the user chooses, this page keeps the stale revision,
  // so nothing can overwrite the other text.
  function refusedAsStale(staleRevision) {
    const server = { text: state.savedText, revision: state.revision };
    setRevision(staleRevision);
    showConflict(server, MESSAGES.conflict);
  }

  function start() {
    restoreDraft();
    if (dirty() && state.mode === "editing") {
      view.status(MESSAGES.dirty, "dirty");
      scheduleSave(500);
    }
  }

  // --- events ----------------------------------------------------------------------------------
  function typed() {
    keepDraft();
    if (state.mode === "editing") {
      if (state.connection === "online") view.status(MESSAGES.dirty, "dirty");
      scheduleSave(SAVE_DELAY_MS);
    }
  }

  function online() {
    if (dirty()) save();
  }

  function hidden() {
    if (dirty()) save({ keepalive: true });
  }

  function leavingByForm() {
    state.leaving = true;
    timers.clear(saveTimer);
  }

  function mayLeave() {
    return state.leaving || !dirty();
  }

  // The server's view of this answer, from a status check: another tab may have stored a newer
  // text. The same text only moves the revision on; a different one asks the user to choose.
  function checked(answer) {
    if (!answer || state.mode !== "editing" || state.saving || answer.revision <= state.revision) return;
    if (answer.text === text()) {
      setRevision(answer.revision);
      state.savedText = answer.text;
      drafts.drop();
      showSettled();
      return;
    }
    showConflict(answer, MESSAGES.changedElsewhere);
  }

  // --- time is up: send the last text, then submit; keep trying until both are done ----------
  function timeUp() {
    if (state.mode === "closed") return;
    const inConflict = state.mode === "conflict";
    state.mode = "closed";
    view.readOnly(); // what is in the box is what gets sent
    cancelTimers();
    view.status(MESSAGES.submitting, "saving");
    if (inConflict) keepDraft(); // the user has not chosen: neither text overwrites the other
    return finish(FIRST_BACKOFF_MS, inConflict);
  }

  async function finish(delay, inConflict) {
    const body = payload();
    try {
      const reply = !inConflict && dirty() ? await post(body, true) : null;
      if (reply && reply.status === 200) {
        setRevision(reply.data.revision);
        if (reply.data.status === "late") {
          late(reply.data, body);
          return "late";
        }
        state.savedText = body.text;
        drafts.drop();
      } else if (reply && reply.status === 409) {
        keepDraft(); // another tab's text stays; this one reaches the review as late text
      } else if (reply && (reply.status === 400 || reply.status === 401)) {
        keepDraft();
        view.status(MESSAGES.finalStopped, "error");
        return "stopped";
      } else if (reply && reply.status >= 500) {
        throw new Error("server");
      }
      const submitted = await submit();
      if (!submitted.ok) throw new Error("not submitted");
      state.leaving = true;
      navigate(view.reviewUrl, 0);
      return "submitted";
    } catch {
      keepDraft();
      view.status(MESSAGES.finalOffline, "offline");
      timers.set(() => finish(Math.min(MAX_BACKOFF_MS, delay * 2), inConflict), delay);
      return "retrying";
    }
  }

  return {
    state,
    dirty,
    save,
    handleReply,
    resolveConflict,
    restoreDraft,
    refusedAsStale,
    start,
    typed,
    online,
    hidden,
    checked,
    leavingByForm,
    mayLeave,
    timeUp,
  };
}
