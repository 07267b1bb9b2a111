// The user's own word on each key point, saved without leaving the page. The server's reply
// says what is stored; the page shows that, never what it hoped to store.

import { postForm } from "../lib/http.js";

const OWN_LABEL = { true: "You: made it", false: "You: not made", null: "" };

function percent(value) {
  return Math.round(value * 100) + "%";
}

// Shows the stored checks of one answer: the buttons pressed, the heading's count, the score.
export function showChecks(item, checks, checkedScore) {
  let yours = 0;
  item.querySelectorAll("li.key-point[data-index]").forEach((point) => {
    const own = Object.hasOwn(checks, point.dataset.index) ? checks[point.dataset.index] : null;
    point.querySelector(".kp-yes")?.setAttribute("aria-pressed", String(own === true));
    point.querySelector(".kp-no")?.setAttribute("aria-pressed", String(own === false));
    point.querySelector(".kp-clear")?.toggleAttribute("hidden", own === null);
    const label = point.querySelector(".kp-own");
    if (label) label.textContent = OWN_LABEL[own];
    if (own === true || (own === null && point.classList.contains("covered"))) yours += 1;
  });
  const any = Object.keys(checks).length > 0;
  const heading = item.querySelector(".kp-yours");
  if (heading) {
    heading.hidden = !any;
    heading.querySelector(".kp-yours-count").textContent = String(yours);
  }
  const chip = item.querySelector(".checked-chip");
  if (chip) {
    chip.hidden = !any || checkedScore === null;
    if (checkedScore !== null) chip.querySelector(".checked-value").textContent = percent(checkedScore);
  }
}

// The review's overall and category scores after a check: the server's figures, with the checks.
export function showTotals(doc, overall, checked, categories) {
  const box = doc.getElementById("overall");
  if (box && overall !== null && overall !== undefined) {
    box.querySelector(".overall-value").textContent = percent(overall);
    const meter = box.querySelector("meter");
    if (meter) meter.value = overall;
    box.querySelector(".overall-scorer")?.toggleAttribute("hidden", !checked);
  }
  Object.entries(categories || {}).forEach(([name, score]) => {
    const row = [...doc.querySelectorAll("tr[data-category]")].find((r) => r.dataset.category === name);
    if (!row) return;
    row.querySelector(".category-value").textContent = percent(score);
    const meter = row.querySelector("meter");
    if (meter) meter.value = score;
  });
}

export function attachKeyPointChecks(doc = document) {
  doc.querySelectorAll("form.kp-check").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const label = form.querySelector(".kp-own");
      const data = new FormData(form, event.submitter);
      label.textContent = "Saving…";
      try {
        const reply = await postForm(form.action, data);
        if (!reply.ok) {
          label.textContent = reply.data.error || "Not saved. Try again.";
          return;
        }
        showChecks(form.closest(".review-item"), reply.data.checks, reply.data.checked_score);
        showTotals(doc, reply.data.overall_score, reply.data.overall_checked, reply.data.categories);
      } catch {
        label.textContent = "Not saved: you seem to be offline. Try again.";
      }
    });
  });
  // A folded reference opens when a key point's "in the reference" link is followed.
  doc.querySelectorAll("a.kp-source").forEach((link) => {
    link.addEventListener("click", () => {
      link.closest(".review-item")?.querySelector("details.reference")?.setAttribute("open", "");
    });
  });
}
