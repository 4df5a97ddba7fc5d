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
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.chain import canonical_json, event_body, event_digest
from chalkline.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, PendingAuditEvent
from chalkline.lib.dbtime import aware_utc
from chalkline.people.models import District, User

logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock that guards a district's chain ("CL" "AU").
CHAIN_LOCK_CLASS = 0x434C4155 & 0x7FFFFFFF
SEAL_BATCH = 5000


class AuditChainError(RuntimeError):
    """The chain could not be extended consistently."""


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

    def values(self) -> dict[str, Any]:
        """The fields as a plain dict (``asdict`` deep-copies, which the hot path cannot afford)."""
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES = tuple(field.name for field in dataclass_fields(_Fields))


def _link(head: AuditChainHead, f: _Fields) -> AuditEvent:
    seq = head.last_seq + 1
    values = f.values()
    digest = event_digest(prev_hash=head.last_hash, seq=seq, **values)
    event = AuditEvent(seq=seq, prev_hash=head.last_hash, hash=digest, **values)
    head.last_seq, head.last_hash = seq, digest
    return event


def record_event(
    *,
    district: District | int,
    actor: User | None,
    action: Action,
    target: models.Model | tuple[str, str | int] | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Record one business event. Call it inside the transaction of the change it records.

    ``before``/``after`` must hold no more personal data than the audit reader needs: ids and
    changed fields, never free text written by students or families. ``action`` is an
    ``Action`` (audit/actions.py): past tense, one vocabulary; it is stored as its text.
    """
    district_id = district if isinstance(district, int) else district.pk
    target_type, target_id = _target_parts(target)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    fields = _Fields(
        district_id=district_id,
        at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor.get_username() if actor is not None and actor_id is not None else "",
        action=str(getattr(action, "value", action)),
        target_type=target_type,
        target_id=target_id,
        before=canonical_json(before),
        after=canonical_json(after),
    )
    if connection.vendor == "postgresql":
        parked = _record_postgresql(fields)
        # After commit, link whatever waits (ours, or others' that committed while we held the
        # chain). Never blocks: if the chain is busy, its holder looks again after releasing.
        transaction.on_commit(
            lambda: _seal_pending_now(district_id, ours_waiting=parked), robust=True
        )
        return
    with transaction.atomic():
        head = _lock_head(district_id)
        _link(head, fields).save(force_insert=True)
        head.save(update_fields=["last_seq", "last_hash"])


# The PostgreSQL hot path, one statement: try the chain lock; when it is ours, lock the head row,
# move it on by one link (the hash computed by the server from the canonical JSON that Python
# prepared around the sequence number) and insert the linked event; when it is not, park the event.
# The head is read with FOR UPDATE: in READ COMMITTED, a row lock follows the row to its newest
# committed version, so a head moved by the previous holder after this statement's snapshot was
# taken is still read correctly (a plain read in the same statement could see the older head).
_HOT_PATH = """
WITH lk AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(%(cls)s, %(d)s) AS got),
old AS MATERIALIZED (
    SELECT last_seq, last_hash FROM audit_auditchainhead
    WHERE district_id = %(d)s AND (SELECT got FROM lk) FOR UPDATE
),
head AS (
    UPDATE audit_auditchainhead h
    SET last_seq = old.last_seq + 1,
        last_hash = encode(sha256(convert_to(
            old.last_hash || %(pre)s || (old.last_seq + 1)::text || %(post)s, 'UTF8')), 'hex')
    FROM old WHERE h.district_id = %(d)s
    RETURNING h.last_seq AS seq, old.last_hash AS prev_hash, h.last_hash AS hash
),
ev AS (
    INSERT INTO audit_auditevent (district_id, at, actor_id, actor_label, action, target_type,
        target_id, before, after, seq, prev_hash, hash)
    SELECT %(d)s, %(at)s, %(actor_id)s, %(actor_label)s, %(action)s, %(target_type)s,
        %(target_id)s, %(before)s, %(after)s, seq, prev_hash, hash FROM head
    RETURNING id, seq, prev_hash, hash
),
pend AS (
    INSERT INTO audit_pendingauditevent (district_id, at, actor_id, actor_label, action,
        target_type, target_id, before, after)
    SELECT %(d)s, %(at)s, %(actor_id)s, %(actor_label)s, %(action)s, %(target_type)s,
        %(target_id)s, %(before)s, %(after)s FROM lk WHERE NOT got
    RETURNING id
)
SELECT id, seq, prev_hash, hash FROM ev
UNION ALL SELECT id, NULL, NULL, NULL FROM pend
"""


def _record_postgresql(f: _Fields) -> bool:
    """Link the event inline when the chain is free, or park it for the holder: one statement.
    Returns whether the event was parked.

    Outside a transaction the statement is its own transaction (the lock lasts as long as it does);
    inside one, the lock and the event commit or roll back with the caller's change.
    """
    # The link's canonical JSON around its sequence number, which only the server knows:
    # body = "[district_id," + seq + "," + canonical JSON of the remaining fields without its "[".
    values = f.values()
    sample = event_body(seq=0, **values)
    pre, post = f"[{f.district_id},", sample[len(f"[{f.district_id},0") :]
    params = {**values, "cls": CHAIN_LOCK_CLASS, "d": f.district_id, "pre": pre, "post": post}
    with connection.cursor() as cursor:
        cursor.execute(_HOT_PATH, params)
        row = cursor.fetchone()
    if row is None:  # the lock was ours but the district has no head row yet (created before heads)
        with transaction.atomic():
            _chain_lock(f.district_id, wait=True)
            head = _lock_head(f.district_id)
            _link(head, f).save(force_insert=True)
            head.save(update_fields=["last_seq", "last_hash"])
        return False
    _pk, seq, prev_hash, digest = row
    if seq is None:
        return True
    # The link the server computed must be the one event_digest (and so `audit verify`) computes.
    # A mismatch (a changed canonical form, a database not in UTF-8) fails loudly; outside a
    # transaction the row is already written, and `audit verify` names it.
    if digest != event_digest(prev_hash=prev_hash, seq=seq, **values):
        raise AuditChainError(f"the database computed a different hash for event #{seq}")
    return False


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
    if connection.in_atomic_block and not wait:
        # Sealing would take the chain until the outer transaction ends, and nothing would look
        # again after that: seal after the commit instead. (``wait=True`` is `audit seal`,
        # which asks for the lock and seals where it is called.)
        transaction.on_commit(
            lambda: _seal_pending_now(district_id, ours_waiting=ours_waiting), robust=True
        )
        return 0
    return _seal_pending_now(district_id, wait=wait, ours_waiting=ours_waiting)


def _seal_pending_now(district_id: int, *, wait: bool = False, ours_waiting: bool = False) -> int:
    sealed = 0
    while ours_waiting or _any_waiting(district_id):
        ours_waiting = False
        if not wait and connection.vendor == "postgresql" and not connection.in_atomic_block:
            linked = _seal_if_free(district_id)
        else:
            linked = _seal_batch(district_id, wait=wait)
        if linked is None:
            return sealed  # the chain is busy; its holder checks again after releasing
        sealed += linked
    return sealed


def _seal_if_free(district_id: int) -> int | None:
    """Seal a batch if the chain is free, at one round trip when it is not (the common case for a
    writer that has just parked its event). A busy answer means a holder exists and will look
    again after releasing.

    With direct connections the session-level form of the chain lock is tried in autocommit and,
    when it is ours, the batch is sealed under it and the lock released (released in ``finally``,
    and by the server if the connection dies). Behind a transaction-pooling PgBouncer
    (``DB_TRANSACTION_POOLING``) session state could follow the server connection to another
    client, so the transaction-level lock is only probed there, then a real attempt follows."""
    lock = (
        "pg_try_advisory_xact_lock" if settings.DB_TRANSACTION_POOLING else "pg_try_advisory_lock"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {lock}(%s, %s)", [CHAIN_LOCK_CLASS, district_id])
        row = cursor.fetchone()
    if not (row and row[0]):
        return None
    if settings.DB_TRANSACTION_POOLING:
        return _seal_batch(district_id, wait=False)
    try:
        return _seal_batch(district_id, wait=True)  # the lock is already ours: it cannot block
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [CHAIN_LOCK_CLASS, district_id])


def _seal_batch(district_id: int, *, wait: bool) -> int | None:
    """Under the chain lock, move up to SEAL_BATCH waiting events into the chain."""
    with transaction.atomic():
        if not _chain_lock(district_id, wait=wait):
            return None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # plain SQL: this runs after most appends
                cursor.execute(
                    "SELECT last_seq, last_hash FROM audit_auditchainhead "
                    "WHERE district_id = %s FOR UPDATE",
                    [district_id],
                )
                row = cursor.fetchone()
            return _seal_batch_postgresql(
                AuditChainHead(district_id=district_id, last_seq=row[0], last_hash=row[1])
                if row is not None
                else _lock_head(district_id)
            )
        head = _lock_head(district_id)
        batch = list(
            PendingAuditEvent.objects.filter(district_id=district_id).order_by("id")[:SEAL_BATCH]
        )
        PendingAuditEvent.objects.filter(pk__in=[p.pk for p in batch]).delete()
        waiting = [_Fields(**{n: getattr(p, n) for n in _FIELD_NAMES}) for p in batch]
        if not waiting:
            return 0
        AuditEvent.objects.bulk_create([_link(head, f) for f in waiting])
        head.save(update_fields=["last_seq", "last_hash"])
        return len(waiting)


_COLUMNS = ", ".join(_FIELD_NAMES)


def _seal_batch_postgresql(head: AuditChainHead) -> int:
    """The PostgreSQL batch in plain SQL (the ORM's per-object work was most of a batch's cost):
    take the oldest waiting events, link them in id order, insert them, move the head."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM audit_pendingauditevent WHERE id IN (SELECT id FROM "  # noqa: S608 - fixed columns
            f"audit_pendingauditevent WHERE district_id = %s ORDER BY id LIMIT %s) "
            f"RETURNING id, {_COLUMNS}",
            [head.district_id, SEAL_BATCH],
        )
        rows = sorted(cursor.fetchall())
        if not rows:
            return 0
        linked = []
        seq, prev = head.last_seq, head.last_hash
        for row in rows:
            seq += 1
            digest = event_digest(prev_hash=prev, seq=seq, **_Fields(*row[1:]).values())
            linked.append([*row[1:], seq, prev, digest])
            prev = digest
        head.last_seq, head.last_hash = seq, prev
        cursor.executemany(
            f"INSERT INTO audit_auditevent ({_COLUMNS}, seq, prev_hash, hash) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * (len(_FIELD_NAMES) + 3))})",
            linked,
        )
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE district_id = %s",
            [head.last_seq, head.last_hash, head.district_id],
        )
    return len(rows)


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
            yield (*row[:2], aware_utc(row[2]), *row[3:])
        after_seq = page[-1][1]


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


def verify_audit_chain(*, district: District, by: User) -> VerifyResult:
    """Verify the district's chain now and record the outcome (who, OK or the first broken seq)
    as an audit event, which the audit page shows as the last verification. The walk reads the
    chain outside any transaction; the event is written in its own."""
    result = verify_chain(district.pk)
    with transaction.atomic():
        _record_verification(district=district, by=by, result=result)
    return result


def _record_verification(*, district: District, by: User, result: VerifyResult) -> None:
    record_event(
        district=district,
        actor=by,
        action=Action.AUDIT_CHAIN_VERIFIED,
        target=("audit.auditevent", "*"),
        after={
            "ok": result.ok,
            "count": result.count,
            "broken_seq": result.broken_seq,
            "reason": result.reason,
            "pending": result.pending,
        },
    )
