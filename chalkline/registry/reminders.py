"""Dashboard reminders of the SOPPA deadlines (105 ILCS 85/27): the posting is updated by
January 30 and within 30 days of the start of the fiscal year (July 1 in Illinois), and an
agreement is posted within 10 business days of signing: an approved agreement still unposted 7
business days after its approval is flagged. Agreements past their expiry are "review due"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from chalkline.people.access import grants_for
from chalkline.people.models import District, User
from chalkline.people.roles import Capability
from chalkline.registry.models import App

FISCAL_YEAR_START = (7, 1)  # month, day
UNPOSTED_AFTER_BUSINESS_DAYS = 7


@dataclass(frozen=True)
class Reminder:
    text: str
    url_name: str
    app_id: int | None = None


def business_days_before(day: datetime.date, n: int) -> datetime.date:
    """The date ``n`` business days (Monday to Friday) before ``day``."""
    while n > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def deadline_reminders(today: datetime.date) -> list[Reminder]:
    out: list[Reminder] = []
    jan30 = datetime.date(today.year, 1, 30)
    if today.month == 1 and today <= jan30:
        out.append(
            Reminder(
                f"Update the public privacy page by January 30 ({(jan30 - today).days} days left).",
                "registry:apps",
            )
        )
    fy = datetime.date(today.year, *FISCAL_YEAR_START)
    due = fy + datetime.timedelta(days=30)
    if fy <= today <= due:
        out.append(
            Reminder(
                f"Update the public privacy page within 30 days of the fiscal year's start, "
                f"by {due:%B %-d} ({(due - today).days} days left).",
                "registry:apps",
            )
        )
    return out


def reminders_for(
    user: User, district: District, *, today: datetime.date | None = None
) -> list[Reminder]:
    """What those who approve apps must do soon; nothing for anyone else."""
    if not grants_for(user, district).can_anywhere(Capability.APPROVE_APPS):
        return []
    from django.utils import timezone

    today = today or timezone.localdate()
    out = deadline_reminders(today)
    cutoff = business_days_before(today, UNPOSTED_AFTER_BUSINESS_DAYS)
    approved = App.objects.in_district(district).approved()
    for app in approved.filter(posted_at__isnull=True, approved_at__date__lte=cutoff)[:20]:
        out.append(
            Reminder(
                f"The agreement with {app.operator} for {app.name} was approved 7 or more "
                "business days ago and is not posted (SOPPA: within 10 business days).",
                "registry:app",
                app.pk,
            )
        )
    for app in approved.filter(expires_on__lt=today)[:20]:
        out.append(
            Reminder(
                f"{app.name}: its agreement expired on {app.expires_on:%B %-d, %Y}. Review due.",
                "registry:app",
                app.pk,
            )
        )
    return out
