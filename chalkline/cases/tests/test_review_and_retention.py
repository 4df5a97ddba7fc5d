"""The periodic review's counts (no names, CSV, audited), the retention period and the legal
hold."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.cases import services
from chalkline.cases.models import Case, CaseEntry, Evidence, OutcomeType
from chalkline.cases.selectors import school_year
from conftest import World

from .conftest import noticed, report


def _closed(world: World, code: str = "written_reprimand") -> Case:
    hr = world.users["hr"]
    case = services.record_findings(case=noticed(world), by=hr, findings="Found.")
    outcome = OutcomeType.objects.get(district=world.district, code=code)
    services.record_outcome(case=case, by=hr, outcome=outcome)
    services.acknowledge_outcome(case=case, by=world.users["teacher_north"])
    return services.close_case(case=case, by=hr)


def test_the_review_counts_cases_without_names(world: World, client: Client) -> None:
    _closed(world)
    report(world)
    report(world, kind=Case.Kind.PASSWORD_REQUEST, building=None)
    client.force_login(world.users["hr"])
    page = client.get(reverse("cases:review"))
    assert page.status_code == 200
    assert b"Tess" not in page.content and b"Teacher" not in page.content
    export = client.get(reverse("cases:review") + "?format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["school year", "building", "kind", "outcome", "cases"]
    year = timezone.localdate()
    start = year.year if year.month >= 7 else year.year - 1
    body = {tuple(r) for r in rows[1:]}
    assert (
        school_year(start),
        "North Elementary",
        str(Case.Kind.COMMUNICATION.label),
        "Written reprimand",
        "1",
    ) in body
    assert (
        school_year(start),
        "North Elementary",
        str(Case.Kind.COMMUNICATION.label),
        "No outcome yet",
        "1",
    ) in body
    assert sum(int(r[4]) for r in rows[1:]) == 3
    assert "Tess" not in export.content.decode()
    assert AuditEvent.objects.filter(action="cases.review_exported").exists()


def test_school_years_run_july_to_june() -> None:
    assert school_year(2026) == "2026-27"
    assert school_year(2099) == "2099-00"


def test_a_closed_case_is_kept_for_its_retention_period_then_deleted(
    world: World, settings: object
) -> None:
    case = _closed(world)
    assert case.retain_until is not None
    just_before = case.retain_until
    assert services.purge_expired_cases(district=world.district, today=just_before) == 0
    after = case.retain_until + datetime.timedelta(days=1)
    assert services.purge_expired_cases(district=world.district, today=after, dry_run=True) == 1
    assert Case.objects.filter(pk=case.pk).exists()
    assert services.purge_expired_cases(district=world.district, today=after) == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not CaseEntry.objects.filter(case_id=case.pk).exists()
    event = AuditEvent.objects.get(action="cases.purged")
    assert str(case.pk) in event.after


def test_a_legal_hold_keeps_a_case_and_its_evidence(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    case = noticed(world)
    item = services.add_evidence(
        case=case,
        by=world.users["hr"],
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf"),
        reason="reported",
    )
    client.force_login(world.users["hr"])
    response = client.post(reverse("cases:hold", args=[case.pk]), {"hold": "on", "reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("cases:hold", args=[case.pk]), {"hold": "on", "reason": "Litigation notice."}
    )
    assert response.status_code == 302
    services.close_case(case=case, by=world.users["hr"], reason="Settled.")
    case.refresh_from_db()
    assert case.legal_hold and case.retain_until is not None
    far = case.retain_until + datetime.timedelta(days=400)
    assert services.purge_expired_cases(district=world.district, today=far) == 0
    assert Evidence.objects.filter(pk=item.pk).exists()
    name = str(item.file.name)
    assert default_storage.exists(name)
    services.set_legal_hold(case=case, by=world.users["hr"], hold=False, reason="Case settled.")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired_cases(district=world.district, today=far) == 1
    assert not default_storage.exists(name)


def test_purge_cases_command_dry_run(world: World) -> None:
    _closed(world)
    out = io.StringIO()
    call_command("purge_cases", "--dry-run", stdout=out)
    assert out.getvalue() == "Would delete 0 cases past their retention period.\n"
