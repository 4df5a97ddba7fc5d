"""The campaign's completion chart keeps a sensible size with one day of records and with a year
of them (a CSS rule once stretched a one-day chart to about 640 x 3,800 px)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chalkline.acks import services
from chalkline.acks.models import Assignment
from chalkline.people.roles import Role
from chalkline.policies.tests.factories import import_seed
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import sign_in

PASSWORD = "correct horse battery staple"


def _on_day(day: date) -> datetime:
    """A moment on ``day`` in the district's time zone: noon, or now for today. Steps of 24
    hours back from now crossed the autumn clock change an hour before local midnight and put
    two records on one day (CI, 23:05 Central on 2026-12-06: 364 bars for 365 days)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12)))


def _campaign_with_records_on(days: int, settings: Any, tmp_path: Path) -> int:
    """A campaign of ``days`` + 1 staff; one witnessed refusal recorded on each of ``days``
    consecutive days ending today (the chart counts every record)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Certificates are made when downloaded; none is needed here.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    for i in range(days + 1):
        make_person(d, building=north, given_name="Staff", family_name=f"Member{i:04d}")
    superintendent = make_user(d, Role.SUPERINTENDENT, username="superintendent")
    principal = make_user(d, Role.PRINCIPAL, building=north, username="principal")
    version = import_seed(d, by=superintendent)
    today = timezone.localdate()
    campaign = services.create_campaign(
        district=d,
        title="Annual acknowledgment 5:125",
        school_year=services.school_year_of(today),
        due_on=today + timedelta(days=20),
        versions=[version],
        buildings=[],
        job_categories=[],
        by=superintendent,
    )
    start = timezone.now() - timedelta(days=days + 1)
    services.launch_campaign(campaign=campaign, by=superintendent, now=start)
    campaign.refresh_from_db()
    services.distribute_campaign(campaign=campaign, building=north, by=principal, now=start)
    rows = Assignment.objects.filter(campaign=campaign).order_by("pk")[:days]
    for i, assignment in enumerate(rows):
        services.record_witnessed_refusal(
            assignment=assignment,
            by=principal,
            witness_name="Wanda Witness",
            reason="Declined.",
            scan=None,
            ip=None,
            user_agent="e2e",
            now=_on_day(today - timedelta(days=days - 1 - i)),
        )
    return campaign.pk


@pytest.mark.parametrize("days", [1, 365])
def test_acks_chart_keeps_its_size_with_one_day_and_a_year_of_records(
    page: Any, live_server: Any, transactional_db: Any, settings: Any, tmp_path: Path, days: int
) -> None:
    pk = _campaign_with_records_on(days, settings, tmp_path)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "superintendent", PASSWORD)
    page.goto(f"{live_server.url}/acknowledgments/campaigns/{pk}/")
    chart = page.locator("svg.chart")
    box = chart.bounding_box()
    assert box is not None
    assert 300 <= box["width"] <= 700, box
    assert 100 <= box["height"] <= 240, box
    bars = page.locator("svg.chart rect")
    assert bars.count() == days
    # Every bar is inside the chart, and the last one (everyone with a record but one) is tall.
    last = bars.nth(days - 1).bounding_box()
    assert last is not None
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1
    assert last["height"] >= box["height"] * 0.4
