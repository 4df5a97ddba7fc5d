"""Every "may this user see or do this?" question is answered here, and nowhere else.

Two kinds of answer:
- ``*_visible_to(user, district)`` returns a QuerySet of what the user may see;
- ``get_*_for(user, district, pk, need=...)`` returns one object, raising ``Http404`` when the user
  may not see it (missing and hidden look the same) and ``PermissionDenied`` (403) when they can
  see it but lack the capability ``need``.

Nothing here ever crosses districts: every query is filtered by the district in hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from chalkline.acks.models import Assignment, Campaign, Signature
from chalkline.people.models import (
    Building,
    BuildingQuerySet,
    District,
    ImportBatch,
    Membership,
    Person,
    PersonQuerySet,
    RoleSuggestion,
    SchoolClass,
    User,
)
from chalkline.people.roles import STAFF_ROLES, Capability, capabilities_of
from chalkline.policies.models import (
    Guideline,
    GuidelineVersion,
    Policy,
    PolicyVersion,
    VersionStatus,
)


@dataclass(frozen=True)
class Grants:
    """What one user may do in one district, computed once per request."""

    district_id: int
    roles: frozenset[str] = frozenset()
    district_caps: frozenset[Capability] = frozenset()
    building_caps: dict[int, frozenset[Capability]] = field(default_factory=dict)

    def can(self, cap: Capability, building_id: int | None = None) -> bool:
        if cap in self.district_caps:
            return True
        if building_id is None:
            return False
        return cap in self.building_caps.get(building_id, frozenset())

    def can_anywhere(self, cap: Capability) -> bool:
        return cap in self.district_caps or any(cap in c for c in self.building_caps.values())

    def building_ids_with(self, cap: Capability) -> set[int] | None:
        """The buildings where ``cap`` applies; None means every building of the district."""
        if cap in self.district_caps:
            return None
        return {b for b, caps in self.building_caps.items() if cap in caps}

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles & STAFF_ROLES)


_GRANTS_CACHE = "_chalkline_grants"


def grants_for(user: User | object, district: District | None) -> Grants:
    if district is None or not getattr(user, "is_authenticated", False):
        return Grants(district_id=district.pk if district else 0)
    if not isinstance(user, User):
        return Grants(district_id=district.pk)
    cache: dict[int, Grants] = user.__dict__.setdefault(_GRANTS_CACHE, {})
    if district.pk in cache:
        return cache[district.pk]
    roles: set[str] = set()
    district_caps: set[Capability] = set()
    building_caps: dict[int, set[Capability]] = {}
    rows = (
        Membership.objects.for_user(user)
        .filter(district=district)
        .values_list("role", "building_id")
    )
    for role, building_id in rows:
        roles.add(role)
        caps = capabilities_of(role, district_wide=building_id is None)
        if building_id is None:
            district_caps |= caps
        else:
            building_caps.setdefault(building_id, set()).update(caps)
    grants = Grants(
        district_id=district.pk,
        roles=frozenset(roles),
        district_caps=frozenset(district_caps),
        building_caps={b: frozenset(c) for b, c in building_caps.items()},
    )
    cache[district.pk] = grants
    return grants


def can(
    user: User | object,
    district: District | None,
    cap: Capability,
    *,
    building: Building | None = None,
) -> bool:
    return grants_for(user, district).can(cap, building.pk if building else None)


def require(user: User | object, district: District | None, cap: Capability) -> Grants:
    """403 unless the user holds ``cap`` somewhere in the district."""
    grants = grants_for(user, district)
    if not grants.can_anywhere(cap):
        raise PermissionDenied
    return grants


def districts_of(user: User) -> QuerySet[District]:
    return District.objects.filter(memberships__user=user, memberships__active=True).distinct()


# --- buildings -------------------------------------------------------------------------------


def buildings_visible_to(
    user: User | object, district: District, cap: Capability = Capability.VIEW_STAFF_DIRECTORY
) -> BuildingQuerySet:
    ids = grants_for(user, district).building_ids_with(cap)
    qs = Building.objects.in_district(district)
    return qs if ids is None else qs.filter(pk__in=ids)


def get_building_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.VIEW_STAFF_DIRECTORY,
) -> Building:
    try:
        building = buildings_visible_to(user, district).get(pk=pk)
    except Building.DoesNotExist:
        raise Http404("No such building") from None
    if not grants_for(user, district).can(need, building.pk):
        raise PermissionDenied
    return building


# --- people ----------------------------------------------------------------------------------


def people_visible_to(user: User | object, district: District) -> PersonQuerySet:
    """Staff in buildings whose directory the user sees; students and their guardians only where
    the user holds VIEW_STUDENTS; and always the user's own person record."""
    grants = grants_for(user, district)
    qs = Person.objects.in_district(district)
    staff_ids = grants.building_ids_with(Capability.VIEW_STAFF_DIRECTORY)
    student_ids = grants.building_ids_with(Capability.VIEW_STUDENTS)

    def in_buildings(ids: set[int] | None, prefix: str = "") -> Q:
        if ids is None:
            return Q()
        return Q(
            **{f"{prefix}affiliations__building__in": ids, f"{prefix}affiliations__active": True}
        )

    visible = Q(pk__in=[])
    if staff_ids is None or staff_ids:
        visible |= Q(kind=Person.Kind.STAFF) & in_buildings(staff_ids)
    if student_ids is None or student_ids:
        visible |= Q(kind=Person.Kind.STUDENT) & in_buildings(student_ids)
        guardian_q = Q(kind=Person.Kind.GUARDIAN)
        if student_ids is not None:
            guardian_q &= Q(
                student_links__student__affiliations__building__in=student_ids,
                student_links__student__affiliations__active=True,
            )
        visible |= guardian_q
    own = getattr(user, "person_id", None)
    if own:
        visible |= Q(pk=own)
    return qs.filter(visible).distinct()


