"""Reads about families and students as the hub reaches them: the district's account settings,
who may be invited and where each person stands (no e-mail on the roster, not invited, invited,
claimed), contact restrictions in force, and adult students.

``selectors.py`` builds every audience on ``links_reaching`` (guardian links minus restricted
pairs, and minus the guardians of adult students where the district reaches them as adults), so
every audience honours a restriction in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from chalkline.messaging.models import (
    ADULT_AGE,
    ContactRestriction,
    FamilyAccountSettings,
    Invitation,
)
from chalkline.people.models import (
    Affiliation,
    District,
    Enrollment,
    GuardianLink,
    Person,
    SchoolClass,
    User,
)


def account_settings_of(district: District | int) -> FamilyAccountSettings:
    """The district's family account settings; an unsaved row of defaults when it chose none."""
    district_id = district if isinstance(district, int) else district.pk
    found = FamilyAccountSettings.objects.filter(district_id=district_id).first()
    return found or FamilyAccountSettings(district_id=district_id)


def today() -> date:
    return timezone.localdate()


def adult_cutoff(on: date) -> date:
    """Students born on or before this day are adults on ``on``."""
    try:
        return on.replace(year=on.year - ADULT_AGE)
    except ValueError:  # 29 February
        return on.replace(year=on.year - ADULT_AGE, day=28)


def is_adult(person: Person, on: date | None = None) -> bool:
    return person.birth_date is not None and person.birth_date <= adult_cutoff(on or today())


def adults_reached_as_adults(district: District | int) -> bool:
    return account_settings_of(district).adult_students_reached_as_adults


def invitable_kind_ok(person: Person, conf: FamilyAccountSettings) -> bool:
    """Guardians may always be invited; students from the district's grade (adults always when
    the district reaches them as adults); staff never (they sign in as staff)."""
    from chalkline.messaging.selectors import grade_number

    if person.kind == Person.Kind.GUARDIAN:
        return True
    if person.kind != Person.Kind.STUDENT:
        return False
    if conf.adult_students_reached_as_adults and is_adult(person):
        return True
    if conf.students_invited_from_grade is None:
        return False
    grade = grade_number(person.grade)
    return grade is not None and grade >= conf.students_invited_from_grade


def primary_building_id(person: Person) -> int | None:
    """The building a family membership is held in: a student's school, a guardian's first
    active child's school."""
    students = (
        [person.pk]
        if person.kind == Person.Kind.STUDENT
        else list(
            GuardianLink.objects.filter(guardian=person, active=True, student__active=True)
            .order_by("student_id")
            .values_list("student_id", flat=True)
        )
    )
    row = (
        Affiliation.objects.filter(person_id__in=students, active=True)
        .order_by("-is_primary", "person_id", "pk")
        .values_list("building_id", flat=True)
        .first()
    )
    return row


# --- contact restrictions --------------------------------------------------------------------


def restrictions_in_force(on: date | None = None) -> QuerySet[ContactRestriction]:
    return ContactRestriction.objects.in_force(on or today())


def _restricted(on: date) -> Exists:
    return Exists(
        ContactRestriction.objects.in_force(on).filter(
            guardian_id=OuterRef("guardian_id"), student_id=OuterRef("student_id")
        )
    )


def links_reaching(
    district: District, students: QuerySet[Person] | list[int], *, as_adults: bool | None = None
) -> QuerySet[GuardianLink]:
    """The active guardian links through which a message about ``students`` reaches guardians:
    no pair under a contact restriction in force, and no guardian of an adult student when the
    district reaches adult students as adults (``as_adults``: that setting, when the caller
    already read it)."""
    on = today()
    links = GuardianLink.objects.filter(
        student__in=students, active=True, guardian__active=True, guardian__kind="guardian"
    ).exclude(_restricted(on))
    if as_adults if as_adults is not None else adults_reached_as_adults(district):
        links = links.exclude(student__birth_date__lte=adult_cutoff(on))
    return links


