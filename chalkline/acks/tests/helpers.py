"""Small helpers that put campaigns in a district through the services (never around them)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from chalkline.acks import services
from chalkline.acks.models import Assignment, Campaign
from chalkline.people.models import Building, District, User
from chalkline.policies.models import PolicyVersion
from chalkline.policies.tests.factories import import_seed

PASSWORD = "correct horse battery staple"


def published_policy(district: District) -> PolicyVersion:
    return import_seed(district)


def make_campaign(
    district: District,
    *,
    by: User | None = None,
    version: PolicyVersion | None = None,
    due_on: date | None = None,
    buildings: list[Building] | None = None,
    launch: bool = True,
    school_year: str | None = None,
    **kwargs: Any,
) -> Campaign:
    version = version or published_policy(district)
    campaign = services.create_campaign(
        district=district,
        title="Annual acknowledgment 5:125",
        school_year=school_year or services.school_year_of(timezone.localdate()),
        due_on=due_on or timezone.localdate() + timedelta(days=30),
        versions=[version],
        buildings=buildings or [],
        job_categories=kwargs.pop("job_categories", []),
        by=by,
        **kwargs,
    )
    if launch:
        services.launch_campaign(campaign=campaign, by=by)
        campaign.refresh_from_db()
    return campaign


def assignment_of(campaign: Campaign, user: User) -> Assignment:
    return Assignment.objects.get(campaign=campaign, person_id=user.person_id or 0)


def ready_to_sign(campaign: Campaign, user: User) -> Assignment:
    """Open the text and give e-consent, as the employee would."""
    assignment = assignment_of(campaign, user)
    services.record_open(assignment=assignment, by=user)
    services.give_econsent(by=user, ip="127.0.0.1", user_agent="pytest")
    assignment.refresh_from_db()
    return assignment


def no_quiet_hours(district: District) -> None:
    """Turn quiet hours off (start == end), so a test that sends mail "now" does not depend on
    the hour it runs at (by default, mail is held from 8 pm to 7 am)."""
    from datetime import time

    from chalkline.acks.models import AckSettings

    AckSettings.objects.update_or_create(
        district=district, defaults={"quiet_start": time(0), "quiet_end": time(0)}
    )
