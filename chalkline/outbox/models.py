"""One row per outbound e-mail and recipient: what to send, and what happened when we tried."""

from __future__ import annotations

from django.db import models

from chalkline.people.models import District, User


class Delivery(models.Model):
    """An e-mail to one recipient. ``ref_type``/``ref_id`` name what it is about (for example
    ``acks.notification`` 42), so the app that queued it can count and list its deliveries; the
    pair with the address is unique, which makes queueing idempotent."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    kind = models.CharField(max_length=40)
    ref_type = models.CharField(max_length=60)
    ref_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    # Every attempt ever, and the attempts of the current round (a manual retry starts a new one).
    attempts = models.PositiveIntegerField(default=0)
    tries = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where answers go (a signed hub reply address) and extra headers (journal copies name the
    # sender and recipients in X-Chalkline-* headers); empty for plain notifications.
    reply_to = models.CharField(max_length=320, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Set when the receiving side sent the message back (a DSN or a VERP bounce, `mail-in`).
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(fields=["ref_type", "ref_id"], name="delivery_ref_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ref_type", "ref_id", "to"],
                condition=models.Q(ref_id__isnull=False),
                name="delivery_once_per_ref_and_address",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "retrying", "sent", "failed"]),
                name="delivery_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"
