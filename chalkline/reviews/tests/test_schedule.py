"""The review schedule: the dashboard of overdue and upcoming reviews, setting a schedule, and
the reminders to its owner."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.outbox.models import Delivery
from chalkline.reviews.models import ReviewReminder, ReviewSchedule
from chalkline.reviews.schedule import add_months
from conftest import World

from .helpers import published_small, seed

pytestmark = pytest.mark.django_db


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2019, 12, 16), 24) == date(2021, 12, 16)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_dashboard_lists_overdue_and_upcoming_reviews(world: World) -> None:
    seed(world.district)  # revised December 16, 2019: due December 2021, long overdue
    soon = timezone.localdate() - timedelta(days=700)  # two years after: due in about 30 days
    published_small(world.district, "2:110", "Qualifications", adopted=f"{soon:%B %-d, %Y}")
    published_small(world.district, "2:120", "Board Member Development", adopted="June 1, 2026")
    response = _client(world, "designee").get(reverse("reviews:dashboard"))
    assert response.status_code == 200
    overdue = [r.number for r in response.context["overdue"]]
    upcoming = [r.number for r in response.context["upcoming"]]
    assert overdue == ["5:125"]
    assert upcoming == ["2:110"]
    assert response.context["later_count"] == 1
    row = response.context["overdue"][0]
    assert row.last_action_on == date(2019, 12, 16)
    assert row.next_review_on == date(2021, 12, 16)
    assert b"days late" in response.content


def test_setting_a_schedule_moves_the_review_and_is_audited(world: World) -> None:
    version = seed(world.district)
    next_on = timezone.localdate() + timedelta(days=400)
    response = _client(world, "designee").post(
        reverse("reviews:schedule", args=[version.policy_id]),
        {
            "cycle_months": "12",
            "next_review_on": next_on.isoformat(),
            "owner": world.users["superintendent"].pk,
        },
    )
    assert response.status_code == 302
    schedule = ReviewSchedule.objects.get(policy=version.policy)
    assert (schedule.cycle_months, schedule.next_review_on) == (12, next_on)
    assert schedule.owner == world.users["superintendent"]
    event = AuditEvent.objects.get(action="reviews.schedule_set")
    assert event.actor == world.users["designee"]
    assert json.loads(event.after)["cycle_months"] == 12
    dashboard = _client(world, "designee").get(reverse("reviews:dashboard"))
    assert dashboard.context["overdue"] == [] and dashboard.context["later_count"] == 1


def test_a_bad_cycle_is_refused_naming_the_field(world: World) -> None:
    version = seed(world.district)
    response = _client(world, "designee").post(
        reverse("reviews:schedule", args=[version.policy_id]),
        {"cycle_months": "0", "next_review_on": "2027-01-01"},
    )
    assert response.status_code == 400
    assert "cycle_months" in response.context["form"].errors
    assert not ReviewSchedule.objects.exists()
    assert not AuditEvent.objects.filter(action="reviews.schedule_set").exists()


def test_only_people_who_may_own_reviews_can_be_owners(world: World) -> None:
    version = seed(world.district)
    response = _client(world, "designee").post(
        reverse("reviews:schedule", args=[version.policy_id]),
        {"cycle_months": "24", "next_review_on": "2027-01-01", "owner": world.users["hr"].pk},
    )
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_reminders_go_to_the_owner_once_per_date(world: World) -> None:
    version = seed(world.district)
    owner = world.users["designee"]
    owner.email = "designee@prairie.example.org"
    owner.save(update_fields=["email"])
    client = _client(world, "designee")
    client.post(
        reverse("reviews:schedule", args=[version.policy_id]),
        {
            "cycle_months": "24",
            "next_review_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "owner": owner.pk,
        },
    )
    call_command("send_review_reminders", "--district", world.district.slug)
    mail = Delivery.objects.get(kind="review_reminder")
    assert mail.to == "designee@prairie.example.org"
    assert "5:125" in mail.subject
    call_command("send_review_reminders")
    assert Delivery.objects.filter(kind="review_reminder").count() == 1
    assert ReviewReminder.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action="reviews.reminders_sent", district=world.district).count()
        == 2
    )
    # A new date (the schedule moved) is reminded again.
    client.post(
        reverse("reviews:schedule", args=[version.policy_id]),
        {
            "cycle_months": "24",
            "next_review_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "owner": owner.pk,
        },
    )
    call_command("send_review_reminders")
    assert Delivery.objects.filter(kind="review_reminder").count() == 2


def test_reviews_later_than_the_horizon_are_not_reminded(world: World) -> None:
    version = seed(world.district)
    _client(world, "designee").post(
        reverse("reviews:schedule", args=[version.policy_id]),
        {
            "cycle_months": "24",
            "next_review_on": (timezone.localdate() + timedelta(days=200)).isoformat(),
            "owner": world.users["designee"].pk,
        },
    )
    call_command("send_review_reminders")
    assert not ReviewReminder.objects.exists()
