"""DraftCheck moved from ``screening`` to ``drafts`` in state only: a database migrated before
the move keeps its table and rows, and reads them through the new model."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from chalkline.drafts.models import DraftCheck
from chalkline.people.roles import Role
from conftest import make_district, make_user

BEFORE_THE_MOVE = [("screening", "0001_draft_checks"), ("drafts", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate the test database to ``targets``; the apps of the state there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_a_check_kept_before_the_move_is_readable_through_the_drafts_model() -> None:
    district = make_district()
    user = make_user(district, Role.EMPLOYEE)
    old_apps = _migrate(BEFORE_THE_MOVE)
    old_model = old_apps.get_model("screening", "DraftCheck")
    assert old_model._meta.db_table == DraftCheck._meta.db_table == "screening_draftcheck"
    kept = old_model.objects.create(
        district_id=district.pk,
        user_id=user.pk,
        audience="public",
        findings=2,
        blocks=1,
        warnings=1,
        by_detector={"student_name": 2},
        text="So proud of Maria Garcia!",
    )

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    check = DraftCheck.objects.get(pk=kept.pk)
    assert (check.district, check.user) == (district, user)
    assert (check.findings, check.blocks, check.warnings) == (2, 1, 1)
    assert check.by_detector == {"student_name": 2}
    assert check.text == "So proud of Maria Garcia!"
    assert check.get_audience_display() == "A public or social-media post"
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("drafts", "0001_draftcheck_from_screening") in applied
    assert ("screening", "0002_draftcheck_moved_to_drafts") in applied


def test_the_screening_app_no_longer_has_the_model_in_its_migration_state() -> None:
    loader = MigrationLoader(None)
    state = loader.project_state(loader.graph.leaf_nodes())
    assert ("drafts", "draftcheck") in state.models
    assert ("screening", "draftcheck") not in state.models
