"""Reads that span several models: the district's settings, an audience's recipients from the
directory, the inbox."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from chalkline.messaging.families import adult_students, adults_reached_as_adults, links_reaching
from chalkline.messaging.models import (
    WIDE_KINDS,
    AudienceKind,
    MessagingSettings,
    Recipient,
    StaffGroupMember,
    Thread,
)
from chalkline.people.models import District, Enrollment, Person, User


def settings_of(district: District) -> MessagingSettings:
    """The district's messaging settings; an unsaved row of defaults when it chose none."""
    found = MessagingSettings.objects.filter(district=district).first()
    return found or MessagingSettings(district=district)


_GRADE = re.compile(r"\d+")


def grade_number(grade: str) -> int | None:
    """A roster grade as a number: ``"07"`` → 7, kindergarten and pre-K → 0, unknown → None."""
    g = grade.strip().upper()
    if g in ("K", "KG", "PK", "TK", "PRE-K", "PREK", "IT", "PR"):
        return 0
    m = _GRADE.search(g)
    return int(m.group()) if m else None


@dataclass(frozen=True)
class Addressee:
    person: Person | None
    user_id: int | None
    copy_of_student: Person | None = None


def _guardians_of(
    district: District, students: QuerySet[Person], *, as_adults: bool | None = None
) -> QuerySet[Person]:
    """The guardians a message about ``students`` reaches: contact restrictions in force and
    adult students (where the district reaches them as adults) left out (``links_reaching``)."""
    links = links_reaching(district, students, as_adults=as_adults)
    return Person.objects.filter(
        pk__in=links.values("guardian_id"), active=True, kind=Person.Kind.GUARDIAN
    )


def _families_of(district: District, students: QuerySet[Person]) -> list[Addressee]:
    """A family audience of ``students``: their guardians, and the adult students themselves
    where the district reaches adult students as adults."""
    as_adults = adults_reached_as_adults(district)  # read once for both halves
    return _with_accounts(_guardians_of(district, students, as_adults=as_adults)) + _with_accounts(
        adult_students(district, students, as_adults=as_adults)
    )


def _with_accounts(people: QuerySet[Person]) -> list[Addressee]:
    # one query: each person with their active account's id (a correlated subquery on the
    # one-to-one person link) rather than the people, then their accounts
    account = User.objects.filter(person=OuterRef("pk"), is_active=True).values("pk")[:1]
    rows = people.annotate(account_id=Subquery(account)).order_by("pk")
    return [Addressee(p, p.account_id) for p in rows]


def _guardian_copies(district: District, students: list[Person]) -> list[Addressee]:
    """Guardians of the students who see a staff-student message (the district's setting:
    through grade 8 by default; a student whose grade is unknown counts as within it)."""
    through = settings_of(district).guardians_see_student_threads_through_grade
    if through is None or not students:
        return []
    young = [s for s in students if (grade_number(s.grade) or 0) <= through]
    by_pk = {s.pk: s for s in young}
    links = links_reaching(district, list(by_pk)).select_related("guardian")
    accounts = dict(
        User.objects.filter(
            person_id__in=[link.guardian_id for link in links], is_active=True
        ).values_list("person_id", "pk")
    )
    return [
        Addressee(link.guardian, accounts.get(link.guardian_id), by_pk[link.student_id])
        for link in links
    ]


def directly_reachable(district: District, students: list[Person]) -> list[Person]:
    """The students the district lets staff reach directly (a class's students): those in its
    grades (6-12 by default; a grade the roster does not give is not), and adult students when
    it reaches adults as adults."""
    current = settings_of(district)
    low, high = current.students_reachable_from_grade, current.students_reachable_through_grade
    adults = set(
        adult_students(
            district, Person.objects.filter(pk__in=[s.pk for s in students])
        ).values_list("pk", flat=True)
    )
    out = []
    for s in students:
        grade = grade_number(s.grade)
        if s.pk in adults or (grade is not None and low <= grade <= high):
            out.append(s)
    return out


