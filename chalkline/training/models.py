"""In-service training (issue 21): the training the district writes, its sessions, each session's
roster (from the directory) with attendance and completion, and the district's ISBE provider
number for certificates.

A ``Training`` is the content: what the in-service covers (Policy 5:120's topics and 5:125), the
text the district writes or the file it uploads, optionally a policy version whose clauses a
self-paced module shows, an optional knowledge check, the professional-development hours, and a
renewal period (3 years for mandated-reporter training, 325 ILCS 5/4). A ``Session`` is one
delivery of it, in person, live online or self-paced, for one building or the whole district. A
``RosterEntry`` is one person's place on a session: checked in (by the presenter or the QR code)
and completed.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Q

from chalkline.people.models import Building, District, Person, User
from chalkline.policies.models import PolicyVersion


def new_qr_secret() -> str:
    return secrets.token_hex(32)


class TrainingSettings(models.Model):
    """Per-district training settings: the ISBE professional-development provider number
    printed on certificates when set."""

    district = models.OneToOneField(
        District, on_delete=models.PROTECT, related_name="training_settings"
    )
    isbe_provider_number = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"training settings {self.district_id}"


class TrainingQuerySet(models.QuerySet["Training"]):
    def in_district(self, district: District) -> TrainingQuerySet:
        return self.filter(district=district)


class Training(models.Model):
    class Topic(models.TextChoices):
        IN_SERVICE = "in_service", "Educator ethics and conduct in-service (5:120, 5:125)"
        MANDATED_REPORTER = "mandated_reporter", "Mandated reporter (325 ILCS 5/4)"
        OTHER = "other", "Other"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=20, choices=Topic.choices, default=Topic.IN_SERVICE)
    content = models.TextField(blank=True, help_text="What the district writes.")
    material = models.FileField(upload_to="training/", blank=True)
    policy_version = models.ForeignKey(
        PolicyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    questions = models.JSONField(
        default=list,
        blank=True,
        help_text='The knowledge check: [{"question": ..., "choices": [...], "answer": index}].',
    )
    pass_percent = models.PositiveSmallIntegerField(default=80)
    pd_hours = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("1.0"))
    renewal_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Completion lapses after this many years (3: mandated)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_percent__lte=100), name="training_pass_percent_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Live online"
        SELF_PACED = "self_paced", "Self-paced"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="sessions")
    format = models.CharField(max_length=12, choices=Format.choices)
    building = models.ForeignKey(
        Building,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: the whole district.",
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True, help_text="A room or a meeting link.")
    presenter = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    qr_secret = models.CharField(max_length=64, default=new_qr_secret)
    roster_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["in_person", "online", "self_paced"]),
                name="session_format_valid",
            ),
            models.CheckConstraint(
                condition=Q(format="self_paced") | Q(starts_at__isnull=False),
                name="session_scheduled_needs_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.training.title} ({self.get_format_display()})"

    @property
    def is_self_paced(self) -> bool:
        return self.format == self.Format.SELF_PACED


class RosterEntryQuerySet(models.QuerySet["RosterEntry"]):
    def completed(self) -> RosterEntryQuerySet:
        return self.filter(completed_at__isnull=False)


class RosterEntry(models.Model):
    """One person on one session's roster: present (checked in) and completed."""

    class Method(models.TextChoices):
        PRESENTER = "presenter", "Marked by the presenter"
        QR = "qr", "Scanned the QR code"
        SELF_PACED = "self_paced", "Completed the module"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="roster")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="training_entries", db_index=False
    )
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=12, choices=Method.choices, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    valid_until = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RosterEntryQuerySet.as_manager()

    class Meta:
        ordering = ["person__family_name", "person__given_name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "session"], name="roster_entry_once"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(method=""),
                name="roster_completion_needs_method",
            ),
        ]
        indexes = [models.Index(fields=["session", "completed_at"], name="roster_session_idx")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.session_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def lapsed(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


class Reminder(models.Model):
    """A renewal reminder sent (or to send) once per person, training and lapse date: the
    unique key makes the reminder command idempotent."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RosterEntry, on_delete=models.PROTECT, related_name="reminders")
    valid_until = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "valid_until"], name="training_reminder_once")
        ]

    def __str__(self) -> str:
        return f"reminder {self.entry_id} {self.valid_until}"
