"""Taking a timed interview: start, answer with autosave, submit."""
