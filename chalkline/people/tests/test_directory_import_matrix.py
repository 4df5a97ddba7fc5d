"""Role matrix for the directory-import, suggested-role and class pages: every persona × own
district / other district. 200 allowed, 403 visible but not allowed, 404 hidden."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.people.models import Enrollment, ImportBatch, RoleSuggestion, SchoolClass
from conftest import PERSONAS, World

MANAGERS = {"superintendent", "designee", "hr"}
ALL = set(PERSONAS)
SEES_NORTH = {"superintendent", "designee", "hr", "netadmin", "union_rep", "principal_north"}
SEES_NORTH |= {"teacher_north"}


@pytest.fixture
def things(world: World) -> dict[str, Any]:
    batch = ImportBatch.objects.create(
        district=world.district, source_name="a.zip", status=ImportBatch.Status.SUCCEEDED
    )
    other_batch = ImportBatch.objects.create(
        district=world.other_district, source_name="b.zip", status=ImportBatch.Status.SUCCEEDED
    )
    north_class = SchoolClass.objects.create(
        district=world.district, building=world.north, sourced_id="c-n", title="Algebra"
    )
    Enrollment.objects.create(
        district=world.district,
        school_class=north_class,
        person=world.student_north,
        sourced_id="e-n",
        role="student",
    )
    other_class = SchoolClass.objects.create(
        district=world.other_district, building=world.elsewhere, sourced_id="c-o", title="Art"
    )
    suggestion = RoleSuggestion.objects.create(
        district=world.district,
        person=world.staff_north,
        role="principal",
        sis_role="principal",
        building=world.north,
    )
    return {
        "batch": batch,
        "other_batch": other_batch,
        "north_class": north_class,
        "other_class": other_class,
        "suggestion": suggestion,
    }


GETS: dict[str, tuple[Callable[[dict[str, Any]], str], set[str], int]] = {
    "imports": (lambda t: reverse("people:imports"), MANAGERS | {"outsider"}, 403),
    "import_detail": (
        lambda t: reverse("people:import_detail", args=[t["batch"].pk]),
        MANAGERS,
        403,
    ),
    "import_detail_other_district": (
        lambda t: reverse("people:import_detail", args=[t["other_batch"].pk]),
        {"outsider"},
        403,
    ),
    "import_report": (
        lambda t: reverse("people:import_report", args=[t["batch"].pk]),
        MANAGERS,
        403,
    ),
    "role_suggestions": (
        lambda t: reverse("people:role_suggestions"),
        MANAGERS | {"outsider"},
        403,
    ),
    "class_north": (
        lambda t: reverse("people:class", args=[t["north_class"].pk]),
        SEES_NORTH,
        404,
    ),
    "class_other_district": (
        lambda t: reverse("people:class", args=[t["other_class"].pk]),
        {"outsider"},
        404,
    ),
}
# a manager of the district sees another district's batch as missing
EXCEPTIONS = {("import_detail_other_district", p): 404 for p in MANAGERS}
EXCEPTIONS[("import_detail", "outsider")] = 404
EXCEPTIONS[("import_report", "outsider")] = 404


@pytest.mark.parametrize("target", sorted(GETS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_get_matrix(world: World, things: dict[str, Any], persona: str, target: str) -> None:
    url, allowed, otherwise = GETS[target]
    client = Client()
    client.force_login(world.users[persona])
    expected = EXCEPTIONS.get((target, persona), 200 if persona in allowed else otherwise)
    assert client.get(url(things)).status_code == expected, (persona, target)


@pytest.mark.parametrize("persona", PERSONAS)
def test_upload_matrix(world: World, persona: str) -> None:
    client = Client()
    client.force_login(world.users[persona])
    response = client.post(reverse("people:import_upload"), {})
    # managers get the form back with "choose a file"; the others may not upload at all
    assert response.status_code == (400 if persona in MANAGERS | {"outsider"} else 403)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_decide_matrix(world: World, things: dict[str, Any], persona: str) -> None:
    client = Client()
    client.force_login(world.users[persona])
    url = reverse("people:role_suggestion_decide", args=[things["suggestion"].pk])
    response = client.post(url, {"decision": "dismiss"})
    expected = 302 if persona in MANAGERS else (404 if persona == "outsider" else 403)
    assert response.status_code == expected
    things["suggestion"].refresh_from_db()
    assert (things["suggestion"].status == "dismissed") == (persona in MANAGERS)


@pytest.mark.parametrize(
    "name",
    [
        "people:imports",
        "people:role_suggestions",
    ],
)
def test_anonymous_is_sent_to_sign_in(world: World, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
