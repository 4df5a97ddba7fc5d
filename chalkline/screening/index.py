"""RosterIndex: everything screening knows about a district's people, built from plain records.

Memory matters (a 1,000,000-student district must fit in well under 1 GB), so names are interned,
per-student links are tuples on one slotted object, and dictionary values are a single sourcedId
or a tuple of them. Every mutation keeps the index consistent, so add/update/remove of one
student never needs a rebuild; the name automaton is re-finalised lazily only when a
never-seen-before name word appears.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import ahocorasick

from .records import (
    ClassRecord,
    EnrollmentRecord,
    GuardianRecord,
    LogoRecord,
    StaffRecord,
    StudentRecord,
)
from .text import fold

Ids = str | tuple[str, ...] | set[str]
_SMALL = 16  # buckets grow as tuples up to this size, then become sets (O(1) add/remove)


def _add_id(table: dict[str, Ids], key: str, sid: str) -> None:
    cur = table.get(key)
    if cur is None:
        table[key] = sid
    elif isinstance(cur, str):
        if cur != sid:
            table[key] = (cur, sid)
    elif isinstance(cur, set):
        cur.add(sid)
    elif sid not in cur:
        table[key] = (*cur, sid) if len(cur) < _SMALL else {*cur, sid}


def _remove_id(table: dict[str, Ids], key: str, sid: str) -> None:
    cur = table.get(key)
    if cur is None:
        return
    if isinstance(cur, str):
        if cur == sid:
            del table[key]
        return
    if isinstance(cur, set):
        cur.discard(sid)
        if not cur:
            del table[key]
        return
    rest = tuple(x for x in cur if x != sid)
    if not rest:
        del table[key]
    else:
        table[key] = rest[0] if len(rest) == 1 else rest


def as_tuple(value: Ids | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, set) else value


def _low(value: str) -> str:
    low = value.lower()
    return value if low == value else low


class _Student:
    __slots__ = ("classes", "givens", "guardians", "rec")

    def __init__(self, rec: StudentRecord) -> None:
        self.rec = rec
        self.givens: tuple[str, ...] = ()
        self.guardians: tuple[str, ...] = ()
        self.classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Folded forms of one student's name, as the matcher sees them."""

    givens: tuple[str, ...]  # given and preferred, folded
    families: tuple[str, ...]  # whole family name plus each part of a multi-part one

    @classmethod
    def of(cls, rec: StudentRecord) -> NameKeys:
        givens = tuple(
            dict.fromkeys(g for g in (fold(rec.given_name), fold(rec.preferred_name)) if g)
        )
        whole = fold(rec.family_name)
        fams = [whole] if whole else []
        parts = whole.split()
        if len(parts) > 1:
            # "garcia lopez" -> garcia, lopez; "de la cruz" -> "cruz" too (particles skipped)
            fams += [p for p in parts if len(p) > 2 and p not in _PARTICLES]
        return cls(givens, tuple(dict.fromkeys(fams)))

    def tokens(self) -> Iterator[str]:
        yield from self.givens
        yield from self.families


_PARTICLES = frozenset(
    [
        "de",
        "del",
        "della",
        "der",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
    ]
)


