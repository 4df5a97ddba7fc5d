"""Who may see and act on campaigns, assignments, records and personnel files, built on People's
grants.

Employees see their own assignments and records; principals those of their buildings (where they
hold VIEW_ACK_RECORDS); HR, the superintendent and designee the whole district. Employee
representatives and board members see no individual records.

``get_*_for`` raise 404 when the user may not see the object (missing and hidden look the same)
and 403 when they see it but lack the capability ``need``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from chalkline.acks.models import Assignment, Campaign, Signature
from chalkline.people.access import buildings_visible_to, get_visible, grants_for
from chalkline.people.models import Building, BuildingQuerySet, District, Person, User
from chalkline.people.roles import Capability, Role


def can_manage_campaigns(user: User | object, district: District) -> bool:
    return grants_for(user, district).can(Capability.MANAGE_CAMPAIGNS)


def sees_every_building(user: User | object, district: District) -> bool:
    """Does the user see the acknowledgment records of the whole district?"""
    return grants_for(user, district).can(Capability.VIEW_ACK_RECORDS)


def ack_record_scope(user: User | object, district: District) -> set[int] | None:
    """The buildings whose acknowledgment figures the user sees (the home dashboard): None
    means the whole district, an empty set none."""
    return grants_for(user, district).building_ids_with(Capability.VIEW_ACK_RECORDS)


def can_distribute_in(user: User | object, district: District, building: Building) -> bool:
    return grants_for(user, district).can(Capability.DISTRIBUTE_CAMPAIGN, building.pk)


def may_give_econsent(user: User | object, district: District) -> bool:
    """E-signature consent is an employee's: a student or guardian (without a staff role too)
    records none."""
    grants = grants_for(user, district)
    return grants.is_staff_member or not grants.roles & {Role.STUDENT, Role.GUARDIAN}


def campaigns_visible_to(user: User | object, district: District) -> QuerySet[Campaign]:
    grants = grants_for(user, district)
    qs = Campaign.objects.in_district(district)
    if grants.can_anywhere(Capability.MANAGE_CAMPAIGNS) or grants.can_anywhere(
        Capability.VIEW_ACK_RECORDS
    ):
        return qs
    return qs.none()


def get_campaign_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.VIEW_ACK_RECORDS,
) -> Campaign:
    return get_visible(
        campaigns_visible_to(user, district),
        pk,
        not_found="No such campaign",
        allowed=grants_for(user, district).can_anywhere(need),
    )


def ack_buildings_visible_to(user: User | object, district: District) -> BuildingQuerySet:
    """Buildings whose acknowledgment records the user may see."""
    return buildings_visible_to(user, district, Capability.VIEW_ACK_RECORDS)


def get_ack_building_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.VIEW_ACK_RECORDS,
) -> Building:
    grants = grants_for(user, district)
    return get_visible(
        ack_buildings_visible_to(user, district),
        pk,
        not_found="No such building",
        allowed=lambda b: grants.can(need, b.pk),
    )


def own_assignments(user: User | object, district: District) -> QuerySet[Assignment]:
    """The user's own assignments (none without a person record)."""
    own = getattr(user, "person_id", None)
    return Assignment.objects.filter(district=district, person_id=own or 0)


def assignments_visible_to(user: User | object, district: District) -> QuerySet[Assignment]:
    grants = grants_for(user, district)
    qs = Assignment.objects.filter(district=district)
    ids = grants.building_ids_with(Capability.VIEW_ACK_RECORDS)
    if ids is None:
        # District-wide: every assignment. (Never OR into an empty Q(): ``Q() | X`` is just X.)
        return qs
    visible = Q(building_id__in=ids) if ids else Q(pk__in=[])
    own = getattr(user, "person_id", None)
    if own:
        visible |= Q(person_id=own)
    return qs.filter(visible)


def get_own_assignment_for(user: User | object, district: District, pk: int) -> Assignment:
    """An assignment only its employee may act on (open, read, consent, sign, refuse)."""
    return get_visible(
        own_assignments(user, district).select_related("campaign", "person", "building"),
        pk,
        not_found="No such acknowledgment",
    )


def get_assignment_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.VIEW_ACK_RECORDS,
) -> Assignment:
    grants = grants_for(user, district)
    return get_visible(
        assignments_visible_to(user, district).select_related("campaign", "person", "building"),
        pk,
        not_found="No such acknowledgment",
        allowed=lambda a: grants.can(need, a.building_id),
    )


def get_signature_for(user: User | object, district: District, pk: int) -> Signature:
    """A record: its employee, principals of its building, HR and the superintendent."""
    visible = assignments_visible_to(user, district).values("pk")
    return get_visible(
        Signature.objects.filter(district=district, assignment__in=visible),
        pk,
        not_found="No such record",
    )


def get_personnel_file_for(user: User | object, district: District, pk: int) -> Person:
    """A staff member's acknowledgment file: the employee, HR and the superintendent (district),
    and principals for staff who work (or were assigned) in their buildings."""
    own = getattr(user, "person_id", None)
    ids = grants_for(user, district).building_ids_with(Capability.VIEW_ACK_RECORDS)
    qs = Person.objects.in_district(district).staff()
    if pk != own and ids is not None:
        qs = qs.filter(
            Q(affiliations__building__in=ids, affiliations__active=True)
            | Q(ack_assignments__building__in=ids)
        ).distinct()
    return get_visible(qs, pk, not_found="No such person")
