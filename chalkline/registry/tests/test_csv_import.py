"""CSV import: the documented format; every error with its line and column; all or nothing."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.people.models import User
from chalkline.registry.models import App
from conftest import World

from .conftest import make_app

HEADER = "name,operator,operator_address,purpose,data_elements,domains,subcontractors,signed_on,expires_on,status\n"
GOOD = (
    HEADER
    + 'Seesaw,Seesaw Learning Inc.,"Fremont, CA",staff_family,student name;student work,seesaw.me;app.seesaw.me,AWS,2026-08-01,2027-07-31,approved\n'
    + 'Remind,Remind101 Inc.,"San Francisco, CA",staff_family,parent phone,remind.com,,2026-08-01,,\n'
)


def _upload(client: Client, text: str) -> Any:
    return client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile("apps.csv", text.encode(), "text/csv")},
    )


def test_it_imports_every_row(world: World, client: Client, superintendent: User) -> None:
    client.force_login(superintendent)
    response = _upload(client, GOOD)
    assert response.status_code == 302
    seesaw = App.objects.get(district=world.district, name="Seesaw")
    assert seesaw.status == App.Status.APPROVED
    assert seesaw.domain_list == ["seesaw.me", "app.seesaw.me"]
    assert seesaw.data_element_list == ["student name", "student work"]
    assert App.objects.get(name="Remind").expires_on is None
    event = AuditEvent.objects.get(action="registry.imported")
    assert json.loads(event.after) == {"apps": 2}


def test_every_error_is_reported_with_line_and_column_and_nothing_is_applied(
    world: World, client: Client, superintendent: User
) -> None:
    make_app(world.district, "Canvas")
    bad = (
        HEADER
        + "Seesaw,Seesaw Learning Inc.,,staff_family,,,,2026-08-01,2027-07-31,approved\n"
        + ",Nobody,,students,,,,2026-13-01,,maybe\n"
        + "canvas,Instructure,,staff_student,,,,,,\n"
        + "Zoom,Zoom Inc.,,staff_only,,,,2026-09-01,2026-08-01,\n"
    )
    client.force_login(superintendent)
    response = _upload(client, bad)
    assert response.status_code == 400
    page = response.content.decode()
    for expected in (
        "Line 3, column “name”: This value is required.",
        "Line 3, column “purpose”: “students” is not one of",
        "Line 3, column “status”: “maybe” is not one of",
        "Line 3, column “signed_on”: “2026-13-01” is not a date",
        "Line 4, column “name”: “canvas” is already registered.",
        "Line 5, column “expires_on”: The agreement expires before it is signed.",
    ):
        assert expected in page, expected
    assert not App.objects.filter(name__in=["Seesaw", "Zoom"]).exists()
    assert not AuditEvent.objects.filter(action="registry.imported").exists()


def test_a_missing_or_unknown_column_is_a_line_1_error(
    world: World, client: Client, superintendent: User
) -> None:
    client.force_login(superintendent)
    page = _upload(client, "name,purpose,colour\nSeesaw,staff_family,red\n").content.decode()
    assert "Line 1, column “operator”: This required column is missing." in page
    assert "Line 1, column “colour”: Unknown column." in page
    assert not App.objects.exists()


def test_a_short_row_is_reported_by_line(
    world: World, client: Client, superintendent: User
) -> None:
    client.force_login(superintendent)
    page = _upload(client, "name,operator,purpose\nSeesaw,Seesaw Inc.\n").content.decode()
    assert "Line 2: 2 fields; the header has 3." in page


def test_a_teacher_cannot_import(world: World, client: Client, teacher_north: User) -> None:
    client.force_login(teacher_north)
    assert _upload(client, GOOD).status_code == 403
    assert not App.objects.exists()