def audience_addressees(
    district: District, kind: str, key: str, *, sender: User
) -> list[Addressee]:
    """Everyone a new message to ``kind:key`` goes to, resolved from the directory now (active
    people only), the sender left out. Students bring their guardians' copies."""
    pk = int(key) if key.isdigit() else 0
    people = Person.objects.filter(district=district, active=True)
    students = people.filter(kind=Person.Kind.STUDENT)
    out: list[Addressee]
    if kind == AudienceKind.FAMILY:
        out = _families_of(district, students.filter(pk=pk))
    elif kind in (AudienceKind.CLASS_FAMILIES, AudienceKind.CLASS_STUDENTS):
        enrolled = students.filter(
            Exists(
                Enrollment.objects.filter(
                    person=OuterRef("pk"), school_class_id=pk, active=True, role="student"
                )
            )
        )
        if kind == AudienceKind.CLASS_FAMILIES:
            out = _families_of(district, enrolled)
        else:
            listed = directly_reachable(district, list(enrolled.order_by("pk")))
            reached = enrolled.filter(pk__in=[s.pk for s in listed])
            out = _with_accounts(reached) + _guardian_copies(district, listed)
    elif kind in (AudienceKind.BUILDING_FAMILIES, AudienceKind.BUILDING_STAFF):
        here = Q(affiliations__building_id=pk, affiliations__active=True)
        if kind == AudienceKind.BUILDING_FAMILIES:
            out = _families_of(district, students.filter(here))
        else:
            out = _with_accounts(people.filter(here, kind=Person.Kind.STAFF).distinct())
    elif kind == AudienceKind.DISTRICT:
        out = _families_of(district, students) + _with_accounts(
            people.filter(kind=Person.Kind.STAFF)
        )
    elif kind == AudienceKind.STAFF_GROUP:
        # the group's members as they are now: deactivated staff (and retired accounts) drop out
        out = _with_accounts(
            people.filter(
                Exists(StaffGroupMember.objects.filter(person=OuterRef("pk"), group_id=pk)),
                kind=Person.Kind.STAFF,
            )
        )
    elif kind == AudienceKind.DIRECT:
        user = User.objects.filter(pk=pk).select_related("person").first()
        out = [Addressee(user.person, user.pk)] if user else []
        out += _student_copies(district, out)
        out += _student_copies(district, [Addressee(sender.person, sender.pk)])
    else:
        out = []
    return _without(out, sender)


def _student_copies(district: District, addressees: list[Addressee]) -> list[Addressee]:
    """The guardian copies of the students among ``addressees`` (a staff-student conversation
    is shown to the student's guardians, as the district set)."""
    students = [a.person for a in addressees if a.person and a.person.kind == Person.Kind.STUDENT]
    return _guardian_copies(district, students)


def _without(addressees: list[Addressee], sender: User) -> list[Addressee]:
    seen: set[tuple[str, int]] = set()
    kept: list[Addressee] = []
    for a in addressees:
        if a.user_id == sender.pk or (a.person and a.person.pk == sender.person_id):
            continue
        ident = ("p", a.person.pk) if a.person else ("u", a.user_id or 0)
        if ident in seen:
            continue
        seen.add(ident)
        kept.append(a)
    return kept


def thread_participants(thread: Thread, *, sender: User) -> list[Addressee]:
    """Everyone already in a (non-wide) thread, for a reply: its starter and every recipient of
    its messages (guardian copies keep their mark), the writer left out."""
    rows = (
        Recipient.objects.filter(message__thread=thread)
        .select_related("person", "copy_of_student")
        .order_by("pk")
    )
    out = [Addressee(r.person, r.user_id, r.copy_of_student) for r in rows]
    starter = User.objects.filter(pk=thread.started_by_id).select_related("person").first()
    if starter is not None:
        out.insert(0, Addressee(starter.person, starter.pk))
    return _without(_still_reached(thread, out), sender)


def _thread_student_id(thread: Thread) -> int | None:
    """The student a family thread (or a private reply to one) is about."""
    for t in (thread, thread.parent):
        if t is not None and t.audience_kind == AudienceKind.FAMILY and t.audience_key.isdigit():
            return int(t.audience_key)
    return None


