"""Files attached to sent messages (append-only, like the message itself). The bytes live
write-once under the var dir, named by ``sha256`` (chalkline/messaging/attachments.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from chalkline.lib.appendonly import AppendOnlyModel, AppendOnlyQuerySet
from chalkline.messaging.models.threads import Message, MessageImmutable


class AttachmentQuerySet(AppendOnlyQuerySet["Attachment"]):
    error = MessageImmutable
    noun = "Attachments"


class Attachment(AppendOnlyModel):
    """One file of a sent message. For a photo, ``faces`` is how many faces were COUNTED (never
    recognized: no face embedding or template exists anywhere) and ``pictured`` the ids of the
    students its sender said are in it."""

    append_only_error = MessageImmutable

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    faces = models.PositiveSmallIntegerField(null=True, blank=True)
    #: person ids of the students the sender said are pictured (photos to wide audiences)
    pictured = models.JSONField(default=list, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["message", "position"]
        indexes = [
            # the staged-file sweep and disposal ask which stored files a message still has
            models.Index(fields=["sha256"], name="messaging_attachment_sha256"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "position"], name="messaging_attachment_position_once"
            ),
            models.CheckConstraint(
                condition=Q(size__lte=10 * 1024 * 1024), name="messaging_attachment_at_most_10mb"
            ),
        ]

    def __str__(self) -> str:
        return self.filename
