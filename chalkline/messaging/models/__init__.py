"""The messaging hub's models, one module per part (threads and messages first).

A new part adds its module here and re-exports its models, so `chalkline.messaging.models.X` keeps
working for every model.
"""

from chalkline.messaging.models.archive import ArchiveExport, ExportProfile
from chalkline.messaging.models.threads import (
    DEFAULT_RULES,
    MAX_MESSAGE_CHARS,
    MAX_SUBJECT_CHARS,
    WIDE_KINDS,
    AudienceKind,
    BlockedAttempt,
    BlockedAttemptQuerySet,
    Message,
    MessageImmutable,
    MessageQuerySet,
    MessagingSettings,
    Recipient,
    Retraction,
    RetractionQuerySet,
    ScreeningRule,
    Thread,
)

__all__ = [
    # the archive's exports (m18e)
    "ArchiveExport",
    "ExportProfile",
    "AudienceKind",
    "BlockedAttempt",
    "BlockedAttemptQuerySet",
    "DEFAULT_RULES",
    "MAX_MESSAGE_CHARS",
    "MAX_SUBJECT_CHARS",
    "Message",
    "MessageImmutable",
    "MessageQuerySet",
    "MessagingSettings",
    "Recipient",
    "Retraction",
    "RetractionQuerySet",
    "ScreeningRule",
    "Thread",
    "WIDE_KINDS",
]
