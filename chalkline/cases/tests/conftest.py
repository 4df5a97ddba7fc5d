from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalkline.cases import services
from chalkline.cases.models import Case
from chalkline.people.models import User
from conftest import World


def report(world: World, persona: str = "guardian_north", **fields: Any) -> Case:
    """A concern reported by a signed-in persona (a guardian by default) about Tess Teacher."""
    user: User = world.users[persona]
    values: dict[str, Any] = {
        "kind": Case.Kind.COMMUNICATION,
        "description": "The teacher messaged my daughter on Snapchat late at night.",
        "subject_name": "Tess Teacher",
        "subject_position": Case.Position.STAFF,
        "building": world.north,
        "reporter_kind": Case.ReporterKind.GUARDIAN,
    }
    values.update(fields)
    return services.report_concern(district=world.district, by=user, **values)


def triaged(world: World, case: Case | None = None, **fields: Any) -> Case:
    """A reported case, triaged by HR: the principal of North investigates Tess Teacher."""
    case = case or report(world)
    teacher = world.users["teacher_north"]
    return services.triage_case(
        case=case,
        by=world.users["hr"],
        investigator=world.users["principal_north"],
        subject=teacher.person,
        **fields,
    )


def noticed(world: World) -> Case:
    case = triaged(world)
    return services.send_notice(
        case=case, by=world.users["hr"], allegation="Messaged a student on Snapchat."
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Evidence goes to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
