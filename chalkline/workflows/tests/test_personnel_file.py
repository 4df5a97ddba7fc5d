"""The personnel file (workflows): acknowledgments beside case outcomes and the employee's
rebuttal; inspection requests against 820 ILCS 40/2's deadline; notice before a disciplinary
record is disclosed (40/7); FOIA-releasable final outcomes; the district's own outcomes."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.cases import services
from chalkline.cases.models import Case, Disclosure, InspectionRequest, OutcomeType
from chalkline.outbox.models import Delivery
from conftest import PERSONAS, World


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _decided(world: World, code: str = "written_reprimand") -> Case:
    hr, teacher = world.users["hr"], world.users["teacher_north"]
    case = services.report_concern(
        district=world.district,
        by=world.users["guardian_north"],
        reporter_kind=Case.ReporterKind.GUARDIAN,
        kind=Case.Kind.COMMUNICATION,
        description="Snapchat messages to my daughter.",
        subject_position=Case.Position.STAFF,
    )
    services.triage_case(
        case=case, by=hr, investigator=world.users["principal_north"], subject=teacher.person
    )
    services.send_notice(case=case, by=hr, allegation="Messages on Snapchat.")
    services.record_findings(case=case, by=hr, findings="The messages were sent.")
    outcome = OutcomeType.objects.get(district=world.district, code=code)
    services.record_outcome(case=case, by=hr, outcome=outcome, text="Letter in the file.")
    return case


def _file(world: World) -> str:
    person = world.users["teacher_north"].person
    assert person is not None
    return reverse("personnel:file", args=[person.pk])


def test_the_outcome_appears_in_the_personnel_file_with_the_rebuttal(
    world: World, client: Client
) -> None:
    case = _decided(world)
    client.force_login(world.users["teacher_north"])
    page = client.get(_file(world))
    assert page.status_code == 200
    assert b"Acknowledgments" in page.content and b"Written reprimand" in page.content
    assert b"releasable under FOIA" in page.content
    response = client.post(reverse("cases:respond", args=[case.pk]), {"text": "I disagree."})
    assert response.status_code == 302
    page = client.get(_file(world))
    assert b"I disagree." in page.content and b"rebuttal" in page.content
    assert AuditEvent.objects.filter(action="cases.personnel_file_viewed").count() == 2


def test_a_coaching_outcome_stays_out_of_the_file(world: World, client: Client) -> None:
    _decided(world, code="coaching")
    client.force_login(world.users["hr"])
    page = client.get(_file(world))
    assert b"No case outcomes in the file." in page.content


def test_a_principal_sees_the_acknowledgments_but_not_the_outcomes(
    world: World, client: Client
) -> None:
    _decided(world)
    client.force_login(world.users["principal_north"])
    page = client.get(_file(world))
    assert page.status_code == 200 and b"Written reprimand" not in page.content


def test_an_inspection_request_is_tracked_against_seven_working_days(
    world: World, client: Client
) -> None:
    client.force_login(world.users["teacher_north"])
    response = client.post(reverse("personnel:inspect", args=[_file_pk(world)]))
    assert response.status_code == 302
    item = InspectionRequest.objects.get()
    assert item.due_on == services.working_days_after(timezone.localdate(), 7)
    assert (item.due_on - timezone.localdate()).days in {9, 10, 11}
    client.force_login(world.users["hr"])
    listed = client.get(reverse("cases:inspections"))
    assert b"Tess" in listed.content
    client.post(reverse("cases:inspection_extend", args=[item.pk]), {"reason": "Records offsite."})
    item.refresh_from_db()
    assert item.extended_reason == "Records offsite."
    client.post(reverse("cases:inspection_extend", args=[item.pk]), {"reason": "Again."})
    item.refresh_from_db()
    assert item.extended_reason == "Records offsite."  # once only
    client.post(reverse("cases:inspection_fulfil", args=[item.pk]))
    item.refresh_from_db()
    assert item.fulfilled_on == timezone.localdate()


def _file_pk(world: World) -> int:
    person = world.users["teacher_north"].person
    assert person is not None
    return person.pk


def test_working_days_skip_weekends() -> None:
    friday = datetime.date(2026, 12, 4)
    assert services.working_days_after(friday, 1) == datetime.date(2026, 12, 7)
    assert services.working_days_after(friday, 7) == datetime.date(2026, 12, 15)


def test_disclosure_needs_notice_on_or_before_the_day(world: World, client: Client) -> None:
    teacher_person = world.users["teacher_north"].person
    assert teacher_person is not None
    teacher_person.email = "tess@prairie.example.org"
    teacher_person.save(update_fields=["email"])
    case = _decided(world)
    client.force_login(world.users["hr"])
    today = timezone.localdate()
    response = client.post(
        reverse("cases:disclose", args=[case.pk]),
        {
            "recipient": "Another district",
            "basis": "notice",
            "notice_sent_on": (today + datetime.timedelta(days=1)).isoformat(),
            "disclosed_on": today.isoformat(),
        },
    )
    assert response.status_code == 400 and b"on or before the day" in response.content
    response = client.post(
        reverse("cases:disclose", args=[case.pk]),
        {
            "recipient": "Another district",
            "basis": "notice",
            "notice_sent_on": today.isoformat(),
            "disclosed_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    assert Disclosure.objects.get().recipient == "Another district"
    delivery = Delivery.objects.get(ref_type="cases.disclosure")
    assert delivery.to == "tess@prairie.example.org"
    client.force_login(world.users["teacher_north"])
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"is disclosed to Another district" in page.content


def test_only_a_disciplinary_outcome_is_disclosed(world: World, client: Client) -> None:
    case = _decided(world, code="coaching")
    client.force_login(world.users["hr"])
    response = client.post(
        reverse("cases:disclose", args=[case.pk]),
        {"recipient": "X", "basis": "legal", "disclosed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert not Disclosure.objects.exists()


def test_the_district_renames_and_extends_its_outcomes(world: World, client: Client) -> None:
    _decided(world)
    client.force_login(world.users["hr"])
    assert client.get(reverse("cases:outcomes")).status_code == 200
    reprimand = OutcomeType.objects.get(district=world.district, code="written_reprimand")
    response = client.post(
        reverse("cases:outcomes"),
        {
            "outcome": reprimand.pk,
            "label": "Letter of reprimand",
            "discipline": "on",
            "personnel_file": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    reprimand.refresh_from_db()
    assert reprimand.label == "Letter of reprimand"
    response = client.post(
        reverse("cases:outcomes"),
        {"label": "Mandatory retraining", "personnel_file": "on", "active": "on"},
    )
    assert response.status_code == 302
    added = OutcomeType.objects.get(district=world.district, label="Mandatory retraining")
    assert added.rank > reprimand.rank and not added.discipline
    assert client.post(reverse("cases:outcomes"), {"label": ""}).status_code == 400
    assert AuditEvent.objects.filter(action="cases.outcomes_changed").count() == 2


FILE_SEES = {"superintendent", "designee", "hr", "principal_north", "teacher_north"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_personnel_file_role_matrix(world: World, client: Client, persona: str) -> None:
    _decided(world)
    client.force_login(world.users[persona])
    page = client.get(_file(world))
    assert page.status_code == (200 if persona in FILE_SEES else 404), persona
    ask = client.post(reverse("personnel:inspect", args=[_file_pk(world)]))
    expected = 302 if persona == "teacher_north" else 403 if persona in FILE_SEES else 404
    assert ask.status_code == expected, persona
    shows_outcome = persona in {"superintendent", "designee", "hr", "teacher_north"}
    if page.status_code == 200:
        assert (b"Written reprimand" in page.content) == shows_outcome, persona


def test_anonymous_is_sent_to_sign_in(world: World, client: Client) -> None:
    for response in (
        client.get(_file(world)),
        client.post(reverse("personnel:inspect", args=[_file_pk(world)])),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
