"""Permission to use the District's logo (Policy 5:125, duty 7): staff ask, the superintendent
or designee grants it for a period, refuses it with a reason, or revokes it; every step is
audited. Screening honours a current grant: Check a draft and the API show the logo as a note
("permitted until ... for ..."), and without a grant (none, or an expired one) as a warning
with the link to ask."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.api.services import create_api_token
from chalkline.audit.models import AuditEvent
from chalkline.people.models import Person
from chalkline.people.roster_index import forget_roster_indexes, key_of
from chalkline.registry.models import DistrictLogo, LogoPermission
from chalkline.registry.services import add_district_logo
from chalkline.screening.tests.test_images import _jpeg, _logo, _photo
from conftest import World

TODAY = timezone.localdate()


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _ask(world: World, purpose: str = "Robotics team T-shirts") -> LogoPermission:
    response = _client(world, "teacher_north").post(
        reverse("registry:logo_request"), {"purpose": purpose, "details": "Front, 10 cm wide."}
    )
    assert response.status_code == 302, response.content
    return LogoPermission.objects.get(purpose=purpose)


def test_an_employee_asks_and_sees_the_request_on_their_page(world: World) -> None:
    permission = _ask(world)
    assert permission.person == world.users["teacher_north"].person
    assert permission.status == LogoPermission.Status.REQUESTED
    (event,) = _events("registry.logo_requested")
    assert event.actor_id == world.users["teacher_north"].pk
    assert event.target_id == str(permission.pk)
    page = _client(world, "teacher_north").get(reverse("registry:logo_mine")).content.decode()
    assert "Robotics team T-shirts" in page and "Requested" in page
    # another employee does not see it, on their page or as an object
    other = _client(world, "teacher_south")
    assert "Robotics" not in other.get(reverse("registry:logo_mine")).content.decode()
    grant = reverse("registry:logo_grant", args=[permission.pk])
    assert other.post(grant, {"starts_on": TODAY, "ends_on": TODAY}).status_code == 404
    # its author sees it, but may not grant it to themselves
    own = _client(world, "teacher_north")
    assert own.post(grant, {"starts_on": TODAY, "ends_on": TODAY}).status_code == 403
    assert own.get(reverse("registry:logo_review")).status_code == 403


def test_a_request_needs_a_purpose(world: World) -> None:
    response = _client(world, "teacher_north").post(reverse("registry:logo_request"), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not LogoPermission.objects.exists()


def test_the_designee_grants_for_a_period_and_the_employee_sees_it(world: World) -> None:
    permission = _ask(world)
    designee = _client(world, "designee")
    assert (
        "Robotics team T-shirts" in designee.get(reverse("registry:logo_review")).content.decode()
    )
    end = TODAY + datetime.timedelta(days=90)
    response = designee.post(
        reverse("registry:logo_grant", args=[permission.pk]),
        {"starts_on": TODAY.isoformat(), "ends_on": end.isoformat()},
    )
    assert response.status_code == 302
    permission.refresh_from_db()
    assert permission.status == LogoPermission.Status.GRANTED
    assert (permission.starts_on, permission.ends_on) == (TODAY, end)
    assert permission.decided_by == world.users["designee"]
    (event,) = _events("registry.logo_granted")
    assert event.before_data == {"status": "requested"}
    assert event.after_data == {
        "status": "granted",
        "starts_on": TODAY.isoformat(),
        "ends_on": end.isoformat(),
    }
    page = _client(world, "teacher_north").get(reverse("registry:logo_mine")).content.decode()
    assert "Granted" in page and end.strftime("%B") in page
    # and then revokes it, with a reason the employee reads
    response = designee.post(
        reverse("registry:logo_revoke", args=[permission.pk]), {"reason": "The season ended."}
    )
    assert response.status_code == 302
    permission.refresh_from_db()
    assert permission.status == LogoPermission.Status.REVOKED
    assert _events("registry.logo_revoked")[0].after_data == {
        "status": "revoked",
        "reason": "The season ended.",
    }
    assert "The season ended." in (
        _client(world, "teacher_north").get(reverse("registry:logo_mine")).content.decode()
    )


def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_changes(world: World) -> None:
    permission = _ask(world)
    response = _client(world, "superintendent").post(
        reverse("registry:logo_grant", args=[permission.pk]),
        {"starts_on": TODAY.isoformat(), "ends_on": (TODAY - datetime.timedelta(days=1))},
    )
    assert response.status_code == 400
    assert "Give the period of the permission." in response.content.decode()
    permission.refresh_from_db()
    assert permission.status == LogoPermission.Status.REQUESTED
    assert not _events("registry.logo_granted")


def test_refusing_needs_a_reason(world: World) -> None:
    permission = _ask(world)
    designee = _client(world, "designee")
    url = reverse("registry:logo_refuse", args=[permission.pk])
    response = designee.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Give the reason for refusing" in response.content.decode()
    assert designee.post(url, {"reason": "Use the athletics logo instead."}).status_code == 302
    permission.refresh_from_db()
    assert permission.status == LogoPermission.Status.REFUSED
    assert permission.reason == "Use the athletics logo instead."
    assert len(_events("registry.logo_refused")) == 1
    # a refused request cannot be granted afterwards
    response = designee.post(
        reverse("registry:logo_grant", args=[permission.pk]),
        {"starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "This permission is refused" in response.content.decode()


def test_the_designee_adds_a_logo_image_and_a_non_image_is_refused(world: World) -> None:
    designee = _client(world, "designee")
    url = reverse("registry:logo_image_add")
    bad = SimpleUploadedFile("logo.png", b"not an image at all" * 20, "image/png")
    response = designee.post(url, {"name": "District seal", "image": bad})
    assert response.status_code == 400
    assert "not a readable image" in response.content.decode()
    assert not DistrictLogo.objects.exists()
    good = SimpleUploadedFile("logo.jpg", _jpeg(_logo()), "image/jpeg")
    assert designee.post(url, {"name": "District seal", "image": good}).status_code == 302
    logo = DistrictLogo.objects.get()
    assert logo.name == "District seal" and len(logo.sha256) == 64
    assert _events("registry.logo_image_added")[0].after_data["name"] == "District seal"
    assert _client(world, "teacher_north").post(url, {"name": "x"}).status_code == 403
    remove = reverse("registry:logo_image_remove", args=[logo.pk])
    assert designee.post(remove).status_code == 302
    assert not DistrictLogo.objects.exists()
    assert len(_events("registry.logo_image_removed")) == 1


# --- screening honours the grants ----------------------------------------------------------


@pytest.fixture
def with_logo(world: World) -> None:
    add_district_logo(
        district=world.district,
        by=world.users["designee"],
        name="District seal",
        data=_jpeg(_logo()),
    )


def _photo_with_logo() -> bytes:
    return _jpeg(_photo(True))


def _teacher(world: World) -> Person:
    person = world.users["teacher_north"].person
    assert person is not None
    return person


def _grant(world: World, *, starts_on: datetime.date, ends_on: datetime.date) -> LogoPermission:
    return LogoPermission.objects.create(
        district=world.district,
        person=_teacher(world),
        purpose="the robotics team's T-shirts",
        requested_by=world.users["teacher_north"],
        status=LogoPermission.Status.GRANTED,
        starts_on=starts_on,
        ends_on=ends_on,
        decided_by=world.users["designee"],
        decided_at=timezone.now(),
    )


def _check_draft(world: World) -> str:
    image = SimpleUploadedFile("team.jpg", _photo_with_logo(), "image/jpeg")
    response = _client(world, "teacher_north").post(
        reverse("drafts:check"), {"text": "Go team!", "audience": "public", "image": image}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_check_a_draft_warns_about_the_logo_without_permission(
    world: World, with_logo: Any
) -> None:
    page = _check_draft(world)
    assert "shows the District logo (District seal); using it needs permission." in page
    assert (
        f'href="{reverse("registry:logo_request")}">Ask for permission to use the District logo'
        in page
    )


def test_check_a_draft_shows_a_granted_logo_as_permitted(world: World, with_logo: Any) -> None:
    end = TODAY + datetime.timedelta(days=30)
    _grant(world, starts_on=TODAY, ends_on=end)
    page = _check_draft(world)
    assert (
        f"you have permission to use it until {end.isoformat()} for the robotics team&#x27;s "
        "T-shirts." in page
    )
    assert "using it needs permission" not in page
    assert "Ask for permission to use the District logo" not in page


def test_an_expired_grant_no_longer_counts(world: World, with_logo: Any) -> None:
    _grant(
        world,
        starts_on=TODAY - datetime.timedelta(days=60),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    page = _check_draft(world)
    assert "using it needs permission" in page
    assert "you have permission" not in page
    mine = _client(world, "teacher_north").get(reverse("registry:logo_mine")).content.decode()
    assert "Expired" in mine


def _api_logo_findings(world: World) -> list[dict[str, Any]]:
    forget_roster_indexes()
    _, token = create_api_token(
        district=world.district, name="Hub", by=world.users["superintendent"]
    )
    body = {
        "text": "Go team!",
        "sender": {"role": "teacher", "id": key_of(_teacher(world))},
        "audience": {"kind": "public"},
        "attachments": [
            {
                "filename": "team.jpg",
                "content_base64": base64.b64encode(_photo_with_logo()).decode(),
            }
        ],
    }
    response = Client().post(
        "/api/v1/screen",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    return [f for f in response.json()["findings"] if f["detector"] == "district_logo"]


def test_the_api_honours_a_grant_and_links_to_ask_without_one(world: World, with_logo: Any) -> None:
    (finding,) = _api_logo_findings(world)
    assert finding["severity"] == "warn"
    assert finding["request_url"] == "http://testserver" + reverse("registry:logo_request")
    end = TODAY + datetime.timedelta(days=30)
    _grant(world, starts_on=TODAY, ends_on=end)
    (finding,) = _api_logo_findings(world)
    assert finding["severity"] == "info"
    assert finding["permitted_until"] == end.isoformat()
    assert finding["permitted_for"] == "the robotics team's T-shirts"
    assert "request_url" not in finding


def test_the_audit_page_links_a_decision_to_the_review_list(world: World) -> None:
    permission = _ask(world)
    designee = _client(world, "designee")
    designee.post(
        reverse("registry:logo_refuse", args=[permission.pk]), {"reason": "Not for fundraising."}
    )
    page = _client(world, "superintendent").get(reverse("audit:events")).content.decode()
    assert "Refused permission to use the District logo" in page
    assert f'href="{reverse("registry:logo_review")}#logo-{permission.pk}"' in page
