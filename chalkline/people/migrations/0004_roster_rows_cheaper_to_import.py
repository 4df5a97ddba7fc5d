"""Roster tables cheaper to import (see ImportBatch's docstring and docs/benchmarks.md).

State: nine foreign keys lose their single-column index (a composite index leads with each), and
the five ``import_batch`` references lose their database constraint.

Database: on PostgreSQL, Django's AlterField would drop and re-add every one of those foreign
keys, re-checking millions of rows while holding exclusive locks that block every page. So on
PostgreSQL only the indexes and the five batch constraints are dropped, by name as the database
reports them (brief locks, nothing re-checked). Other databases (SQLite) take the AlterFields as
usual. Going back re-creates everything through the AlterFields on every database.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

# (model, field, target, related_name, nullable): the references that lose their own index
UNINDEXED = [
    ("affiliation", "building", "people.building", "affiliations", False),
    ("affiliation", "person", "people.person", "affiliations", False),
    ("enrollment", "district", "people.district", "+", False),
    ("enrollment", "person", "people.person", "enrollments", False),
    ("enrollment", "school_class", "people.schoolclass", "enrollments", False),
    ("guardianlink", "guardian", "people.person", "student_links", False),
    ("person", "district", "people.district", "people", False),
    ("schoolclass", "building", "people.building", "classes", True),
    ("schoolclass", "district", "people.district", "classes", False),
]
# the models whose import_batch reference loses its database constraint
BATCH_REFERENCING = ["affiliation", "enrollment", "guardianlink", "person", "schoolclass"]


def drop_on_postgresql(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        for model, field, *_ in UNINDEXED:
            table, column = f"people_{model}", f"{field}_id"
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if (
                    info["index"]
                    and info["columns"] == [column]
                    and not (info["unique"] or info["primary_key"] or info["foreign_key"])
                ):
                    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
        for model in BATCH_REFERENCING:
            table = f"people_{model}"
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["foreign_key"] and info["columns"] == ["import_batch_id"]:
                    schema_editor.execute(
                        f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}"
                    )


class PostgresFastAlterField(migrations.AlterField):
    """AlterField whose forward database change is drop_on_postgresql's on PostgreSQL."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        # AlterField goes back by running its forward change between the swapped states: call
        # that one, not the PostgreSQL short cut above
        migrations.AlterField.database_forwards(
            self, app_label, schema_editor, from_state, to_state
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_import_fingerprint"),
    ]

    operations = [
        migrations.RunPython(drop_on_postgresql, migrations.RunPython.noop, elidable=False),
        *(
            PostgresFastAlterField(
                model_name=model,
                name=field,
                field=models.ForeignKey(
                    blank=nullable,
                    db_index=False,
                    null=nullable,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name=related_name,
                    to=target,
                ),
            )
            for model, field, target, related_name, nullable in UNINDEXED
        ),
        *(
            PostgresFastAlterField(
                model_name=model,
                name="import_batch",
                field=models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    db_index=False,
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="+",
                    to="people.importbatch",
                ),
            )
            for model in BATCH_REFERENCING
        ),
    ]
