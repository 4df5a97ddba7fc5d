"""The messaging hub's services: one function per business event, grouped by part.

Each part's module is re-exported here, so callers import from `chalkline.messaging.services`.
"""

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
