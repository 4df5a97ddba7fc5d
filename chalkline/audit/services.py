"""The one write path into the audit log, and its verifier.

``record_event`` links the event into its district's chain inside the caller's transaction when
the chain is free. When another transaction holds the chain (PostgreSQL, concurrent writers), the
event is written to ``PendingAuditEvent`` in the same transaction, and ``seal_pending`` links all
waiting events into the chain right after commit, in one batch, under the chain-head lock.
Either way the event commits or rolls back with the business change it records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from chalkline.audit.chain import canonical_json, event_digest
from chalkline.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, PendingAuditEvent
from chalkline.people.models import District, User

logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock that guards a district's chain ("CL" "AU").
CHAIN_LOCK_CLASS = 0x434C4155 & 0x7FFFFFFF
SEAL_BATCH = 5000


def _target_parts(target: models.Model | tuple[str, str | int] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


def _chain_lock(district_id: int, *, wait: bool) -> bool:
    """Take the district's chain lock until the end of the transaction. On SQLite, IMMEDIATE
    transactions already allow one writer at a time, so the lock is always ours."""
    if connection.vendor != "postgresql":
        return True
    fn = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fn}(%s, %s)", [CHAIN_LOCK_CLASS, district_id])
        row = cursor.fetchone()
    return wait or bool(row and row[0])


def _lock_head(district_id: int) -> AuditChainHead:
    try:
        return AuditChainHead.objects.select_for_update().get(district_id=district_id)
    except AuditChainHead.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(district_id=district_id)
    except IntegrityError:
        pass  # another writer created it first; lock theirs
    return AuditChainHead.objects.select_for_update().get(district_id=district_id)


@dataclass(frozen=True)
class _Fields:
    district_id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    before: str
    after: str


def _link(head: AuditChainHead, f: _Fields) -> AuditEvent:
    seq = head.last_seq + 1
    values = asdict(f)
    digest = event_digest(prev_hash=head.last_hash, seq=seq, **values)
    event = AuditEvent(seq=seq, prev_hash=head.last_hash, hash=digest, **values)
    head.last_seq, head.last_hash = seq, digest
    return event


def record_event(
    *,
    district: District | int,
    actor: User | None,
    action: str,
    target: models.Model | tuple[str, str | int] | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent | PendingAuditEvent:
    """Record one business event. Call it inside the transaction of the change it records.

    ``before``/``after`` must hold no more personal data than the audit reader needs: ids and
    changed fields, never free text written by students or families.
    """
    district_id = district if isinstance(district, int) else district.pk
    target_type, target_id = _target_parts(target)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    fields = _Fields(
        district_id=district_id,
        at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor.get_username() if actor is not None and actor_id is not None else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=canonical_json(before),
        after=canonical_json(after),
    )
    if connection.vendor == "postgresql":
        event = _record_postgresql(fields)
        # After commit, link whatever waits (ours, or others' that committed while we held the
        # chain). Never blocks: if the chain is busy, its holder looks again after releasing.
        parked = isinstance(event, PendingAuditEvent)
        transaction.on_commit(lambda: seal_pending(district_id, ours_waiting=parked), robust=True)
        return event
    with transaction.atomic():
        head = _lock_head(district_id)
        linked = _link(head, fields)
        linked.save(force_insert=True)
        head.save(update_fields=["last_seq", "last_hash"])
    return linked


def _record_postgresql(f: _Fields) -> AuditEvent | PendingAuditEvent:
    """The hot path on PostgreSQL: try the chain lock; if it is ours, read the head and insert the
    linked event and move the head in one statement; if not, park the event for the holder."""
    values: list[Any] = [
        f.district_id,
        f.at,
        f.actor_id,
        f.actor_label,
        f.action,
        f.target_type,
        f.target_id,
        f.before,
        f.after,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if not _chain_lock(f.district_id, wait=False):
            cursor.execute(
                "INSERT INTO audit_pendingauditevent (district_id, at, actor_id, actor_label, "
                "action, target_type, target_id, before, after) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                values,
            )
            pending = PendingAuditEvent(**f.__dict__)
            pending.pk = cursor.fetchone()[0]
            pending._state.adding = False
            return pending
        # The head is read in a statement of its own, after the lock is ours: a statement's
        # snapshot is taken when it starts, so a head read in the locking statement could predate
        # the previous holder's commit.
        cursor.execute(
            "SELECT last_seq, last_hash FROM audit_auditchainhead WHERE district_id = %s",
            [f.district_id],
        )
        row = cursor.fetchone()
        head = (
            AuditChainHead(district_id=f.district_id, last_seq=row[0], last_hash=row[1])
            if row is not None
            else _lock_head(f.district_id)  # a district created before heads existed
        )
        event = _link(head, f)
        cursor.execute(
            "WITH ins AS (INSERT INTO audit_auditevent (district_id, at, actor_id, actor_label, "
            "action, target_type, target_id, before, after, seq, prev_hash, hash) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id) "
            "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s "
            "WHERE district_id = %s RETURNING (SELECT id FROM ins)",
            [*values, event.seq, event.prev_hash, event.hash, event.seq, event.hash, f.district_id],
        )
        event.pk = cursor.fetchone()[0]
        event._state.adding = False
        return event


def _any_waiting(district_id: int) -> bool:
    # Runs after every event on PostgreSQL, so it is plain SQL rather than an ORM query.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM audit_pendingauditevent WHERE district_id = %s)",
            [district_id],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def seal_pending(district_id: int, *, wait: bool = False, ours_waiting: bool = False) -> int:
    """Link every waiting event of the district into its chain; returns how many it linked.

    Protocol: whoever holds the chain lock drains the waiting events, releases the lock, then
    checks again. A writer whose event committed while the lock was held, and who therefore could
    not take it, is covered by that second check. Idempotent; ``wait=True`` blocks for the lock
    (used by ``chalkline audit seal``); ``ours_waiting`` skips the first check when the caller
    has just parked an event.
    """
    sealed = 0
    while ours_waiting or _any_waiting(district_id):
        ours_waiting = False
        linked = _seal_batch(district_id, wait=wait)
        if linked is None:
            return sealed  # the chain is busy; its holder checks again after releasing
        sealed += linked
    return sealed


def _seal_batch(district_id: int, *, wait: bool) -> int | None:
    """Under the chain lock, move up to SEAL_BATCH waiting events into the chain."""
    with transaction.atomic():
        if not _chain_lock(district_id, wait=wait):
            return None
        head = _lock_head(district_id)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM audit_pendingauditevent WHERE id IN (SELECT id FROM "
                    "audit_pendingauditevent WHERE district_id = %s ORDER BY id LIMIT %s) "
                    "RETURNING id, district_id, at, actor_id, actor_label, action, target_type, "
                    "target_id, before, after",
                    [district_id, SEAL_BATCH],
                )
                rows = sorted(cursor.fetchall())
            waiting = [_Fields(*row[1:]) for row in rows]
        else:
            batch = list(
                PendingAuditEvent.objects.filter(district_id=district_id).order_by("id")[
                    :SEAL_BATCH
                ]
            )
            PendingAuditEvent.objects.filter(pk__in=[p.pk for p in batch]).delete()
            names = [field.name for field in dataclass_fields(_Fields)]
            waiting = [_Fields(**{n: getattr(p, n) for n in names}) for p in batch]
        if not waiting:
            return 0
        AuditEvent.objects.bulk_create([_link(head, f) for f in waiting])
        head.save(update_fields=["last_seq", "last_hash"])
        return len(waiting)


@dataclass(frozen=True)
class VerifyResult:
    district_id: int
    count: int
    ok: bool
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""
    pending: int = 0


_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
    "prev_hash",
    "hash",
)


def _rows(district_id: int, chunk: int) -> Iterator[tuple[Any, ...]]:
    """The chain in seq order with plain SQL (over a million rows the ORM's per-row conversions
    were most of the time), in bounded memory: a server-side cursor on PostgreSQL, keyset pages
    on SQLite. (Keyset pages on PostgreSQL meet prepared statements' generic plans, which may
    choose to sort the whole table for every page.)"""
    columns = ", ".join(_FIELDS)
    base = f"SELECT {columns} FROM audit_auditevent WHERE district_id = %s"  # noqa: S608 - fixed columns
    if connection.vendor == "postgresql":
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(base + " ORDER BY seq", [district_id])
            while page := cursor.fetchmany(chunk):
                yield from page
        finally:
            cursor.close()
        return
    after_seq = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                base + " AND seq > %s ORDER BY seq LIMIT %s", [district_id, after_seq, chunk]
            )
            page = cursor.fetchall()
        if not page:
            return
        for row in page:
            yield (*row[:2], _sqlite_datetime(row[2]), *row[3:])
        after_seq = page[-1][1]


def _sqlite_datetime(value: Any) -> datetime:
    """SQLite keeps datetimes as naive UTC (text, or a naive datetime through Django's converter)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def verify_chain(
    district_id: int, *, chunk: int = 5000, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Recompute every link of a district's chain. Stops at the first broken row."""
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    pending = PendingAuditEvent.objects.filter(district_id=district_id).count()
    for row in _rows(district_id, chunk):
        pk, seq, at, actor_id, actor_label, action, ttype, tid, before, after, prev_hash, digest = (
            row
        )
        if seq != expected_seq:
            return VerifyResult(
                district_id,
                count,
                False,
                expected_seq,
                pk,
                f"row #{expected_seq} is missing (found #{seq})",
                pending,
            )
        if prev_hash != prev:
            return VerifyResult(
                district_id,
                count,
                False,
                seq,
                pk,
                "its previous-hash does not match the row before it",
                pending,
            )
        recomputed = event_digest(
            prev_hash=prev,
            district_id=district_id,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=ttype,
            target_id=tid,
            before=before,
            after=after,
        )
        if recomputed != digest:
            return VerifyResult(
                district_id, count, False, seq, pk, "its content does not match its hash", pending
            )
        prev = digest
        expected_seq += 1
        count += 1
        if progress is not None and count % chunk == 0:
            progress(count)
    head = (
        AuditChainHead.objects.filter(district_id=district_id)
        .values_list("last_seq", "last_hash")
        .first()
    )
    if head is not None and (head[0] != count or (count and head[1] != prev)):
        return VerifyResult(
            district_id,
            count,
            False,
            count + 1,
            None,
            f"the chain head expects {head[0]} rows; rows at the end are missing",
            pending,
        )
    return VerifyResult(district_id, count, True, pending=pending)
