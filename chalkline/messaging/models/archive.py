"""The archive's exports (issue 18, point 9): a records officer's FOIA response, a parent's
request to inspect their own child's records, or a legal hold, made in the background as a zip
of an mbox and a PDF listing each message with its SHA-256."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from chalkline.people.models import District, Person, User


class ExportProfile(models.TextChoices):
    FOIA = "foia", "FOIA response (student details redacted)"
    PARENT = "parent", "A parent's request for their own child's records"
    LEGAL_HOLD = "legal_hold", "Legal hold (unredacted)"


class ArchiveExport(models.Model):
    """One export. ``criteria`` holds the search that chose the messages (text, sender,
    recipient, dates); ``student`` the child of a parent's request. The file is written once,
    by the task, and its SHA-256 recorded here and in the audit chain."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    profile = models.CharField(max_length=20, choices=ExportProfile.choices)
    criteria = models.JSONField(default=dict, blank=True)
    student = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        max_length=100, blank=True, help_text="The request's number or matter name."
    )
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    message_count = models.PositiveIntegerField(default=0)
    withheld_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="archive-exports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "idempotency_key"], name="messaging_export_once"
            ),
            models.CheckConstraint(
                condition=~Q(profile="parent") | Q(student__isnull=False),
                name="messaging_parent_export_names_student",
            ),
        ]

    def __str__(self) -> str:
        return f"archive export {self.pk}"

    @property
    def filename(self) -> str:
        return f"archive-export-{self.pk}-{self.profile}.zip"
