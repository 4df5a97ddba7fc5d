"""Who may use the "Check a draft" page, and what they may pick on it; built on People's grants.

- Any employee holding ``SCREEN_DRAFTS`` somewhere in the district may check a draft and keep
  the check (403 otherwise).
- An employee's kept checks are theirs alone: "My kept checks" lists only the checks they kept
  themselves in the current district.
- The buildings and families offered as an audience are those the employee sees in the
  directory: a family hidden from them cannot be picked (the form refuses it).
"""

from __future__ import annotations

from django.db import models

from chalkline.drafts.models import DraftCheck
from chalkline.people import access as people_access
from chalkline.people.access import Grants
from chalkline.people.models import BuildingQuerySet, District, Person, PersonQuerySet, User
from chalkline.people.roles import Capability


def require_draft_checker(user: User | object, district: District | None) -> Grants:
    """403 unless the user may check drafts somewhere in the district."""
    return people_access.require(user, district, Capability.SCREEN_DRAFTS)


def audience_buildings_for(user: User | object, district: District) -> BuildingQuerySet:
    """The active buildings whose families the employee may pick as a draft's audience."""
    return people_access.buildings_visible_to(user, district).active()


def audience_families_for(user: User | object, district: District) -> PersonQuerySet:
    """The active guardians the employee may pick as the one family a draft is for."""
    return people_access.people_visible_to(user, district).filter(
        kind=Person.Kind.GUARDIAN, active=True
    )


def kept_checks_of(user: User | object, district: District) -> models.QuerySet[DraftCheck]:
    """The draft checks the user kept in the district, newest first: their own, nobody else's."""
    require_draft_checker(user, district)  # 403 for anyone else, anonymous users included
    return DraftCheck.objects.filter(district=district, user_id=int(getattr(user, "pk", 0) or 0))