def get_person_for(user: User | object, district: District, pk: int) -> Person:
    """A person the user may see (404 otherwise). What details they may see on it is
    ``person_details_allowed``."""
    try:
        return people_visible_to(user, district).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("No such person") from None


def person_details_allowed(user: User | object, district: District, person: Person) -> bool:
    """May the user see a person's record details (deactivation, identifiers), not just the card?"""
    if person.pk == getattr(user, "person_id", None):
        return True
    grants = grants_for(user, district)
    if grants.can(Capability.VIEW_PERSON_RECORDS):
        return True
    building_ids = person.affiliations.filter(active=True).values_list("building_id", flat=True)
    return any(grants.can(Capability.VIEW_PERSON_RECORDS, b) for b in building_ids)


# --- policies --------------------------------------------------------------------------------


def public_policy_versions(district: District) -> QuerySet[PolicyVersion]:
    """What anyone, signed in or not, may read: each policy's current PUBLISHED version."""
    return PolicyVersion.objects.filter(district=district, status=VersionStatus.PUBLISHED)


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
    try:
        policy = policies_visible_to(user, district).get(pk=pk)
    except Policy.DoesNotExist:
        raise Http404("No such policy") from None
    if not grants_for(user, district).can_anywhere(need):
        raise PermissionDenied
    return policy


def get_version_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> PolicyVersion:
    try:
        version = policy_versions_visible_to(user, district).select_related("policy").get(pk=pk)
    except PolicyVersion.DoesNotExist:
        raise Http404("No such policy version") from None
    if not grants_for(user, district).can_anywhere(need):
        raise PermissionDenied
    return version


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


def get_guideline_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> Guideline:
    """A guideline is visible to readers once one of its versions was published."""
    visible = guideline_versions_visible_to(user, district).values("guideline_id")
    try:
        guideline = (
            Guideline.objects.filter(district=district, pk__in=visible)
            .select_related("policy")
            .get(pk=pk)
        )
    except Guideline.DoesNotExist:
        raise Http404("No such guideline") from None
    if not grants_for(user, district).can_anywhere(need):
        raise PermissionDenied
    return guideline


def get_guideline_version_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.READ_POLICIES,
) -> GuidelineVersion:
    try:
        version = (
            guideline_versions_visible_to(user, district)
            .select_related("guideline__policy")
            .get(pk=pk)
        )
    except GuidelineVersion.DoesNotExist:
        raise Http404("No such guideline version") from None
    if not grants_for(user, district).can_anywhere(need):
        raise PermissionDenied
    return version


# --- directory import, classes and role suggestions (issue 3) --------------------------------


