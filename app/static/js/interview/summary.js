// The summary before submitting: the clock keeps counting down, and when the time is up the
// interview is submitted as the server would close it anyway.

import { createCountdown, formatClock, timerLevel } from "../lib/clock.js";

const summary = document.getElementById("summary");
if (summary) {
  const timer = document.getElementById("timer");
  const label = document.getElementById("timer-label");
  const marks = summary.dataset.marks.split(",").map(Number);
  const countdown = createCountdown(parseFloat(summary.dataset.remaining), () => performance.now());
  const interval = setInterval(() => {
    const left = countdown.left();
    timer.textContent = formatClock(left);
    const { level, label: text } = timerLevel(left, marks);
    if (timer.dataset.level !== level) {
      timer.dataset.level = level;
      label.textContent = text;
    }
    if (left <= 0) {
      clearInterval(interval);
      document.getElementById("finish-form").requestSubmit();
    }
  }, 250);
}
