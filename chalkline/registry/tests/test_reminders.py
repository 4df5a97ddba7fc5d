"""Dashboard reminders: January 30, the fiscal year's start + 30 days, an approved agreement
unposted after 7 business days, and expired agreements; shown to approvers only."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.people.models import User
from chalkline.registry.models import App
from chalkline.registry.reminders import business_days_before, deadline_reminders
from conftest import World

from .conftest import make_app


def test_the_deadlines_show_in_their_windows() -> None:
    assert "January 30" in deadline_reminders(datetime.date(2027, 1, 5))[0].text
    assert "by July 31" in deadline_reminders(datetime.date(2027, 7, 20))[0].text
    assert deadline_reminders(datetime.date(2027, 3, 5)) == []


def test_business_days_skip_weekends() -> None:
    # Friday Dec 4 2026 minus 7 business days: Wednesday Nov 25.
    assert business_days_before(datetime.date(2026, 12, 4), 7) == datetime.date(2026, 11, 25)


def test_an_unposted_agreement_is_on_the_approvers_home_page(
    world: World, client: Client, superintendent: User, teacher_north: User
) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=15)
    make_app(world.district, "Seesaw", status=App.Status.APPROVED, approved_at=long_ago)
    make_app(world.district, "Remind", status=App.Status.APPROVED, approved_at=timezone.now())
    client.force_login(superintendent)
    home = client.get(reverse("home")).content.decode()
    assert "for Seesaw was approved 7 or more business days ago" in home
    assert "for Remind was approved" not in home
    client.force_login(teacher_north)
    assert "business days ago" not in client.get(reverse("home")).content.decode()
