from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from chalkline.audit.actions import (
    Action,
    spellings_of_action_prefix,
    spellings_of_target_type,
)
from chalkline.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditEventQuerySet
from chalkline.people.models import District


def filtered_events(district: District, filters: dict[str, Any]) -> AuditEventQuerySet:
    qs = AuditEvent.objects.in_district(district.pk)
    if filters.get("action"):
        # old and new spellings of the same action are found together (actions.LEGACY)
        prefixes, exact = spellings_of_action_prefix(filters["action"])
        match = Q(action__in=exact) if exact else Q(pk__in=[])
        for prefix in prefixes:
            match |= Q(action__startswith=prefix)
        qs = qs.filter(match)
    if filters.get("actor"):
        # a search: the username or its beginning (no list of every actor, which a district of
        # 150,000 staff could not offer)
        qs = qs.filter(actor_label__startswith=filters["actor"])
    if filters.get("target_type"):
        qs = qs.filter(target_type__in=spellings_of_target_type(filters["target_type"]))
    if filters.get("target_id"):
        qs = qs.filter(target_id=filters["target_id"])
    tz = timezone.get_current_timezone()
    since: date | None = filters.get("since")
    until: date | None = filters.get("until")
    if since:
        qs = qs.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        qs = qs.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz))
    return qs.order_by("-seq")


@dataclass(frozen=True)
class ChainHead:
    """The last link of a district's audit chain: its sequence number and hash."""

    seq: int
    hash: str

    @property
    def label(self) -> str:
        """How documents print it: ``#812 3f5a…`` in full (64 hex digits)."""
        return f"#{self.seq} {self.hash}"


def current_head(district: District | int) -> ChainHead:
    """The chain head now (events still waiting to be sealed are not in it). Certificates and
    other documents print it, so that a later checkpoint or verify can tie them to the chain."""
    district_id = district if isinstance(district, int) else district.pk
    row = (
        AuditChainHead.objects.filter(district_id=district_id)
        .values_list("last_seq", "last_hash")
        .first()
    )
    return ChainHead(seq=row[0], hash=row[1]) if row else ChainHead(seq=0, hash=GENESIS_HASH)


@dataclass(frozen=True)
class Verification:
    """The outcome of a chain verification, as its audit event recorded it."""

    at: datetime
    by: str
    ok: bool
    count: int
    broken_seq: int | None
    reason: str


def last_verification(district: District) -> Verification | None:
    event = (
        AuditEvent.objects.in_district(district.pk)
        .filter(action=Action.AUDIT_CHAIN_VERIFIED)
        .order_by("-seq")
        .first()
    )
    if event is None:
        return None
    data: dict[str, Any] = event.after_data or {}
    return Verification(
        at=event.at,
        by=event.actor_label,
        ok=bool(data.get("ok")),
        count=int(data.get("count") or 0),
        broken_seq=data.get("broken_seq"),
        reason=str(data.get("reason") or ""),
    )