def _still_reached(thread: Thread, addressees: list[Addressee]) -> list[Addressee]:
    """Leave out the guardians whom a message about the thread's student (or the student whose
    copy they had) no longer reaches: a contact restriction recorded since, an adult student."""
    about = _thread_student_id(thread)
    pairs: set[tuple[int, int]] = set()
    for a in addressees:
        if a.person is not None and a.person.kind == Person.Kind.GUARDIAN:
            student = a.copy_of_student.pk if a.copy_of_student else about
            if student is not None:
                pairs.add((a.person.pk, student))
    if not pairs:
        return addressees
    students = sorted({s for _, s in pairs})
    reached = set(
        links_reaching(thread.district, students).values_list("guardian_id", "student_id")
    )
    dropped = pairs - reached

    def kept(a: Addressee) -> bool:
        if a.person is None or a.person.kind != Person.Kind.GUARDIAN:
            return True
        student = a.copy_of_student.pk if a.copy_of_student else about
        return (a.person.pk, student) not in dropped

    return [a for a in addressees if kept(a)]


def reply_target(thread: Thread, by: User) -> tuple[Thread | None, bool]:
    """Where a reply by ``by`` goes: (the thread itself, False), or, for a wide thread written
    to by someone other than its sender, (the private thread with that sender, None when it
    does not exist yet; True)."""
    if thread.audience_kind in WIDE_KINDS and thread.started_by_id != by.pk:
        private = Thread.objects.filter(parent=thread, started_by=by).first()
        return private, True
    return thread, False


def reply_addressees(thread: Thread, by: User) -> list[Addressee]:
    """Who a reply by ``by`` in ``thread`` reaches: privately the sender of a wide thread (and
    whoever is already in that private thread); the whole audience again, resolved now, when
    the wide thread's sender writes in it; the group as it is now and the thread's starter in a
    staff group's thread (reply-all: a working team); everyone in any other thread."""
    target, private = reply_target(thread, by)
    if private:
        addressees = thread_participants(target, sender=by) if target is not None else []
        if not any(a.user_id == thread.started_by_id for a in addressees):
            starter = thread.started_by
            addressees.append(Addressee(starter.person, starter.pk))
        if target is None:  # the first private reply: a student's guardians see it too
            addressees += _student_copies(
                thread.district, [*addressees, Addressee(by.person, by.pk)]
            )
        return _without(_still_reached(thread, addressees), by)
    if thread.audience_kind in WIDE_KINDS:
        return audience_addressees(
            thread.district, thread.audience_kind, thread.audience_key, sender=by
        )
    if thread.audience_kind == AudienceKind.STAFF_GROUP:
        group = audience_addressees(
            thread.district, thread.audience_kind, thread.audience_key, sender=by
        )
        starter = thread.started_by
        if starter.is_active and (starter.person is None or starter.person.active):
            group.insert(0, Addressee(starter.person, starter.pk))
        return _without(group, by)
    return thread_participants(thread, sender=by)


def mine(user: User) -> Q:
    q = Q(user_id=user.pk)
    if user.person_id:
        q |= Q(person_id=user.person_id)
    return q


def unread_thread_ids(user: User, district: District) -> set[int]:
    rows = Recipient.objects.filter(
        mine(user),
        message__thread__district=district,
        status__in=[Recipient.Status.QUEUED, Recipient.Status.SENT],
    ).values_list("message__thread_id", flat=True)
    return set(rows)


def inbox_page(threads: QuerySet[Thread], number: str | None, *, size: int) -> Page[Thread]:
    """One page of an inbox (``threads``: the threads the user sees), latest activity first,
    each with its ``message_count``. The page's threads are found first and only their messages
    counted: counting every visible thread's messages before sorting and paging took 440 ms for
    a staff member with 5,000 threads (archive18), and the paginator's COUNT joined them too."""
    ordered = threads.order_by("-last_message_at", "-pk")
    page = Paginator(ordered, size).get_page(number)
    ids = [t.pk for t in page.object_list]
    page.object_list = list(
        ordered.filter(pk__in=ids)
        .select_related("started_by__person")
        .annotate(message_count=Count("messages"))
    )
    return page
