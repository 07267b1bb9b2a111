import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { INDENT, indentEdit } from "../../app/static/js/interview/code-box.js";

// The text after applying an edit, with the selection marked by [ and ].
function after(value, start, end, outdent = false) {
  const e = indentEdit(value, start, end, outdent);
  const text = value.slice(0, e.from) + e.insert + value.slice(e.to);
  return text.slice(0, e.selStart) + "[" + text.slice(e.selStart, e.selEnd) + "]" + text.slice(e.selEnd);
}

describe("Tab in the code-friendly answer box", () => {
  it("inserts an indent at the caret", () => {
    assert.equal(after("def f():\nreturn 1", 9, 9), "def f():\n" + INDENT + "[]return 1");
  });

  it("replaces a selection within a line", () => {
    assert.equal(after("a = bbb", 4, 7), "a = " + INDENT + "[]");
  });

  it("indents every selected line and keeps them selected", () => {
    assert.equal(after("one\ntwo\nthree", 1, 6), "[" + INDENT + "one\n" + INDENT + "two]\nthree");
  });

  it("leaves the line after a selection that ends at its start", () => {
    assert.equal(after("one\ntwo\n", 0, 4), "[" + INDENT + "one]\ntwo\n");
  });

  it("Shift+Tab outdents the caret's line, or every selected line", () => {
    assert.equal(after(INDENT + "x = 1", 5, 5, true), "x[] = 1");
    assert.equal(after("  a\n\tb\nc", 0, 8, true), "[a\nb\nc]");
    assert.equal(after("plain", 2, 2, true), "pl[]ain");
  });
});
