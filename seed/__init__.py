"""The question bank, installed with the package as `app.seed`."""
