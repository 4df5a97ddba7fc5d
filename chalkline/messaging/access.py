"""Who may write to whom in the messaging hub, and who sees which thread; built on People's
grants and the directory.

- Staff holding ``MESSAGE_OWN_CLASSES`` reach the families and students of the classes they
  teach (an active, non-student enrollment of their person record), and one family of a
  student of those classes.
- ``MESSAGE_BUILDING`` (a principal, for their building) reaches the building's families and
  staff, its classes, and any family of its students.
- ``MESSAGE_DISTRICT`` (the superintendent and the designee) reaches the whole district.
- Guardians start threads with their children's teachers and the principals of their
  children's buildings. Students only reply, unless the district lets them start threads with
  their teachers.
- A thread is visible to the one who started it and to everyone a message of it went to
  (guardians copied on a staff-student thread included). Hidden and missing look the same (404);
  writing to an audience outside one's own is 403 and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from chalkline.messaging.models import ArchiveExport, AudienceKind, Message, Recipient, Thread
from chalkline.messaging.selectors import settings_of
from chalkline.people import access as people_access
from chalkline.people.models import (
    Building,
    District,
    Enrollment,
    Membership,
    Person,
    SchoolClass,
    User,
)
from chalkline.people.roles import Capability, Role

C = Capability


@dataclass(frozen=True)
class Audience:
    kind: str
    key: str
    label: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.key}"


def _person_id(user: User | object) -> int | None:
    return getattr(user, "person_id", None)


def _taught_class_ids(user: User | object, district: District) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        district=district,
        person_id=_person_id(user) or 0,
        active=True,
        school_class__active=True,
    ).exclude(role="student")


def writable_classes(user: User | object, district: District) -> QuerySet[SchoolClass]:
    """The active classes whose families and students the user may write to."""
    grants = people_access.grants_for(user, district)
    classes = SchoolClass.objects.filter(district=district, active=True)
    if grants.can(C.MESSAGE_DISTRICT):
        return classes
    q = Q(pk__in=[])
    if grants.can_anywhere(C.MESSAGE_OWN_CLASSES) and _person_id(user):
        q |= Q(pk__in=_taught_class_ids(user, district).values("school_class_id"))
    buildings = grants.building_ids_with(C.MESSAGE_BUILDING)
    if buildings:
        q |= Q(building_id__in=buildings)
    return classes.filter(q)


def writable_buildings(user: User | object, district: District) -> QuerySet[Building]:
    grants = people_access.grants_for(user, district)
    buildings = Building.objects.filter(district=district).active()
    if grants.can(C.MESSAGE_DISTRICT):
        return buildings
    return buildings.filter(pk__in=grants.building_ids_with(C.MESSAGE_BUILDING) or set())


def writable_students(user: User | object, district: District) -> QuerySet[Person]:
    """The active students whose family (guardians) the user may write to."""
    students = Person.objects.filter(district=district, kind=Person.Kind.STUDENT, active=True)
    grants = people_access.grants_for(user, district)
    if grants.can(C.MESSAGE_DISTRICT):
        return students
    classes = writable_classes(user, district)
    q = Q(
        enrollments__school_class__in=classes,
        enrollments__active=True,
        enrollments__role="student",
    )
    buildings = grants.building_ids_with(C.MESSAGE_BUILDING)
    if buildings:
        q |= Q(affiliations__building_id__in=buildings, affiliations__active=True)
    return students.filter(q).distinct()


def writable_staff_users(user: User | object, district: District) -> QuerySet[User]:
    """The staff accounts a guardian (or, where the district allows, a student) may start a
    thread with: the teachers of their children's (own) classes and their buildings'
    principals."""
    own = _person_id(user)
    if not own:
        return User.objects.none()
    me = Person.objects.filter(pk=own, district=district, active=True).first()
    if me is None:
        return User.objects.none()
    if me.kind == Person.Kind.GUARDIAN:
        children = people_access.children_of(user, district)
    elif me.kind == Person.Kind.STUDENT and settings_of(district).students_may_start:
        children = Person.objects.filter(pk=me.pk)
    else:
        return User.objects.none()
    class_ids = Enrollment.objects.filter(
        person__in=children, active=True, role="student", school_class__active=True
    ).values("school_class_id")
    teachers = Enrollment.objects.filter(school_class_id__in=class_ids, active=True).exclude(
        role="student"
    )
    q = Q(person_id__in=teachers.values("person_id"), person__active=True)
    if me.kind == Person.Kind.GUARDIAN:
        building_ids = children.filter(affiliations__active=True).values(
            "affiliations__building_id"
        )
        principals = Membership.objects.filter(
            district=district, role=Role.PRINCIPAL, active=True, building_id__in=building_ids
        )
        q |= Q(pk__in=principals.values("user_id"))
    return User.objects.filter(q, is_active=True).exclude(pk=getattr(user, "pk", 0)).distinct()


def may_compose(user: User | object, district: District) -> bool:
    """Whether the composer is for this user at all: staff who may message somewhere,
    guardians, and students where the district lets them start threads."""
    grants = people_access.grants_for(user, district)
    if any(
        grants.can_anywhere(c)
        for c in (C.MESSAGE_OWN_CLASSES, C.MESSAGE_BUILDING, C.MESSAGE_DISTRICT)
    ):
        return True
    return writable_staff_users(user, district).exists()


def require_composer(user: User | object, district: District) -> None:
    if not may_compose(user, district):
        raise PermissionDenied


def resolve_audience(user: User | object, district: District, kind: str, key: str) -> Audience:
    """The audience ``kind:key`` when the user may write to it; 403 (PermissionDenied)
    otherwise, unknown and hidden targets alike."""
    label: str | None = None
    pk = int(key) if key.isdigit() else None
    if kind in (AudienceKind.CLASS_FAMILIES, AudienceKind.CLASS_STUDENTS) and pk:
        cls = writable_classes(user, district).filter(pk=pk).first()
        if cls is not None:
            noun = "families" if kind == AudienceKind.CLASS_FAMILIES else "students"
            label = f"{cls.title}: {noun}"
    elif kind in (AudienceKind.BUILDING_FAMILIES, AudienceKind.BUILDING_STAFF) and pk:
        building = writable_buildings(user, district).filter(pk=pk).first()
        if building is not None:
            noun = "families" if kind == AudienceKind.BUILDING_FAMILIES else "staff"
            label = f"{building.name}: {noun}"
    elif kind == AudienceKind.DISTRICT and key == "":
        if people_access.can(user, district, C.MESSAGE_DISTRICT):
            label = f"{district.name}: everyone"
    elif kind == AudienceKind.FAMILY and pk:
        student = writable_students(user, district).filter(pk=pk).first()
        if student is not None:
            label = f"The family of {student.display_name}"
    elif kind == AudienceKind.DIRECT and pk:
        staff = writable_staff_users(user, district).filter(pk=pk).select_related("person").first()
        if staff is not None:
            label = staff.person.display_name if staff.person else staff.get_username()
    if label is None:
        raise PermissionDenied
    return Audience(kind, key, label)


def audiences_for(user: User | object, district: District, *, limit: int = 2000) -> list[Audience]:
    """The audiences offered in the composer (the server checks each post again)."""
    out: list[Audience] = []
    if people_access.can(user, district, C.MESSAGE_DISTRICT):
        out.append(Audience(AudienceKind.DISTRICT, "", f"{district.name}: everyone"))
    for b in writable_buildings(user, district).order_by("name"):
        out.append(Audience(AudienceKind.BUILDING_FAMILIES, str(b.pk), f"{b.name}: families"))
        out.append(Audience(AudienceKind.BUILDING_STAFF, str(b.pk), f"{b.name}: staff"))
    for cls in writable_classes(user, district).order_by("title", "pk")[:limit]:
        out.append(Audience(AudienceKind.CLASS_FAMILIES, str(cls.pk), f"{cls.title}: families"))
        out.append(Audience(AudienceKind.CLASS_STUDENTS, str(cls.pk), f"{cls.title}: students"))
    students = writable_students(user, district).order_by("family_name", "given_name", "pk")
    for s in students[:limit]:
        out.append(Audience(AudienceKind.FAMILY, str(s.pk), f"The family of {s.display_name}"))
    for u in writable_staff_users(user, district).select_related("person")[:limit]:
        name = u.person.display_name if u.person else u.get_username()
        out.append(Audience(AudienceKind.DIRECT, str(u.pk), name))
    return out


#: up to this many threads received are looked up by id (an index look-up each); past it, a
#: subquery (m18e: the OR over two joins scanned every message: 6 s at a million messages)
RECEIVED_BY_ID = 5000


def threads_visible_to(user: User | object, district: District) -> QuerySet[Thread]:
    """The threads the user takes part in: started, or received a message of."""
    if not getattr(user, "is_authenticated", False):
        return Thread.objects.none()
    uid = getattr(user, "pk", None) or 0
    mine = Q(user_id=uid)
    person = _person_id(user)
    if person:
        mine |= Q(person_id=person)
    received = Recipient.objects.filter(mine).values_list("message__thread_id", flat=True)
    ids = list(received.distinct()[: RECEIVED_BY_ID + 1])
    by_id = Q(pk__in=ids) if len(ids) <= RECEIVED_BY_ID else Q(pk__in=received)
    return Thread.objects.filter(Q(started_by_id=uid) | by_id, district=district)


def get_thread_for(user: User | object, district: District, pk: int) -> Thread:
    thread: Thread = people_access.get_visible(
        threads_visible_to(user, district), pk, not_found="No such thread.", allowed=True
    )
    return thread


def get_own_message_for(user: User | object, district: District, pk: int) -> Message:
    """A message the user may retract: 404 when its thread is hidden, 403 when the user did not
    send it."""
    visible = Message.objects.filter(thread__in=threads_visible_to(user, district))
    message: Message = people_access.get_visible(
        visible,
        pk,
        not_found="No such message.",
        allowed=lambda m: m.sender_id == getattr(user, "pk", None),
    )
    return message


def require_messaging_manager(user: User | object, district: District) -> None:
    """403 unless the user chooses the district's messaging settings."""
    people_access.require(user, district, C.MANAGE_MESSAGING)


