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
from chalkline.messaging.views.retention import (
    certificate_file,
    certificates,
    disposal,
    dispose,
    holds,
    release_hold,
    schedules,
)

__all__ = [
    # records retention and disposal (m18f)
    "certificate_file",
    "certificates",
    "disposal",
    "dispose",
    "holds",
    "release_hold",
    "schedules",
    # the hub
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
