"""Django's SQLite backend, with a JSON support probe that never waits for a write lock."""
