// The countdown: the server's remaining time counted down on a monotonic clock, and what the
// timer shows as the end nears. The marks come from the server (see timing.warning_marks).

export function formatClock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
}

// "5 minutes", "1 minute", "30 seconds", "2 minutes 30 seconds".
export function spokenDuration(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const parts = [];
  if (m) parts.push(m + (m === 1 ? " minute" : " minutes"));
  if (s || !m) parts.push(s + (s === 1 ? " second" : " seconds"));
  return parts.join(" ");
}

// Shorter, for the label beside the timer: "5 min", "30 s", "2 min 30 s".
export function shortDuration(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m && s) return m + " min " + s + " s";
  return m ? m + " min" : s + " s";
}

// marks: [warning, urgent] in seconds, warning > urgent. The level changes the timer's colour
// and its label, so that the change is told in words as well.
export function timerLevel(left, marks) {
  const [warning, urgent] = marks;
  if (left <= 0) return { level: "over", label: "Time is up" };
  if (left <= urgent) return { level: "urgent", label: "Less than " + shortDuration(urgent) + " left" };
  if (left <= warning) return { level: "warning", label: "Less than " + shortDuration(warning) + " left" };
  return { level: "calm", label: "Time left" };
}

// The mark crossed between two readings, for screen readers (not when a page opens already past it).
export function crossedMark(previousLeft, left, marks) {
  if (previousLeft === null || left <= 0) return null;
  const crossed = marks.filter((mark) => previousLeft > mark && left <= mark);
  return crossed.length ? Math.min(...crossed) : null;
}

export function announcement(mark) {
  return spokenDuration(mark) + " left.";
}

// Seconds left, from a deadline on the monotonic clock (performance.now): changing the
// computer's clock neither adds nor takes time.
export function createCountdown(remainingSeconds, now) {
  let deadline = now() + remainingSeconds * 1000;
  return {
    sync(seconds) {
      deadline = now() + seconds * 1000;
    },
    left() {
      return Math.max(0, Math.ceil((deadline - now()) / 1000));
    },
  };
}
