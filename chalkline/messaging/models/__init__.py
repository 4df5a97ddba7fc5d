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
from chalkline.messaging.models.archive import (
    ArchiveExport,
    ExportProfile,
)
from chalkline.messaging.models.attachments import (
    Attachment,
    AttachmentQuerySet,
)
from chalkline.messaging.models.groups import (
    MAX_GROUP_DESCRIPTION,
    MAX_GROUP_NAME,
    StaffGroup,
    StaffGroupMember,
    StaffGroupQuerySet,
)
from chalkline.messaging.models.media import (
    MediaReleaseSettings,
    has_media_release,
    unknown_means_release,
)
from chalkline.messaging.models.office_hours import (
    OfficeHours,
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
from chalkline.messaging.models.review import (
    BuildingQuietHours,
    ReviewItem,
    ReviewItemQuerySet,
    ReviewSettings,
    UrgentMark,
    UrgentMarkQuerySet,
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
    "ADULT_AGE",
    "ALL_SERIES",
    "MAX_GROUP_DESCRIPTION",
    "MAX_GROUP_NAME",
    "ArchiveExport",
    "Attachment",
    "AttachmentQuerySet",
    "AudienceKind",
    "BlockedAttempt",
    "BlockedAttemptQuerySet",
    "BuildingQuietHours",
    "ContactPreference",
    "ContactRestriction",
    "ContactRestrictionQuerySet",
    "DEFAULT_RULES",
    "DEFAULT_STUDENTS_FROM_GRADE",
    "DisposalCertificate",
    "DisposalRun",
    "ExportProfile",
    "FamilyAccountSettings",
    "Invitation",
    "InvitationQuerySet",
    "LegalHold",
    "MAX_MESSAGE_CHARS",
    "MAX_SUBJECT_CHARS",
    "MediaReleaseSettings",
    "Message",
    "MessageImmutable",
    "MessageQuerySet",
    "MessagingSettings",
    "OfficeHours",
    "Recipient",
    "RetentionSchedule",
    "Retraction",
    "RetractionQuerySet",
    "ReviewItem",
    "ReviewItemQuerySet",
    "ReviewSettings",
    "SERIES_CHOICES",
    "ScreeningRule",
    "SignInLink",
    "StaffGroup",
    "StaffGroupMember",
    "StaffGroupQuerySet",
    "Thread",
    "Tombstone",
    "UrgentMark",
    "UrgentMarkQuerySet",
    "WIDE_KINDS",
    "add_months",
    "has_media_release",
    "unknown_means_release",
]
