"""Breaches: logged with dates, students, operator and the notice deadline (30 days, 60 when the
operator caused it); a delay law enforcement asks for is recorded; recipients as a CSV."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.people.models import Person, User
from chalkline.registry.models import Breach
from conftest import World

from .conftest import make_posted

FORM = {
    "cause": "operator",
    "started_on": "2026-09-01",
    "ended_on": "2026-09-03",
    "students": "120",
    "discovered_on": "2026-09-10",
}


def test_an_operator_breach_gives_sixty_days(
    world: World, client: Client, superintendent: User
) -> None:
    app = make_posted(world.district)
    client.force_login(superintendent)
    response = client.post(reverse("registry:breaches"), {**FORM, "app": app.pk})
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert breach.notify_by == datetime.date(2026, 11, 9)
    assert breach.app == app and breach.students == 120
    assert AuditEvent.objects.filter(action="registry.breach_logged").count() == 1


def test_a_district_breach_gives_thirty_days(
    world: World, client: Client, superintendent: User
) -> None:
    client.force_login(superintendent)
    client.post(reverse("registry:breaches"), {**FORM, "cause": "district"})
    assert Breach.objects.get().notify_by == datetime.date(2026, 10, 10)


def test_it_refuses_a_range_that_ends_before_it_starts(
    world: World, client: Client, superintendent: User
) -> None:
    client.force_login(superintendent)
    response = client.post(reverse("registry:breaches"), {**FORM, "ended_on": "2026-08-01"})
    assert response.status_code == 400
    assert not Breach.objects.exists()


def test_a_law_enforcement_delay_is_recorded_with_the_request(
    world: World, client: Client, superintendent: User
) -> None:
    client.force_login(superintendent)
    client.post(reverse("registry:breaches"), FORM)
    breach = Breach.objects.get()
    url = reverse("registry:breach", args=[breach.pk])
    too_early = client.post(url, {"request": "FBI", "delayed_until": "2026-10-01"})
    assert too_early.status_code == 400
    client.post(
        url, {"request": "FBI field office, letter of Sept 12", "delayed_until": "2027-01-15"}
    )
    breach.refresh_from_db()
    assert breach.delay_requested and breach.deadline == datetime.date(2027, 1, 15)
    assert breach.delay_request.startswith("FBI field office")
    assert AuditEvent.objects.filter(action="registry.breach_notice_delayed").count() == 1


def test_the_recipients_csv_is_audited(world: World, client: Client, superintendent: User) -> None:
    Person.objects.filter(pk=world.guardian_north.pk).update(email="elena@example.org")
    client.force_login(superintendent)
    client.post(reverse("registry:breaches"), FORM)
    breach = Breach.objects.get()
    response = client.get(reverse("registry:recipients", args=[breach.pk]))
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Elena,Garcia,elena@example.org" in body
    assert AuditEvent.objects.filter(action="registry.breach_notice_exported").count() == 1
