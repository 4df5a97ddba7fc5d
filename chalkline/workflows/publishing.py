"""Publishing a policy revision and what follows from it in the acknowledgment campaigns."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chalkline.acks.services import open_follow_up_for_published_revision
from chalkline.people.models import User
from chalkline.policies.models import PolicyVersion
from chalkline.policies.services import publish_policy_version


@transaction.atomic
def publish_version_and_follow_up(
    *,
    version: PolicyVersion,
    change_summary: str,
    material: bool,
    by: User | None,
    revised_on: date | None = None,
) -> PolicyVersion:
    """Publish a draft (``policies``) and, for a material revision of a policy that staff
    acknowledged this school year, open the follow-up campaign (``acks``). One transaction: if
    the follow-up cannot be opened, nothing is published, and the reverse."""
    published = publish_policy_version(
        version=version,
        change_summary=change_summary,
        material=material,
        by=by,
        revised_on=revised_on,
    )
    if published.material:
        open_follow_up_for_published_revision(version=published, by=by, now=published.published_at)
    return published
