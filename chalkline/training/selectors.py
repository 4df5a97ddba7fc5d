"""The training reports: for one training and one building (or the district), who is done, who
is missing, and which new hires are due (hired in the last ``NEW_HIRE_DAYS`` days, due that many
days after their hire date). A completion that lapsed (past its renewal date) counts as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from chalkline.people.models import Building, District, Person
from chalkline.training.models import RosterEntry, Training

NEW_HIRE_DAYS = 30


@dataclass
class Report:
    training: Training
    building: Building | None
    done: list[tuple[Person, RosterEntry]] = field(default_factory=list)
    missing: list[Person] = field(default_factory=list)
    new_hires: list[tuple[Person, date]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.missing)


def staff_in_scope(district: District, building: Building | None) -> QuerySet[Person]:
    qs = Person.objects.filter(district=district, kind=Person.Kind.STAFF, active=True)
    if building is not None:
        qs = qs.filter(affiliations__building=building, affiliations__active=True)
    else:
        qs = qs.filter(affiliations__active=True)
    return qs.distinct()


def valid_completions(training: Training, today: date) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(
        session__training=training, completed_at__isnull=False
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def report(
    training: Training, building: Building | None, *, today: date, limit: int = 500
) -> Report:
    result = Report(training=training, building=building)
    staff = staff_in_scope(training.district, building)
    best: dict[int, RosterEntry] = {}
    for entry in valid_completions(training, today).filter(person__in=staff.values("pk")):
        if entry.person_id not in best or (entry.completed_at or 0) > (  # type: ignore[operator]
            best[entry.person_id].completed_at or 0
        ):
            best[entry.person_id] = entry
    for person in staff.order_by("family_name", "given_name")[: limit * 4]:
        if person.pk in best:
            result.done.append((person, best[person.pk]))
        else:
            result.missing.append(person)
            if person.hire_date and person.hire_date >= today - timedelta(days=NEW_HIRE_DAYS):
                result.new_hires.append((person, person.hire_date + timedelta(days=NEW_HIRE_DAYS)))
    return result


def counts(training: Training, building: Building | None, *, today: date) -> tuple[int, int]:
    """(done, total) without loading the people: for the reports' overview."""
    staff = staff_in_scope(training.district, building)
    total = staff.count()
    done = (
        valid_completions(training, today)
        .filter(person__in=staff.values("pk"))
        .values("person_id")
        .distinct()
        .count()
    )
    return done, total


def has_completed(person_id: int, training_id: int, today: date) -> bool:
    return (
        RosterEntry.objects.filter(person_id=person_id, session__training_id=training_id)
        .filter(completed_at__isnull=False)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .exists()
    )
