// The code-friendly answer box, an option the user turns on: monospace, Tab indents (Shift+Tab
// outdents), and Escape then Tab leaves the box, as code editors in browsers do. The default
// box keeps the browser's own Tab, so keyboard users are never trapped without asking for it.

import { CODE_BOX_KEY, readFlag, writeFlag } from "../lib/storage.js";

export const INDENT = "    ";
const ANNOUNCE_ON = "Code mode on: Tab indents. To leave the answer box, press Escape, then Tab.";
const ANNOUNCE_OFF = "Code mode off: Tab moves to the next control.";

// The edit for Tab (or Shift+Tab when `outdent`) at the selection [start, end): the range to
// replace, the text to put there, and the selection afterwards.
export function indentEdit(value, start, end, outdent) {
  const multiLine = value.slice(start, end).includes("\n");
  if (!outdent && !multiLine) {
    const caret = start + INDENT.length;
    return { from: start, to: end, insert: INDENT, selStart: caret, selEnd: caret };
  }
  const lineStart = value.lastIndexOf("\n", start - 1) + 1;
  const lastChar = end > start && value[end - 1] === "\n" ? end - 1 : end; // a selection ending at a line start leaves that line alone
  let lineEnd = value.indexOf("\n", lastChar);
  if (lineEnd === -1) lineEnd = value.length;
  let firstShift = 0;
  const lines = value
    .slice(lineStart, lineEnd)
    .split("\n")
    .map((line, i) => {
      let shift = INDENT.length;
      let next = INDENT + line;
      if (outdent) {
        const lead = /^( {1,4}|\t)/.exec(line);
        shift = lead ? -lead[0].length : 0;
        next = line.slice(-shift);
      }
      if (i === 0) firstShift = shift;
      return next;
    });
  const insert = lines.join("\n");
  if (multiLine) return { from: lineStart, to: lineEnd, insert, selStart: lineStart, selEnd: lineStart + insert.length };
  const caret = Math.max(lineStart, start + firstShift);
  return { from: lineStart, to: lineEnd, insert, selStart: caret, selEnd: Math.max(caret, end + firstShift) };
}

function apply(textarea, edit) {
  textarea.setSelectionRange(edit.from, edit.to);
  // insertText keeps the browser's undo history; where it is missing, edit the value directly.
  const done = textarea.ownerDocument.execCommand && textarea.ownerDocument.execCommand("insertText", false, edit.insert);
  if (!done) {
    textarea.setRangeText(edit.insert, edit.from, edit.to, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  textarea.setSelectionRange(edit.selStart, edit.selEnd);
}

// hint: the instructions, shown and tied to the box while the mode is on; announcer: a live
// region that tells screen readers when the mode changes.
export function attachCodeBox({ textarea, toggle, hint, announcer, storage }) {
  let on = false;
  let escaped = false; // Escape was pressed: the next Tab leaves the box
  const describedBy = textarea.getAttribute("aria-describedby") || "";

  function set(value) {
    on = value;
    toggle.checked = value;
    textarea.classList.toggle("code-box", value);
    textarea.setAttribute("aria-describedby", value ? (describedBy + " " + hint.id).trim() : describedBy);
    hint.hidden = !value;
  }

  textarea.addEventListener("keydown", (event) => {
    if (!on || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape") {
      escaped = true;
      return;
    }
    if (event.key !== "Tab") {
      if (event.key !== "Shift") escaped = false;
      return;
    }
    if (escaped) {
      escaped = false; // let the browser move the focus on
      return;
    }
    event.preventDefault();
    apply(textarea, indentEdit(textarea.value, textarea.selectionStart, textarea.selectionEnd, event.shiftKey));
  });
  textarea.addEventListener("blur", () => {
    escaped = false;
  });
  toggle.addEventListener("change", () => {
    set(toggle.checked);
    announcer.textContent = toggle.checked ? ANNOUNCE_ON : ANNOUNCE_OFF;
    writeFlag(CODE_BOX_KEY, toggle.checked, storage);
  });

  toggle.closest("[hidden]")?.removeAttribute("hidden"); // the option needs this script
  set(readFlag(CODE_BOX_KEY, storage));
  return { isOn: () => on };
}
