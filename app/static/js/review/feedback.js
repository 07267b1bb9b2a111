// "Ask for detailed feedback": the request can take many seconds, so the page says so, keeps the
// button from being pressed twice, and shows the model's reply (or why there is none) in place.

import { postForm } from "../lib/http.js";

async function ask(form) {
  const section = form.closest(".detailed-feedback");
  const button = form.querySelector(".ask-feedback");
  const state = form.querySelector(".feedback-state");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  state.textContent = "Asking… this can take up to " + form.dataset.timeout + " seconds.";
  try {
    const reply = await postForm(form.action, new FormData(form));
    if (!reply.ok) {
      state.textContent = reply.data.error || "No feedback this time. Try again later.";
      return;
    }
    const text = section.querySelector(".feedback-reply");
    text.innerHTML = reply.data.html; // rendered by the server as safe Markdown, raw HTML off
    text.hidden = false;
    section.querySelector(".feedback-source").textContent = "From " + reply.data.model + ", just now.";
    section.querySelector(".feedback-from").hidden = false;
    button.textContent = "Ask again";
    state.textContent = "";
  } catch {
    state.textContent = "Not sent: you seem to be offline. Try again.";
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

export function attachFeedback(doc = document) {
  doc.querySelectorAll("form.feedback-form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      ask(form);
    });
  });
}
