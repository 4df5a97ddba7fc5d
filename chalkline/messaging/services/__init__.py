"""The messaging hub's services: one function per business event, grouped by part.

Each part's module is re-exported here, so callers import from `chalkline.messaging.services`.
"""

from chalkline.messaging.services.accounts import (
    AccountError,
    InviteResult,
    claim_invitation,
    invitation_from_token,
    invite_people,
    send_sign_in_link,
    use_sign_in_link,
)
from chalkline.messaging.services.families import (
    FamilyError,
    end_contact_restriction,
    preference_of,
    record_contact_restriction,
    set_contact_preference,
    update_family_account_settings,
)
from chalkline.messaging.services.retention import (
    DEFAULT_RUN_LIMIT,
    Eligibility,
    add_disposal_certificate,
    add_retention_schedule,
    dispose_records,
    eligibility,
    eligible_messages,
    place_legal_hold,
    release_legal_hold,
)
from chalkline.messaging.services.sending import (
    MessagingError,
    body_digest,
    mark_thread_read,
    record_blocked_attempt,
    reply_in_thread,
    retract_message,
    set_screening_rule,
    start_thread,
    update_messaging_settings,
)

__all__ = [
    # retention and disposal (m18f)
    "DEFAULT_RUN_LIMIT",
    "Eligibility",
    "add_disposal_certificate",
    "add_retention_schedule",
    "dispose_records",
    "eligibility",
    "eligible_messages",
    "place_legal_hold",
    "release_legal_hold",
    # sending
    "AccountError",
    "FamilyError",
    "InviteResult",
    "claim_invitation",
    "end_contact_restriction",
    "invitation_from_token",
    "invite_people",
    "preference_of",
    "record_contact_restriction",
    "send_sign_in_link",
    "set_contact_preference",
    "update_family_account_settings",
    "use_sign_in_link",
    "MessagingError",
    "body_digest",
    "mark_thread_read",
    "record_blocked_attempt",
    "reply_in_thread",
    "retract_message",
    "set_screening_rule",
    "start_thread",
    "update_messaging_settings",
]
