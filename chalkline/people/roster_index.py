"""A screening RosterIndex built from the directory, cached per district in process memory.

The screening engine never sees an ORM object: this module turns Person, GuardianLink and
Affiliation rows into the engine's plain records (``chalkline.screening.records``).

Caching: ``roster_index_for(district)`` keeps one built index per district per process. At most
every ``ROSTER_INDEX_CHECK_SECONDS`` (setting, default 30) it reads a cheap directory version
(counts and the latest ``updated_at`` of the district's people, links and affiliations, and the
district's email domains); when the version moved, the index is rebuilt. A change reaches the
screening API within that many seconds.

Class rosters are not in the directory yet. When they are, register a class source with
``register_class_source``: a function ``(district) -> (classes, enrollments)`` returning
``ClassRecord``/``EnrollmentRecord`` iterables. Until then, class audiences cannot tell who is in a
class, so a named student in a class message is always flagged (the safe side), and a teacher is
not recognised as teaching a student.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q

from chalkline.people.models import Affiliation, District, GuardianLink, Person
from chalkline.screening import (
    ClassRecord,
    EnrollmentRecord,
    GuardianRecord,
    RosterIndex,
    StaffRecord,
    StudentRecord,
    bulk_build,
)

ClassSource = Callable[[District], tuple[Iterable[ClassRecord], Iterable[EnrollmentRecord]]]
_class_sources: list[ClassSource] = []


def register_class_source(source: ClassSource) -> None:
    """Hook for the class-roster feature: add classes and enrollments to every built index."""
    if source not in _class_sources:
        _class_sources.append(source)


def person_key(sourced_id: str, pk: int) -> str:
    """The id a person has in the screening index: the OneRoster sourcedId, else a stable local
    id. Senders and recipients given to the engine must use the same key."""
    return sourced_id or f"person-{pk}"


def key_of(person: Person) -> str:
    return person_key(person.sourced_id, person.pk)


def _building_keys(district: District) -> dict[int, str]:
    return dict(district.buildings.values_list("pk", "code"))


def _affiliations(district: District) -> dict[int, tuple[str, ...]]:
    codes = _building_keys(district)
    out: dict[int, list[str]] = {}
    rows = Affiliation.objects.filter(person__district=district, active=True).values_list(
        "person_id", "building_id"
    )
    for person_id, building_id in rows.iterator(chunk_size=10_000):
        out.setdefault(person_id, []).append(codes[building_id])
    return {k: tuple(v) for k, v in out.items()}


@bulk_build()
def build_roster_index(district: District) -> RosterIndex:
    """Build the index from the district's active people. Inactive people are left out."""
    buildings = _affiliations(district)
    people = Person.objects.in_district(district).active()
    students: list[StudentRecord] = []
    staff: list[StaffRecord] = []
    student_fields = (
        "pk",
        "sourced_id",
        "given_name",
        "family_name",
        "preferred_name",
        "identifier",
        "username",
        "email",
        "directory_opt_out",
        "media_release",
    )
    for row in people.students().values_list(*student_fields).iterator(chunk_size=10_000):
        pk, sid, given, family, preferred, identifier, username, email, opt_out, release = row
        students.append(
            StudentRecord(
                sourced_id=person_key(sid, pk),
                given_name=given,
                family_name=family,
                preferred_name=preferred,
                identifier=identifier,
                username=username,
                email=email,
                building_ids=buildings.get(pk, ()),
                directory_opt_out=opt_out,
                media_release=release,
            )
        )
    staff_fields = ("pk", "sourced_id", "given_name", "family_name", "email", "username")
    for pk, sid, given, family, email, username in (
        people.staff().values_list(*staff_fields).iterator(chunk_size=10_000)
    ):
        staff.append(
            StaffRecord(
                sourced_id=person_key(sid, pk),
                given_name=given,
                family_name=family,
                email=email,
                username=username,
                building_ids=buildings.get(pk, ()),
            )
        )
    guardians = _guardians(district)
    classes: list[ClassRecord] = []
    enrollments: list[EnrollmentRecord] = []
    for source in _class_sources:
        more_classes, more_enrollments = source(district)
        classes.extend(more_classes)
        enrollments.extend(more_enrollments)
    return RosterIndex.from_records(
        students=students,
        guardians=guardians,
        staff=staff,
        classes=classes,
        enrollments=enrollments,
        district_domains=_domains(district),
    )


def _guardians(district: District) -> list[GuardianRecord]:
    links: dict[str, list[str]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    rows = GuardianLink.objects.filter(
        guardian__district=district,
        active=True,
        guardian__active=True,
        student__active=True,
    ).values_list(
        "guardian_id",
        "guardian__sourced_id",
        "guardian__given_name",
        "guardian__family_name",
        "guardian__email",
        "student_id",
        "student__sourced_id",
    )
    for gpk, gsid, given, family, email, spk, ssid in rows.iterator(chunk_size=10_000):
        gkey = person_key(gsid, gpk)
        links.setdefault(gkey, []).append(person_key(ssid, spk))
        names[gkey] = (given, family, email)
    return [
        GuardianRecord(
            sourced_id=gkey,
            student_ids=tuple(ids),
            given_name=names[gkey][0],
            family_name=names[gkey][1],
            email=names[gkey][2],
        )
        for gkey, ids in links.items()
    ]


def _domains(district: District) -> list[str]:
    return [d.strip().lower() for d in district.email_domains.split(",") if d.strip()]


def directory_version(district: District) -> tuple[Any, ...]:
    """A cheap fingerprint of what the index is built from: three aggregate queries."""
    people = Person.objects.in_district(district).aggregate(
        n=Count("pk"), active=Count("pk", filter=Q(active=True)), latest=Max("updated_at")
    )
    affiliations = Affiliation.objects.filter(person__district=district).aggregate(
        n=Count("pk"), active=Count("pk", filter=Q(active=True)), top=Max("pk")
    )
    links = GuardianLink.objects.filter(guardian__district=district).aggregate(
        n=Count("pk"), active=Count("pk", filter=Q(active=True)), top=Max("pk")
    )
    domains = District.objects.filter(pk=district.pk).values_list("email_domains", flat=True)
    return (
        tuple(people.values()),
        tuple(affiliations.values()),
        tuple(links.values()),
        tuple(domains),
        tuple(id(s) for s in _class_sources),
    )


@dataclass
class _Entry:
    index: RosterIndex
    version: tuple[Any, ...]
    checked_at: float


# Keyed by (pk, created_at): a recreated database (tests) never serves another district's index.
_CacheKey = tuple[int, Any]
_cache: dict[_CacheKey, _Entry] = {}
_locks: dict[_CacheKey, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: _CacheKey) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def roster_index_for(district: District, *, max_age: float | None = None) -> RosterIndex:
    """The district's index, rebuilt only when the directory changed (checked at most every
    ``max_age`` seconds, default ``settings.ROSTER_INDEX_CHECK_SECONDS``)."""
    if max_age is None:
        max_age = float(getattr(settings, "ROSTER_INDEX_CHECK_SECONDS", 30))
    key = (district.pk, district.created_at)
    entry = _cache.get(key)
    now = time.monotonic()
    if entry is not None and now - entry.checked_at < max_age:
        return entry.index
    with _lock_for(key):
        entry = _cache.get(key)
        now = time.monotonic()
        if entry is not None and now - entry.checked_at < max_age:
            return entry.index
        version = directory_version(district)
        if entry is not None and entry.version == version:
            entry.checked_at = now
            return entry.index
        index = build_roster_index(district)
        _cache[key] = _Entry(index=index, version=version, checked_at=time.monotonic())
        return index


def forget_roster_indexes() -> None:
    """Drop every cached index (tests, and after a bulk import in the same process)."""
    _cache.clear()
