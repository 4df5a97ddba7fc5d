"""The records officer's pages through HTTP: the role matrix (403 without
MANAGE_RECORDS_RETENTION, 404 for another district's certificate or hold), entering a schedule
item and a certificate with a real PDF scan, placing and releasing a hold, the confirm-first
disposal run (a double submit disposes once) and the ugly inputs."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from fpdf import FPDF

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import (
    DisposalCertificate,
    DisposalRun,
    LegalHold,
    Message,
    RetentionSchedule,
    Tombstone,
)
from chalkline.messaging.services import place_legal_hold
from chalkline.messaging.tests.conftest import School
from chalkline.messaging.tests.retention_helpers import (
    at,
    records_officer,
    schedule_and_certificate,
    send_family_message,
)
from chalkline.people.roles import Role
from conftest import PERSONAS, make_user

KEEPS_RECORDS = {"superintendent", "designee", "records"}
NOW = at(2026, 12, 6)


def _pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Local Records Disposal Certificate DC-2026-001")
    return bytes(pdf.output())


LISTS = ["schedules", "certificates", "holds", "disposal"]


@pytest.mark.parametrize("persona", [*PERSONAS, "records", "registrar"])
def test_records_pages_role_matrix(client: Client, school: School, persona: str) -> None:
    w = school.world
    officer = records_officer(school)
    users = dict(w.users, records=officer)
    users["registrar"] = make_user(w.district, Role.REGISTRAR, username="registrar")
    certificate = schedule_and_certificate(school, officer)
    hold = place_legal_hold(
        district=w.district, by=officer, name="H", matter="M", scope=LegalHold.Scope.EVERYONE
    )
    client.force_login(users[persona])
    # the superintendent of another district keeps that district's records: its own lists,
    # and this district's certificate and hold are not found
    keeps = persona in KEEPS_RECORDS or persona == "outsider"
    for name in LISTS:
        url = reverse(f"messaging:records_{name}")
        assert client.get(url).status_code == (200 if keeps else 403), (persona, url)
    own = 200 if persona in KEEPS_RECORDS else 404 if persona == "outsider" else 403
    dispose_url = reverse("messaging:records_dispose", args=[certificate.pk])
    assert client.get(dispose_url).status_code == own, persona
    release = client.post(
        reverse("messaging:records_release_hold", args=[hold.pk]), {"reason": "done"}
    )
    dispose = client.post(dispose_url, {"idempotency_key": "k", "confirm": "on"})
    done = 302 if persona in KEEPS_RECORDS else own
    assert (release.status_code, dispose.status_code) == (done, done), persona
    assert LegalHold.objects.get(pk=hold.pk).active == (persona not in KEEPS_RECORDS)


def test_another_districts_certificate_and_hold_are_not_found(
    client: Client, school: School
) -> None:
    officer = records_officer(school)
    certificate = schedule_and_certificate(school, officer)
    hold = place_legal_hold(
        district=school.world.district,
        by=officer,
        name="H",
        matter="M",
        scope=LegalHold.Scope.EVERYONE,
    )
    client.force_login(school.world.users["outsider"])  # superintendent of Elsewhere SD 9
    assert client.get(reverse("messaging:records_disposal")).status_code == 200
    assert (
        client.get(reverse("messaging:records_dispose", args=[certificate.pk])).status_code == 404
    )
    assert (
        client.get(reverse("messaging:records_certificate_file", args=[certificate.pk])).status_code
        == 404
    )
    response = client.post(
        reverse("messaging:records_release_hold", args=[hold.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert LegalHold.objects.get(pk=hold.pk).released_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, school: School) -> None:
    response = client.get(reverse("messaging:records_disposal"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_officer_enters_a_schedule_item_and_a_certificate_with_its_scan(
    client: Client, school: School
) -> None:
    officer = records_officer(school)
    client.force_login(officer)
    data = {
        "schedule_number": "24-0117",
        "item_number": "3",
        "title": "Electronic correspondence with families",
        "series": "family",
        "retention_months": "60",
        "approved_on": "2024-03-05",
        "commission_reference": "Local Records Commission, 2024-03-05",
    }
    assert client.post(reverse("messaging:records_schedules"), data).status_code == 302
    again = client.post(reverse("messaging:records_schedules"), data)
    assert again.status_code == 400
    assert "already has an item 3" in again.content.decode()
    schedule = RetentionSchedule.objects.get()
    pdf = _pdf()
    response = client.post(
        reverse("messaging:records_certificates"),
        {
            "schedule": schedule.pk,
            "number": "DC-2026-001",
            "approved_on": "2026-11-03",
            "covers_through": "2020-12-31",
            "description": "Family correspondence through 2020",
            "file": SimpleUploadedFile("scan.pdf", pdf, "application/pdf"),
        },
    )
    assert response.status_code == 302
    certificate = DisposalCertificate.objects.get()
    assert certificate.file_sha256 and certificate.file
    download = client.get(reverse("messaging:records_certificate_file", args=[certificate.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf  # type: ignore[attr-defined]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "messaging.retention_schedule_added",
        "messaging.disposal_certificate_added",
    } <= actions


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"retention_months": "0"}, "retention_months", "greater than or equal to 1"),
        ({"retention_months": "1201"}, "retention_months", "less than or equal to 1200"),
        ({"approved_on": "2999-01-01"}, None, "Approval date: it cannot be in the future."),
        ({"series": "nonsense"}, "series", "Select a valid choice"),
        ({"schedule_number": ""}, "schedule_number", "This field is required"),
    ],
)
def test_bad_schedule_items_are_refused_with_the_field_named(
    client: Client, school: School, change: dict[str, str], field: str | None, message: str
) -> None:
    client.force_login(records_officer(school))
    data = {
        "schedule_number": "24-0117",
        "item_number": "3",
        "title": "Correspondence",
        "series": "all",
        "retention_months": "60",
        "approved_on": "2024-03-05",
        "commission_reference": "LRC",
        **change,
    }
    response = client.post(reverse("messaging:records_schedules"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    if field:
        assert field in response.context["form"].errors
    assert not RetentionSchedule.objects.exists()


def test_a_certificate_scan_must_be_a_pdf_or_image_and_dates_in_order(
    client: Client, school: School
) -> None:
    officer = records_officer(school)
    schedule_and_certificate(school, officer)
    schedule = RetentionSchedule.objects.get()
    client.force_login(officer)
    base = {
        "schedule": schedule.pk,
        "number": "DC-2",
        "approved_on": "2026-11-03",
        "covers_through": "2020-12-31",
        "description": "x",
    }
    response = client.post(
        reverse("messaging:records_certificates"),
        {**base, "file": SimpleUploadedFile("scan.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert response.status_code == 400
    assert "a PDF, PNG or JPEG scan" in response.content.decode()
    response = client.post(
        reverse("messaging:records_certificates"), {**base, "covers_from": "2021-01-01"}
    )
    assert response.status_code == 400
    assert "covers_from" in response.context["form"].errors
    response = client.post(
        reverse("messaging:records_certificates"), {**base, "number": "DC-2026-001"}
    )
    assert response.status_code == 400
    assert "DC-2026-001 is already entered" in response.content.decode()
    assert DisposalCertificate.objects.count() == 1


def test_holds_are_placed_by_roster_id_or_conversation_and_released_with_a_reason(
    client: Client, school: School
) -> None:
    w = school.world
    message = send_family_message(school, at(2019, 5, 1))
    w.guardian_north.sourced_id = "g-elena"
    w.guardian_north.save(update_fields=["sourced_id"])
    client.force_login(records_officer(school))
    url = reverse("messaging:records_holds")
    base = {"name": "Doe v. District", "matter": "Hold letter"}
    bad = client.post(url, {**base, "scope": "person", "person": "nobody"})
    assert bad.status_code == 400 and "No one in the directory" in bad.content.decode()
    bad = client.post(url, {**base, "scope": "dates", "date_from": "2020-01-02"})
    assert bad.status_code == 400 and "date_to" in bad.context["form"].errors
    bad = client.post(url, {**base, "scope": "thread", "thread": "999999"})
    assert bad.status_code == 400 and "No conversation" in bad.content.decode()
    assert client.post(url, {**base, "scope": "person", "person": "g-elena"}).status_code == 302
    ok = client.post(url, {**base, "scope": "thread", "thread": str(message.thread_id)})
    assert ok.status_code == 302
    hold = LegalHold.objects.get(scope="person")
    assert hold.person_id == w.guardian_north.pk
    release = reverse("messaging:records_release_hold", args=[hold.pk])
    assert client.post(release, {"reason": ""}).status_code == 400
    assert client.post(release, {"reason": "Settled."}).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.release_reason == "Settled."
    page = client.get(url).content.decode()
    assert "Released" in page and "Settled." in page


def test_the_confirm_first_disposal_run_disposes_once_on_a_double_submit(
    client: Client, school: School
) -> None:
    officer = records_officer(school)
    for day in (1, 2):
        send_family_message(school, at(2019, 5, day), f"Note {day}")
    certificate = schedule_and_certificate(school, officer)
    client.force_login(officer)
    url = reverse("messaging:records_dispose", args=[certificate.pk])
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        page = client.get(url)
        assert page.status_code == 200
        assert "Dispose of 2 messages" in page.content.decode()
        key = page.context["form"]["idempotency_key"].value()
        unconfirmed = client.post(url, {"idempotency_key": key})
        assert unconfirmed.status_code == 400 and Message.objects.count() == 2
        for _ in range(2):
            done = client.post(url, {"idempotency_key": key, "confirm": "on"})
            assert done.status_code == 302
        history = client.get(reverse("messaging:records_disposal"))
    assert Message.objects.count() == 0 and Tombstone.objects.count() == 2
    assert DisposalRun.objects.count() == 1
    assert history.status_code == 200
    assert list(history.context["runs"]) == list(DisposalRun.objects.all())
    assert "2 tombstones kept in all" in history.content.decode()
