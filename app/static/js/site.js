// On every page: times in the reader's own time zone, and signing out forgets what this browser
// kept (answer drafts, preferences), so the next person at a shared computer cannot read them.

import { forgetEverything } from "./lib/storage.js";

const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
document.querySelectorAll("time[data-local]").forEach((el) => {
  const date = new Date(el.getAttribute("datetime"));
  if (isNaN(date)) return;
  el.title = el.textContent;
  el.textContent = format.format(date);
});

document.querySelectorAll("form.sign-out").forEach((form) => {
  form.addEventListener("submit", () => forgetEverything());
});
