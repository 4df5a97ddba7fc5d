"""Quiet hours and the review queue (issue 18, points 6, 8 and 11).

- ``ReviewSettings``: the district's quiet-hours window (in its time zone), how many school
  days a principal has before an item goes to the designee, and the non-school dates that do
  not count.
- ``BuildingQuietHours``: a building's narrower window (never wider than the district's).
- ``UrgentMark``: a message marked urgent, by whom and why (append-only). An urgent message is
  never held for quiet hours. ``Recipient.held_until`` and ``Recipient.Status.HELD`` mark the
  deliveries held until the window ends.
- ``ReviewItem``: an overridden finding, a recipient's report or an abuse-disclosure prompt,
  for the building principal first and then the designee.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from chalkline.messaging.models.threads import Message, MessageImmutable
from chalkline.people.models import Building, District, User

DEFAULT_ESCALATION_DAYS = 2


def default_time_zone() -> str:
    """The installation's TIME_ZONE (env), read when a district's settings row is created."""
    return str(settings.TIME_ZONE)


class ReviewSettings(models.Model):
    """The district's quiet hours and review-queue settings. Absent means: no quiet hours,
    two school days, weekdays only."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="+")
    time_zone = models.CharField(max_length=64, default=default_time_zone)
    #: the window in which staff-to-student messages are held (both set, or neither)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    escalate_after_school_days = models.PositiveSmallIntegerField(default=DEFAULT_ESCALATION_DAYS)
    #: ISO dates (YYYY-MM-DD) that are not school days, besides Saturdays and Sundays
    non_school_days = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="messaging_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"review settings of {self.district_id}"

    def non_school_dates(self) -> set[datetime.date]:
        out: set[datetime.date] = set()
        for value in self.non_school_days or []:
            try:
                out.add(datetime.date.fromisoformat(str(value)))
            except ValueError:
                continue
        return out


class BuildingQuietHours(models.Model):
    """A building's own window, inside the district's."""

    building = models.OneToOneField(Building, on_delete=models.PROTECT, related_name="+")
    quiet_start = models.TimeField()
    quiet_end = models.TimeField()

    def __str__(self) -> str:
        return f"quiet hours of building {self.building_id}"


class UrgentMarkQuerySet(AppendOnlyQuerySet["UrgentMark"]):
    error = MessageImmutable
    noun = "Urgent marks"


class UrgentMark(AppendOnlyModel):
    """The sender (a role with MARK_URGENT) marked the message urgent: delivered at once, even
    in quiet hours, and never put in a daily digest. ``message.urgent_mark`` exists or not."""

    append_only_error = MessageImmutable

    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="urgent_mark")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    at = models.DateTimeField(auto_now_add=True)

    objects = UrgentMarkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"urgent: message {self.message_id}"


class ReviewItemQuerySet(models.QuerySet["ReviewItem"]):
    def open(self) -> ReviewItemQuerySet:
        return self.filter(status=ReviewItem.Status.OPEN)


class ReviewItem(models.Model):
    """One message to review. ``excluded_from_records`` is set on abuse-disclosure prompts: they
    exist to support the employee and follow up, and never appear in a student's records or a
    family's export (the archive's exports must leave these items out)."""

    class Kind(models.TextChoices):
        OVERRIDE = "override", "A finding confirmed with a reason"
        REPORT = "report", "Reported by a recipient"
        ABUSE = "abuse", "Abuse or neglect prompt (support the employee)"

    class Level(models.TextChoices):
        PRINCIPAL = "principal", "The building principal"
        DESIGNEE = "designee", "The superintendent's designee"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        RESOLVED = "resolved", "Reviewed"

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", "No action"
        COACHING = "coaching", "Coaching note"
        REFERRAL = "referral", "Referral (opens a case)"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="review_items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    excluded_from_records = models.BooleanField(default=False)
    opened_at = models.DateTimeField()
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    #: the case a referral opened (cases sits beside messaging: an id, not a key)
    case_id = models.PositiveIntegerField(null=True, blank=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "pk"]
        constraints = [
            # one report per recipient per message; one override and one abuse item per message
            models.UniqueConstraint(
                fields=["message", "kind", "reported_by"],
                condition=Q(reported_by__isnull=False),
                name="messaging_review_reported_once",
            ),
            models.UniqueConstraint(
                fields=["message", "kind"],
                condition=Q(reported_by__isnull=True),
                name="messaging_review_item_once",
            ),
            models.CheckConstraint(
                condition=~Q(kind="abuse") | Q(level="designee", excluded_from_records=True),
                name="messaging_review_abuse_goes_to_designee",
            ),
        ]
        indexes = [
            models.Index(
                fields=["district", "status", "level", "escalate_at"],
                name="messaging_review_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"review item {self.pk}"
