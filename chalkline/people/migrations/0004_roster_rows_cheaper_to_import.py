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

INDEXED = [
    ("people_person", "district_id"),
    ("people_affiliation", "person_id"),
    ("people_affiliation", "building_id"),
    ("people_guardianlink", "guardian_id"),
    ("people_schoolclass", "district_id"),
    ("people_schoolclass", "building_id"),
    ("people_enrollment", "district_id"),
    ("people_enrollment", "school_class_id"),
    ("people_enrollment", "person_id"),
]
BATCH_REFERENCING = [
    "people_person",
    "people_affiliation",
    "people_guardianlink",
    "people_schoolclass",
    "people_enrollment",
]


def drop_on_postgresql(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    with connection.cursor() as cursor:
        for table, column in INDEXED:
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if (
                    info["index"]
                    and info["columns"] == [column]
                    and not (info["unique"] or info["primary_key"] or info["foreign_key"])
                ):
                    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
        for table in BATCH_REFERENCING:
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
        PostgresFastAlterField(
            model_name="affiliation",
            name="building",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="affiliations",
                to="people.building",
            ),
        ),
        PostgresFastAlterField(
            model_name="affiliation",
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
        ),
        PostgresFastAlterField(
            model_name="affiliation",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="affiliations",
                to="people.person",
            ),
        ),
        PostgresFastAlterField(
            model_name="enrollment",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="people.district",
            ),
        ),
        PostgresFastAlterField(
            model_name="enrollment",
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
        ),
        PostgresFastAlterField(
            model_name="enrollment",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enrollments",
                to="people.person",
            ),
        ),
        PostgresFastAlterField(
            model_name="enrollment",
            name="school_class",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enrollments",
                to="people.schoolclass",
            ),
        ),
        PostgresFastAlterField(
            model_name="guardianlink",
            name="guardian",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="student_links",
                to="people.person",
            ),
        ),
        PostgresFastAlterField(
            model_name="guardianlink",
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
        ),
        PostgresFastAlterField(
            model_name="person",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="people",
                to="people.district",
            ),
        ),
        PostgresFastAlterField(
            model_name="person",
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
        ),
        PostgresFastAlterField(
            model_name="schoolclass",
            name="building",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="classes",
                to="people.building",
            ),
        ),
        PostgresFastAlterField(
            model_name="schoolclass",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="classes",
                to="people.district",
            ),
        ),
        PostgresFastAlterField(
            model_name="schoolclass",
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
        ),
    ]
