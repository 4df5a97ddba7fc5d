"""Reads for dashboards, building lists, exports, the personnel file (aggregate queries) and the
verification of signature records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from itertools import batched
from operator import or_
from typing import Any

from django.db.models import Count, Q, QuerySet

from chalkline.acks.categories import label_of
from chalkline.acks.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Campaign,
    Distribution,
    Notification,
    Signature,
)
from chalkline.acks.services.signing import packet_text, sha256_text
from chalkline.audit.models import AuditEvent
from chalkline.people.models import Building, District, Person, User
from chalkline.policies.models import PolicyVersion, VersionStatus


@dataclass
class Tally:
    key: Any
    label: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    # Assignments closed without an outcome: not in ``total`` (nobody is asked to sign them any
    # more), but shown beside it, so that done + open + replaced + left = everyone assigned.
    replaced: int = 0
    left: int = 0

    @property
    def assigned(self) -> int:
        return self.total + self.replaced + self.left

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
    """Counts per ``group`` and status, and the open ones past due, in one query (a second
    query for the overdue counts was a tenth of the building dashboard's database time)."""
    tallies: dict[Any, Tally] = {}
    every = (
        rows.order_by()
        .values_list(group, "status")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    )
    for key, status, n, late in every:
        t = tallies.setdefault(key, Tally(key, labels.get(key, str(key))))
        if status == AssignmentStatus.REPLACED:
            t.replaced += n
        elif status == AssignmentStatus.CLOSED:
            t.left += n
        else:
            t.counts[status] = t.counts.get(status, 0) + n
            t.total += n
            if status in OPEN_STATUSES:
                t.overdue += late
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
        t.replaced += row.replaced
        t.left += row.left
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


# --- campaign and employee pages ----------------------------------------------------------------


def published_versions(district: District) -> QuerySet[PolicyVersion]:
    """The versions a new campaign can ask staff to acknowledge, in manual order."""
    return (
        PolicyVersion.objects.filter(district=district, status=VersionStatus.PUBLISHED)
        .select_related("policy")
        .order_by("policy__sort_key")
    )


def follow_up_versions(campaign: Campaign) -> QuerySet[PolicyVersion]:
    """Published versions of the campaign's policies (a follow-up campaign asks for one)."""
    return PolicyVersion.objects.filter(
        district_id=campaign.district_id,
        policy__in=campaign.versions.values("policy"),
        status=VersionStatus.PUBLISHED,
    )


def newer_material_versions(campaign: Campaign) -> QuerySet[PolicyVersion]:
    """Material revisions published since the campaign's versions (a follow-up is due)."""
    return PolicyVersion.objects.filter(
        policy__in=campaign.versions.values("policy"),
        status=VersionStatus.PUBLISHED,
        material=True,
    ).exclude(pk__in=campaign.versions.values("pk"))


def replaced_counts(campaign_ids: list[int]) -> dict[int, int]:
    """Campaign id -> how many of its assignments a follow-up campaign carries on."""
    rows = (
        Assignment.objects.filter(campaign_id__in=campaign_ids, status=AssignmentStatus.REPLACED)
        .order_by()
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def follow_ups_of(campaign: Campaign) -> list[Campaign]:
    """The campaigns that carry this one on after a material revision, oldest first."""
    return list(campaign.follow_ups.order_by("created_at", "pk"))


def distributed_building_ids(campaign: Campaign) -> set[int]:
    return set(campaign.distributions.values_list("building_id", flat=True))


def distribution_of(campaign: Campaign, building: Building) -> Distribution | None:
    return Distribution.objects.filter(campaign=campaign, building=building).first()


def building_records(campaign: Campaign, building: Building) -> QuerySet[Signature]:
    """A building's records for one campaign, by employee name (the certificates ZIP)."""
    return Signature.objects.filter(campaign=campaign, building=building).order_by("employee_name")


def record_of(assignment: Assignment) -> Signature | None:
    return Signature.objects.filter(assignment=assignment).first()


def has_record(assignment: Assignment) -> bool:
    return Signature.objects.filter(assignment=assignment).exists()


def my_assignments(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """The employee's own assignments (``acks.access.own_assignments``), newest campaign first."""
    return assignments.select_related("campaign", "building").order_by("-campaign__created_at")


def my_notifications(user: User, district: District, limit: int = 20) -> list[Notification]:
    """The newest notifications sent to the user's account or to their person record."""
    mine = Q(user=user)
    if user.person_id:
        mine |= Q(person_id=user.person_id)
    return list(Notification.objects.filter(mine, district=district)[:limit])


def previous_version(assignment: Assignment, version: PolicyVersion) -> PolicyVersion | None:
    """The version of this policy the employee signed last, before this campaign."""
    signed = Signature.objects.filter(
        person_id=assignment.person_id, kind__in=["signed", "paper", "proxy"]
    ).exclude(campaign_id=assignment.campaign_id)
    best: PolicyVersion | None = None
    for record in signed.order_by("-signed_at")[:20]:
        for item in record.packet:
            if item.get("policy") == version.policy.number_raw and item["version"] < version.seq:
                candidate = PolicyVersion.objects.filter(pk=item["version_id"]).first()
                if candidate and (best is None or candidate.seq > best.seq):
                    best = candidate
    return best


def personnel_records(person: Person) -> tuple[list[Signature], QuerySet[Assignment]]:
    """A person's records (newest first) and the assignments that have none yet."""
    records = list(Signature.objects.of_person(person.pk))
    open_assignments = (
        Assignment.objects.filter(person=person)
        .exclude(pk__in=[r.assignment_id for r in records])
        .select_related("campaign")
    )
    return records, open_assignments


# --- verifying signature records ------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """What ``verify_signatures`` found for one record."""

    record_ok: bool  # the record's hash, recomputed from its fields, matches
    audit_ok: bool  # its audit event (in its district) carries the same hash
    text_ok: bool | None  # the signed text's hash, recomputed; None when not checked

    @property
    def intact(self) -> bool:
        return self.record_ok and self.audit_ok and self.text_ok is not False


VERIFY_BATCH = 2000


def verify_signatures(
    records: Iterable[Signature], *, check_text: bool = True
) -> Iterator[tuple[Signature, SignatureCheck]]:
    """Check each record against its own hash and its audit event (which ``chalkline audit
    verify`` proves unbroken), and with ``check_text`` the signed policy text against the hash
    the record keeps. Batches of 2,000 records: one query for their events, one for versions."""
    text_hashes: dict[tuple[int, ...], str | None] = {}
    for batch in batched(records, VERIFY_BATCH):
        events = _audit_entries(batch)
        if check_text:
            _hash_new_packets(batch, text_hashes)
        for record in batch:
            text_ok: bool | None = None
            if check_text:
                text_ok = text_hashes[_packet_key(record)] == record.text_sha256
            after = events.get((record.district_id, str(record.pk)), "")
            check = SignatureCheck(
                record_ok=record.is_intact,
                audit_ok=bool(after) and record.record_hash in after,
                text_ok=text_ok,
            )
            yield record, check


def _packet_key(record: Signature) -> tuple[int, ...]:
    return tuple(int(item["version_id"]) for item in record.packet)


def _hash_new_packets(
    batch: tuple[Signature, ...],
    text_hashes: dict[tuple[int, ...], str | None],
) -> None:
    """Hash the text of each packet not seen yet (None when one of its versions is gone)."""
    new = {key for record in batch if (key := _packet_key(record)) not in text_hashes}
    ids = {pk for key in new for pk in key}
    versions = {v.pk: v for v in PolicyVersion.objects.filter(pk__in=ids)} if ids else {}
    for key in new:
        ordered = [versions.get(pk) for pk in key]
        found = [v for v in ordered if v is not None]
        text_hashes[key] = sha256_text(packet_text(found)) if len(found) == len(key) else None


def verify_signature(record: Signature) -> SignatureCheck:
    """One record, fully checked (the public verification page)."""
    return next(verify_signatures([record]))[1]


def _audit_entries(records: tuple[Signature, ...]) -> dict[tuple[int, str], str]:
    """(district id, signature id) -> the ``after`` JSON of the records' audit events."""
    by_district: dict[int, list[str]] = {}
    for record in records:
        by_district.setdefault(record.district_id, []).append(str(record.pk))
    if not by_district:
        return {}
    where = reduce(or_, (Q(district_id=d, target_id__in=ids) for d, ids in by_district.items()))
    rows = (
        AuditEvent.objects.filter(where, target_type="acks.signature")
        .order_by("district", "seq")
        .values_list("district_id", "target_id", "after")
    )
    entries: dict[tuple[int, str], str] = {}
    for district_id, target_id, after in rows:
        entries.setdefault((district_id, target_id), after)
    return entries
