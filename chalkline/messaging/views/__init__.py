"""The messaging hub's views, one module per part, re-exported for `urls.py`."""

from chalkline.messaging.views.delivery import delivery_status
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
from chalkline.messaging.views.office_hours import office_hours
from chalkline.messaging.views.unreachable import unreachable

__all__ = [
    "ACTION_LABELS",
    "clause_url",
    "compose",
    "compose_check",
    "delivery_status",
    "inbox",
    "office_hours",
    "reply",
    "reply_check",
    "retract",
    "settings_page",
    "thread",
    "unreachable",
]
