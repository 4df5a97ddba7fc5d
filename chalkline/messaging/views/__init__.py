"""The messaging hub's views, one module per part, re-exported for `urls.py`."""

from chalkline.messaging.views.archive import (
    archive,
    archive_export_download,
    archive_exports,
    archive_thread,
)
from chalkline.messaging.views.hub import (
    ACTION_LABELS,
    clause_url,
    compose,
    compose_check,
    inbox,
    reply,
    reply_check,
    retract,
    settings_page,
    thread,
)

__all__ = [
    # the archive (m18e)
    "archive",
    "archive_export_download",
    "archive_exports",
    "archive_thread",
    "ACTION_LABELS",
    "clause_url",
    "compose",
    "compose_check",
    "inbox",
    "reply",
    "reply_check",
    "retract",
    "settings_page",
    "thread",
]
