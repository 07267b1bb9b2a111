// The private note of one answer saves itself a moment after typing stops (and when the box is
// left), says "Note saved", and knows whether something typed has not reached the server yet,
// so the page can warn before it is left. No DOM here: the page passes `send` and `show`.

export const NOTE_DELAY_MS = 1200;

const defaultTimers = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) };

export function createNoteSaver({ initial, send, show, timers = defaultTimers }) {
  let saved = initial; // what the server holds
  let current = initial; // what the box holds
  let inFlight = null; // the text on its way
  let timer = null;

  async function flush() {
    timers.clear(timer);
    if (current === saved || inFlight !== null) return;
    const text = current;
    inFlight = text;
    show("Saving note…", "saving");
    try {
      const reply = await send(text);
      inFlight = null;
      if (reply.ok) {
        saved = text;
        if (current === saved) show("Note saved", "saved");
        else flush(); // typed while it was on its way
      } else {
        show(reply.data.error || "Note not saved. Try again.", "error");
      }
    } catch {
      inFlight = null;
      show("Note not saved: you seem to be offline. It is still in the box; it will be sent when you type again.", "error");
    }
  }

  return {
    typed(text) {
      current = text;
      timers.clear(timer);
      if (current === saved) return;
      show("Unsaved note", "dirty");
      timer = timers.set(flush, NOTE_DELAY_MS);
    },
    flush,
    unsaved: () => current !== saved,
  };
}
