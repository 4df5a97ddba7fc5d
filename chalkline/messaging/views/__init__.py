"""The messaging hub's views, one module per part, re-exported for `urls.py`."""

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
from chalkline.messaging.views.review import quiet_hours, report, review_item, review_queue

__all__ = [
    "quiet_hours",
    "report",
    "review_item",
    "review_queue",
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
