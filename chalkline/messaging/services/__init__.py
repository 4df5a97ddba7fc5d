"""The messaging hub's services: one function per business event, grouped by part.

Each part's module is re-exported here, so callers import from `chalkline.messaging.services`.
"""

from chalkline.messaging.services.email_delivery import (
    queue_message_digests,
    queue_message_emails,
    receive_email_reply,
    record_message_bounce,
)
from chalkline.messaging.services.office_hours import answer_outside_hours, set_office_hours
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
    "answer_outside_hours",
    "body_digest",
    "mark_thread_read",
    "queue_message_digests",
    "queue_message_emails",
    "receive_email_reply",
    "record_message_bounce",
    "record_blocked_attempt",
    "reply_in_thread",
    "retract_message",
    "set_office_hours",
    "set_screening_rule",
    "start_thread",
    "update_messaging_settings",
]
