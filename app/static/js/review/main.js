// The review page: ratings and notes saved without leaving the page, keys 1–4 (as in Anki) for
// the answer that has the focus, and text this browser typed but never sent, handed in as late text.

import { postForm, postJSON } from "../lib/http.js";
import { DRAFT_PREFIX, keysStartingWith, readDraft, removeKey, saveUrlOf } from "../lib/storage.js";
import { attachFeedback } from "./feedback.js";
import { attachKeyPointChecks } from "./key_points.js";
import { createNoteSaver } from "./note.js";

const PHONE = "(max-width: 760px)";

const RATING_SETTLE_MS = 600; // arrow keys step through the grades: save the one the user settles on

async function sendRating(form) {
  const state = form.querySelector(".rating-state");
  state.textContent = "Saving…";
  try {
    const reply = await postForm(form.action, new FormData(form));
    state.textContent = reply.ok ? "Rated " + reply.data.name : reply.data.error || "Not saved. Try again.";
  } catch {
    state.textContent = "Not saved: you seem to be offline. Try again.";
  }
}

function attachRating(form) {
  let pending = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendRating(form);
  });
  form.querySelectorAll('input[type="radio"]').forEach((radio) => {
    radio.addEventListener("change", () => {
      clearTimeout(pending);
      pending = setTimeout(() => sendRating(form), RATING_SETTLE_MS);
    });
  });
}

function attachNote(form) {
  const box = form.querySelector("textarea");
  const state = form.querySelector(".note-state");
  if (!box || !state) return null;
  const saver = createNoteSaver({
    initial: box.value,
    send(text) {
      const data = new FormData(form);
      data.set(box.name, text);
      return postForm(form.dataset.noteUrl, data);
    },
    show(text, kind) {
      state.textContent = text;
      state.dataset.kind = kind;
    },
  });
  box.addEventListener("input", () => saver.typed(box.value));
  box.addEventListener("blur", () => saver.flush());
  return saver;
}

// Keys 1–4 act only inside an answer that has the focus (click it, or Tab into it).
function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (!["1", "2", "3", "4"].includes(event.key)) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (tag === "textarea" || tag === "select" || (tag === "input" && event.target.type !== "radio")) return;
  const item = event.target.closest && event.target.closest(".review-item");
  if (!item) return;
  const form = item.querySelector(".rating-form");
  const radio = form && form.querySelector('input[type="radio"][value="' + event.key + '"]');
  if (!radio) return;
  event.preventDefault();
  radio.checked = true;
  sendRating(form);
}

// Text typed in this browser that never reached the server: sent now, kept as late text.
async function sendLeftovers(review) {
  const keys = keysStartingWith(DRAFT_PREFIX + review.dataset.answersUrl);
  if (!keys.length) return;
  const results = await Promise.all(
    keys.map(async (key) => {
      const draft = readDraft(key);
      if (!draft) {
        removeKey(key);
        return false;
      }
      try {
        const reply = await postJSON(saveUrlOf(key), { text: draft.text, revision: draft.revision });
        if (!reply.ok) return false;
        removeKey(key);
        return !!reply.data.kept_late;
      } catch {
        return false;
      }
    }),
  );
  if (results.includes(true)) {
    const notice = document.getElementById("leftover-notice");
    notice.hidden = false;
    notice.textContent = "Text this browser had not sent before the end was added as late text. Reloading…";
    setTimeout(() => window.location.reload(), 1200);
  }
}

const notes = [];
document.querySelectorAll(".rating-form").forEach((form) => {
  attachRating(form);
  const saver = attachNote(form);
  if (saver) notes.push(saver);
  // Grades and notes save themselves: the button is for pages without this script.
  form.querySelector(".save-rating")?.setAttribute("hidden", "");
});
window.addEventListener("beforeunload", (event) => {
  if (notes.some((note) => note.unsaved())) {
    event.preventDefault();
    event.returnValue = "";
  }
});
// On a phone the reference answers fold, so the key points and answers come one after another.
if (window.matchMedia(PHONE).matches) {
  document.querySelectorAll("details.reference[open]").forEach((details) => details.removeAttribute("open"));
}
attachKeyPointChecks();
attachFeedback();
document.addEventListener("keydown", onKey);
const review = document.getElementById("review");
if (review) sendLeftovers(review);
