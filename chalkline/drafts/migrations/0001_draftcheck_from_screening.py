"""DraftCheck, taken over from ``screening`` in state only: the table keeps its name
(``screening_draftcheck``) and its rows; nothing is created or copied in the database."""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("people", "0001_people_districts_roles"),
        ("screening", "0002_draftcheck_moved_to_drafts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DraftCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "audience",
                            models.CharField(
                                choices=[
                                    ("public", "A public or social-media post"),
                                    ("class", "A message to a class"),
                                    ("building", "A message to a building’s families"),
                                    ("family", "A message to one family"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("findings", models.PositiveIntegerField(default=0)),
                        ("blocks", models.PositiveIntegerField(default=0)),
                        ("warnings", models.PositiveIntegerField(default=0)),
                        ("notes", models.PositiveIntegerField(default=0)),
                        ("by_detector", models.JSONField(default=dict)),
                        ("had_image", models.BooleanField(default=False)),
                        (
                            "text",
                            models.TextField(
                                blank=True, help_text="Only when the employee chose to keep it."
                            ),
                        ),
                        (
                            "district",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="draft_checks",
                                to="people.district",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="draft_checks",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "screening_draftcheck",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["district", "user", "-created_at"],
                                name="draftcheck_user_idx",
                            )
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "findings",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                models.F("blocks"), "+", models.F("warnings")
                                            ),
                                            "+",
                                            models.F("notes"),
                                        ),
                                    )
                                ),
                                name="draft_check_counts_add_up",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
