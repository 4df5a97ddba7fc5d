"""The mandated-report log: any employee records "I reported to DCFS"; the designee sees the log
to support, never to approve; families never see it; the Check a draft prompt links to it and
states the duty; the 24-hour reminder after a prompt is a reminder only."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.cases import services
from chalkline.cases.models import DisclosurePrompt, MandatedReport
from chalkline.outbox.models import Delivery
from conftest import World

URL = reverse("cases:mandated_reports")


def _when(hours_ago: int = 1) -> str:
    moment = timezone.localtime() - datetime.timedelta(hours=hours_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_an_employee_logs_a_phone_report_without_a_reference(world: World, client: Client) -> None:
    client.force_login(world.users["teacher_north"])
    page = client.get(URL)
    assert b"1-800-25-ABUSE" in page.content
    assert b"no one may require you to tell the District first" in page.content
    response = client.post(URL, {"reported_at": _when(), "method": "phone", "reference": ""})
    assert response.status_code == 302
    report = MandatedReport.objects.get()
    assert report.reporter == world.users["teacher_north"] and report.reference == ""
    event = AuditEvent.objects.get(action="cases.mandated_report_logged")
    assert "reference" in event.after
    assert b"By phone" in client.get(URL).content


def test_a_log_entry_in_the_future_or_without_a_method_is_refused(
    world: World, client: Client
) -> None:
    client.force_login(world.users["teacher_north"])
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(URL, {"reported_at": future, "method": "online"})
    assert response.status_code == 400 and b"cannot be in the future" in response.content
    response = client.post(URL, {"reported_at": _when()})
    assert response.status_code == 400 and b"How" in response.content
    assert not MandatedReport.objects.exists()


def test_the_designee_sees_the_log_to_support_never_to_approve(
    world: World, client: Client
) -> None:
    services.log_mandated_report(
        district=world.district,
        by=world.users["teacher_north"],
        reported_at=timezone.now() - datetime.timedelta(hours=2),
        method="online",
        reference="IL-12345",
    )
    client.force_login(world.users["designee"])
    page = client.get(reverse("cases:mandated_log"))
    assert page.status_code == 200
    assert b"IL-12345" in page.content and b"never approve" in page.content
    assert b"approve</button>" not in page.content.lower()
    assert AuditEvent.objects.filter(action="cases.mandated_log_viewed").exists()
    # an employee sees only their own entries; others' stay confidential
    client.force_login(world.users["teacher_south"])
    assert b"IL-12345" not in client.get(URL).content
    assert client.get(reverse("cases:mandated_log")).status_code == 403


def test_families_never_see_the_log(world: World, client: Client) -> None:
    services.log_mandated_report(
        district=world.district,
        by=world.users["teacher_north"],
        reported_at=timezone.now(),
        method="phone",
        reference="IL-999",
    )
    for persona in ("guardian_north", "student_north"):
        client.force_login(world.users[persona])
        assert client.get(URL).status_code == 403
        assert client.get(reverse("cases:mandated_log")).status_code == 403
        for page in (reverse("home"), reverse("cases:cases")):
            assert b"IL-999" not in client.get(page).content


def test_the_reminder_asks_24_hours_after_a_prompt_once_and_only_without_a_log_entry(
    world: World,
) -> None:
    teacher, other = world.users["teacher_north"], world.users["teacher_south"]
    teacher.email, other.email = "tess@prairie.example.org", "tom@prairie.example.org"
    teacher.save(update_fields=["email"])
    other.save(update_fields=["email"])
    services.record_disclosure_prompt(district=world.district, user=teacher)
    services.record_disclosure_prompt(district=world.district, user=other)
    services.log_mandated_report(
        district=world.district, by=other, reported_at=timezone.now(), method="phone"
    )
    assert services.send_dcfs_log_reminders() == 0  # not 24 hours yet
    later = timezone.now() + datetime.timedelta(hours=25)
    assert services.send_dcfs_log_reminders(now=later) == 1
    assert services.send_dcfs_log_reminders(now=later) == 0
    delivery = Delivery.objects.get()
    assert delivery.to == "tess@prairie.example.org"
    assert "reminder only" in delivery.body and "1-800-25-ABUSE" in delivery.body
    assert DisclosurePrompt.objects.filter(reminded_at__isnull=True).count() == 0


def test_the_draft_prompt_links_to_the_log_and_starts_the_reminder(
    world: World, client: Client
) -> None:
    client.force_login(world.users["teacher_north"])
    response = client.post(
        reverse("drafts:check"),
        {
            "text": "My stepdad hits me and I am scared to go home.",
            "audience": "public",
            "author": "student",
        },
    )
    page = response.content
    assert b"your own duty, to be made at once" in page
    assert b"No one may require you to tell the District" in page
    assert URL.encode() in page
    assert DisclosurePrompt.objects.get().user == world.users["teacher_north"]
    client.post(reverse("drafts:check"), {"text": "Book fair on Monday.", "audience": "public"})
    assert DisclosurePrompt.objects.count() == 1


def test_the_reminder_command_prints_its_summary(world: World) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("send_dcfs_log_reminders", stdout=out)
    assert out.getvalue() == "Queued 0 DCFS log reminders.\n"
