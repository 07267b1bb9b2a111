// The interview page: autosave, a countdown kept in step with the server, conflict handling and
// the code-friendly answer box. Without this script the page still works: every button posts
// the answer with the form.

import { announcement, createCountdown, crossedMark, formatClock, timerLevel } from "../lib/clock.js";
import { getJSON, postForm, postJSON } from "../lib/http.js";
import { draftKey, readDraft, removeKey, writeDraft } from "../lib/storage.js";
import { createAutosave, createState } from "./autosave.js";
import { attachCodeBox } from "./code-box.js";

const STATUS_CHECK_MS = 60000; // while visible, ask the server now and then what it holds
const TICK_MS = 250;

const byId = (id) => document.getElementById(id);
const root = byId("interview");

if (root) start();

function start() {
  const form = byId("answer-form");
  const textarea = byId("text");
  const revisionInput = byId("revision");
  const flagInput = byId("flagged");
  const saveState = byId("save-state");
  const timer = byId("timer");
  const timerLabel = byId("timer-label");
  const announcer = byId("time-announcer");
  const wordCount = byId("word-count");
  const conflictBox = byId("conflict");
  const conflictText = byId("conflict-text");
  const timeoutForm = byId("timeout-form");

  const data = root.dataset;
  const marks = data.marks.split(",").map(Number);
  const maxChars = parseInt(textarea.getAttribute("maxlength"), 10);
  const key = draftKey(data.saveUrl);
  const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

  const countdown = createCountdown(parseFloat(data.remaining), () => performance.now());
  let lastTick = performance.now();
  let previousLeft = null;
  let clockInterval = null;

  const view = {
    reviewUrl: data.reviewUrl,
    text: () => textarea.value,
    setText(value) {
      textarea.value = value;
      updateCounts();
    },
    flagged: () => flagInput.checked,
    setRevision(revision) {
      revisionInput.value = String(revision);
    },
    status(text, kind) {
      if (saveState.textContent !== text) saveState.textContent = text; // announced only when it changes
      saveState.dataset.kind = kind || "";
    },
    showConflict(text) {
      conflictText.textContent = text;
      conflictBox.hidden = false;
      conflictBox.scrollIntoView({ block: "nearest" });
    },
    hideConflict() {
      conflictBox.hidden = true;
    },
    markNav(answered, flagged) {
      const current = form.querySelector('.nav-question[aria-current="step"]');
      if (!current) return;
      current.classList.toggle("answered", !!answered);
      current.classList.toggle("unanswered", !answered);
      current.classList.toggle("flagged", !!flagged);
      const n = current.dataset.position;
      current.setAttribute("aria-label", "Question " + n + ", " + (answered ? "answered" : "unanswered") + (flagged ? ", flagged" : ""));
    },
    syncClock(seconds) {
      countdown.sync(seconds);
      tick();
    },
    readOnly() {
      textarea.readOnly = true;
    },
  };

  const autosave = createAutosave({
    state: createState({
      revision: parseInt(revisionInput.value, 10),
      savedText: data.savedText,
      savedFlag: data.savedFlag === "true",
      lastSavedAt: data.savedAt ? new Date(data.savedAt) : null,
    }),
    view,
    send: (body, keepalive) => postJSON(data.saveUrl, body, { keepalive }),
    submit: () => postForm(data.submitUrl, new FormData(timeoutForm)),
    drafts: {
      read: () => readDraft(key),
      keep: (text, revision) => writeDraft(key, text, revision),
      drop: () => removeKey(key),
    },
    navigate(url, delay) {
      setTimeout(() => window.location.assign(url), delay);
    },
    formatTime: (date) => timeFormat.format(date),
  });
  const state = autosave.state;

  // --- the clock -----------------------------------------------------------------------------
  function tick() {
    const now = performance.now();
    if (document.visibilityState === "visible") state.pendingSeconds += Math.max(0, now - lastTick) / 1000;
    lastTick = now;
    const left = countdown.left();
    timer.textContent = formatClock(left);
    const { level, label } = timerLevel(left, marks);
    if (timer.dataset.level !== level) {
      timer.dataset.level = level;
      timerLabel.textContent = label;
    }
    const mark = crossedMark(previousLeft, left, marks);
    if (mark !== null) announcer.textContent = announcement(mark);
    previousLeft = left;
    if (left <= 0) {
      clearInterval(clockInterval);
      autosave.timeUp();
    }
  }

  // On waking up the clock follows the server's; the periodic check is for the answer and
  // the attempt's state only, so that a countdown the user watches never jumps.
  async function checkStatus({ syncClock }) {
    try {
      const reply = await getJSON(data.statusUrl);
      if (!reply.ok) return;
      if (reply.data.state && reply.data.state !== "in_progress") {
        state.leaving = true;
        window.location.assign(reply.data.review_url);
        return;
      }
      if (syncClock && typeof reply.data.remaining_seconds === "number") view.syncClock(reply.data.remaining_seconds);
      autosave.checked(reply.data.answer);
    } catch {
      /* offline: the next check or save will tell */
    }
  }

  // --- counts --------------------------------------------------------------------------------
  function updateCounts() {
    const trimmed = textarea.value.trim();
    const words = trimmed ? trimmed.split(/\s+/).length : 0;
    let text = words + (words === 1 ? " word" : " words");
    const left = maxChars - textarea.value.length;
    if (left < 2000) text += " · " + left.toLocaleString() + " characters left";
    wordCount.textContent = text;
  }

  // --- events --------------------------------------------------------------------------------
  textarea.addEventListener("input", () => {
    updateCounts();
    autosave.typed();
  });
  textarea.addEventListener("paste", (event) => {
    const pasted = (event.clipboardData && event.clipboardData.getData("text")) || "";
    const room = maxChars - textarea.value.length + (textarea.selectionEnd - textarea.selectionStart);
    if (pasted.length > room) {
      view.status(
        "The pasted text was cut: an answer holds at most " + maxChars.toLocaleString() + " characters.",
        "error",
      );
    }
  });
  textarea.addEventListener("blur", () => {
    if (autosave.dirty()) autosave.save();
  });
  flagInput.addEventListener("change", () => autosave.save());
  byId("keep-mine").addEventListener("click", () => autosave.resolveConflict(false));
  byId("use-theirs").addEventListener("click", () => autosave.resolveConflict(true));

  form.addEventListener("submit", () => {
    // The form carries the text and the time spent; nothing is lost by leaving through it.
    autosave.leavingByForm();
    form.elements.seconds.value = String(Math.round(state.pendingSeconds));
    form.elements.opened_at.value = "";
  });

  window.addEventListener("online", () => autosave.online());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      autosave.hidden();
    } else {
      lastTick = performance.now();
      checkStatus({ syncClock: true });
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (!autosave.mayLeave()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  attachCodeBox({
    textarea,
    toggle: byId("code-box-toggle"),
    hint: byId("code-box-hint"),
    announcer: byId("code-box-announcer"),
  });

  // --- start ---------------------------------------------------------------------------------
  clockInterval = setInterval(tick, TICK_MS);
  setInterval(() => {
    if (document.visibilityState === "visible" && state.mode === "editing") checkStatus({ syncClock: false });
  }, STATUS_CHECK_MS);
  const refused = byId("conflict-server");
  if (refused) {
    refused.hidden = true; // the same choice as for an autosave is offered instead
    autosave.refusedAsStale(parseInt(data.staleRevision, 10));
  } else {
    autosave.start();
  }
  updateCounts();
  tick();
  root.dataset.ready = "true"; // the page is live: autosave and the clock run
}
