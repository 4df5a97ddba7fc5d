"""The principal's duties: distribute, see status, remind, record paper and refusals, export."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from chalkline.acks import services
from chalkline.acks.models import (
    Assignment,
    AssignmentStatus,
    Distribution,
    Notification,
    Signature,
)
from chalkline.audit.models import AuditEvent
from chalkline.people.models import Person
from conftest import World

from .helpers import assignment_of, make_campaign, no_quiet_hours, ready_to_sign

MAILERS = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def campaign(world: World) -> Any:
    return make_campaign(world.district, by=world.users["superintendent"])


def _smtp(settings: Any, controller: Any) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": MAILERS,
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }


def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Signed acknowledgment form")
    return bytes(pdf.output())


def _png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return out.getvalue()


def test_principal_distributes_and_staff_are_emailed_and_notified(
    world: World,
    client: Client,
    campaign: Any,
    settings: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    controller, received = smtp_server
    _smtp(settings, controller)
    no_quiet_hours(world.district)
    client.force_login(world.users["principal_north"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("acks:distribute", args=[campaign.pk, world.north.pk]))
    assert response.status_code == 302
    distribution = Distribution.objects.get(campaign=campaign, building=world.north)
    assert distribution.distributed_by == world.users["principal_north"]
    event = AuditEvent.objects.get(action="acks.distributed")
    assert '"notified":2' in event.after
    recipients = sorted(m["To"] for m in received)
    assert recipients == sorted(
        [
            world.staff_north.email,
            world.users["teacher_north"].email
            or Person.objects.get(pk=world.users["teacher_north"].person_id or 0).email,
        ]
    )
    assert all("Please read and acknowledge" in m["Subject"] for m in received)
    # In the app, on My acknowledgments.
    client.force_login(world.users["teacher_north"])
    page = client.get(reverse("acks:mine"))
    assert b"Please read and acknowledge" in page.content and b"1 unread" in page.content
    client.post(reverse("acks:notifications_read"))
    assert b"unread" not in client.get(reverse("acks:mine")).content
    # Distributing twice records nothing new and mails nobody again.
    client.force_login(world.users["principal_north"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("acks:distribute", args=[campaign.pk, world.north.pk]))
    assert len(received) == 2


def test_principal_cannot_distribute_another_building(
    world: World, client: Client, campaign: Any
) -> None:
    client.force_login(world.users["principal_north"])
    response = client.post(reverse("acks:distribute", args=[campaign.pk, world.south.pk]))
    assert response.status_code == 404
    assert not Distribution.objects.exists()


def test_building_view_filters_and_exports(world: World, client: Client, campaign: Any) -> None:
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    client.force_login(world.users["principal_north"])
    url = reverse("acks:building", args=[campaign.pk, world.north.pk])
    page = client.get(url)
    assert b"Teacher, Tess" in page.content and b"Northcott, Nora" in page.content
    signed = client.get(url, {"status": "signed"})
    assert b"Teacher, Tess" in signed.content and b"Northcott, Nora" not in signed.content
    partial = client.get(url, {"status": "not_opened"}, HTTP_HX_REQUEST="true")
    assert b"Northcott, Nora" in partial.content and b"<html" not in partial.content
    export = client.get(
        reverse("acks:building_export", args=[campaign.pk, world.north.pk]), {"status": "signed"}
    )
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    assert lines[1][0] == "# generated_at"
    assert lines[2] == ["# filters", "status=signed"]
    assert [r[0] for r in lines[4:]] == ["Teacher"]
    event = AuditEvent.objects.get(action="acks.exported")
    assert '"status":"signed"' in event.after


def test_paper_acknowledgment_with_a_pdf_scan(world: World, client: Client, campaign: Any) -> None:
    client.force_login(world.users["principal_north"])
    a = Assignment.objects.get(campaign=campaign, person=world.staff_north)
    response = client.post(
        reverse("acks:paper", args=[a.pk]),
        {
            "kind": "paper",
            "rationale": "No computer access during summer school.",
            "scan": SimpleUploadedFile("form.pdf", _pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    record = Signature.objects.get(assignment=a)
    assert record.kind == "paper" and record.method == "paper_scan"
    assert record.recorded_by == world.users["principal_north"]
    assert (record.scan.name or "").endswith(".pdf") and record.scan_sha256
    a.refresh_from_db()
    assert a.status == AssignmentStatus.PAPER
    download = client.get(reverse("acks:scan", args=[record.pk]))
    assert download.getvalue().startswith(b"%PDF-")


def test_image_scans_are_accepted_and_other_files_refused(
    world: World, client: Client, campaign: Any
) -> None:
    client.force_login(world.users["principal_north"])
    a = Assignment.objects.get(campaign=campaign, person=world.staff_north)
    url = reverse("acks:paper", args=[a.pk])
    fake = client.post(
        url,
        {
            "kind": "paper",
            "rationale": "x",
            "scan": SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        },
    )
    assert fake.status_code == 400
    assert b"must be a PDF or an image" in fake.content
    ok = client.post(
        url,
        {
            "kind": "proxy",
            "rationale": "On leave; signed by proxy per HR.",
            "scan": SimpleUploadedFile("form.png", _png_bytes(), "image/png"),
        },
    )
    assert ok.status_code == 302
    assert Signature.objects.get(assignment=a).kind == "proxy"


def test_a_scan_over_20_mb_is_refused(world: World, client: Client, campaign: Any) -> None:
    client.force_login(world.users["principal_north"])
    a = Assignment.objects.get(campaign=campaign, person=world.staff_north)
    big = b"%PDF-1.7\n" + b"0" * (services.MAX_SCAN_BYTES + 10) + b"\n%%EOF\n"
    response = client.post(
        reverse("acks:paper", args=[a.pk]),
        {"kind": "paper", "rationale": "x", "scan": SimpleUploadedFile("big.pdf", big)},
    )
    assert response.status_code == 400
    assert b"larger than 20 MB" in response.content
    assert not Signature.objects.exists()


def test_witnessed_refusal_names_the_witness(world: World, client: Client, campaign: Any) -> None:
    client.force_login(world.users["principal_north"])
    a = Assignment.objects.get(campaign=campaign, person=world.staff_north)
    response = client.post(
        reverse("acks:witnessed_refusal", args=[a.pk]),
        {"witness_name": "Wanda Witness", "reason": "Declined to give a reason."},
    )
    assert response.status_code == 302
    record = Signature.objects.get(assignment=a)
    assert record.kind == "refused" and record.method == "witnessed"
    assert record.witness_name == "Wanda Witness"


def test_principal_of_another_building_cannot_record_paper(
    world: World, client: Client, campaign: Any
) -> None:
    client.force_login(world.users["principal_north"])
    a = Assignment.objects.get(campaign=campaign, person=world.staff_south)
    assert client.get(reverse("acks:paper", args=[a.pk])).status_code == 404


def test_bulk_reminder_reaches_everyone_open_once_a_day(
    world: World, client: Client, campaign: Any
) -> None:
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    client.force_login(world.users["principal_north"])
    client.post(reverse("acks:distribute", args=[campaign.pk, world.north.pk]))
    url = reverse("acks:remind", args=[campaign.pk, world.north.pk])
    first = client.post(url, follow=True)
    assert b"Queued 1 reminders for staff who have not acknowledged yet" in first.content
    second = client.post(url, follow=True)
    assert b"was already reminded today, at " in second.content
    assert b"sent to 0" not in second.content
    notes = Notification.objects.filter(kind="reminder")
    assert list(notes.values_list("person_id", flat=True)) == [world.staff_north.pk]
    assert AuditEvent.objects.filter(action="acks.bulk_reminder_sent").count() == 1


def test_reminding_a_building_that_has_not_distributed_is_refused(
    world: World, client: Client, campaign: Any
) -> None:
    client.force_login(world.users["principal_north"])
    building_url = reverse("acks:building", args=[campaign.pk, world.north.pk])
    assert b"Remind everyone" not in client.get(building_url).content
    response = client.post(reverse("acks:remind", args=[campaign.pk, world.north.pk]), follow=True)
    assert b"has not distributed this campaign yet: distribute it first" in response.content
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="acks.bulk_reminder_sent").exists()


def test_building_zip_holds_every_certificate(world: World, client: Client, campaign: Any) -> None:
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    client.force_login(world.users["hr"])
    response = client.get(reverse("acks:building_zip", args=[campaign.pk, world.north.pk]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 1 and names[0].endswith("-certificate.pdf")


def test_personnel_file_and_its_zip(world: World, client: Client, campaign: Any) -> None:
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a,
        by=teacher,
        typed_name="Tess Teacher",
        comment="My rebuttal.",
        ip=None,
        user_agent="",
    )
    client.force_login(teacher)
    page = client.get(reverse("acks:personnel_file", args=[teacher.person_id]))
    assert b"My rebuttal." in page.content
    archive = client.get(reverse("acks:personnel_zip", args=[teacher.person_id]))
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "records.csv" in names and any(n.endswith("-certificate.pdf") for n in names)
    other = assignment_of(campaign, world.users["teacher_south"]).person_id
    assert client.get(reverse("acks:personnel_file", args=[other])).status_code == 404
