"""Policy reviews: each policy's review schedule, the reviews with their participants and
comments.

A policy without a ``ReviewSchedule`` row is reviewed every two years counted from its latest
adoption or revision; a row sets another cycle, a next-review date and the owner who is
reminded.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from chalkline.people.models import District, User
from chalkline.policies.models import Policy, PolicyVersion

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


class Review(models.Model):
    """One review of a policy: its participants, the draft they work on, their comments."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        AT_BOARD = "at_board", "At the Board"
        ADOPTED = "adopted", "Adopted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="reviews")
    # The published version under review (the redline's left side) and the draft (its right).
    base = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    draft = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Bumped by every save of the draft: a save made from an older revision is told to merge.
    draft_revision = models.PositiveIntegerField(default=0)
    opened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy"],
                condition=Q(status__in=["open", "at_board"]),
                name="review_one_open_per_policy",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "at_board", "adopted", "withdrawn"]),
                name="review_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.policy_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.AT_BOARD)


class Participant(models.Model):
    """Someone named on a review, with what they take part as."""

    class Kind(models.TextChoices):
        EMPLOYEE_REP = "employee_rep", "Employee representative"
        NETWORK_ADMIN = "network_admin", "Network administrator"
        HR = "hr", "Human resources"
        OTHER = "other", "Other"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="participant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on review {self.review_id}"


class Comment(models.Model):
    """A comment, a proposed wording or a reply, on one clause of the draft (optionally on a
    range of its text, ``quote``). Top-level comments are resolved; replies follow them."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PROPOSAL = "proposal", "Proposed wording"
        REPLY = "reply", "Reply"

    class Resolution(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    clause_id = models.CharField(max_length=300)
    quote = models.TextField(blank=True, help_text="The range of the clause's text commented on.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField()
    proposed_text = models.TextField(blank=True)
    created_at = models.DateTimeField()
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN
    )
    reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(resolution="rejected") | ~Q(reason=""),
                name="comment_rejected_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="proposal") | ~Q(proposed_text=""),
                name="comment_proposal_needs_text",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.clause_id}"


class BoardItem(models.Model):
    """A review's draft on the Board's agenda: its readings and the outcome as the minutes state
    it. The official minutes stay the record; ``minutes_url`` links to them."""

    class Status(models.TextChoices):
        ON_AGENDA = "on_agenda", "On the agenda"
        FIRST_READING = "first_reading", "First reading held"
        ADOPTED = "adopted", "Adopted"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="board_item")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.ON_AGENDA)
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_reading_on = models.DateField(null=True, blank=True)
    first_reading_waived = models.BooleanField(default=False)
    second_reading_on = models.DateField(null=True, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    motion = models.TextField(blank=True)
    vote = models.CharField(max_length=200, blank=True)
    minutes_url = models.URLField(max_length=500, blank=True)
    material = models.BooleanField(default=False)
    # Shown on the public portal while the draft is out for first reading, if the district says.
    public_first_reading = models.BooleanField(default=False)
    cover_memo = models.TextField(blank=True, help_text="The packet's cover memo.")

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="adopted")
                | (Q(adopted_on__isnull=False) & ~Q(motion="") & ~Q(vote="")),
                name="board_adoption_needs_date_motion_vote",
            ),
            models.CheckConstraint(
                condition=~(Q(first_reading_waived=True) & Q(first_reading_on__isnull=False)),
                name="board_first_reading_held_or_waived",
            ),
        ]

    def __str__(self) -> str:
        return f"board item {self.pk} (review {self.review_id})"


class BoardPacket(models.Model):
    """A Board packet as it was made: the PDF, its SHA-256 (also in the audit chain) and the
    chain head it printed."""

    item = models.ForeignKey(BoardItem, on_delete=models.CASCADE, related_name="packets")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    head_seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"packet {self.pk} of item {self.item_id}"


class ModelUpdate(models.Model):
    """A newer model text of the policy (from the district's policy service), imported next to
    the district's version with the model text that version was based on; ``decisions`` holds
    what the reviewer did with each model change ({"0": "taken", "1": "left"})."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="model_updates")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200, help_text="e.g. PRESS Issue 118, December 2026")
    old_model_text = models.TextField()
    new_model_text = models.TextField()
    decisions = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"model update {self.pk} ({self.label})"
