"""A screening RosterIndex built from the directory, cached per district in process memory.

The screening engine never sees an ORM object: this module turns Person, GuardianLink and
Affiliation rows into the engine's plain records (``chalkline.screening.records``).

Caching: ``roster_index_for(district)`` keeps one built index per district per process. At most
every ``ROSTER_INDEX_CHECK_SECONDS`` (setting, default 30) it reads the directory version (one
primary-key read of the district's directory generation, which every write to its people,
affiliations and guardian links raises in its transaction, and its email domains); when the
version moved, the index is rebuilt. Only the process's first request for a district waits for a
build. Later checks and rebuilds run in a background thread while the current index goes on
serving (``ROSTER_INDEX_BACKGROUND_REBUILD``, default on): a million-student district takes tens
of seconds to build; the screening API must not stop for it. A change therefore reaches the
screening API within that many seconds plus the build.

Class rosters are not in the directory yet. When they are, register a class source with
``register_class_source``: a function ``(district) -> (classes, enrollments)`` returning
``ClassRecord``/``EnrollmentRecord`` iterables. Until then, class audiences cannot tell who is in a
class, so a named student in a class message is always flagged (the safe side), and a teacher is
not recognised as teaching a student.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

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

log = logging.getLogger(__name__)

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
    """Build the index from the district's active people. Inactive people are left out.

    The directory is read in one transaction. On PostgreSQL it sets ``cursor_tuple_fraction``
    to 1 for that transaction: the reads go through server-side cursors (``iterator()``), which
    PostgreSQL otherwise plans for the first tenth of the rows. Every row is read here, and
    right after an import, before statistics exist, the fast-start plan of the guardian-link
    join took 1.0-1.1 s for 2,001 links against 19 ms."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL cursor_tuple_fraction = 1")
        records = _read(district)
    return RosterIndex.from_records(**records)  # outside the transaction: no snapshot held


def _read(district: District) -> dict[str, Any]:
    """The directory's records for RosterIndex.from_records."""
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
    return {
        "students": students,
        "guardians": guardians,
        "staff": staff,
        "classes": classes,
        "enrollments": enrollments,
        "district_domains": _domains(district),
    }


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
    """What the index is built from, in one primary-key read: the district's directory
    generation (raised in the same transaction by every write to its people, affiliations and
    guardian links: ``people.services.directory_changes``), its email domains, and the class
    sources registered in this process."""
    row = (
        District.objects.filter(pk=district.pk)
        .values_list("directory_generation", "email_domains")
        .first()
    )
    return (row, tuple(id(s) for s in _class_sources))


@dataclass
class _Entry:
    index: RosterIndex
    version: tuple[Any, ...]
    checked_at: float
    refreshing: bool = False  # a background thread is checking the directory for this entry


# Keyed by (pk, created_at): a recreated database (tests) never serves another district's index.
_CacheKey = tuple[int, Any]
_cache: dict[_CacheKey, _Entry] = {}
_locks: dict[_CacheKey, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: _CacheKey) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _fresh(entry: _Entry, now: float, max_age: float) -> bool:
    return entry.refreshing or now - entry.checked_at < max_age


def roster_index_for(
    district: District, *, max_age: float | None = None, background: bool | None = None
) -> RosterIndex:
    """The district's index, rebuilt only when the directory changed (checked at most every
    ``max_age`` seconds, default ``settings.ROSTER_INDEX_CHECK_SECONDS``).

    With ``background`` (default ``settings.ROSTER_INDEX_BACKGROUND_REBUILD``), the check and
    any rebuild of an index this process already has run in a thread, and this call returns the
    current index at once; a new one is served once it is built. The first build for a district
    always waits."""
    if max_age is None:
        max_age = float(getattr(settings, "ROSTER_INDEX_CHECK_SECONDS", 30))
    if background is None:
        background = bool(getattr(settings, "ROSTER_INDEX_BACKGROUND_REBUILD", True))
    key = (district.pk, district.created_at)
    entry = _cache.get(key)
    if entry is not None and _fresh(entry, time.monotonic(), max_age):
        return entry.index
    with _lock_for(key):
        entry = _cache.get(key)
        now = time.monotonic()
        if entry is not None and _fresh(entry, now, max_age):
            return entry.index
        if entry is not None and background:
            entry.refreshing = True
            threading.Thread(
                target=_refresh,
                args=(key, district, entry),
                name=f"roster-index-{district.pk}",
                daemon=True,
            ).start()
            return entry.index
        version = directory_version(district)
        if entry is not None and entry.version == version:
            entry.checked_at = now
            return entry.index
        index = build_roster_index(district)
        _cache[key] = _Entry(index=index, version=version, checked_at=time.monotonic())
        return index


def _refresh(key: _CacheKey, district: District, current: _Entry) -> None:
    """In a background thread: read the directory's version and, when it moved, build the new
    index and put it in the cache (unless the cache was cleared meanwhile). On failure the
    current index stays and the next check, ``ROSTER_INDEX_CHECK_SECONDS`` later, tries again.
    The build pauses the process's cyclic garbage collector while it runs (``bulk_build``), as
    it did when it ran in the request; reference counting still frees the requests' objects."""
    fresh: _Entry | None = None
    try:
        version = directory_version(district)
        if version != current.version:
            index = build_roster_index(district)
            fresh = _Entry(index=index, version=version, checked_at=time.monotonic())
    except Exception:
        # no directory data in the log: the district's id and the traceback only
        log.exception(
            "roster index rebuild failed for district %s; the previous index stays", district.pk
        )
    finally:
        connections.close_all()  # this thread's own database connections
    with _lock_for(key):
        if fresh is not None and _cache.get(key) is current:
            _cache[key] = fresh
        current.checked_at = time.monotonic()
        current.refreshing = False


def forget_roster_indexes() -> None:
    """Drop every cached index (tests, and after a bulk import in the same process)."""
    _cache.clear()
