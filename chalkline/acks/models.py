"""Annual acknowledgment campaigns: the campaign, each employee's assignment, the immutable
signature record, e-consent, reading events, notifications and certificates.

A ``Signature`` row never changes once written. Three guards: the services never update one, the
model and its QuerySet refuse to (``ImmutableRecordError``, an ``AppendOnlyError``), and database
triggers (``chalkline.lib.appendonly``, migration 0003; SQLite and PostgreSQL) refuse UPDATE,
DELETE and (PostgreSQL) TRUNCATE whoever sends them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, time
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from chalkline.people.models import Building, District, Person, User
from chalkline.policies.models import PolicyVersion

DEFAULT_INTENT = (
    "By signing, I acknowledge that I have received and read {packet}, that I understand it "
    "applies to me, and that I will comply with it. I intend this electronic signature to have "
    "the same effect as my handwritten signature."
)


def default_ladder() -> list[int]:
    return [7, 1, 0]


def default_time_zone() -> str:
    return str(settings.TIME_ZONE)


class ImmutableRecordError(AppendOnlyError):
    """Something tried to change or delete an acknowledgment record."""


class AckSettings(models.Model):
    """Per-district notification settings. Quiet hours hold e-mail (in the district's time zone);
    held messages go out when quiet hours end."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="ack_settings")
    quiet_start = models.TimeField(default=time(20, 0))
    quiet_end = models.TimeField(default=time(7, 0))
    time_zone = models.CharField(max_length=64, default=default_time_zone)

    def __str__(self) -> str:
        return f"ack settings {self.district_id}"


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def in_district(self, district: District) -> CampaignQuerySet:
        return self.filter(district=district)

    def launched(self) -> CampaignQuerySet:
        return self.filter(status=Campaign.Status.LAUNCHED)


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LAUNCHED = "launched", "Launched"
        CLOSED = "closed", "Closed"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="campaigns")
    title = models.CharField(max_length=200)
    school_year = models.CharField(max_length=9, help_text="e.g. 2026-2027")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    versions = models.ManyToManyField(PolicyVersion, related_name="campaigns")
    buildings = models.ManyToManyField(
        Building, blank=True, related_name="campaigns", help_text="Empty means every building."
    )
    job_categories = models.JSONField(default=list, blank=True, help_text="Empty means all.")
    include_new_hires = models.BooleanField(default=True)
    new_hire_days = models.PositiveSmallIntegerField(default=30)
    # A standing campaign for new hires (the mandated-reporter statement): only staff hired on
    # or after this day are in its audience. Empty: every staff member, whenever hired.
    hired_from = models.DateField(null=True, blank=True)
    reminder_days_before = models.JSONField(default=default_ladder)
    weekly_after_due = models.BooleanField(default=True)
    escalate_superintendent_after_days = models.PositiveSmallIntegerField(default=14)
    intent_text = models.TextField()
    follows = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    assigned_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    launched_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "launched", "closed"]),
                name="campaign_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.school_year})"


class Distribution(models.Model):
    """The principal's duty: the policy was given to this building's staff, by whom and when."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="distributions")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="+")
    distributed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    distributed_by_name = models.CharField(max_length=200)
    distributed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "building"], name="distribution_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}@{self.building_id}"


class AssignmentStatus(models.TextChoices):
    NOT_OPENED = "not_opened", "Not opened"
    OPENED = "opened", "Opened"
    SIGNED = "signed", "Signed"
    REFUSED = "refused", "Refused"
    PAPER = "paper", "Paper or proxy"
    CLOSED = "closed", "Left the district"
    REPLACED = "replaced", "Replaced by a newer version"


OPEN_STATUSES = (AssignmentStatus.NOT_OPENED, AssignmentStatus.OPENED)
DONE_STATUSES = (AssignmentStatus.SIGNED, AssignmentStatus.REFUSED, AssignmentStatus.PAPER)
# Closed without an outcome: the person left, or a material revision's follow-up campaign carries
# the assignment on (the old text can no longer be signed).
ENDED_STATUSES = (AssignmentStatus.CLOSED, AssignmentStatus.REPLACED)


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def for_building(self, building: Building) -> AssignmentQuerySet:
        return self.filter(building=building)

    def open(self) -> AssignmentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def done(self) -> AssignmentQuerySet:
        return self.filter(status__in=DONE_STATUSES)


class Assignment(models.Model):
    """One employee's duty to acknowledge one campaign's packet."""

    class Source(models.TextChoices):
        LAUNCH = "launch", "Campaign launch"
        NEW_HIRE = "new_hire", "New hire"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="assignments")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ack_assignments")
    building = models.ForeignKey(
        Building, null=True, on_delete=models.PROTECT, related_name="ack_assignments"
    )
    job_title = models.CharField(max_length=200, blank=True)
    job_category = models.CharField(max_length=30, blank=True)
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.NOT_OPENED
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.LAUNCH)
    opened_at = models.DateTimeField(null=True, blank=True)
    read_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="assignment_once"),
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values), name="assignment_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "building", "status"], name="assignment_dash_idx"),
            models.Index(fields=["campaign", "status", "due_on"], name="assignment_due_idx"),
            models.Index(fields=["person", "status"], name="assignment_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.closed_reason)


def status_label(status: str, closed_reason: str) -> str:
    """An assignment's status as people read it; a closure names its own reason ("Replaced by
    version 2", "Left the district (Retired)"). A function of the two columns, so that a page
    listing many assignments reads them without building models (the building dashboard)."""
    if status == AssignmentStatus.REPLACED:
        return closed_reason or str(AssignmentStatus.REPLACED.label)
    if status == AssignmentStatus.CLOSED:
        label = str(AssignmentStatus.CLOSED.label)
        reason = closed_reason.strip()
        return f"{label} ({reason})" if reason and reason != label else label
    return str(AssignmentStatus(status).label)


class ReadingEvent(models.Model):
    """The employee opened the packet, or said they finished reading it (with seconds viewed)."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        READ = "read", "Finished reading"

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="reading_events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment_id}:{self.kind}"


