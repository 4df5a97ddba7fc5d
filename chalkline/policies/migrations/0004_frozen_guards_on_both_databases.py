"""Published policy versions, guideline versions and their clauses are guarded by the one
append-only idiom (chalkline.lib.appendonly) on both databases: the UPDATE guard of migration
0002, plus a DELETE guard on SQLite too (the test runner's flush now switches guards off) and a
TRUNCATE guard on PostgreSQL. Drafts stay editable and deletable."""

import importlib

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from chalkline.lib.appendonly import Guard, guard_operation

_old = importlib.import_module("chalkline.policies.migrations.0002_frozen_versions_and_search")

MESSAGE = "frozen once published (a published version never changes)"
ISSUED = "OLD.status <> 'draft'"
FORWARD_ONLY = "NEW.status NOT IN (OLD.status, 'superseded')"

VERSION = Guard(
    table="policies_policyversion",
    name="policies_version",
    message=MESSAGE,
    when=ISSUED,
    columns=_old.VERSION_COLUMNS,
    update_when=FORWARD_ONLY,
)
GUIDELINE = Guard(
    table="policies_guidelineversion",
    name="policies_guideline_version",
    message=MESSAGE,
    when=ISSUED,
    columns=_old.GUIDELINE_COLUMNS,
    update_when=FORWARD_ONLY,
)
CLAUSE = Guard(
    table="policies_clause",
    name="policies_clause",
    message=MESSAGE,
    when="(SELECT status FROM policies_policyversion WHERE id = OLD.version_id) <> 'draft'",
    columns=("version_id", "clause_id", "kind", "marker", "text", "position", "parent_id"),
)

# migration 0002's triggers (its last create/first drop statements are the search index/table)
OLD_SQLITE_CREATE, OLD_SQLITE_DROP = _old.SQLITE_CREATE[:3], _old.SQLITE_DROP[1:]
OLD_PG_CREATE, OLD_PG_DROP = _old.PG_CREATE[:6], _old.PG_DROP[1:]


def _run(schema_editor: BaseDatabaseSchemaEditor, sqlite: list[str], pg: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for sql in sqlite if vendor == "sqlite" else pg if vendor == "postgresql" else []:
        schema_editor.execute(sql, params=None)


def drop_old(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, OLD_SQLITE_DROP, OLD_PG_DROP)


def restore_old(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, OLD_SQLITE_CREATE, OLD_PG_CREATE)


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_policy_import_records")]

    operations = [
        migrations.RunPython(drop_old, restore_old, elidable=False),
        guard_operation(VERSION, GUIDELINE, CLAUSE),
    ]
