"""Canonical form and hashing of audit events. Pure functions, shared by writer and verifier."""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# the escaper json.dumps(..., ensure_ascii=False) uses for every string (C-accelerated)
_escape: Callable[[str], str] = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept, non-JSON types as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_body(
    *,
    district_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    before: str,
    after: str,
) -> str:
    """The canonical JSON of one event as it is hashed. ``before``/``after`` are canonical JSON text.

    ``audit verify`` computes this a million times, so the usual case (ints, strings, None) is
    written out directly with the json module's own string escaper: the text is exactly what
    canonical_json() of the same list gives (audit/tests/test_chain.py compares them), at a
    third of its cost. Any other type goes through canonical_json()."""
    # isoformat with microseconds is "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" in UTC: the same text as
    # strftime("%Y-%m-%dT%H:%M:%S.%fZ"), which was the slowest part of verifying
    at_text = at.astimezone(UTC).isoformat(timespec="microseconds")[:-6] + "Z"
    if (
        district_id.__class__ is int
        and seq.__class__ is int
        and (actor_id is None or actor_id.__class__ is int)
        and actor_label.__class__ is str
        and action.__class__ is str
        and target_type.__class__ is str
        and target_id.__class__ is str
        and before.__class__ is str
        and after.__class__ is str
    ):
        esc = _escape
        return (
            f"[{district_id},{seq},{esc(at_text)},{'null' if actor_id is None else actor_id},"
            f"{esc(actor_label)},{esc(action)},{esc(target_type)},{esc(target_id)},"
            f"{esc(before)},{esc(after)}]"
        )
    return canonical_json(
        [
            district_id,
            seq,
            at_text,
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            before,
            after,
        ]
    )


def event_digest(*, prev_hash: str, **fields: Any) -> str:
    """sha256(prev_hash + canonical JSON of the event), as hex. PostgreSQL's hot path computes the
    same digest in SQL (audit/services.py), from the same body."""
    return hashlib.sha256((prev_hash + event_body(**fields)).encode("utf-8")).hexdigest()
