"""The append-only, hash-chained audit log: one chain per district.

Each row's ``hash`` is sha256(previous row's hash + the canonical JSON of this row's event). The
chain head (``AuditChainHead``) is locked while appending, so concurrent writers still produce one
gap-free chain. The ORM refuses update and delete, and database triggers (SQLite and PostgreSQL,
``chalkline.lib.appendonly``, migration 0005) refuse UPDATE, DELETE and TRUNCATE of events and
any move of the head other than forward.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models

from chalkline.lib.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet

GENESIS_HASH = "0" * 64

__all__ = ["GENESIS_HASH", "AppendOnlyError", "AuditChainHead", "AuditEvent", "PendingAuditEvent"]


class AuditEventQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    noun = "Audit events"

    def in_district(self, district_id: int) -> AuditEventQuerySet:
        return self.filter(district_id=district_id)


class AuditEvent(AppendOnlyModel):
    # Indexes are kept to what readers use: (district, seq) is unique and leads with the district,
    # so the foreign key needs no index of its own, and nothing looks an event up by its hash
    # (`audit verify` walks the chain in seq order). Every index is paid on every append.
    district = models.ForeignKey(
        "people.District", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="Username at the time.")
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    before = models.TextField(default="null", help_text="Canonical JSON.")
    after = models.TextField(default="null", help_text="Canonical JSON.")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["district", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "seq"], name="audit_seq_unique_in_district"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "action", "seq"], name="audit_action_idx"),
            models.Index(fields=["district", "target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["district", "at"], name="audit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    @property
    def before_data(self) -> Any:
        return json.loads(self.before)

    @property
    def after_data(self) -> Any:
        return json.loads(self.after)


class PendingAuditEvent(models.Model):
    """An event whose business transaction has committed but which is not yet linked into the chain.

    Writers that find the chain busy (another transaction holds it) write here instead of waiting,
    in the same transaction as their business change; right after their commit, ``seal_pending``
    links every waiting event into the chain in one batch. This keeps the chain gap-free while
    concurrent writers share one fsync per batch instead of queueing one commit at a time.
    """

    # Rows live for milliseconds; (district, id) is the one index the sealer needs.
    district = models.ForeignKey(
        "people.District", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    before = models.TextField(default="null")
    after = models.TextField(default="null")

    class Meta:
        indexes = [models.Index(fields=["district", "id"], name="audit_pending_idx")]

    def __str__(self) -> str:
        return f"pending {self.action}"


class AuditChainHead(models.Model):
    """The last link of a district's chain. Appenders lock this row (SELECT ... FOR UPDATE)."""

    district = models.OneToOneField("people.District", on_delete=models.PROTECT, related_name="+")
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.district_id}@{self.last_seq}"
