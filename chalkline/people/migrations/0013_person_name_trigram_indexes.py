"""Trigram indexes on people's names (PostgreSQL only), so that a name fragment is found without
reading the whole directory: the message archive's sender and recipient searches
(``messaging.archive.matching_people``) and the directory's name filter ask
``name__icontains``, which Django writes as ``UPPER("given_name"::text) LIKE UPPER('%...%')``.
Each index is on that very expression with ``gin_trgm_ops`` (pg_trgm), so PostgreSQL answers
the three OR-ed name tests with a BitmapOr of the three indexes (archive18 at 136,000 people:
a 309 ms sequential scan per search). A fragment of fewer than three letters has no trigram and
is still scanned.

``pg_trgm`` ships with PostgreSQL (contrib) and is a trusted extension since PostgreSQL 13: the
database's owner may create it without superuser rights (docs/operations.md). Built
CONCURRENTLY, so a large directory keeps taking imports while they are made. SQLite has no such
index and scans (the embedded default's size)."""

from typing import Any

from django.db import migrations

COLUMNS = ("given_name", "family_name", "preferred_name")


def _index(column: str) -> str:
    return f"people_person_{column}_trgm"


def _create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {_index(column)} ON people_person "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def _drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_index(column)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("people", "0012_district_directory_generation")]

    operations = [migrations.RunPython(_create, _drop)]
