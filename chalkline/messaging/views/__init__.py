"""The messaging hub's views, one module per part, re-exported for `urls.py`."""

from chalkline.messaging.views.families import (
    claim,
    family_settings,
    invitations,
    invitations_building,
    preferences,
    request_sign_in_link,
    restriction_end,
    restrictions,
    restrictions_student,
    sign_in_link,
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
    "claim",
    "family_settings",
    "invitations",
    "invitations_building",
    "preferences",
    "request_sign_in_link",
    "restriction_end",
    "restrictions",
    "restrictions_student",
    "sign_in_link",
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
