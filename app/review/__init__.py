"""After an interview: the review of an attempt."""
