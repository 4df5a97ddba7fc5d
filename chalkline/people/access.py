"""The grants engine and the directory's access rules. Other apps build theirs on it.

People owns who holds which role where (``grants_for``, ``can``, ``require``, ``districts_of``)
and which buildings, people, classes, import batches and role suggestions a user may see. Every
other app answers its own questions in ``<app>/access.py`` (``chalkline.policies.access``,
``chalkline.acks.access``), built on these grants; People imports no app above it.

Two kinds of answer:
- ``*_visible_to(user, district)`` returns a QuerySet of what the user may see;
- ``get_*_for(user, district, pk, need=...)`` returns one object, raising ``Http404`` when the user
  may not see it (missing and hidden look the same) and ``PermissionDenied`` (403) when they can
  see it but lack the capability ``need``. ``get_visible`` is that rule, written once.

Nothing here ever crosses districts: every query is filtered by the district in hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from chalkline.people.models import (
    Building,
    BuildingQuerySet,
    District,
    IdentityProvider,
    ImportBatch,
    Membership,
    Person,
    PersonQuerySet,
    RoleSuggestion,
    SchoolClass,
    User,
)
from chalkline.people.roles import STAFF_ROLES, Capability, capabilities_of


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


def get_visible[M: Model](
    qs: QuerySet[M],
    pk: int,
    *,
    not_found: str,
    allowed: bool | Callable[[M], bool] = True,
) -> M:
    """Object ``pk`` of ``qs`` (what the user may see): 404 with ``not_found`` when it is not in
    ``qs`` (missing and hidden look the same), 403 when it is but ``allowed`` (a bool, or a test
    of the object) says the user lacks the capability."""
    try:
        obj = qs.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404(not_found) from None
    if not (allowed(obj) if callable(allowed) else allowed):
        raise PermissionDenied
    return obj


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
    grants = grants_for(user, district)
    return get_visible(
        buildings_visible_to(user, district),
        pk,
        not_found="No such building",
        allowed=lambda b: grants.can(need, b.pk),
    )


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
    return get_visible(people_visible_to(user, district), pk, not_found="No such person")


def person_details_allowed(user: User | object, district: District, person: Person) -> bool:
    """May the user see a person's record details (deactivation, identifiers), not just the card?"""
    if person.pk == getattr(user, "person_id", None):
        return True
    grants = grants_for(user, district)
    if grants.can(Capability.VIEW_PERSON_RECORDS):
        return True
    building_ids = person.affiliations.filter(active=True).values_list("building_id", flat=True)
    return any(grants.can(Capability.VIEW_PERSON_RECORDS, b) for b in building_ids)


# --- directory import, classes and role suggestions (issue 3) --------------------------------


def classes_visible_to(user: User | object, district: District) -> QuerySet[SchoolClass]:
    """Classes of the buildings whose staff directory the user sees. Their students are shown
    only through ``people_visible_to`` (VIEW_STUDENTS)."""
    ids = grants_for(user, district).building_ids_with(Capability.VIEW_STAFF_DIRECTORY)
    qs = SchoolClass.objects.filter(district=district)
    return qs if ids is None else qs.filter(building__in=ids)


def get_class_for(user: User | object, district: District, pk: int) -> SchoolClass:
    qs = classes_visible_to(user, district).select_related("building")
    return get_visible(qs, pk, not_found="No such class")


def students_visible_in(user: User | object, district: District, building: Building) -> bool:
    return grants_for(user, district).can(Capability.VIEW_STUDENTS, building.pk)


def children_of(user: User | object, district: District) -> QuerySet[Person]:
    """The active students the user's own person record is an active guardian of (a guardian's
    home page). Empty for everyone without such links."""
    own = getattr(user, "person_id", None)
    if not own:
        return Person.objects.none()
    return Person.objects.filter(
        district=district,
        kind=Person.Kind.STUDENT,
        active=True,
        guardian_links__guardian_id=own,
        guardian_links__active=True,
    ).distinct()


def role_suggestions_pending_for(user: User | object, district: District) -> int | None:
    """How many suggested roles wait for a decision, for those who decide (else None)."""
    if not grants_for(user, district).can(Capability.MANAGE_DIRECTORY):
        return None
    return RoleSuggestion.objects.filter(
        district=district, status=RoleSuggestion.Status.PENDING
    ).count()


def import_batches_visible_to(user: User | object, district: District) -> QuerySet[ImportBatch]:
    if not grants_for(user, district).can(Capability.MANAGE_DIRECTORY):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(district=district)


def get_import_batch_for(user: User | object, district: District, pk: int) -> ImportBatch:
    """403 without MANAGE_DIRECTORY; 404 for a batch of another district."""
    require(user, district, Capability.MANAGE_DIRECTORY)
    return get_visible(import_batches_visible_to(user, district), pk, not_found="No such import")


def get_role_suggestion_for(user: User | object, district: District, pk: int) -> RoleSuggestion:
    require(user, district, Capability.MANAGE_DIRECTORY)
    qs = RoleSuggestion.objects.filter(district=district).select_related("person")
    return get_visible(qs, pk, not_found="No such suggestion")


def can_add_second_factor(user: User | object) -> bool:
    """A local account (one that signs in with a Chalkline password) can add a TOTP second
    factor; an account that signs in with the district's provider gets its second factor there.
    The account menu links the page for exactly these accounts."""
    return bool(isinstance(user, User) and user.is_authenticated and user.has_usable_password())


# --- sign-in: the district's providers and local passwords --------------------------------


def can_manage_sign_in(user: User | object, district: District | None) -> bool:
    return grants_for(user, district).can(Capability.MANAGE_SIGN_IN)


def providers_visible_to(user: User | object, district: District) -> QuerySet[IdentityProvider]:
    """The district's sign-in providers, for those who manage sign-in (nobody else sees the
    configuration page; the sign-in page lists active providers to everyone)."""
    if not can_manage_sign_in(user, district):
        return IdentityProvider.objects.none()
    return IdentityProvider.objects.filter(district=district)


def get_provider_for(user: User | object, district: District, pk: int) -> IdentityProvider:
    return get_visible(providers_visible_to(user, district), pk, not_found="No such provider")
