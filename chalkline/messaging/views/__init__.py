"""The messaging hub's views, one module per part, re-exported for `urls.py`."""

from chalkline.messaging.views.attachments import download
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
from chalkline.messaging.views.media import media_building, media_index, media_unknown

__all__ = [
    "download",
    "media_building",
    "media_index",
    "media_unknown",
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
