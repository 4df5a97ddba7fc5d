"""The messaging hub's models, one module per part (threads and messages first).

A new part adds its module here and re-exports its models, so `chalkline.messaging.models.X` keeps
working for every model.
"""

from chalkline.messaging.models.accounts import (
    ADULT_AGE,
    DEFAULT_STUDENTS_FROM_GRADE,
    ContactPreference,
    ContactRestriction,
    ContactRestrictionQuerySet,
    FamilyAccountSettings,
    Invitation,
    InvitationQuerySet,
    SignInLink,
)
from chalkline.messaging.models.retention import (
    ALL_SERIES,
    SERIES_CHOICES,
    DisposalCertificate,
    DisposalRun,
    LegalHold,
    RetentionSchedule,
    Tombstone,
    add_months,
)
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
    # retention and disposal (m18f)
    "ALL_SERIES",
    "SERIES_CHOICES",
    "DisposalCertificate",
    "DisposalRun",
    "LegalHold",
    "RetentionSchedule",
    "Tombstone",
    "add_months",
    # threads and messages
    "ADULT_AGE",
    "ContactPreference",
    "ContactRestriction",
    "ContactRestrictionQuerySet",
    "DEFAULT_STUDENTS_FROM_GRADE",
    "FamilyAccountSettings",
    "Invitation",
    "InvitationQuerySet",
    "SignInLink",
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