def classes_visible_to(user: User | object, district: District) -> QuerySet[SchoolClass]:
    """Classes of the buildings whose staff directory the user sees. Their students are shown
    only through ``people_visible_to`` (VIEW_STUDENTS)."""
    ids = grants_for(user, district).building_ids_with(Capability.VIEW_STAFF_DIRECTORY)
    qs = SchoolClass.objects.filter(district=district)
    return qs if ids is None else qs.filter(building__in=ids)


def get_class_for(user: User | object, district: District, pk: int) -> SchoolClass:
    try:
        return classes_visible_to(user, district).select_related("building").get(pk=pk)
    except SchoolClass.DoesNotExist:
        raise Http404("No such class") from None


def students_visible_in(user: User | object, district: District, building: Building) -> bool:
    return grants_for(user, district).can(Capability.VIEW_STUDENTS, building.pk)


def import_batches_visible_to(user: User | object, district: District) -> QuerySet[ImportBatch]:
    if not grants_for(user, district).can(Capability.MANAGE_DIRECTORY):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(district=district)


def get_import_batch_for(user: User | object, district: District, pk: int) -> ImportBatch:
    """403 without MANAGE_DIRECTORY; 404 for a batch of another district."""
    require(user, district, Capability.MANAGE_DIRECTORY)
    try:
        return import_batches_visible_to(user, district).get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404("No such import") from None


def get_role_suggestion_for(user: User | object, district: District, pk: int) -> RoleSuggestion:
    require(user, district, Capability.MANAGE_DIRECTORY)
    try:
        return RoleSuggestion.objects.select_related("person").get(pk=pk, district=district)
    except RoleSuggestion.DoesNotExist:
        raise Http404("No such suggestion") from None


# --- acknowledgment campaigns (chalkline/acks) -----------------------------------------------
# Employees see their own assignments and records; principals those of their buildings (where
# they hold VIEW_ACK_RECORDS); HR, the superintendent and designee the whole district. Employee
# representatives and board members see no individual records.


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
    try:
        campaign = campaigns_visible_to(user, district).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404("No such campaign") from None
    if not grants_for(user, district).can_anywhere(need):
        raise PermissionDenied
    return campaign


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
    try:
        building = ack_buildings_visible_to(user, district).get(pk=pk)
    except Building.DoesNotExist:
        raise Http404("No such building") from None
    if not grants_for(user, district).can(need, building.pk):
        raise PermissionDenied
    return building


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
    own = getattr(user, "person_id", None)
    try:
        return (
            Assignment.objects.filter(district=district, person_id=own or 0)
            .select_related("campaign", "person", "building")
            .get(pk=pk)
        )
    except Assignment.DoesNotExist:
        raise Http404("No such acknowledgment") from None


def get_assignment_for(
    user: User | object,
    district: District,
    pk: int,
    *,
    need: Capability = Capability.VIEW_ACK_RECORDS,
) -> Assignment:
    try:
        assignment = (
            assignments_visible_to(user, district)
            .select_related("campaign", "person", "building")
            .get(pk=pk)
        )
    except Assignment.DoesNotExist:
        raise Http404("No such acknowledgment") from None
    if not grants_for(user, district).can(need, assignment.building_id):
        raise PermissionDenied
    return assignment


def get_signature_for(user: User | object, district: District, pk: int) -> Signature:
    """A record: its employee, principals of its building, HR and the superintendent."""
    visible = assignments_visible_to(user, district).values("pk")
    try:
        return Signature.objects.filter(district=district, assignment__in=visible).get(pk=pk)
    except Signature.DoesNotExist:
        raise Http404("No such record") from None


def get_personnel_file_for(user: User | object, district: District, pk: int) -> Person:
    """A staff member's acknowledgment file: the employee, HR and the superintendent (district),
    and principals for staff who work (or were assigned) in their buildings."""
    own = getattr(user, "person_id", None)
    grants = grants_for(user, district)
    ids = grants.building_ids_with(Capability.VIEW_ACK_RECORDS)
    qs = Person.objects.in_district(district).staff()
    if pk != own and ids is not None:
        qs = qs.filter(
            Q(affiliations__building__in=ids, affiliations__active=True)
            | Q(ack_assignments__building__in=ids)
        ).distinct()
    try:
        return qs.get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("No such person") from None
