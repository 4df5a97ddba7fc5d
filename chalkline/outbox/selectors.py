"""Reads over deliveries: the counts and failures an app shows beside what it sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from chalkline.outbox.models import Delivery

FAILURES_SHOWN = 50


@dataclass(frozen=True)
class DeliverySummary:
    queued: int = 0
    retrying: int = 0
    sent: int = 0
    failed: int = 0
    failures: list[Delivery] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.queued + self.retrying + self.sent + self.failed


def summarize(deliveries: QuerySet[Delivery]) -> DeliverySummary:
    """Counts by status (``sending`` counts as queued) and the first failed deliveries."""
    counts = {
        row["status"]: row["n"]
        for row in deliveries.order_by().values("status").annotate(n=Count("pk"))
    }
    # the failed ones are read only when there are some (the building dashboard, which shows
    # this on every view, usually has none)
    failures = (
        list(
            deliveries.filter(status=Delivery.Status.FAILED)
            .order_by("to", "pk")
            .only("pk", "to", "last_error", "last_attempt_at", "attempts", "kind")[:FAILURES_SHOWN]
        )
        if counts.get(Delivery.Status.FAILED)
        else []
    )
    return DeliverySummary(
        queued=counts.get(Delivery.Status.QUEUED, 0) + counts.get(Delivery.Status.SENDING, 0),
        retrying=counts.get(Delivery.Status.RETRYING, 0),
        sent=counts.get(Delivery.Status.SENT, 0),
        failed=counts.get(Delivery.Status.FAILED, 0),
        failures=failures,
    )
