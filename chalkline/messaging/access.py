"""Who may write to whom in the messaging hub, and who sees which thread; built on People's
grants and the directory.

- Staff holding ``MESSAGE_OWN_CLASSES`` reach the families and students of the classes they
  teach (an active, non-student enrollment of their person record), and one family of a
  student of those classes.
- ``MESSAGE_BUILDING`` (a principal, for their building) reaches the building's families and
  staff, its classes, and any family of its students.
- ``MESSAGE_DISTRICT`` (the superintendent and the designee) reaches the whole district.
- A staff group (``MANAGE_STAFF_GROUPS``: a principal keeps the groups of their building, the
  superintendent and the designee every group, district-wide ones included) is written to by
  its active members and by those who keep it; nobody else, teachers of the same building
  included (the building's whole staff is the principal's audience already).
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
from django.db.models import Exists, OuterRef, Q, QuerySet

from chalkline.messaging.families import restricted_student_ids
from chalkline.messaging.models import (
    ArchiveExport,
    AudienceKind,
    ContactRestriction,
    ContactRestrictionQuerySet,
    Message,
    Recipient,
    StaffGroup,
    Thread,
)
from chalkline.messaging.selectors import settings_of
from chalkline.people import access as people_access
from chalkline.people.models import (
    Affiliation,
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
    # The ids of the students in reach, as one UNION subquery, rather than joins + DISTINCT
    # (`.filter(pk=…)` on those made PostgreSQL build the whole set before picking one row:
    # 169 ms per one-family send at 100,000 students) or ORed EXISTS (a scan of every student
    # of the district): PostgreSQL hashes the few ids and probes the primary key.
    # The class ids first (a teacher's few, a principal's dozens): as literals, PostgreSQL
    # estimates the enrollments right and reads them through their index.
    class_ids = list(writable_classes(user, district).values_list("pk", flat=True))
    ids = Enrollment.objects.filter(
        school_class_id__in=class_ids, active=True, role="student"
    ).values_list("person_id", flat=True)
    buildings = grants.building_ids_with(C.MESSAGE_BUILDING)
    if buildings:
        ids = ids.union(
            Affiliation.objects.filter(building_id__in=buildings, active=True).values_list(
                "person_id", flat=True
            )
        )
    return students.filter(pk__in=ids)


def _writable_student(user: User | object, district: District, pk: int) -> Person | None:
    """The student ``pk`` when in ``writable_students``: EXISTS probes on that one student's
    enrollments and affiliations (one query), not the set of every student in reach."""
    student = Person.objects.filter(pk=pk, district=district, kind=Person.Kind.STUDENT, active=True)
    grants = people_access.grants_for(user, district)
    if grants.can(C.MESSAGE_DISTRICT):
        return student.first()
    reach = Q(
        Exists(
            Enrollment.objects.filter(
                person=OuterRef("pk"),
                active=True,
                role="student",
                school_class__in=writable_classes(user, district),
            )
        )
    )
    buildings = grants.building_ids_with(C.MESSAGE_BUILDING)
    if buildings:
        reach |= Q(
            Exists(
                Affiliation.objects.filter(
                    person=OuterRef("pk"), building_id__in=buildings, active=True
                )
            )
        )
    return student.filter(reach).first()


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
        # a child under a contact restriction against this guardian opens no conversation
        children = people_access.children_of(user, district).exclude(
            pk__in=restricted_student_ids(me.pk)
        )
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
    # The teachers' and principals' ids first (a family's few dozen), as literals: with the two
    # subqueries OR-ed in one statement PostgreSQL read every account of the district (archive18:
    # the guardian's inbox, which asks may_compose, spent most of its database time there).
    teacher_people = list(teachers.values_list("person_id", flat=True).distinct())
    q = Q(person_id__in=teacher_people, person__active=True)
    if me.kind == Person.Kind.GUARDIAN:
        # the children's buildings as literals too: with the subquery PostgreSQL hashed every
        # principal-or-not membership of the district (archive18: 28 ms of a guardian's inbox
        # at 136,000 people); with two ids it reads the building index
        building_ids = list(
            children.filter(affiliations__active=True)
            .values_list("affiliations__building_id", flat=True)
            .distinct()
        )
        principals = Membership.objects.filter(
            district=district, role=Role.PRINCIPAL, active=True, building_id__in=building_ids
        )
        q |= Q(pk__in=list(principals.values_list("user_id", flat=True)))
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
        student = _writable_student(user, district, pk)
        if student is not None:
            label = f"The family of {student.display_name}"
    elif kind == AudienceKind.STAFF_GROUP and pk:
        group = writable_groups(user, district).filter(pk=pk).first()
        if group is not None:
            label = group_label(group)
    elif kind == AudienceKind.DIRECT and pk:
        staff = writable_staff_users(user, district).filter(pk=pk).select_related("person").first()
        if staff is not None:
            label = staff.person.display_name if staff.person else staff.get_username()
    if label is None:
        raise PermissionDenied
    return Audience(kind, key, label)


# --- staff groups ------------------------------------------------------------------------------


def group_label(group: StaffGroup) -> str:
    return f"{group.name} (staff group)"


def _group(group: StaffGroup) -> Audience:
    return Audience(AudienceKind.STAFF_GROUP, str(group.pk), group_label(group))


def title_of_group(words: list[str]) -> Q:
    q = Q()
    for w in words:
        q &= Q(name__icontains=w)
    return q


def _kept_q(user: User | object, district: District) -> Q:
    """The groups the user keeps: every group with ``MANAGE_STAFF_GROUPS`` district-wide; the
    groups of their buildings with it for a building (a principal)."""
    ids = people_access.grants_for(user, district).building_ids_with(C.MANAGE_STAFF_GROUPS)
    if ids is None:
        return Q(pk__isnull=False)  # every group (an empty Q() would vanish in an OR)
    return Q(building_id__in=ids) if ids else Q(pk__in=[])


def _member_q(user: User | object) -> Q:
    person = _person_id(user)
    if not person:
        return Q(pk__in=[])
    return Q(members__person_id=person, members__person__active=True)


def groups_kept_by(user: User | object, district: District) -> QuerySet[StaffGroup]:
    return StaffGroup.objects.filter(_kept_q(user, district), district=district)


def staff_groups_visible_to(user: User | object, district: District) -> QuerySet[StaffGroup]:
    """The groups the user keeps and the groups they are an (active) member of; retired ones
    included (their pages stay readable)."""
    if not people_access.grants_for(user, district).is_staff_member:
        return StaffGroup.objects.none()
    q = _kept_q(user, district) | _member_q(user)
    ids = StaffGroup.objects.filter(q, district=district).values("pk")
    return StaffGroup.objects.filter(pk__in=ids)


def writable_groups(user: User | object, district: District) -> QuerySet[StaffGroup]:
    """The groups in use the user may write to: those they keep and those they are in."""
    return staff_groups_visible_to(user, district).filter(active=True)


def may_keep_groups(user: User | object, district: District) -> bool:
    return people_access.grants_for(user, district).can_anywhere(C.MANAGE_STAFF_GROUPS)


def may_see_groups(user: User | object, district: District) -> bool:
    """The groups page: for those who keep groups and for staff who are in one."""
    return may_keep_groups(user, district) or staff_groups_visible_to(user, district).exists()


def may_keep(user: User | object, district: District, group: StaffGroup) -> bool:
    grants = people_access.grants_for(user, district)
    return grants.can(C.MANAGE_STAFF_GROUPS, group.building_id)


def get_staff_group_for(
    user: User | object, district: District, pk: int, *, manage: bool = False
) -> StaffGroup:
    """404 when the user neither keeps nor is in the group (missing and hidden look the same);
    with ``manage``, 403 for a member who does not keep it."""
    group: StaffGroup = people_access.get_visible(
        staff_groups_visible_to(user, district).select_related("building"),
        pk,
        not_found="No such staff group.",
        allowed=(lambda g: may_keep(user, district, g)) if manage else True,
    )
    return group


def group_buildings(user: User | object, district: District) -> QuerySet[Building]:
    """The buildings whose groups the user keeps (a new group's choices)."""
    return people_access.buildings_visible_to(user, district, C.MANAGE_STAFF_GROUPS).filter(
        active=True
    )


def group_candidates(
    user: User | object, district: District, group: StaffGroup
) -> QuerySet[Person]:
    """The active staff the user may add to ``group``: every staff member of the district for
    the district office; the staff of the principal's buildings for a principal (a building's
    group takes staff who work there)."""
    staff = Person.objects.filter(district=district, kind=Person.Kind.STAFF, active=True)
    ids = people_access.grants_for(user, district).building_ids_with(C.MANAGE_STAFF_GROUPS)
    if ids is None:
        return staff
    here = Affiliation.objects.filter(building_id__in=ids, active=True).values("person_id")
    return staff.filter(pk__in=here)


def may_reply_in(user: User | object, district: District, thread: Thread) -> bool:
    """Whether the user may reply in a thread they see. A staff group's thread: its starter,
    and those who still keep or are in the group (someone taken out of it, or deactivated,
    reads what they received and writes no more to the group)."""
    if thread.audience_kind != AudienceKind.STAFF_GROUP:
        return True
    if thread.started_by_id == getattr(user, "pk", None):
        return True
    key = int(thread.audience_key) if thread.audience_key.isdigit() else 0
    return staff_groups_visible_to(user, district).filter(pk=key).exists()


def get_reply_thread_for(user: User | object, district: District, pk: int) -> Thread:
    """A thread to reply in: 404 when hidden, 403 when the user may not reply in it."""
    thread: Thread = people_access.get_visible(
        threads_visible_to(user, district),
        pk,
        not_found="No such thread.",
        allowed=lambda t: may_reply_in(user, district, t),
    )
    return thread


# The composer's <select> lists classes and one-family audiences only up to these counts; past
# them (a principal's building of 1,200 students, a superintendent's 4,500 classes), the writer
# finds them with the composer's search (`find_audiences`) instead: a select of thousands of
# options is slow to build (0.4-0.8 s at 100,000 students) and unusable on a phone.
LISTED_CLASSES = 100
LISTED_FAMILIES = 100
FOUND_LIMIT = 20


@dataclass(frozen=True)
class ComposerChoices:
    audiences: list[Audience]
    searchable: bool  # some classes or families are left out of the list: offer the search


def _family(student: Person) -> Audience:
    return Audience(AudienceKind.FAMILY, str(student.pk), f"The family of {student.display_name}")


def _class_audiences(cls: SchoolClass) -> list[Audience]:
    return [
        Audience(AudienceKind.CLASS_FAMILIES, str(cls.pk), f"{cls.title}: families"),
        Audience(AudienceKind.CLASS_STUDENTS, str(cls.pk), f"{cls.title}: students"),
    ]


def _many_students_in_buildings(user: User | object, district: District, limit: int) -> bool:
    """Whether more than ``limit`` active students are affiliated with the buildings the user
    writes to: a walk of those buildings' affiliations that stops after enough rows. A principal's
    composer asks this first; the UNION probe of ``writable_students`` made PostgreSQL hash the
    building's ids and scan every student of the district (39 ms at 60,000 students, against
    about 2-8 ms). Each student has at most one affiliation a building, so ``limit + 1`` rows a
    building always hold ``limit + 1`` students when that many exist."""
    buildings = people_access.grants_for(user, district).building_ids_with(C.MESSAGE_BUILDING)
    if not buildings:
        return False
    rows = (limit + 1) * len(buildings)
    ids = (
        Affiliation.objects.filter(
            building_id__in=buildings,
            active=True,
            person__district=district,
            person__kind=Person.Kind.STUDENT,
            person__active=True,
        )
        .order_by()
        .values_list("person_id", flat=True)[:rows]
    )
    return len(set(ids)) > limit


def composer_choices(
    user: User | object,
    district: District,
    *,
    listed_classes: int = LISTED_CLASSES,
    listed_families: int = LISTED_FAMILIES,
) -> ComposerChoices:
    """The audiences listed in the composer (the server checks each post again), and whether
    more can be found by search. Families are listed only when all of them fit."""
    out: list[Audience] = []
    if people_access.can(user, district, C.MESSAGE_DISTRICT):
        out.append(Audience(AudienceKind.DISTRICT, "", f"{district.name}: everyone"))
    for b in writable_buildings(user, district).order_by("name"):
        out.append(Audience(AudienceKind.BUILDING_FAMILIES, str(b.pk), f"{b.name}: families"))
        out.append(Audience(AudienceKind.BUILDING_STAFF, str(b.pk), f"{b.name}: staff"))
    out.extend(_group(g) for g in writable_groups(user, district).select_related("building"))
    classes = list(writable_classes(user, district).order_by("title", "pk")[: listed_classes + 1])
    searchable = len(classes) > listed_classes
    for cls in classes[:listed_classes]:
        out.extend(_class_audiences(cls))
    # cheap probes (no ORDER BY over the building or district) before listing anyone
    many = _many_students_in_buildings(user, district, listed_families)
    if not many:
        students = writable_students(user, district)
        probe = students.order_by().values_list("pk", flat=True)[: listed_families + 1]
        many = len(probe) > listed_families
        if not many:
            out.extend(_family(s) for s in students.order_by("family_name", "given_name", "pk"))
    searchable = searchable or many
    for u in writable_staff_users(user, district).select_related("person")[:listed_families]:
        name = u.person.display_name if u.person else u.get_username()
        out.append(Audience(AudienceKind.DIRECT, str(u.pk), name))
    return ComposerChoices(out, searchable)


def audiences_for(user: User | object, district: District) -> list[Audience]:
    """The audiences listed in the composer (see ``composer_choices``)."""
    return composer_choices(user, district).audiences


def find_audiences(
    user: User | object, district: District, text: str, *, limit: int = FOUND_LIMIT
) -> list[Audience]:
    """Classes (by title), students' families (by name) and staff groups (by name) the user
    may write to that match every word of ``text``; at most ``limit`` of each."""
    words = text.split()[:5]
    if not words:
        return []
    title = Q()
    name = Q()
    for w in words:
        title &= Q(title__icontains=w)
        name &= (
            Q(given_name__icontains=w)
            | Q(family_name__icontains=w)
            | Q(preferred_name__icontains=w)
        )
    out: list[Audience] = []
    for cls in writable_classes(user, district).filter(title).order_by("title", "pk")[:limit]:
        out.extend(_class_audiences(cls))
    students = writable_students(user, district).filter(name)
    out.extend(_family(s) for s in students.order_by("family_name", "given_name", "pk")[:limit])
    groups = writable_groups(user, district).filter(title_of_group(words))
    out.extend(_group(g) for g in groups.select_related("building")[:limit])
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
    # a delivery held for quiet hours does not show the thread until it is released
    received = Recipient.objects.filter(mine, status__in=Recipient.DELIVERED).values_list(
        "message__thread_id", flat=True
    )
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


# --- records retention and disposal (m18f) ---------------------------------------------------


def require_records_officer(user: User | object, district: District) -> None:
    """403 unless the user keeps the district's records (retention, holds, disposal)."""
    people_access.require(user, district, C.MANAGE_RECORDS_RETENTION)


def can_manage_records(user: User | object, district: District) -> bool:
    return people_access.can(user, district, C.MANAGE_RECORDS_RETENTION)


# --- family accounts, preferences, contact restrictions (m18a) -------------------------------


def invite_buildings(user: User | object, district: District) -> QuerySet[Building]:
    """The buildings whose families the user may invite (``INVITE_FAMILIES``)."""
    return people_access.buildings_visible_to(user, district, C.INVITE_FAMILIES).filter(active=True)


def may_invite(user: User | object, district: District) -> bool:
    return people_access.grants_for(user, district).can_anywhere(C.INVITE_FAMILIES)


def get_invite_building_for(user: User | object, district: District, pk: int) -> Building:
    """404 when the user does not see the building's directory, 403 when they see it but may
    not invite its families."""
    return people_access.get_building_for(user, district, pk, need=C.INVITE_FAMILIES)


def get_invite_class_for(
    user: User | object, district: District, building: Building, pk: int
) -> SchoolClass:
    found: SchoolClass = people_access.get_visible(
        SchoolClass.objects.filter(district=district, building=building, active=True),
        pk,
        not_found="No such class.",
    )
    return found


def require_restriction_manager(user: User | object, district: District) -> None:
    """403 unless the user records contact restrictions somewhere in the district."""
    people_access.require(user, district, C.MANAGE_CONTACT_RESTRICTIONS)


def may_manage_restrictions(user: User | object, district: District) -> bool:
    return people_access.grants_for(user, district).can_anywhere(C.MANAGE_CONTACT_RESTRICTIONS)


def restriction_students(user: User | object, district: District) -> QuerySet[Person]:
    """The students whose contact restrictions the user keeps: their buildings' students (a
    principal), every student (the district office). Restrictions are confidential: nobody else
    sees them."""
    students = Person.objects.filter(district=district, kind=Person.Kind.STUDENT)
    ids = people_access.grants_for(user, district).building_ids_with(C.MANAGE_CONTACT_RESTRICTIONS)
    if ids is None:
        return students
    return students.filter(
        Q(affiliations__building_id__in=ids, affiliations__active=True)
    ).distinct()


def get_restriction_student_for(user: User | object, district: District, pk: int) -> Person:
    require_restriction_manager(user, district)
    student: Person = people_access.get_visible(
        restriction_students(user, district), pk, not_found="No such student."
    )
    return student


def restrictions_visible_to(user: User | object, district: District) -> ContactRestrictionQuerySet:
    if not may_manage_restrictions(user, district):
        return ContactRestriction.objects.none()
    return ContactRestriction.objects.filter(
        district=district, student__in=restriction_students(user, district)
    )


def get_restriction_for(user: User | object, district: District, pk: int) -> ContactRestriction:
    require_restriction_manager(user, district)
    found: ContactRestriction = people_access.get_visible(
        restrictions_visible_to(user, district), pk, not_found="No such restriction."
    )
    return found


def family_person(user: User | object, district: District) -> Person:
    """The guardian or student record of a family account; 403 for everyone else."""
    person: Person | None = getattr(user, "person", None)
    if (
        person is None
        or person.district_id != district.pk
        or person.kind not in (Person.Kind.GUARDIAN, Person.Kind.STUDENT)
    ):
        raise PermissionDenied
    return person


def family_links(user: User | object, district: District) -> dict[str, bool]:
    """Which family-account pages the inbox links to, for this user."""
    person: Person | None = getattr(user, "person", None)
    return {
        "can_invite": may_invite(user, district),
        "can_restrict": may_manage_restrictions(user, district),
        "is_family": person is not None
        and person.kind in (Person.Kind.GUARDIAN, Person.Kind.STUDENT),
    }


# m18b: the "Unreachable families" page, for those who invite families (principals and
# registrars for their buildings, the district office everywhere).
def can_see_unreachable(user: User | object, district: District) -> bool:
    return people_access.grants_for(user, district).can_anywhere(C.INVITE_FAMILIES)


def unreachable_buildings_for(user: User | object, district: District) -> QuerySet[Building]:
    """The buildings whose unreachable guardians the user sees; 403 when none."""
    if not can_see_unreachable(user, district):
        raise PermissionDenied("Only the people who invite families see this list.")
    return people_access.buildings_visible_to(user, district, C.INVITE_FAMILIES)


def may_set_office_hours(user: User | object, district: District) -> bool:
    """Staff who may message somewhere set office hours for the families who write to them."""
    grants = people_access.grants_for(user, district)
    return grants.is_staff_member and any(
        grants.can_anywhere(c)
        for c in (C.MESSAGE_OWN_CLASSES, C.MESSAGE_BUILDING, C.MESSAGE_DISTRICT)
    )


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
