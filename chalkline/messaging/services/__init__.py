"""The messaging hub's services: one function per business event, grouped by part.

Each part's module is re-exported here, so callers import from `chalkline.messaging.services`.
"""

from chalkline.messaging.services.review import (
    ReviewError,
    building_of,
    escalate_review_queue,
    held_until_for,
    may_mark_urgent,
    quiet_window,
    record_review_outcome,
    release_held_messages,
    report_message,
    review_settings_of,
    school_days_later,
    set_building_quiet_hours,
    update_quiet_hours,
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
    "ReviewError",
    "building_of",
    "escalate_review_queue",
    "held_until_for",
    "may_mark_urgent",
    "quiet_window",
    "record_review_outcome",
    "release_held_messages",
    "report_message",
    "review_settings_of",
    "school_days_later",
    "set_building_quiet_hours",
    "update_quiet_hours",
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
