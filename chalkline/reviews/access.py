"""Who may see and act on review schedules, reviews and Board items, on People's grants.

- The superintendent and the designee (``manage_reviews``, district-wide) keep the schedule, open
  reviews, name participants, edit drafts, resolve comments and take drafts to the Board.
- A participant (``take_part_in_reviews``: district staff) sees only the reviews they are named
  on, and comments there.
- Board members (``view_board_agenda``) see Board items, their packets and outcomes; they never
  comment.

``get_*_for`` raise 404 when the user may not see the object and 403 when they see it but lack
what ``need`` asks.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from chalkline.people.access import get_visible, grants_for
from chalkline.people.models import District, Membership, User
from chalkline.people.roles import Capability, Role, capabilities_of
from chalkline.policies.models import Policy


def can_manage_reviews(user: User | object, district: District) -> bool:
    return grants_for(user, district).can(Capability.MANAGE_REVIEWS)


def require_manage_reviews(user: User | object, district: District) -> None:
    if not can_manage_reviews(user, district):
        raise PermissionDenied


def users_holding(district: District, capability: Capability) -> QuerySet[User]:
    """Active accounts of the district whose roles grant ``capability`` (district-only
    capabilities count only through district-wide memberships)."""
    roles = [r for r in Role.values if capability in capabilities_of(r, district_wide=True)]
    local = [r for r in roles if capability in capabilities_of(r, district_wide=False)]
    held = Q(role__in=local) | Q(role__in=roles, building__isnull=True)
    ids = Membership.objects.filter(held, district=district, active=True).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "username")


def get_policy_to_schedule(user: User | object, district: District, pk: int) -> Policy:
    require_manage_reviews(user, district)
    return get_visible(
        Policy.objects.filter(district=district).with_published().distinct(),
        pk,
        not_found="No such policy",
    )