class RosterIndex:
    """Students, guardians, staff and classes, indexed for screening. See docs/screening.md."""

    def __init__(
        self,
        *,
        district_domains: Iterable[str] = (),
        student_email_domains: Iterable[str] = (),
        district_phones: Iterable[str] = (),
    ) -> None:
        self.district_domains = frozenset(d.lower().lstrip("@") for d in district_domains)
        self.student_email_domains = frozenset(d.lower().lstrip("@") for d in student_email_domains)
        self.district_phones = frozenset(
            "".join(c for c in p if c.isdigit())[-10:] for p in district_phones
        )
        self._students: dict[str, _Student] = {}
        self._staff: dict[str, StaffRecord] = {}
        self._staff_classes: dict[str, tuple[str, ...]] = {}
        self._guardians: dict[str, tuple[str, ...]] = {}  # guardian -> students
        self._classes: dict[str, ClassRecord] = {}
        self._class_students: dict[str, set[str]] = {}
        self._ids: dict[str, Ids] = {}  # folded identifier/username/email/sourcedId -> student
        self._full: dict[str, Ids] = {}  # "given family" -> students
        self._given_initial: dict[str, Ids] = {}  # "given f" -> students
        self._initial_family: dict[str, Ids] = {}  # "g family" -> students
        self._token_refs: dict[str, int] = {}
        self._automaton: Any = ahocorasick.Automaton()
        self._automaton_dirty = True
        self._intern: dict[str, str] = {}
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.logos: list[LogoRecord] = []
        self.version = 0

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def from_records(
        cls,
        *,
        students: Iterable[StudentRecord] = (),
        guardians: Iterable[GuardianRecord] = (),
        staff: Iterable[StaffRecord] = (),
        classes: Iterable[ClassRecord] = (),
        enrollments: Iterable[EnrollmentRecord] = (),
        logos: Iterable[LogoRecord] = (),
        district_domains: Iterable[str] = (),
        student_email_domains: Iterable[str] = (),
        district_phones: Iterable[str] = (),
    ) -> RosterIndex:
        index = cls(
            district_domains=district_domains,
            student_email_domains=student_email_domains,
            district_phones=district_phones,
        )
        for s in students:
            index.upsert_student(s)
        for c in classes:
            index.upsert_class(c)
        for st in staff:
            index.upsert_staff(st)
        for e in enrollments:
            index.add_enrollment(e)
        for g in guardians:
            index.upsert_guardian(g)
        index.logos.extend(logos)
        return index

    def _i(self, value: str) -> str:
        return self._intern.setdefault(value, value) if value else ""

    # ---- students ----------------------------------------------------------------------------
    def upsert_student(self, rec: StudentRecord) -> None:
        """Add a student, or replace one with the same sourcedId (links are kept)."""
        old = self._students.get(rec.sourced_id)
        if old is not None:
            self._unindex_student(old.rec)
        given, family = self._i(rec.given_name), self._i(rec.family_name)
        pref, buildings = (
            self._i(rec.preferred_name),
            self._tuples.setdefault(rec.building_ids, rec.building_ids),
        )
        if not (
            given is rec.given_name
            and family is rec.family_name
            and pref is rec.preferred_name
            and buildings is rec.building_ids
        ):
            rec = replace(
                rec,
                given_name=given,
                family_name=family,
                preferred_name=pref,
                building_ids=buildings,
            )
        st = old if old is not None else _Student(rec)
        st.rec = rec
        self._students[rec.sourced_id] = st
        givens = NameKeys.of(rec).givens
        st.givens = self._tuples.setdefault(givens, givens)
        self._index_student(rec)
        self.version += 1

    add_student = upsert_student
    update_student = upsert_student

    def remove_student(self, sourced_id: str) -> None:
        st = self._students.pop(sourced_id, None)
        if st is None:
            return
        self._unindex_student(st.rec)
        for cid in st.classes:
            self._class_students.get(cid, set()).discard(sourced_id)
        for gid in st.guardians:
            rest = tuple(x for x in self._guardians.get(gid, ()) if x != sourced_id)
            self._guardians[gid] = rest
        self.version += 1

    def _id_keys(self, rec: StudentRecord) -> Iterator[str]:
        for value in (rec.sourced_id, rec.identifier, rec.username):
            if value and len(value) >= 3:
                yield _low(value)
        if rec.email and not self._derivable_email(rec.email, rec.username):
            yield _low(rec.email)

    def _derivable_email(self, email: str, username: str) -> bool:
        local, _, domain = email.lower().partition("@")
        return bool(username) and local == username.lower() and domain in self.student_email_domains

    def _name_keys(self, keys: NameKeys) -> Iterator[tuple[dict[str, Ids], str]]:
        for g in keys.givens:
            for f in keys.families:
                yield self._full, f"{g} {f}"
                yield self._given_initial, f"{g} {f[0]}"
                yield self._initial_family, f"{g[0]} {f}"

    def _index_student(self, rec: StudentRecord) -> None:
        sid = rec.sourced_id
        for key in self._id_keys(rec):
            _add_id(self._ids, key, sid)
        keys = NameKeys.of(rec)
        for table, key in self._name_keys(keys):
            _add_id(table, sys.intern(key) if table is not self._full else key, sid)
        for tok in keys.tokens():
            n = self._token_refs.get(tok, 0)
            if n == 0:
                self._automaton.add_word(f" {tok} ", tok)
                self._automaton_dirty = True
            self._token_refs[tok] = n + 1

    def _unindex_student(self, rec: StudentRecord) -> None:
        sid = rec.sourced_id
        for key in self._id_keys(rec):
            _remove_id(self._ids, key, sid)
        keys = NameKeys.of(rec)
        for table, key in self._name_keys(keys):
            _remove_id(table, key, sid)
        for tok in keys.tokens():
            n = self._token_refs.get(tok, 0) - 1
            if n <= 0:
                self._token_refs.pop(tok, None)
                self._automaton.remove_word(f" {tok} ")
                self._automaton_dirty = True
            else:
                self._token_refs[tok] = n

    # ---- other people and classes ------------------------------------------------------------
    def upsert_guardian(self, rec: GuardianRecord) -> None:
        old = self._guardians.get(rec.sourced_id, ())
        for sid in old:
            st = self._students.get(sid)
            if st is not None:
                st.guardians = tuple(g for g in st.guardians if g != rec.sourced_id)
        self.link_guardian(rec.sourced_id, rec.student_ids)

    def link_guardian(self, guardian_id: str, student_ids: Iterable[str]) -> None:
        cur = self._guardians.get(guardian_id, ())
        for sid in student_ids:
            if sid not in cur:
                cur = (*cur, sid)
            st = self._students.get(sid)
            if st is not None and guardian_id not in st.guardians:
                st.guardians = (*st.guardians, guardian_id)
        self._guardians[guardian_id] = cur
        self.version += 1

    def upsert_staff(self, rec: StaffRecord) -> None:
        self._staff[rec.sourced_id] = rec
        self.version += 1

    def remove_staff(self, sourced_id: str) -> None:
        self._staff.pop(sourced_id, None)
        self._staff_classes.pop(sourced_id, None)
        self.version += 1

    def upsert_class(self, rec: ClassRecord) -> None:
        self._classes[rec.sourced_id] = rec
        self._class_students.setdefault(rec.sourced_id, set())

    def add_enrollment(self, rec: EnrollmentRecord) -> None:
        role = rec.role.lower()
        cid = self._i(rec.class_id)
        if role == "student":
            st = self._students.get(rec.user_id)
            if st is None:
                return
            if cid not in st.classes:
                st.classes = (*st.classes, cid)
            self._class_students.setdefault(cid, set()).add(rec.user_id)
        else:
            cur = self._staff_classes.get(rec.user_id, ())
            if cid not in cur:
                self._staff_classes[rec.user_id] = (*cur, cid)
        self.version += 1

    def remove_enrollment(self, rec: EnrollmentRecord) -> None:
        if rec.role.lower() == "student":
            st = self._students.get(rec.user_id)
            if st is not None:
                st.classes = tuple(c for c in st.classes if c != rec.class_id)
            self._class_students.get(rec.class_id, set()).discard(rec.user_id)
        else:
            cur = self._staff_classes.get(rec.user_id, ())
            self._staff_classes[rec.user_id] = tuple(c for c in cur if c != rec.class_id)
        self.version += 1

    # ---- queries -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._students)

    @property
    def automaton(self) -> Any:
        if self._automaton_dirty:
            if len(self._automaton):
                self._automaton.make_automaton()
            self._automaton_dirty = False
        return self._automaton

    def student(self, sid: str) -> StudentRecord | None:
        st = self._students.get(sid)
        return st.rec if st else None

    def is_student(self, sid: str) -> bool:
        return sid in self._students

    def is_staff(self, sid: str) -> bool:
        return sid in self._staff

    def staff(self, sid: str) -> StaffRecord | None:
        return self._staff.get(sid)

    def guardians_of(self, sid: str) -> tuple[str, ...]:
        st = self._students.get(sid)
        return st.guardians if st else ()

    def children_of(self, guardian_id: str) -> tuple[str, ...]:
        return self._guardians.get(guardian_id, ())

    def is_guardian(self, gid: str) -> bool:
        return gid in self._guardians

    def classes_of(self, sid: str) -> tuple[str, ...]:
        st = self._students.get(sid)
        return st.classes if st else ()

    def classes_taught_by(self, staff_id: str) -> tuple[str, ...]:
        return self._staff_classes.get(staff_id, ())

    def class_students(self, class_id: str) -> set[str]:
        return self._class_students.get(class_id, set())

    def class_building(self, class_id: str) -> str:
        rec = self._classes.get(class_id)
        return rec.building_id if rec else ""

    def lookup_id(self, folded: str) -> tuple[str, ...]:
        """Students whose sourcedId, identifier, username or email is ``folded`` (lower case)."""
        found = self._ids.get(folded)
        if found is None and "@" in folded:
            local, _, domain = folded.partition("@")
            if domain in self.student_email_domains:
                found = self._ids.get(local)
        return as_tuple(found)

    def lookup_full(self, key: str) -> tuple[str, ...]:
        return as_tuple(self._full.get(key))

    def lookup_given_initial(self, key: str) -> tuple[str, ...]:
        return as_tuple(self._given_initial.get(key))

    def lookup_initial_family(self, key: str) -> tuple[str, ...]:
        return as_tuple(self._initial_family.get(key))

    def is_name_token(self, tok: str) -> bool:
        return tok in self._token_refs

    def givens_of(self, sid: str) -> tuple[str, ...]:
        st = self._students.get(sid)
        return st.givens if st else ()

    def name_keys(self, sid: str) -> NameKeys | None:
        st = self._students.get(sid)
        return NameKeys.of(st.rec) if st else None

    def staff_teaches(self, staff_id: str, sid: str) -> bool:
        mine = self._staff_classes.get(staff_id)
        if not mine:
            return False
        theirs = self.classes_of(sid)
        return any(c in theirs for c in mine)

    def staff_buildings(self, staff_id: str) -> set[str]:
        rec = self._staff.get(staff_id)
        out = set(rec.building_ids) if rec else set()
        out.update(self.class_building(c) for c in self._staff_classes.get(staff_id, ()))
        out.discard("")
        return out

    def student_buildings(self, sid: str) -> set[str]:
        st = self._students.get(sid)
        if st is None:
            return set()
        out = set(st.rec.building_ids)
        out.update(self.class_building(c) for c in st.classes)
        out.discard("")
        return out

    def is_district_email(self, email: str) -> bool:
        domain = email.rsplit("@", 1)[-1].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.district_domains)
