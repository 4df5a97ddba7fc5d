"""Attachment rows of a message, written in the message's own transaction (the bytes were stored
before, write-once, by ``chalkline.messaging.attachments.accept``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chalkline.messaging.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentError,
    StagedFile,
    blob_path,
)
from chalkline.messaging.models import Attachment, Message


@dataclass(frozen=True)
class PendingFile:
    """A staged file and the students its sender said are pictured in it."""

    file: StagedFile
    pictured: tuple[int, ...] = ()


def attach_files(*, message: Message, files: Sequence[PendingFile]) -> list[str]:
    """The message's attachment rows; their SHA-256s (for the audit event). Called inside the
    message's transaction: a failure here leaves neither the message nor any row."""
    if len(files) > MAX_ATTACHMENTS:
        raise AttachmentError(f"Attachments: at most {MAX_ATTACHMENTS} files a message.")
    rows = []
    for n, pending in enumerate(files):
        f = pending.file
        if f.size > MAX_ATTACHMENT_BYTES or not blob_path(f.sha256).exists():
            raise AttachmentError(f"Attachments: {f.filename} is not stored; attach it again.")
        rows.append(
            Attachment(
                message=message,
                position=n,
                filename=f.filename,
                content_type=f.content_type,
                size=f.size,
                sha256=f.sha256,
                faces=f.faces,
                pictured=sorted(set(pending.pictured)),
            )
        )
    Attachment.objects.bulk_create(rows)
    return [f.file.sha256 for f in files]
