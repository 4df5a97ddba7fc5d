"""Staff groups: create one, change its name, description or whether it is in use, add and
remove members. Each is one business event with its audit row in the same transaction. The
caller checked that ``by`` keeps the group (``access.get_staff_group_for(..., manage=True)``)
and may add the person (``access.group_candidates``); the services check what the data
itself requires (a staff member of the district, a free name)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.models import (
    MAX_GROUP_DESCRIPTION,
    MAX_GROUP_NAME,
    StaffGroup,
    StaffGroupMember,
)
from chalkline.people.models import Building, District, Person, User


class StaffGroupError(ValueError):
    """A staff-group change the hub refuses; the message names the field."""


def _clean(name: str, description: str) -> tuple[str, str]:
    name = " ".join(name.split())
    description = " ".join(description.split())
    if not name:
        raise StaffGroupError("Name: give the group a name.")
    if len(name) > MAX_GROUP_NAME:
        raise StaffGroupError(f"Name: at most {MAX_GROUP_NAME} characters (this has {len(name)}).")
    if len(description) > MAX_GROUP_DESCRIPTION:
        raise StaffGroupError(
            f"Description: at most {MAX_GROUP_DESCRIPTION} characters (this has "
            f"{len(description)})."
        )
    return name, description


def _taken(district: District, building_id: int | None, name: str, *, but: int = 0) -> bool:
    where = Q(building__isnull=True) if building_id is None else Q(building_id=building_id)
    return (
        StaffGroup.objects.filter(where, district=district, name__iexact=name)
        .exclude(pk=but)
        .exists()
    )


def _name_taken(name: str) -> StaffGroupError:
    return StaffGroupError(f"Name: there is already a group called “{name}” here.")


@transaction.atomic
def create_staff_group(
    *, district: District, building: Building | None, name: str, description: str, by: User
) -> StaffGroup:
    """A new group, district-wide (``building`` None) or the building's."""
    if building is not None and building.district_id != district.pk:
        raise StaffGroupError("Building: not a building of this district.")
    name, description = _clean(name, description)
    building_id = building.pk if building else None
    if _taken(district, building_id, name):
        raise _name_taken(name)
    try:
        with transaction.atomic():
            group = StaffGroup.objects.create(
                district=district,
                building=building,
                name=name,
                description=description,
                created_by=by,
            )
    except IntegrityError:  # the same name, created at the same moment
        raise _name_taken(name) from None
    record_event(
        district=district,
        actor=by,
        action=Action.STAFF_GROUP_CREATED,
        target=group,
        after={"name": name, "building": building_id},
    )
    return group


@transaction.atomic
def update_staff_group(
    *, group: StaffGroup, name: str, description: str, active: bool, by: User
) -> StaffGroup:
    """Rename or describe a group, or retire it (no new message to it; its threads stay) or
    bring it back."""
    name, description = _clean(name, description)
    locked = StaffGroup.objects.select_for_update().get(pk=group.pk)
    if _taken(locked.district, locked.building_id, name, but=locked.pk):
        raise _name_taken(name)
    before = {"name": locked.name, "description": locked.description, "active": locked.active}
    locked.name, locked.description, locked.active = name, description, active
    try:
        with transaction.atomic():
            locked.save(update_fields=["name", "description", "active", "updated_at"])
    except IntegrityError:
        raise _name_taken(name) from None
    after = {"name": name, "description": description, "active": active}
    record_event(
        district=locked.district_id,
        actor=by,
        action=Action.STAFF_GROUP_CHANGED,
        target=locked,
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
    )
    return locked


@transaction.atomic
def add_staff_group_member(*, group: StaffGroup, person: Person, by: User) -> StaffGroupMember:
    """Add an active staff member of the group's district; adding someone twice is refused."""
    if (
        person.district_id != group.district_id
        or person.kind != Person.Kind.STAFF
        or not person.active
    ):
        raise StaffGroupError("Staff member: only active staff of the district join a group.")
    try:
        with transaction.atomic():
            member = StaffGroupMember.objects.create(group=group, person=person, added_by=by)
    except IntegrityError:
        raise StaffGroupError(
            f"Staff member: {person.display_name} is already in the group."
        ) from None
    record_event(
        district=group.district_id,
        actor=by,
        action=Action.STAFF_GROUP_MEMBER_ADDED,
        target=group,
        after={"person": person.pk},
    )
    return member


@transaction.atomic
def remove_staff_group_member(*, group: StaffGroup, person: Person, by: User) -> None:
    """Take a member out of the group: the next message and reply to the group leave them out
    (the threads they already received stay theirs to read)."""
    removed, _ = StaffGroupMember.objects.filter(group=group, person=person).delete()
    if not removed:
        raise StaffGroupError(f"Staff member: {person.display_name} is not in the group.")
    record_event(
        district=group.district_id,
        actor=by,
        action=Action.STAFF_GROUP_MEMBER_REMOVED,
        target=group,
        before={"person": person.pk},
    )
