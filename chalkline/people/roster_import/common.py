"""Shared pieces of the directory import: constants, the outcome counters, the row hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone

from chalkline.lib.oneroster import PersonKind, SuggestedRole
from chalkline.people.roles import Role

Progress = Callable[[str, int, int], None]

KIND_BIT = {PersonKind.STAFF: 1, PersonKind.STUDENT: 2, PersonKind.GUARDIAN: 4}
SUGGESTED: dict[SuggestedRole, Role] = {
    SuggestedRole.PRINCIPAL: Role.PRINCIPAL,
    SuggestedRole.SUPERINTENDENT_DESIGNEE: Role.DESIGNEE,
    SuggestedRole.NETWORK_ADMINISTRATOR: Role.NETWORK_ADMIN,
}
CREDENTIALS_NOTE = (
    "Passwords (users.csv 'password' column) and userProfiles.csv credentials are never read: "
    "nothing of them reaches the database."
)
BUILDING_ORG_TYPES = frozenset({"district", "school"})
ENTITIES = (
    "buildings",
    "orgs",
    "staff",
    "students",
    "guardians",
    "affiliations",
    "guardian_links",
    "classes",
    "enrollments",
    "role_suggestions",
)
ACTIONS = ("created", "updated", "deactivated", "reactivated", "unchanged")
CHUNK = 5000


class ImportRefused(Exception):
    """The package (or staff file) has errors: nothing was applied."""


@dataclass
class Outcome:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {e: dict.fromkeys(ACTIONS, 0) for e in ENTITIES}
    )
    version: str = ""
    # seconds per apply step (operations log and benchmark; not part of the report)
    step_seconds: dict[str, float] = field(default_factory=dict)

    def add(self, entity: str, action: str, n: int) -> None:
        self.counts.setdefault(entity, dict.fromkeys(ACTIONS, 0))
        self.counts[entity][action] += max(0, n)

    def changed(self) -> int:
        return sum(n for per in self.counts.values() for a, n in per.items() if a != "unchanged")


def row_hash(*parts: object) -> int:
    """A signed 64-bit hash of the normalized fields (fits a BIGINT column)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def now_iso() -> datetime:
    return timezone.now()