def can_manage_messaging(user: User | object, district: District) -> bool:
    return people_access.can(user, district, C.MANAGE_MESSAGING)


# --- the archive (m18e) ------------------------------------------------------------------------
# SEARCH_MESSAGE_ARCHIVE (the records officer; the superintendent and designee) is district-wide:
# every thread of the district, searched and read through the archive pages, each read by a
# non-participant audited. The archive pages are 403 without it; a thread or an export of another
# district is 404. An export is downloaded only by the one who asked for it (403 for the others).


def can_search_archive(user: User | object, district: District) -> bool:
    return people_access.can(user, district, C.SEARCH_MESSAGE_ARCHIVE)


def require_archive_reader(user: User | object, district: District) -> None:
    people_access.require(user, district, C.SEARCH_MESSAGE_ARCHIVE)


def get_archive_thread_for(user: User | object, district: District, pk: int) -> Thread:
    require_archive_reader(user, district)
    thread: Thread = people_access.get_visible(
        Thread.objects.filter(district=district), pk, not_found="No such thread."
    )
    return thread


def takes_part_in(user: User | object, thread: Thread) -> bool:
    """Whether the user is a participant of the thread (no audit for their own reads)."""
    return threads_visible_to(user, thread.district).filter(pk=thread.pk).exists()


def archive_exports_visible_to(user: User | object, district: District) -> QuerySet[ArchiveExport]:
    require_archive_reader(user, district)
    return ArchiveExport.objects.filter(district=district)


def get_export_for_download(user: User | object, district: District, pk: int) -> ArchiveExport:
    export: ArchiveExport = people_access.get_visible(
        archive_exports_visible_to(user, district),
        pk,
        not_found="No such export.",
        allowed=lambda e: e.requested_by_id == getattr(user, "pk", None),
    )
    return export
