"""Policy reviews: each policy's review schedule (step 1 of issue 22).

A policy without a ``ReviewSchedule`` row is reviewed every two years counted from its latest
adoption or revision; a row sets another cycle, a next-review date and the owner who is
reminded.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from chalkline.people.models import District, User
from chalkline.policies.models import Policy

DEFAULT_CYCLE_MONTHS = 24


class ReviewSchedule(models.Model):
    policy = models.OneToOneField(Policy, on_delete=models.CASCADE, related_name="review_schedule")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    cycle_months = models.PositiveSmallIntegerField(default=DEFAULT_CYCLE_MONTHS)
    next_review_on = models.DateField()
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The next-review date the owner was last reminded of: a reminder is sent once per date.
    reminded_for = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["district", "next_review_on"], name="review_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_months__gte=1) & Q(cycle_months__lte=120),
                name="review_cycle_1_to_120_months",
            )
        ]

    def __str__(self) -> str:
        return f"review of {self.policy_id} due {self.next_review_on}"


class ReviewReminder(models.Model):
    """One reminder sent to a schedule's owner about one next-review date (the outbox's ref)."""

    schedule = models.ForeignKey(ReviewSchedule, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_to = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_on"], name="review_reminder_once")
        ]

    def __str__(self) -> str:
        return f"reminder {self.schedule_id} {self.due_on}"
