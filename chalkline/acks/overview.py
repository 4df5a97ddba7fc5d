"""The acknowledgment figures of a home page (the superintendent's, a principal's): each open
campaign's completion, overdue counts per building, buildings not yet distributed.

Two aggregate queries over assignments whatever the district's size (one GROUP BY campaign,
building and status, served by ``assignment_dash_idx``; one GROUP BY campaign and building of the
overdue, served by ``assignment_due_idx``), plus the campaigns, their distributions and the
buildings' names. No per-campaign or per-building loop queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from chalkline.acks.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Campaign,
    Distribution,
)
from chalkline.people.models import Building, District


@dataclass
class CampaignProgress:
    campaign: Campaign
    total: int = 0
    done: int = 0
    overdue: int = 0
    undistributed: list[Building] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0


@dataclass
class BuildingOverdue:
    building: Building
    overdue: int
    open: int


@dataclass
class AckOverview:
    campaigns: list[CampaignProgress]
    overdue_by_building: list[BuildingOverdue]

    @property
    def total_overdue(self) -> int:
        return sum(row.overdue for row in self.overdue_by_building)

    @property
    def undistributed_count(self) -> int:
        return sum(len(c.undistributed) for c in self.campaigns)


def ack_overview(district: District, *, building_ids: set[int] | None, today: date) -> AckOverview:
    """``building_ids`` None: the whole district; else only those buildings."""
    campaigns = list(Campaign.objects.in_district(district).launched().order_by("due_on", "pk"))
    if not campaigns:
        return AckOverview([], [])
    progress = {c.pk: CampaignProgress(c) for c in campaigns}
    rows = Assignment.objects.filter(campaign_id__in=list(progress)).exclude(
        status=AssignmentStatus.CLOSED
    )
    if building_ids is not None:
        rows = rows.filter(building_id__in=list(building_ids))
    with_staff: set[tuple[int, int]] = set()
    open_per_building: dict[int, int] = {}
    for campaign_id, building_id, status, n in (
        rows.order_by().values_list("campaign_id", "building_id", "status").annotate(n=Count("*"))
    ):
        p = progress[campaign_id]
        p.total += n
        if status in DONE_STATUSES:
            p.done += n
        if building_id is not None:
            with_staff.add((campaign_id, building_id))
            if status in OPEN_STATUSES:
                open_per_building[building_id] = open_per_building.get(building_id, 0) + n
    overdue_per_building: dict[int, int] = {}
    for campaign_id, building_id, n in (
        rows.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .order_by()
        .values_list("campaign_id", "building_id")
        .annotate(n=Count("*"))
    ):
        progress[campaign_id].overdue += n
        if building_id is not None:
            overdue_per_building[building_id] = overdue_per_building.get(building_id, 0) + n
    distributed = set(
        Distribution.objects.filter(campaign_id__in=list(progress)).values_list(
            "campaign_id", "building_id"
        )
    )
    names = {b.pk: b for b in Building.objects.filter(district=district).only("pk", "name")}
    for campaign_id, building_id in sorted(with_staff - distributed):
        progress[campaign_id].undistributed.append(names[building_id])
    for p in progress.values():
        p.undistributed.sort(key=lambda b: b.name)
    overdue = sorted(
        (
            BuildingOverdue(names[b], n, open_per_building.get(b, 0))
            for b, n in overdue_per_building.items()
        ),
        key=lambda row: (-row.overdue, row.building.name),
    )
    return AckOverview(list(progress.values()), overdue)
