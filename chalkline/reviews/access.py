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

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from chalkline.people.access import get_visible, grants_for
from chalkline.people.models import District, Membership, User
from chalkline.people.roles import Capability, Role, capabilities_of
from chalkline.policies.models import Policy
from chalkline.reviews.models import BoardItem, BoardPacket, Comment, ModelUpdate, Review


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


ReviewNeed = Literal["view", "comment", "manage"]


def takes_part_in_reviews(user: User | object, district: District) -> bool:
    return grants_for(user, district).can_anywhere(Capability.TAKE_PART_IN_REVIEWS)


def reviews_visible_to(user: User | object, district: District) -> QuerySet[Review]:
    """Every review of the district for a manager; a participant's own reviews otherwise."""
    qs = Review.objects.filter(district=district)
    if can_manage_reviews(user, district):
        return qs
    user_id = getattr(user, "pk", None)
    if takes_part_in_reviews(user, district) and user_id is not None:
        return qs.filter(participants__user_id=user_id)
    return qs.none()


def may_comment(user: User | object, district: District, review: Review) -> bool:
    """Managers and the review's participants (never Board members: they hold neither)."""
    if can_manage_reviews(user, district):
        return True
    user_id = getattr(user, "pk", None)
    if user_id is None or not takes_part_in_reviews(user, district):
        return False
    return review.participants.filter(user_id=user_id).exists()


def get_review_for(
    user: User | object, district: District, pk: int, *, need: ReviewNeed = "view"
) -> Review:
    qs = reviews_visible_to(user, district).select_related("policy", "base", "draft")

    def allowed(review: Review) -> bool:
        if need == "manage":
            return can_manage_reviews(user, district)
        if need == "comment":
            return may_comment(user, district, review)
        return True

    return get_visible(qs, pk, not_found="No such review", allowed=allowed)


def get_comment_for(
    user: User | object, district: District, pk: int, *, need: ReviewNeed = "manage"
) -> Comment:
    reviews = reviews_visible_to(user, district)
    qs = Comment.objects.filter(review__in=reviews).select_related("review")
    return get_visible(
        qs,
        pk,
        not_found="No such comment",
        allowed=lambda c: need != "manage" or can_manage_reviews(user, district),
    )


def sees_board_items(user: User | object, district: District) -> bool:
    grants = grants_for(user, district)
    return grants.can(Capability.MANAGE_REVIEWS) or grants.can(Capability.VIEW_BOARD_AGENDA)


def board_items_visible_to(user: User | object, district: District) -> QuerySet[BoardItem]:
    """The Board's items: for Board members (``view_board_agenda``) and the managers."""
    if not sees_board_items(user, district):
        return BoardItem.objects.none()
    return BoardItem.objects.filter(district=district)


def get_board_item_for(
    user: User | object, district: District, pk: int, *, need: ReviewNeed = "view"
) -> BoardItem:
    qs = board_items_visible_to(user, district).select_related(
        "review__policy", "review__draft", "review__base"
    )
    return get_visible(
        qs,
        pk,
        not_found="No such Board item",
        allowed=lambda item: need == "view" or can_manage_reviews(user, district),
    )


def get_packet_for(user: User | object, district: District, pk: int) -> BoardPacket:
    """A Board packet: for Board members and the managers, like its item."""
    items = board_items_visible_to(user, district)
    return get_visible(
        BoardPacket.objects.filter(item__in=items), pk, not_found="No such Board packet"
    )


def get_model_update_for(user: User | object, district: District, pk: int) -> ModelUpdate:
    """A model update of a review the user sees; deciding on it needs ``manage_reviews``."""
    reviews = reviews_visible_to(user, district)
    return get_visible(
        ModelUpdate.objects.filter(review__in=reviews).select_related("review"),
        pk,
        not_found="No such model update",
        allowed=lambda u: can_manage_reviews(user, district),
    )
