"""Who sees the review queue and who may report a message (issue 18, point 8), on People's
grants. Kept beside ``access.py`` so each part of the hub has its own rules.

- A principal (REVIEW_MESSAGES in a building) sees that building's open and reviewed items at
  the principal's level, never an abuse-disclosure prompt.
- The superintendent and the designee (REVIEW_MESSAGES district-wide) see the designee's
  items: escalated ones, messages sent by principals, and abuse-disclosure prompts.
- Nobody reviews their own message.
- Anyone else: the queue is 403, an item 404 (hidden and missing look the same).
- "Report this message": only a recipient the message was delivered to (404 otherwise).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from chalkline.messaging.access import threads_visible_to
from chalkline.messaging.models import Message, Recipient, ReviewItem, ReviewItemQuerySet
from chalkline.messaging.selectors import mine
from chalkline.people import access as people_access
from chalkline.people.models import Building, District, User
from chalkline.people.roles import Capability

C = Capability


def may_review(user: User | object, district: District) -> bool:
    return people_access.grants_for(user, district).can_anywhere(C.REVIEW_MESSAGES)


def require_reviewer(user: User | object, district: District) -> None:
    if not may_review(user, district):
        raise PermissionDenied


def review_items_visible_to(user: User | object, district: District) -> ReviewItemQuerySet:
    grants = people_access.grants_for(user, district)
    if not grants.can_anywhere(C.REVIEW_MESSAGES):
        return ReviewItem.objects.none()
    q = Q(pk__in=[])
    if grants.can(C.REVIEW_MESSAGES):
        q |= Q(level=ReviewItem.Level.DESIGNEE)
    buildings = grants.building_ids_with(C.REVIEW_MESSAGES)
    if buildings:
        q |= Q(level=ReviewItem.Level.PRINCIPAL, building_id__in=buildings) & ~Q(
            kind=ReviewItem.Kind.ABUSE
        )
    return ReviewItem.objects.filter(q, district=district).exclude(
        message__sender_id=getattr(user, "pk", 0) or 0
    )


def get_review_item_for(user: User | object, district: District, pk: int) -> ReviewItem:
    item: ReviewItem = people_access.get_visible(
        review_items_visible_to(user, district).select_related(
            "message__thread", "message__sender__person", "reported_by__person", "resolved_by"
        ),
        pk,
        not_found="No such review item.",
        allowed=True,
    )
    return item


def get_received_message_for(user: User | object, district: District, pk: int) -> Message:
    """A message the user may report: 404 when its thread is hidden from them, 403 when they see
    it but it was not delivered to them (their own, or held for quiet hours)."""
    if not isinstance(user, User):
        raise PermissionDenied
    received = set(
        Recipient.objects.filter(
            mine(user), message_id=pk, status__in=Recipient.DELIVERED
        ).values_list("message_id", flat=True)
    )
    visible = Message.objects.filter(thread__in=threads_visible_to(user, district))
    message: Message = people_access.get_visible(
        visible.select_related("thread"),
        pk,
        not_found="No such message.",
        allowed=lambda m: m.pk in received and m.sender_id != user.pk,
    )
    return message


def quiet_hours_buildings(user: User | object, district: District) -> QuerySet[Building]:
    """The buildings whose quiet hours the user may narrow: every one for those who set the
    district's messaging settings, a principal's own (MESSAGE_BUILDING there)."""
    grants = people_access.grants_for(user, district)
    buildings = Building.objects.filter(district=district).active()
    if grants.can(C.MANAGE_MESSAGING):
        return buildings
    return buildings.filter(pk__in=grants.building_ids_with(C.MESSAGE_BUILDING) or set())


def may_set_district_quiet_hours(user: User | object, district: District) -> bool:
    return people_access.can(user, district, C.MANAGE_MESSAGING)


def may_see_quiet_hours(user: User | object, district: District) -> bool:
    """Whether the quiet-hours page is for the user (the district's or a building's window)."""
    return (
        may_set_district_quiet_hours(user, district)
        or quiet_hours_buildings(user, district).exists()
    )
