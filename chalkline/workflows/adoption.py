"""The Board adopts a reviewed draft: the outcome (``reviews``), the published version with its
adoption date (``policies``) and, for a material change, the acknowledgment follow-up
(``acks``), in one transaction."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chalkline.people.models import User
from chalkline.reviews.models import BoardItem
from chalkline.reviews.services import record_adoption
from chalkline.workflows.publishing import publish_version_and_follow_up


@transaction.atomic
def adopt_and_follow_up(
    *,
    item: BoardItem,
    adopted_on: date,
    motion: str,
    vote: str,
    minutes_url: str,
    change_summary: str,
    material: bool,
    by: User | None,
) -> BoardItem:
    """Record the adoption, publish the draft as revised on ``adopted_on`` and, if material,
    open the follow-up campaign. If any step fails, nothing is recorded or published."""
    item = record_adoption(
        item=item,
        adopted_on=adopted_on,
        motion=motion,
        vote=vote,
        minutes_url=minutes_url,
        material=material,
        by=by,
    )
    publish_version_and_follow_up(
        version=item.review.draft,
        change_summary=change_summary,
        material=material,
        by=by,
        revised_on=adopted_on,
    )
    return item