class EConsent(models.Model):
    """One-time consent to do business electronically (ESIGN/UETA), per consent-text version."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ack_consents")
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveSmallIntegerField()
    text_sha256 = models.CharField(max_length=64)
    given_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="econsent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:v{self.version}"


class SignatureQuerySet(AppendOnlyQuerySet["Signature"]):
    error = ImmutableRecordError
    noun = "Acknowledgment records"

    def by_code(self, code: str) -> Signature | None:
        """The record a certificate's verification code names (codes are upper case)."""
        return self.filter(verification_code=code.upper()).first()

    def of_person(self, person_id: int) -> SignatureQuerySet:
        """A person's records, newest first."""
        return self.filter(person_id=person_id).order_by("-signed_at")


class Signature(AppendOnlyModel):
    """The record of one assignment's outcome. Written once, never changed."""

    append_only_error = ImmutableRecordError

    class Kind(models.TextChoices):
        SIGNED = "signed", "Signed electronically"
        PAPER = "paper", "Paper acknowledgment"
        PROXY = "proxy", "Proxy acknowledgment"
        REFUSED = "refused", "Refused"

    class Method(models.TextChoices):
        TYPED_NAME = "typed_name", "Typed full name"
        PASSWORD = "password", "Re-entered password"
        PAPER_SCAN = "paper_scan", "Signed paper form, scanned"
        PROXY = "proxy", "Recorded by proxy"
        EMPLOYEE = "employee", "Refused by the employee in the app"
        WITNESSED = "witnessed", "Witnessed refusal"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="signature"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ack_signatures")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=12, choices=Method.choices)
    employee_name = models.CharField(max_length=250)
    employee_identifier = models.CharField(max_length=255, blank=True)
    building = models.ForeignKey(Building, null=True, on_delete=models.PROTECT, related_name="+")
    building_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    campaign_title = models.CharField(max_length=200)
    school_year = models.CharField(max_length=9)
    packet = models.JSONField(help_text="Each signed version: policy, title, version, sha256.")
    text_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the exact signed text.")
    distributed_by_name = models.CharField(max_length=200, blank=True)
    distributed_at = models.DateTimeField(null=True, blank=True)
    consent_version = models.PositiveSmallIntegerField(null=True, blank=True)
    intent_text = models.TextField(blank=True)
    typed_name = models.CharField(max_length=250, blank=True)
    comment = models.TextField(blank=True)
    refusal_reason = models.TextField(blank=True)
    witness_name = models.CharField(max_length=200, blank=True)
    rationale = models.TextField(blank=True)
    scan = models.FileField(upload_to="acks/scans/%Y/%m/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by_name = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField()
    signed_on = models.DateField(help_text="signed_at's date in the server time zone (dashboards).")
    time_zone = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    reading_events = models.JSONField(default=list)
    verification_code = models.CharField(max_length=24, unique=True)
    record_hash = models.CharField(max_length=64)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        indexes = [
            models.Index(fields=["campaign", "signed_on"], name="signature_progress_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.assignment_id}"

    HASHED_FIELDS = (
        "district_id",
        "assignment_id",
        "campaign_id",
        "person_id",
        "kind",
        "method",
        "employee_name",
        "employee_identifier",
        "building_id",
        "building_name",
        "job_title",
        "campaign_title",
        "school_year",
        "packet",
        "text_sha256",
        "distributed_by_name",
        "distributed_at",
        "consent_version",
        "intent_text",
        "typed_name",
        "comment",
        "refusal_reason",
        "witness_name",
        "rationale",
        "scan_sha256",
        "recorded_by_name",
        "signed_at",
        "time_zone",
        "ip",
        "user_agent",
        "reading_events",
        "verification_code",
    )

    def compute_hash(self) -> str:
        """SHA-256 over every recorded field, in a canonical JSON form."""
        data: dict[str, Any] = {}
        for name in self.HASHED_FIELDS:
            value = getattr(self, name)
            data[name] = _utc_iso(value) if isinstance(value, datetime) else value
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @property
    def is_intact(self) -> bool:
        return self.compute_hash() == self.record_hash


def _utc_iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class Certificate(models.Model):
    """The PDF certificate of one signature record, generated after it commits."""

    signature = models.OneToOneField(
        Signature, on_delete=models.PROTECT, related_name="certificate"
    )
    file = models.FileField(upload_to="acks/certificates/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"certificate {self.signature_id}"


class Notification(models.Model):
    """An in-app notice; its e-mail to ``email_to`` is an outbox delivery about
    ``acks.notification`` <id>. ``dedupe_key`` makes each reminder step happen once."""

    class Kind(models.TextChoices):
        DISTRIBUTED = "distributed", "Policy distributed"
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"
        NEW_HIRE = "new_hire", "New hire assignment"
        FOLLOW_UP = "follow_up", "Policy revised"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="ack_notifications"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="ack_notifications"
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    campaign = models.ForeignKey(Campaign, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    step = models.CharField(max_length=30, blank=True)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    email_to = models.EmailField(blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "created_at"], name="notification_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.pk}"
