"""Who may see and act on trainings, sessions, rosters and training records, on People's grants.

- HR, the superintendent and the designee (MANAGE_TRAINING district-wide) write trainings, set the
  ISBE provider number and schedule sessions anywhere; a principal schedules sessions for the
  building (MANAGE_TRAINING there) and sees its records (VIEW_TRAINING_RECORDS there).
- A session's presenter takes its attendance and shows its QR code.
- Everyone sees their own roster entries, modules and certificates.

``get_*_for`` raise 404 when the user may not see the object and 403 when they see it but lack
what ``need`` asks.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from chalkline.people.access import buildings_visible_to, get_visible, grants_for
from chalkline.people.models import Building, BuildingQuerySet, District, User
from chalkline.people.roles import Capability
from chalkline.training.models import RosterEntry, Session, Training

SessionNeed = Literal["view", "attendance", "manage"]


def can_write_trainings(user: User | object, district: District) -> bool:
    return grants_for(user, district).can(Capability.MANAGE_TRAINING)


def require_write_trainings(user: User | object, district: District) -> None:
    if not can_write_trainings(user, district):
        raise PermissionDenied


def can_schedule_in(user: User | object, district: District, building: Building | None) -> bool:
    return grants_for(user, district).can(
        Capability.MANAGE_TRAINING, building.pk if building else None
    )


def schedulable_buildings(user: User | object, district: District) -> BuildingQuerySet:
    return buildings_visible_to(user, district, Capability.MANAGE_TRAINING)


def may_manage_sessions(user: User | object, district: District) -> bool:
    return grants_for(user, district).can_anywhere(Capability.MANAGE_TRAINING)


def trainings_visible_to(user: User | object, district: District) -> QuerySet[Training]:
    if not may_manage_sessions(user, district):
        return Training.objects.none()
    return Training.objects.in_district(district)


def get_training_for(user: User | object, district: District, pk: int) -> Training:
    return get_visible(trainings_visible_to(user, district), pk, not_found="No such training")


def sessions_visible_to(user: User | object, district: District) -> QuerySet[Session]:
    """Sessions of the buildings where the user manages training (and district sessions for a
    district-wide manager), plus those the user presents."""
    grants = grants_for(user, district)
    qs = Session.objects.filter(district=district)
    ids = grants.building_ids_with(Capability.MANAGE_TRAINING)
    if ids is None:
        return qs
    visible = Q(building_id__in=ids) if ids else Q(pk__in=[])
    if getattr(user, "pk", None):
        visible |= Q(presenter_id=getattr(user, "pk", None))
    return qs.filter(visible)


def _allowed(user: User | object, district: District, session: Session, need: str) -> bool:
    if need == "view":
        return True
    is_presenter = session.presenter_id is not None and session.presenter_id == getattr(
        user, "pk", None
    )
    manages = can_schedule_in(user, district, session.building)
    if need == "attendance":
        return manages or is_presenter
    return manages


def get_session_for(
    user: User | object, district: District, pk: int, *, need: SessionNeed = "view"
) -> Session:
    return get_visible(
        sessions_visible_to(user, district).select_related("training", "building"),
        pk,
        not_found="No such session",
        allowed=lambda s: _allowed(user, district, s, need),
    )


def own_entries(user: User | object, district: District) -> QuerySet[RosterEntry]:
    own = getattr(user, "person_id", None)
    return RosterEntry.objects.filter(district=district, person_id=own or 0)


def get_own_entry_for(user: User | object, district: District, pk: int) -> RosterEntry:
    return get_visible(
        own_entries(user, district).select_related("session__training", "person"),
        pk,
        not_found="No such training",
    )


def own_entry_in(user: User | object, district: District, session: Session) -> RosterEntry | None:
    return own_entries(user, district).filter(session=session).first()


def record_scope(user: User | object, district: District) -> set[int] | None:
    """The buildings whose training records the user sees: None means the district."""
    return grants_for(user, district).building_ids_with(Capability.VIEW_TRAINING_RECORDS)


def report_buildings(user: User | object, district: District) -> BuildingQuerySet:
    return buildings_visible_to(user, district, Capability.VIEW_TRAINING_RECORDS)


def require_reports(user: User | object, district: District) -> None:
    if not grants_for(user, district).can_anywhere(Capability.VIEW_TRAINING_RECORDS):
        raise PermissionDenied


def get_report_building_for(user: User | object, district: District, pk: int) -> Building:
    require_reports(user, district)
    return get_visible(report_buildings(user, district), pk, not_found="No such building")


def entries_visible_to(user: User | object, district: District) -> QuerySet[RosterEntry]:
    """Roster entries of the buildings whose records the user sees, and the user's own."""
    qs = RosterEntry.objects.filter(district=district)
    ids = record_scope(user, district)
    if ids is None:
        return qs
    visible = Q(building_id__in=ids) if ids else Q(pk__in=[])
    own = getattr(user, "person_id", None)
    if own:
        visible |= Q(person_id=own)
    return qs.filter(visible)


def get_entry_for(user: User | object, district: District, pk: int) -> RosterEntry:
    """A training record (certificate): its person, and whoever sees the building's records."""
    return get_visible(
        entries_visible_to(user, district).select_related("session__training", "person"),
        pk,
        not_found="No such training record",
    )
