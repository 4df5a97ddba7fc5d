"""Who may read and manage policies and guidelines, built on People's grants.

Anyone, signed in or not, reads each policy's published version on the public portal. Staff who
hold READ_POLICIES also see superseded versions and published guidelines; only holders of
MANAGE_POLICIES (the superintendent and designee) see drafts and change anything.

``get_*_for`` raise 404 when the user may not see the object (missing and hidden look the same)
and 403 when they see it but lack the capability ``need``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from chalkline.people.access import get_visible, grants_for, require
from chalkline.people.models import District, User
from chalkline.people.roles import Capability
from chalkline.policies.models import (
    Guideline,
    GuidelineVersion,
    Policy,
    PolicyImport,
    PolicyVersion,
    VersionStatus,
)


def public_policy_versions(district: District) -> QuerySet[PolicyVersion]:
    """What anyone, signed in or not, may read: each policy's current PUBLISHED version."""
    return PolicyVersion.objects.filter(district=district, status=VersionStatus.PUBLISHED)


def sees_board_agenda(user: User | object, district: District) -> bool:
    """Board members (and the superintendent and designee) see what is coming to the Board."""
    return grants_for(user, district).can(Capability.VIEW_BOARD_AGENDA)


def can_manage_policies(user: User | object, district: District) -> bool:
    return grants_for(user, district).can_anywhere(Capability.MANAGE_POLICIES)


def policies_visible_to(user: User | object, district: District) -> QuerySet[Policy]:
    """Readers see policies that have a published version; managers see every policy."""
    grants = grants_for(user, district)
    qs = Policy.objects.filter(district=district)
    if grants.can_anywhere(Capability.MANAGE_POLICIES):
        return qs
    if grants.can_anywhere(Capability.READ_POLICIES):
        return qs.filter(
            pk__in=Policy.objects.filter(
                district=district, versions__status=VersionStatus.PUBLISHED
            ).values("pk")
        )
    return qs.none()


def policy_versions_visible_to(user: User | object, district: District) -> QuerySet[PolicyVersion]:
    """Readers see published and superseded versions; only managers see drafts."""
    grants = grants_for(user, district)
    qs = PolicyVersion.objects.filter(district=district)
    if grants.can_anywhere(Capability.MANAGE_POLICIES):
        return qs
    if grants.can_anywhere(Capability.READ_POLICIES):
        return qs.exclude(status=VersionStatus.DRAFT)
    return qs.none()


def get_policy_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> Policy:
    return get_visible(
        policies_visible_to(user, district),
        pk,
        not_found="No such policy",
        allowed=grants_for(user, district).can_anywhere(need),
    )


def get_version_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> PolicyVersion:
    return get_visible(
        policy_versions_visible_to(user, district).select_related("policy"),
        pk,
        not_found="No such policy version",
        allowed=grants_for(user, district).can_anywhere(need),
    )


def guideline_versions_visible_to(
    user: User | object, district: District
) -> QuerySet[GuidelineVersion]:
    grants = grants_for(user, district)
    qs = GuidelineVersion.objects.filter(guideline__district=district)
    if grants.can_anywhere(Capability.MANAGE_POLICIES):
        return qs
    if grants.can_anywhere(Capability.READ_POLICIES):
        return qs.exclude(status=VersionStatus.DRAFT)
    return qs.none()


def guidelines_visible_to(user: User | object, district: District) -> QuerySet[Guideline]:
    """A guideline is visible to readers once one of its versions was published."""
    visible = guideline_versions_visible_to(user, district).values("guideline_id")
    return Guideline.objects.filter(district=district, pk__in=visible)


def get_guideline_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> Guideline:
    return get_visible(
        guidelines_visible_to(user, district).select_related("policy"),
        pk,
        not_found="No such guideline",
        allowed=grants_for(user, district).can_anywhere(need),
    )


def get_guideline_version_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> GuidelineVersion:
    return get_visible(
        guideline_versions_visible_to(user, district).select_related("guideline__policy"),
        pk,
        not_found="No such guideline version",
        allowed=grants_for(user, district).can_anywhere(need),
    )


def get_policy_import_for(user: User | object, district: District, pk: int) -> PolicyImport:
    """403 without MANAGE_POLICIES; 404 for an import of another district (or none)."""
    require(user, district, Capability.MANAGE_POLICIES)
    return get_visible(
        PolicyImport.objects.select_related("version").filter(district=district),
        pk,
        not_found="No such import",
    )