def adult_students(
    district: District, students: QuerySet[Person], *, as_adults: bool | None = None
) -> QuerySet[Person]:
    """The adult students among ``students`` whom the district reaches directly (none unless it
    reaches adult students as adults; ``as_adults``: that setting, when already read)."""
    if not (as_adults if as_adults is not None else adults_reached_as_adults(district)):
        return students.none()
    return students.filter(birth_date__lte=adult_cutoff(today()))


def is_restricted(guardian_id: int, student_id: int) -> bool:
    return restrictions_in_force().filter(guardian_id=guardian_id, student_id=student_id).exists()


def restricted_student_ids(guardian_id: int) -> set[int]:
    return set(
        restrictions_in_force().filter(guardian_id=guardian_id).values_list("student_id", flat=True)
    )


# --- invitations -----------------------------------------------------------------------------


class Standing:
    NO_EMAIL = "no_email"
    NOT_INVITED = "not_invited"
    INVITED = "invited"
    EXPIRED = "expired"
    CLAIMED = "claimed"


STANDING_LABELS = {
    Standing.NO_EMAIL: "No e-mail on the roster",
    Standing.NOT_INVITED: "Not invited",
    Standing.INVITED: "Invited",
    Standing.EXPIRED: "Invitation expired",
    Standing.CLAIMED: "Has an account",
}


@dataclass(frozen=True)
class FamilyRow:
    person: Person
    standing: str
    invited_at: datetime | None

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def can_invite(self) -> bool:
        return self.standing in (Standing.NOT_INVITED, Standing.INVITED, Standing.EXPIRED)


def people_to_invite(
    district: District,
    *,
    building_id: int | None = None,
    school_class: SchoolClass | None = None,
) -> QuerySet[Person]:
    """The guardians (and students) of a building's or a class's active students, every one of
    them whatever their e-mail: the page shows who has none."""
    students = Person.objects.filter(district=district, kind=Person.Kind.STUDENT, active=True)
    if school_class is not None:
        students = students.filter(
            Exists(
                Enrollment.objects.filter(
                    person=OuterRef("pk"),
                    school_class=school_class,
                    active=True,
                    role="student",
                )
            )
        )
    elif building_id is not None:
        students = students.filter(
            Exists(
                Affiliation.objects.filter(
                    person=OuterRef("pk"), building_id=building_id, active=True
                )
            )
        )
    guardians = GuardianLink.objects.filter(
        student__in=students, active=True, guardian__active=True
    ).values("guardian_id")
    return Person.objects.filter(
        Q(pk__in=guardians, kind=Person.Kind.GUARDIAN) | Q(pk__in=students.values("pk")),
        district=district,
        active=True,
    )


def family_rows(district: District, people: list[Person], now: datetime) -> list[FamilyRow]:
    """Where each person stands, in two queries."""
    from chalkline.lib.batches import in_list_chunks

    ids = [p.pk for p in people]
    claimed: set[int] = set()
    latest: dict[int, Invitation] = {}
    for part in in_list_chunks(ids):
        claimed |= set(
            User.objects.filter(person_id__in=part, is_active=True).values_list(
                "person_id", flat=True
            )
        )
        for sent in Invitation.objects.filter(person_id__in=part, superseded_at__isnull=True):
            if sent.person_id not in latest or sent.pk > latest[sent.person_id].pk:
                latest[sent.person_id] = sent
    rows = []
    for p in people:
        inv = latest.get(p.pk)
        if p.pk in claimed:
            standing = Standing.CLAIMED
        elif not p.email:
            standing = Standing.NO_EMAIL
        elif inv is None:
            standing = Standing.NOT_INVITED
        elif inv.expires_at <= now:
            standing = Standing.EXPIRED
        else:
            standing = Standing.INVITED
        rows.append(FamilyRow(p, standing, inv.created_at if inv else None))
    return rows
