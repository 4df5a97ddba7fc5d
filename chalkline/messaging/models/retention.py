"""Records retention under the Local Records Act (50 ILCS 205): the retention schedule items the
Local Records Commission approved for the hub's messages, the disposal certificates it approved,
legal holds, disposal runs and the tombstone each disposed message leaves (append-only)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from chalkline.messaging.models.threads import AudienceKind, MessageImmutable, Thread
from chalkline.people.models import District, Person, User

#: "All messages" as a record series, beside one series per audience kind.
ALL_SERIES = "all"
SERIES_CHOICES = [(ALL_SERIES, "All messages of the hub"), *AudienceKind.choices]
MAX_RETENTION_MONTHS = 1200  # 100 years; "permanent" records are never scheduled for disposal


class RetentionSchedule(models.Model):
    """One item of a retention schedule approved by the Local Records Commission (50 ILCS 205/7):
    which messages (the record series), how long they are kept, and the approval."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    schedule_number = models.CharField(max_length=40)
    item_number = models.CharField(max_length=20)
    series = models.CharField(max_length=20, choices=SERIES_CHOICES)
    title = models.CharField(max_length=200)
    retention_months = models.PositiveIntegerField()
    approved_on = models.DateField()
    commission_reference = models.CharField(max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["schedule_number", "item_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "schedule_number", "item_number"],
                name="messaging_retention_item_once",
            ),
            models.CheckConstraint(
                condition=Q(retention_months__gte=1, retention_months__lte=MAX_RETENTION_MONTHS),
                name="messaging_retention_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"schedule {self.schedule_number} item {self.item_number}"

    @property
    def label(self) -> str:
        return f"Schedule {self.schedule_number}, item {self.item_number}: {self.title}"

    @property
    def retention_label(self) -> str:
        years, months = divmod(self.retention_months, 12)
        parts = []
        if years:
            parts.append(f"{years} year{'s' if years != 1 else ''}")
        if months:
            parts.append(f"{months} month{'s' if months != 1 else ''}")
        return " ".join(parts)


class DisposalCertificate(models.Model):
    """A Local Records Disposal Certificate the Commission approved: it covers the messages of
    one schedule item sent from ``covers_from`` (or the beginning) through ``covers_through``."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(
        RetentionSchedule, on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(max_length=40)
    approved_on = models.DateField()
    covers_from = models.DateField(null=True, blank=True)
    covers_through = models.DateField()
    description = models.CharField(max_length=500)
    file = models.FileField(upload_to="messaging/disposal-certificates/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-approved_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "number"], name="messaging_disposal_certificate_once"
            ),
            models.CheckConstraint(
                condition=Q(covers_from__isnull=True)
                | Q(covers_from__lte=models.F("covers_through")),
                name="messaging_certificate_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"certificate {self.number}"


class LegalHold(models.Model):
    """Messages no disposal may touch while the hold is on: a person's (sent or received), a
    thread's (with its private replies), a date range's, or everyone's."""

    class Scope(models.TextChoices):
        PERSON = "person", "One person's messages (sent or received)"
        THREAD = "thread", "One conversation (with its private replies)"
        DATES = "dates", "Every message sent in a date range"
        EVERYONE = "everyone", "Every message of the district"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    matter = models.CharField(max_length=500)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="person") | Q(person__isnull=False),
                name="messaging_hold_person_named",
            ),
            models.CheckConstraint(
                condition=~Q(scope="thread") | Q(thread__isnull=False),
                name="messaging_hold_thread_named",
            ),
            models.CheckConstraint(
                condition=~Q(scope="dates")
                | Q(
                    date_from__isnull=False,
                    date_to__isnull=False,
                    date_from__lte=models.F("date_to"),
                ),
                name="messaging_hold_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"legal hold {self.pk}"

    @property
    def active(self) -> bool:
        return self.released_at is None

    def scope_label(self) -> str:
        if self.scope == self.Scope.PERSON and self.person is not None:
            return f"Messages of {self.person.display_name}"
        if self.scope == self.Scope.THREAD and self.thread_id:
            return f"Conversation {self.thread_id}"
        if self.scope == self.Scope.DATES:
            return f"Messages sent {self.date_from} to {self.date_to}"
        return "Every message of the district"


class DisposalRun(models.Model):
    """One execution of a certificate. ``state`` is ``running`` only inside the run's own
    transaction (the database triggers let a message go only while its run is running): a
    committed run is always ``done``."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(
        DisposalCertificate, on_delete=models.PROTECT, related_name="runs"
    )
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=20, default="web")
    idempotency_key = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    disposed = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)
    threads = models.PositiveIntegerField(default=0)
    tombstones_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "idempotency_key"], name="messaging_disposal_run_once"
            ),
        ]

    def __str__(self) -> str:
        return f"disposal run {self.pk}"


class TombstoneQuerySet(AppendOnlyQuerySet["Tombstone"]):
    error = MessageImmutable
    noun = "Tombstones"


class Tombstone(AppendOnlyModel):
    """What is left of a disposed message: its id, SHA-256 (also in the audit chain), thread,
    dates and the certificate that allowed it. Never the text, never the people."""

    append_only_error = MessageImmutable

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="tombstones")
    certificate = models.ForeignKey(
        DisposalCertificate, on_delete=models.PROTECT, related_name="tombstones"
    )
    message_id = models.BigIntegerField(unique=True)
    thread_id = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    disposed_at = models.DateTimeField()

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        ordering = ["message_id"]

    def __str__(self) -> str:
        return f"tombstone of message {self.message_id}"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` (negative: back), the 31st clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover
