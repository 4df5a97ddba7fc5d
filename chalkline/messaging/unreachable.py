"""Guardians the hub cannot reach: no active account and no working e-mail (none on the roster,
or every hub e-mail to it bounced or failed for good). For the principal (their buildings) and
the district office (every building): the people who hold ``invite_families``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from chalkline.messaging.services.email_delivery import REF_TYPE
from chalkline.outbox.models import Delivery
from chalkline.people.models import (
    Affiliation,
    Building,
    District,
    GuardianLink,
    Person,
    User,
)

NO_ADDRESS = "no_address"
BOUNCED = "bounced"


@dataclass(frozen=True)
class BuildingCount:
    building: Building
    guardians: int
    unreachable: int


def _guardians_in(district: District, buildings: QuerySet[Building]) -> QuerySet[Person]:
    students = Affiliation.objects.filter(
        building__in=buildings, active=True, person__active=True, person__kind="student"
    ).values("person_id")
    links = GuardianLink.objects.filter(student_id__in=students, active=True)
    return Person.objects.filter(
        district=district, kind=Person.Kind.GUARDIAN, active=True, pk__in=links.values("guardian")
    )


def _unreachable(guardians: QuerySet[Person]) -> QuerySet[Person]:
    to_address = Delivery.objects.filter(to=OuterRef("email"), ref_type=REF_TYPE)
    return (
        guardians.exclude(Exists(User.objects.filter(person=OuterRef("pk"), is_active=True)))
        .annotate(
            failed=Exists(to_address.filter(status=Delivery.Status.FAILED)),
            worked=Exists(to_address.exclude(status=Delivery.Status.FAILED)),
        )
        .filter(Q(email="") | Q(failed=True, worked=False))
    )


def unreachable_guardians(district: District, buildings: QuerySet[Building]) -> QuerySet[Person]:
    """The unreachable guardians of the students of ``buildings``, by name; each has
    ``reason`` (``no_address`` or ``bounced``) as an annotation-backed property below."""
    return _unreachable(_guardians_in(district, buildings)).order_by(
        "family_name", "given_name", "pk"
    )


def reason_of(person: Person) -> str:
    return NO_ADDRESS if not person.email else BOUNCED


def counts_by_building(district: District, buildings: QuerySet[Building]) -> list[BuildingCount]:
    out = []
    for building in buildings.order_by("name"):
        one = Building.objects.filter(pk=building.pk)
        guardians = _guardians_in(district, one)
        out.append(BuildingCount(building, guardians.count(), _unreachable(guardians).count()))
    return out
