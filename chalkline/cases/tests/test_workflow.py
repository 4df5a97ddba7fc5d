"""The workflow with due process, through HTTP: triage, investigation, evidence, notice,
response, findings, outcome, acknowledgment or witnessed refusal, closing; pauses, due dates and
reminders; a closed case is immutable."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.cases import services
from chalkline.cases.models import Case, CaseEntry, Evidence, OutcomeType
from chalkline.lib.appendonly import AppendOnlyError
from chalkline.outbox.models import Delivery
from conftest import World

from .conftest import noticed, report, triaged


def _post(client: Client, name: str, case: Case, data: dict[str, object]) -> int:
    response = client.post(reverse(f"cases:{name}", args=[case.pk]), data)
    return response.status_code


def _outcome(world: World, code: str) -> OutcomeType:
    return OutcomeType.objects.get(district=world.district, code=code)


def test_the_whole_case_through_http(world: World, client: Client) -> None:
    case = report(world)
    hr, principal = world.users["hr"], world.users["principal_north"]
    teacher = world.users["teacher_north"]
    client.force_login(hr)
    assert (
        _post(
            client,
            "triage",
            case,
            {
                "investigator": principal.pk,
                "subject": teacher.person.pk,  # type: ignore[union-attr]
                "interim_measures": "No contact with the student.",
            },
        )
        == 302
    )
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING and case.investigator == principal
    client.force_login(principal)
    assert _post(client, "note", case, {"kind": "interview", "text": "Met the student."}) == 302
    assert _post(client, "notice", case, {"allegation": "Snapchat messages at night."}) == 302
    client.force_login(teacher)
    assert _post(client, "respond", case, {"text": "They were about homework."}) == 302
    client.force_login(principal)
    assert _post(client, "findings", case, {"findings": "Messages on a personal app."}) == 302
    client.force_login(hr)
    outcome = _outcome(world, "written_reprimand")
    assert _post(client, "outcome", case, {"outcome": outcome.pk, "text": "See letter."}) == 302
    client.force_login(teacher)
    assert _post(client, "acknowledge", case, {}) == 302
    client.force_login(hr)
    assert _post(client, "close", case, {}) == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    assert case.retain_until == timezone.localdate().replace(year=timezone.localdate().year + 5)
    kinds = list(case.entries.values_list("kind", flat=True))
    assert kinds == [
        "opened",
        "triaged",
        "interview",
        "notice",
        "response",
        "findings",
        "outcome",
        "acknowledged",
        "closed",
    ]
    actions = set(
        AuditEvent.objects.filter(target_id=str(case.pk), action__startswith="cases.").values_list(
            "action", flat=True
        )
    )
    assert {
        "cases.opened",
        "cases.triaged",
        "cases.note_added",
        "cases.notice_sent",
        "cases.response_added",
        "cases.findings_recorded",
        "cases.outcome_recorded",
        "cases.outcome_acknowledged",
        "cases.closed",
    } <= actions
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"releasable under FOIA" in page.content


def test_a_closed_case_refuses_edits_and_says_why(world: World, client: Client) -> None:
    case = noticed(world)
    services.close_case(case=case, by=world.users["hr"], reason="The report was withdrawn.")
    client.force_login(world.users["hr"])
    response = client.post(reverse("cases:findings", args=[case.pk]), {"findings": "Too late."})
    assert response.status_code == 400
    assert b"a closed case cannot be changed" in response.content
    upload = SimpleUploadedFile("late.pdf", b"%PDF-1.4", "application/pdf")
    response = client.post(
        reverse("cases:evidence", args=[case.pk]), {"file": upload, "reason": "reported"}
    )
    assert response.status_code == 400 and not Evidence.objects.exists()
    assert b"a closed case cannot be changed" in response.content
    # a later note is an amendment, after the closing entry
    assert _post(client, "note", case, {"kind": "note", "text": "Parent called again."}) == 302
    last = case.entries.last()
    assert last is not None and last.kind == CaseEntry.Kind.AMENDMENT
    assert AuditEvent.objects.filter(action="cases.amended").exists()
    with pytest.raises(AppendOnlyError):
        case.entries.update(text="rewritten")


def test_closing_without_an_acknowledged_outcome_needs_a_reason(
    world: World, client: Client
) -> None:
    case = report(world)
    client.force_login(world.users["hr"])
    response = client.post(reverse("cases:close", args=[case.pk]), {"reason": ""})
    assert response.status_code == 400
    assert b"give the reason for closing now" in response.content
    case.refresh_from_db()
    assert case.status == Case.Status.RECEIVED


def test_evidence_is_stored_with_its_sha256_in_the_audit_chain(
    world: World, client: Client
) -> None:
    case = triaged(world)
    data = b"\x89PNG\r\n\x1a\n screenshot"
    client.force_login(world.users["principal_north"])
    response = client.post(
        reverse("cases:evidence", args=[case.pk]),
        {
            "file": SimpleUploadedFile("snap.png", data, "image/png"),
            "reason": "reported",
            "reason_note": "The parent shared the screenshot.",
        },
    )
    assert response.status_code == 302
    item = Evidence.objects.get()
    digest = hashlib.sha256(data).hexdigest()
    assert item.sha256 == digest and item.size == len(data)
    event = AuditEvent.objects.get(action="cases.evidence_added")
    assert digest in event.after
    download = client.get(reverse("cases:evidence_file", args=[case.pk, item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="cases.evidence_viewed").exists()


def test_evidence_over_25_mb_or_of_another_type_is_refused_with_the_limit(
    world: World, client: Client
) -> None:
    case = triaged(world)
    client.force_login(world.users["principal_north"])
    big = SimpleUploadedFile("big.pdf", b"0" * (25 * 1024 * 1024 + 1), "application/pdf")
    response = client.post(
        reverse("cases:evidence", args=[case.pk]), {"file": big, "reason": "reported"}
    )
    assert response.status_code == 400 and b"limited to 25 MB" in response.content
    exe = SimpleUploadedFile("tool.exe", b"MZ", "application/octet-stream")
    response = client.post(
        reverse("cases:evidence", args=[case.pk]), {"file": exe, "reason": "reported"}
    )
    assert response.status_code == 400 and b"must be one of these types" in response.content
    # A program renamed to look like a PDF or a picture is refused by its content.
    for name in ("report.pdf", "snap.png", "memo.docx", "notes.txt"):
        renamed = SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")
        response = client.post(
            reverse("cases:evidence", args=[case.pk]), {"file": renamed, "reason": "reported"}
        )
        assert response.status_code == 400, name
        assert b"content is not a" in response.content, name
    response = client.post(
        reverse("cases:evidence", args=[case.pk]),
        {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert response.status_code == 400 and b"Why it may be kept" in response.content
    assert not Evidence.objects.exists()


def test_notice_needs_the_employee_named(world: World, client: Client) -> None:
    case = services.triage_case(
        case=report(world), by=world.users["hr"], investigator=world.users["principal_north"]
    )
    client.force_login(world.users["hr"])
    response = client.post(reverse("cases:notice", args=[case.pk]), {"allegation": "x"})
    assert response.status_code == 400 and b"Name the employee" in response.content


def test_triage_routes_to_title_ix_and_records_interim_measures(
    world: World, client: Client
) -> None:
    case = report(world)
    client.force_login(world.users["hr"])
    response = client.post(
        reverse("cases:triage", args=[case.pk]),
        {"investigator": world.users["principal_north"].pk, "title_ix": "on"},
    )
    assert response.status_code == 400 and b"Title IX coordinator" in response.content
    response = client.post(
        reverse("cases:triage", args=[case.pk]),
        {
            "investigator": world.users["principal_north"].pk,
            "title_ix": "on",
            "title_ix_coordinator": world.users["designee"].pk,
            "interim_measures": "Administrative leave.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title_ix and case.interim_measures == "Administrative leave."
    assert case.members.filter(user=world.users["designee"], part="title_ix").exists()
    client.force_login(world.users["designee"])
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 200


def test_an_outcome_with_a_period_needs_its_end_and_may_need_an_isbe_report(
    world: World, client: Client
) -> None:
    case = services.record_findings(
        case=noticed(world), by=world.users["hr"], findings="Violated the policy."
    )
    client.force_login(world.users["hr"])
    suspension = _outcome(world, "suspension")
    response = client.post(reverse("cases:outcome", args=[case.pk]), {"outcome": suspension.pk})
    assert response.status_code == 400 and b"give the date it ends" in response.content
    until = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert _post(client, "outcome", case, {"outcome": suspension.pk, "until": until}) == 302
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"Illinois State Board of Education" in page.content


def test_a_witnessed_refusal_stands_for_the_acknowledgment(world: World, client: Client) -> None:
    case = services.record_findings(case=noticed(world), by=world.users["hr"], findings="Found.")
    services.record_outcome(
        case=case, by=world.users["hr"], outcome=_outcome(world, "coaching"), text=""
    )
    client.force_login(world.users["hr"])
    assert _post(client, "refusal", case, {"witness": ""}) == 400
    assert _post(client, "refusal", case, {"witness": "Pat Principal"}) == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ACKNOWLEDGMENT
    assert _post(client, "close", case, {}) == 302


def test_a_case_pauses_for_dcfs_and_resumes(world: World, client: Client) -> None:
    case = triaged(world)
    client.force_login(world.users["hr"])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert _post(client, "pause", case, {"reason": "DCFS", "resume_on": yesterday}) == 400
    resume_on = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert (
        _post(client, "pause", case, {"reason": "DCFS is investigating.", "resume_on": resume_on})
        == 302
    )
    case.refresh_from_db()
    assert case.is_paused and case.pause_reason == "DCFS is investigating."
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"paused until" in page.content
    assert _post(client, "resume", case, {}) == 302
    case.refresh_from_db()
    assert not case.is_paused
    assert _post(client, "resume", case, {}) == 400


def test_reminders_go_to_managers_of_overdue_cases_once(world: World, settings: object) -> None:
    world.users["hr"].email = "hr@prairie.example.org"
    world.users["hr"].save(update_fields=["email"])
    case = report(world)
    paused = report(world)
    services.pause_case(
        case=paused,
        by=world.users["hr"],
        reason="Police investigation",
        resume_on=timezone.localdate() + datetime.timedelta(days=40),
    )
    later = timezone.localdate() + datetime.timedelta(days=10)
    assert services.send_case_reminders(district=world.district, today=later) == 1
    assert services.send_case_reminders(district=world.district, today=later) == 0
    delivery = Delivery.objects.get()
    assert delivery.to == "hr@prairie.example.org" and str(case.pk) in delivery.subject
    assert "Tess" not in delivery.body and "Snapchat" not in delivery.body
    out = io.StringIO()
    call_command("send_case_reminders", "--district", "prairie", stdout=out)
    assert out.getvalue() == "Queued 0 case reminders.\n"  # today, nothing is overdue yet
    assert len(mail.outbox) == 0  # queued in the outbox; `chalkline send-mail` sends it


def test_the_investigator_sees_the_guidance_panel(world: World, client: Client) -> None:
    case = triaged(world)
    client.force_login(world.users["principal_north"])
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert b"Guidance for investigators" in page.content
    assert b"log in while you watch" in page.content
    assert b"user name, password" in page.content
    assert b"friend or follow request" in page.content
