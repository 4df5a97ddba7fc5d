"""Canonical form and hashing of audit events. Pure functions, shared by writer and verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


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
    """The canonical JSON of one event as it is hashed. ``before``/``after`` are canonical JSON text."""
    at_text = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
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
