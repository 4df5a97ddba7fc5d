"""Full-text search of the archive on PostgreSQL: a GIN index over ``to_tsvector('simple',
body)``, the very expression ``chalkline.messaging.archive`` searches with. 'simple' (no
stemming, no stop words) because the archive holds names and several languages. Built
CONCURRENTLY, so a large archive keeps taking messages while it is made. SQLite searches with
LIKE and needs no index."""

from typing import Any

from django.db import migrations

INDEX = "messaging_message_body_fts"
CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON messaging_message "
    "USING gin (to_tsvector('simple'::regconfig, body))"
)
DROP = f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}"


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("messaging", "0003_archive_exports_and_indexes")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
