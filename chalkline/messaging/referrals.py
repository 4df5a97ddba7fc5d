"""The reviewer's "referral" outcome opens a case (issue 18, point 8; issue 19).

Messaging sits beside cases in the domain row and may not import it: the step that opens the
case, cites the message and records the outcome is registered from above at start-up
(``chalkline.workflows.message_referral``). Without it, a referral is refused with a reason."""

from __future__ import annotations

from collections.abc import Callable

from chalkline.messaging.models import ReviewItem
from chalkline.messaging.services import ReviewError
from chalkline.people.models import User

#: (item, reviewer, note) -> the id of the case it opened
Handler = Callable[[ReviewItem, User, str], int]

_handler: list[Handler] = []


def set_referral_handler(handler: Handler) -> None:
    _handler[:] = [handler]


def refer(*, item: ReviewItem, by: User, note: str) -> int:
    if not _handler:
        raise ReviewError("Referral: cases are not available in this installation.")
    return _handler[0](item, by, note)
