"""The messaging hub's views, one module per part, re-exported for `urls.py`."""

from chalkline.messaging.views.archive import (
    archive,
    archive_export_download,
    archive_exports,
    archive_thread,
)
from chalkline.messaging.views.attachments import (
    download,
)
from chalkline.messaging.views.delivery import (
    delivery_status,
)
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
from chalkline.messaging.views.groups import (
    staff_group,
    staff_group_add_member,
    staff_group_remove_member,
    staff_groups,
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
from chalkline.messaging.views.media import (
    media_building,
    media_index,
    media_unknown,
)
from chalkline.messaging.views.office_hours import (
    office_hours,
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
from chalkline.messaging.views.review import (
    quiet_hours,
    report,
    review_item,
    review_queue,
)
from chalkline.messaging.views.unreachable import (
    unreachable,
)

__all__ = [
    "staff_group",
    "staff_group_add_member",
    "staff_group_remove_member",
    "staff_groups",
    "ACTION_LABELS",
    "archive",
    "archive_export_download",
    "archive_exports",
    "archive_thread",
    "certificate_file",
    "certificates",
    "claim",
    "clause_url",
    "compose",
    "compose_check",
    "delivery_status",
    "disposal",
    "dispose",
    "download",
    "family_settings",
    "holds",
    "inbox",
    "invitations",
    "invitations_building",
    "media_building",
    "media_index",
    "media_unknown",
    "office_hours",
    "preferences",
    "quiet_hours",
    "release_hold",
    "reply",
    "reply_check",
    "report",
    "request_sign_in_link",
    "restriction_end",
    "restrictions",
    "restrictions_student",
    "retract",
    "review_item",
    "review_queue",
    "schedules",
    "settings_page",
    "sign_in_link",
    "thread",
    "unreachable",
]
