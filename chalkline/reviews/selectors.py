"""Reads that span the review schedule and the policy library."""

from __future__ import annotations

from datetime import date

from django.db.models.functions import Coalesce

from chalkline.people.models import District
from chalkline.policies.models import PolicyVersion, VersionStatus
from chalkline.reviews.models import DEFAULT_CYCLE_MONTHS, ReviewSchedule
from chalkline.reviews.schedule import DueRow, add_months


def last_action_dates(district: District) -> dict[int, tuple[str, str, date]]:
    """Each policy with a published version: (number, title, the date of its latest adoption or
    revision, else the day it was published in Chalkline)."""
    rows = (
        PolicyVersion.objects.filter(district=district, status=VersionStatus.PUBLISHED)
        .annotate(last=Coalesce("revised_on", "adopted_on"))
        .values_list("policy_id", "policy__number_raw", "title", "last", "published_at")
    )
    out: dict[int, tuple[str, str, date]] = {}
    for policy_id, number, title, last, published_at in rows:
        if last is None and published_at is not None:
            last = published_at.date()
        if last is not None:
            out[policy_id] = (number, title, last)
    return out


def due_rows(district: District, *, today: date) -> list[DueRow]:
    """Every published policy with its next review, soonest first: a schedule row's date, else
    two years after its latest adoption or revision."""
    schedules = {
        s.policy_id: s
        for s in ReviewSchedule.objects.filter(district=district).select_related("owner")
    }
    rows: list[DueRow] = []
    for policy_id, (number, title, last) in last_action_dates(district).items():
        schedule = schedules.get(policy_id)
        if schedule is not None:
            cycle, next_on = schedule.cycle_months, schedule.next_review_on
            owner = (
                schedule.owner.get_full_name() or schedule.owner.username if schedule.owner else ""
            )
        else:
            cycle, next_on, owner = DEFAULT_CYCLE_MONTHS, add_months(last, DEFAULT_CYCLE_MONTHS), ""
        rows.append(
            DueRow(
                policy_id=policy_id,
                number=number,
                title=title,
                last_action_on=last,
                cycle_months=cycle,
                next_review_on=next_on,
                owner=owner,
                scheduled=schedule is not None,
                days_left=(next_on - today).days,
            )
        )
    rows.sort(key=lambda r: (r.next_review_on, r.number))
    return rows
