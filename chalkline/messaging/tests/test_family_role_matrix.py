"""Every persona against every family-account page: invitations (index, a building, a class,
sending), contact restrictions (list, a student, ending one), preferences, the district's family
account settings; anonymous visitors on the claim and sign-in link pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.messaging.models import ContactRestriction
from chalkline.messaging.services import record_contact_restriction
from chalkline.messaging.tests.conftest import School
from conftest import PERSONAS

INVITERS = {"superintendent", "designee", "principal_north"}
# who sees North's directory without inviting its families: 403; everyone else: 404
SEES_NORTH = {"hr", "netadmin", "union_rep", "teacher_north"}
KEEPERS = {"superintendent", "designee", "principal_north"}
FAMILY = {"guardian_north", "student_north"}
MANAGERS = {"superintendent", "designee", "outsider"}


def _restriction(school: School) -> ContactRestriction:
    w = school.world
    return record_contact_restriction(
        district=w.district,
        guardian=w.guardian_north,
        student=w.student_north,
        kind="court_order",
        reference="R-1",
        starts_on=timezone.localdate(),
        ends_on=None,
        note="",
        by=w.users["superintendent"],
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_family_pages_get_matrix(client: Client, school: School, persona: str) -> None:
    w = school.world
    restriction = _restriction(school)
    client.force_login(w.users[persona])
    index = client.get(reverse("messaging:invitations")).status_code
    if persona in INVITERS - {"principal_north"}:
        assert index == 200, persona
    elif persona in {"principal_north", "outsider"}:  # one building: straight to it
        assert index == 302, persona
    else:
        assert index == 403, persona
    north = reverse("messaging:invitations_building", args=[w.north.pk])
    building = client.get(north).status_code
    in_class = client.get(north, {"class": school.math.pk}).status_code
    expected = 200 if persona in INVITERS else 403 if persona in SEES_NORTH else 404
    assert (building, in_class) == (expected, expected), persona
    restrictions = client.get(reverse("messaging:restrictions")).status_code
    keeps = persona in KEEPERS or persona == "outsider"
    assert restrictions == (200 if keeps else 403), persona
    student = client.get(
        reverse("messaging:restrictions_student", args=[w.student_north.pk])
    ).status_code
    assert student == (200 if persona in KEEPERS else 404 if keeps else 403), persona
    prefs = client.get(reverse("messaging:preferences")).status_code
    assert prefs == (200 if persona in FAMILY else 403), persona
    settings = client.get(reverse("messaging:family_settings")).status_code
    assert settings == (200 if persona in MANAGERS else 403), persona
    assert restriction.pk


@pytest.mark.parametrize("persona", PERSONAS)
def test_family_pages_post_matrix(client: Client, school: School, persona: str) -> None:
    w = school.world
    restriction = _restriction(school)
    client.force_login(w.users[persona])
    sent = client.post(
        reverse("messaging:invitations_building", args=[w.north.pk]), {"batch_key": persona}
    ).status_code
    expected = 302 if persona in INVITERS else 403 if persona in SEES_NORTH else 404
    assert sent == expected, persona
    ended = client.post(reverse("messaging:restriction_end", args=[restriction.pk])).status_code
    keeps = persona in KEEPERS or persona == "outsider"
    assert ended == (302 if persona in KEEPERS else 404 if keeps else 403), persona


def test_anonymous_visitors(client: Client, school: School) -> None:
    for name in ("invitations", "restrictions", "preferences", "family_settings"):
        response = client.get(reverse(f"messaging:{name}"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("messaging:request_sign_in_link")).status_code == 200
    assert client.get(reverse("messaging:claim", args=["x"])).status_code == 410
    assert client.get(reverse("messaging:sign_in_link", args=["x"])).status_code == 200


def test_posts_need_the_csrf_token(school: School) -> None:
    w = school.world
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.users["principal_north"])
    response = client.post(reverse("messaging:invitations_building", args=[w.north.pk]))
    assert response.status_code == 403
    client.force_login(w.users["guardian_north"])
    response = client.post(
        reverse("messaging:preferences"),
        {"language": "", "channel": "email", "cadence": "immediate"},
    )
    assert response.status_code == 403
