"""Reads for dashboards, building lists, exports and the personnel file (aggregate queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from chalkline.acks.categories import label_of
from chalkline.acks.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Campaign,
    Signature,
)
from chalkline.people.models import Building


@dataclass
class Tally:
    key: Any
    label: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in DONE_STATUSES)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def signed(self) -> int:
        return self.count(AssignmentStatus.SIGNED)

    @property
    def refused(self) -> int:
        return self.count(AssignmentStatus.REFUSED)

    @property
    def paper(self) -> int:
        return self.count(AssignmentStatus.PAPER)

    @property
    def open(self) -> int:
        return sum(self.counts.get(s, 0) for s in OPEN_STATUSES)


def _tally(
    rows: QuerySet[Assignment], group: str, today: date, labels: dict[Any, str]
) -> list[Tally]:
    tallies: dict[Any, Tally] = {}
    active = rows.exclude(status=AssignmentStatus.CLOSED).order_by()
    for key, status, n in active.values_list(group, "status").annotate(n=Count("pk")):
        t = tallies.setdefault(key, Tally(key, labels.get(key, str(key))))
        t.counts[status] = t.counts.get(status, 0) + n
        t.total += n
    overdue = (
        active.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .values_list(group)
        .annotate(n=Count("pk"))
    )
    for key, n in overdue:
        if key in tallies:
            tallies[key].overdue = n
    return sorted(tallies.values(), key=lambda t: t.label)


def building_tallies(
    campaign: Campaign, buildings: QuerySet[Building], today: date, *, every_building: bool
) -> list[Tally]:
    """Completion per building (only the given buildings)."""
    names = dict(buildings.values_list("pk", "name"))
    rows = Assignment.objects.filter(campaign=campaign)
    if not every_building:
        rows = rows.filter(building_id__in=list(names))
    result = _tally(rows, "building_id", today, names)
    return [t for t in result if t.key in names]


def category_tallies(campaign: Campaign, building: Building, today: date) -> list[Tally]:
    rows = Assignment.objects.filter(campaign=campaign, building=building)
    tallies = _tally(rows, "job_category", today, {})
    for t in tallies:
        t.label = label_of(str(t.key))
    return tallies


def total(tallies: list[Tally], label: str = "All") -> Tally:
    t = Tally(None, label)
    for row in tallies:
        t.total += row.total
        t.overdue += row.overdue
        for k, v in row.counts.items():
            t.counts[k] = t.counts.get(k, 0) + v
    return t


def daily_progress(
    campaign: Campaign, building_ids: list[int] | None = None
) -> list[tuple[date, int, int]]:
    """(day, records that day, cumulative) from the signature rows."""
    rows = Signature.objects.filter(campaign=campaign)
    if building_ids is not None:
        rows = rows.filter(building_id__in=building_ids)
    per_day = rows.order_by().values_list("signed_on").annotate(n=Count("pk")).order_by("signed_on")
    out: list[tuple[date, int, int]] = []
    running = 0
    for day, n in per_day:
        running += n
        out.append((day, n, running))
    return out


def staff_rows(
    campaign: Campaign, building: Building, filters: dict[str, Any], today: date
) -> QuerySet[Assignment]:
    rows = (
        Assignment.objects.filter(campaign=campaign, building=building)
        .select_related("person", "signature")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("category"):
        rows = rows.filter(job_category=filters["category"])
    if filters.get("overdue"):
        rows = rows.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    for word in str(filters.get("q", "")).split()[:3]:
        rows = rows.filter(
            Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
        )
    return rows
