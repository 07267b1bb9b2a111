"""The database migrations (Alembic), installed with the package as `app.migrations`."""
