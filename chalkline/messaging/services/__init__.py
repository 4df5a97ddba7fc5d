"""The messaging hub's services: one function per business event, grouped by part.

Each part's module is re-exported here, so callers import from `chalkline.messaging.services`.
"""

from chalkline.messaging.services.media import set_unknown_media_release
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
    "MessagingError",
    "body_digest",
    "mark_thread_read",
    "record_blocked_attempt",
    "reply_in_thread",
    "retract_message",
    "set_screening_rule",
    "set_unknown_media_release",
    "start_thread",
    "update_messaging_settings",
]
