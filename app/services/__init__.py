"""Use cases that touch the database. Views call these; these never import Flask's request."""
