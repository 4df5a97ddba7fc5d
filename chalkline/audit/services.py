"""The one write path into the audit log, and its verifier."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from chalkline.audit.chain import canonical_json, event_digest
from chalkline.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from chalkline.people.models import District, User


def _target_parts(target: models.Model | tuple[str, str | int] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


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


def record_event(
    *,
    district: District | int,
    actor: User | None,
    action: str,
    target: models.Model | tuple[str, str | int] | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the district's chain.

    Call it inside the transaction of the business change it records, so both commit or neither.
    ``before``/``after`` must hold no more personal data than the audit reader needs: ids and
    changed fields, never free text written by students or families.
    """
    district_id = district if isinstance(district, int) else district.pk
    target_type, target_id = _target_parts(target)
    before_text, after_text = canonical_json(before), canonical_json(after)
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_label = actor.get_username() if actor_id is not None and actor is not None else ""
    with transaction.atomic():
        head = _lock_head(district_id)
        seq = head.last_seq + 1
        at = timezone.now()
        digest = event_digest(
            prev_hash=head.last_hash,
            district_id=district_id,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before_text,
            after=after_text,
        )
        event = AuditEvent.objects.create(
            district_id=district_id,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before_text,
            after=after_text,
            prev_hash=head.last_hash,
            hash=digest,
        )
        head.last_seq, head.last_hash = seq, digest
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class VerifyResult:
    district_id: int
    count: int
    ok: bool
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


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
    qs = AuditEvent.objects.filter(district_id=district_id).order_by("seq").values_list(*_FIELDS)
    yield from qs.iterator(chunk_size=chunk)


def verify_chain(
    district_id: int, *, chunk: int = 5000, progress: Callable[[int], None] | None = None
) -> VerifyResult:
    """Recompute every link of a district's chain. Stops at the first broken row."""
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
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
            )
        if prev_hash != prev:
            return VerifyResult(
                district_id,
                count,
                False,
                seq,
                pk,
                "its previous-hash does not match the row before it",
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
                district_id, count, False, seq, pk, "its content does not match its hash"
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
        )
    return VerifyResult(district_id, count, True)
