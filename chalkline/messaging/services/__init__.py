"""The messaging hub's services: one function per business event, grouped by part.

Each part's module is re-exported here, so callers import from `chalkline.messaging.services`.
"""

from chalkline.messaging.services.archive import (
    record_archive_read,
    record_archive_search,
    record_export_download,
    request_archive_export,
    run_archive_export,
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
    # the archive (m18e)
    "record_archive_read",
    "record_archive_search",
    "record_export_download",
    "request_archive_export",
    "run_archive_export",
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
