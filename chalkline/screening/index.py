"""RosterIndex: everything screening knows about a district's people, built from plain records.

Memory matters (a 1,000,000-student district must fit in 1 GB), so names are interned, folded
name forms are computed once per distinct name, per-student links are a single id or a shared
tuple on one slotted object, and look-up values are a single sourcedId, a tuple, or (for big
buckets) a list of them. Every mutation keeps the index consistent, so add/update/remove of one
student never needs a rebuild; the name automaton is re-finalised lazily only when a
never-seen-before name word appears.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
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
from .tables import MentionTables
from .text import fold

Ids = str | tuple[str, ...] | list[str]


_builds_lock = threading.Lock()
_builds = 0
_gc_was_enabled = True


@contextmanager
def bulk_build() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while an index is filled (also a decorator).

    A district's index is millions of small acyclic objects (strings, tuples, dicts): the cyclic
    collector can free none of them, yet it walks them again every few thousand allocations while
    they are made, about a sixth of the build (measured in docs/benchmarks.md). Reference
    counting still frees everything as usual; the collector's state from before the first of
    overlapping builds is restored when the last one ends."""
    global _builds, _gc_was_enabled
    with _builds_lock:  # builds may overlap (threads): the last one to finish restores it
        if _builds == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _builds += 1
    try:
        yield
    finally:
        with _builds_lock:
            _builds -= 1
            if _builds == 0 and _gc_was_enabled:
                gc.enable()


_SMALL = 8  # buckets grow as tuples up to this size, then become lists (O(1) append; 8 bytes
# a student where a set would take 16-32: about 100 MB at a million students)


def _add_id(table: dict[str, Ids], key: str, sid: str) -> None:
    cur = table.setdefault(key, sid)  # one dict operation for a new key, the common case
    if cur is sid:
        return
    if cur.__class__ is str:
        if cur != sid:
            table[key] = (cur, sid)
    elif cur.__class__ is list:
        cur.append(sid)  # callers never add a sid twice to a list
    elif sid not in cur:
        table[key] = (*cur, sid) if len(cur) < _SMALL else [*cur, sid]


def _remove_id(table: dict[str, Ids], key: str, sid: str) -> None:
    cur = table.get(key)
    if cur is None:
        return
    if isinstance(cur, str):
        if cur == sid:
            del table[key]
        return
    if isinstance(cur, list):
        if sid in cur:
            cur.remove(sid)
        if not cur:
            del table[key]
        return
    rest = tuple(x for x in cur if x != sid)
    if not rest:
        del table[key]
    else:
        table[key] = rest[0] if len(rest) == 1 else rest


# StudentRecord is frozen, so its generated __init__ sets each field through object.__setattr__:
# about 5 µs a record here, paid for nearly every student of a build (a loader's fresh
# building_ids tuple is replaced by the index's shared one). Setting the slots through their
# member descriptors is the same operation in 2 µs, 3 s of a million-student build. The field
# list is checked here, so a field added to StudentRecord fails at import, not silently.
_STUDENT_FIELDS = (
    "sourced_id",
    "given_name",
    "family_name",
    "preferred_name",
    "middle_name",
    "identifier",
    "username",
    "email",
    "birth_date",
    "building_ids",
    "directory_opt_out",
    "media_release",
)
if tuple(f.name for f in fields(StudentRecord)) != _STUDENT_FIELDS:  # pragma: no cover
    raise ImportError("StudentRecord's fields changed: update _student_with() in index.py")
(
    _set_sid,
    _set_given,
    _set_family,
    _set_pref,
    _set_middle,
    _set_identifier,
    _set_username,
    _set_email,
    _set_birth,
    _set_buildings,
    _set_opt_out,
    _set_media,
) = (StudentRecord.__dict__[name].__set__ for name in _STUDENT_FIELDS)
_new = object.__new__


def _student_with(
    rec: StudentRecord, given: str, family: str, preferred: str, buildings: tuple[str, ...]
) -> StudentRecord:
    """``dataclasses.replace(rec, given_name=given, family_name=family, preferred_name=preferred,
    building_ids=buildings)``, without the frozen __init__'s cost (see above); ``rec`` itself is
    not changed. A test checks that both give equal records."""
    out: StudentRecord = _new(StudentRecord)
    _set_sid(out, rec.sourced_id)
    _set_given(out, given)
    _set_family(out, family)
    _set_pref(out, preferred)
    _set_middle(out, rec.middle_name)
    _set_identifier(out, rec.identifier)
    _set_username(out, rec.username)
    _set_email(out, rec.email)
    _set_birth(out, rec.birth_date)
    _set_buildings(out, buildings)
    _set_opt_out(out, rec.directory_opt_out)
    _set_media(out, rec.media_release)
    return out


def as_tuple(value: Ids | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value) if isinstance(value, list) else value


def _low(value: str) -> str:
    low = value.lower()
    return value if low == value else low


class _Student:
    __slots__ = ("classes", "families", "givens", "guardians", "rec")

    def __init__(self, rec: StudentRecord) -> None:
        self.rec = rec
        # the index's NameKeys of rec, kept here (shared tuples of interned tokens): the name
        # finder reads a candidate's names without looking its record up again
        self.givens: tuple[str, ...] = ()
        self.families: tuple[str, ...] = ()
        self.guardians: Ids = ()
        self.classes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Folded forms of one student's name, as the matcher sees them."""

    givens: tuple[str, ...]  # given and preferred, folded
    families: tuple[str, ...]  # whole family name plus each part of a multi-part one

    @classmethod
    def of(cls, rec: StudentRecord) -> NameKeys:
        return cls(_givens(rec.given_name, rec.preferred_name), _families(rec.family_name))

    def tokens(self) -> tuple[str, ...]:
        return self.givens + self.families


def _givens(given: str, preferred: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(g for g in (fold(given), fold(preferred)) if g))


def _families(family: str) -> tuple[str, ...]:
    whole = fold(family)
    fams = [whole] if whole else []
    parts = whole.split()
    if len(parts) > 1:
        # "garcia lopez" -> garcia, lopez; "de la cruz" -> "cruz" too (particles skipped)
        fams += [p for p in parts if len(p) > 2 and p not in _PARTICLES]
    return tuple(dict.fromkeys(fams))


_PARTICLES = frozenset(
    "de del della der di da dos das du la le van von bin ibn al el st".split()  # noqa: SIM905
)


def staff_name_key(rec: StaffRecord) -> str:
    """A staff member's folded "given family", as a full-name key; "" without both names."""
    if not (rec.given_name and rec.family_name):
        return ""
    return f"{fold(rec.given_name)} {fold(rec.family_name)}"


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
        self._opted_out: set[str] = set()  # students whose family opted out of directory info
        self._staff: dict[str, StaffRecord] = {}
        self._staff_names: dict[str, Ids] = {}  # folded "given family" -> staff with that name
        self._staff_classes: dict[str, tuple[str, ...]] = {}
        self._guardians: dict[str, Ids] = {}  # guardian -> students
        self._classes: dict[str, ClassRecord] = {}
        self._class_students: dict[str, tuple[str, ...]] = {}
        # class -> (given-name tokens, students): one entry per (student, given or preferred
        # name); grown by add_enrollment, dropped when a removal or rename touches the class and
        # then made again by prepare() or on first use (see class_names())
        self._class_names: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        # folded identifier/username/email -> student; a lower-case sourcedId is found in _students
        self._ids: dict[str, Ids] = {}
        self._full: dict[str, Ids] = {}  # "given family" -> students
        self._given_initial: dict[str, Ids] = {}  # "given f" -> students
        self._initial_family: dict[str, Ids] = {}  # "g family" -> students
        # folded given/preferred name -> how many students have it (is_given_token's answer;
        # counted like _token_refs, as no query needs the students themselves)
        self._given: dict[str, int] = {}
        self._token_refs: dict[str, int] = {}
        self._automaton: Any = ahocorasick.Automaton()
        self._automaton_dirty = True
        self._intern: dict[str, str] = {}
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        # memoised folding: one entry per distinct raw name, not per student
        self._given_keys: dict[tuple[str, str], tuple[str, ...]] = {}
        self._family_keys: dict[str, tuple[str, ...]] = {}
        self.logos: list[LogoRecord] = []
        self.version = 0
        # staff id -> staff_buildings(), and staff name key -> the union of its staff's; made on
        # first use and dropped whole (a new dict, so a reader holding the old one cannot write
        # a stale entry into the new) by every change to staff, classes or staff enrollments
        self._staff_bld: dict[str, frozenset[str]] = {}
        self._staff_name_bld: dict[str, frozenset[str]] = {}
        # The name finders' view of the tables above. Made once: those dicts are never replaced,
        # only changed in place (a test checks the view follows every kind of change).
        self._mention_tables = MentionTables(
            students=self._students,
            full=self._full,
            given=self._given,
            intern=self._intern,
            class_names=self._class_names,
            staff=self._staff,
            staff_names=self._staff_names,
            staff_classes=self._staff_classes,
            guardians=self._guardians,
        )

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
        with bulk_build():
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
        return index.prepare()

    def _i(self, value: str) -> str:
        return self._intern.setdefault(value, value) if value else ""

    def _t(self, value: tuple[str, ...]) -> tuple[str, ...]:
        return self._tuples.setdefault(value, value)

    def _keys(self, rec: StudentRecord) -> NameKeys:
        # Every folded name token is the index's one interned instance, wherever it is kept
        # (students' givens, class name tables, the automaton's values, the count tables): the
        # compiled name finder compares class tables' tokens by identity (_mentions.pyx), which
        # reads no string. A test checks the invariant.
        gk = (rec.given_name, rec.preferred_name)
        givens = self._given_keys.get(gk)
        if givens is None:
            givens = self._given_keys[gk] = self._t(tuple(map(self._i, _givens(*gk))))
        fams = self._family_keys.get(rec.family_name)
        if fams is None:
            fams = self._family_keys[rec.family_name] = self._t(
                tuple(map(self._i, _families(rec.family_name)))
            )
        return NameKeys(givens, fams)

    def interned_token(self, tok: str) -> str | None:
        """The index's instance of folded name token ``tok``, or None when no student has ever
        had that token (see _keys)."""
        return self._intern.get(tok)

    # ---- students ----------------------------------------------------------------------------
    def upsert_student(self, rec: StudentRecord) -> None:
        """Add a student, or replace one with the same sourcedId (links are kept)."""
        old = self._students.get(rec.sourced_id)
        if old is not None:
            self._unindex_student(old.rec)
        intern = self._intern
        given = intern.get(rec.given_name) or self._i(rec.given_name)
        family = intern.get(rec.family_name) or self._i(rec.family_name)
        pref = intern.get(rec.preferred_name) or self._i(rec.preferred_name)
        buildings = self._t(rec.building_ids)
        if not (
            given is rec.given_name
            and family is rec.family_name
            and pref is rec.preferred_name
            and buildings is rec.building_ids
        ):
            # the record again with the index's shared strings and building tuple
            rec = _student_with(rec, given, family, pref, buildings)
        st = old if old is not None else _Student(rec)
        st.rec = rec
        self._students[rec.sourced_id] = st
        if rec.directory_opt_out:
            self._opted_out.add(rec.sourced_id)
        else:
            self._opted_out.discard(rec.sourced_id)
        keys = self._index_student(rec)
        st.givens, st.families = keys.givens, keys.families
        if old is not None and self._class_names:
            for cid in st.classes:  # the student's names may have changed
                self._class_names.pop(cid, None)
        self.version += 1

    add_student = upsert_student
    update_student = upsert_student

    def remove_student(self, sourced_id: str) -> None:
        st = self._students.pop(sourced_id, None)
        if st is None:
            return
        self._opted_out.discard(sourced_id)
        self._unindex_student(st.rec)
        for cid in st.classes:
            self._drop_from_class(cid, sourced_id)
        for gid in as_tuple(st.guardians):
            _remove_id(self._guardians, gid, sourced_id)
            self._guardians.setdefault(gid, ())
        self.version += 1

    def _id_keys(self, rec: StudentRecord) -> list[str]:
        sid = rec.sourced_id
        keys = []
        if len(sid) >= 3:
            low = sid.lower()
            if low != sid:
                keys.append(low)
        value = rec.identifier
        if value and len(value) >= 3 and value != sid:
            keys.append(_low(value))
        value = rec.username
        if value and len(value) >= 3 and value != sid:
            keys.append(_low(value))
        if rec.email and not self._derivable_email(rec.email, rec.username):
            keys.append(_low(rec.email))
        return keys

    def _derivable_email(self, email: str, username: str) -> bool:
        local, _, domain = email.lower().partition("@")
        return bool(username) and local == username.lower() and domain in self.student_email_domains

    def _name_keys(self, keys: NameKeys) -> list[tuple[dict[str, Ids], str]]:
        givens, families = keys.givens, keys.families
        if len(givens) == 1 and len(families) == 1:  # most students: three keys, no duplicates
            g, f = givens[0], families[0]
            return [
                (self._full, f"{g} {f}"),
                (self._given_initial, sys.intern(f"{g} {f[0]}")),
                (self._initial_family, sys.intern(f"{g[0]} {f}")),
            ]
        full: dict[str, None] = {}
        gi: dict[str, None] = {}
        fi: dict[str, None] = {}
        for g in keys.givens:
            for f in keys.families:
                full[f"{g} {f}"] = None
                gi[f"{g} {f[0]}"] = None
                fi[f"{g[0]} {f}"] = None
        return [
            *((self._full, k) for k in full),
            *((self._given_initial, sys.intern(k)) for k in gi),
            *((self._initial_family, sys.intern(k)) for k in fi),
        ]

    def _index_student(self, rec: StudentRecord) -> NameKeys:
        sid = rec.sourced_id
        add = _add_id
        for key in self._id_keys(rec):
            add(self._ids, key, sid)
        keys = self._keys(rec)
        for table, key in self._name_keys(keys):
            add(table, key, sid)
        givens = keys.givens
        given_counts = self._given
        for g in givens:
            given_counts[g] = given_counts.get(g, 0) + 1
        refs = self._token_refs
        for tok in keys.tokens():
            n = refs.get(tok, 0)
            if n == 0:
                self._automaton.add_word(f" {tok} ", tok)
                self._automaton_dirty = True
            refs[tok] = n + 1
        return keys

    def _unindex_student(self, rec: StudentRecord) -> None:
        sid = rec.sourced_id
        for key in self._id_keys(rec):
            _remove_id(self._ids, key, sid)
        keys = self._keys(rec)
        for table, key in self._name_keys(keys):
            _remove_id(table, key, sid)
        for g in keys.givens:
            n = self._given.get(g, 0) - 1
            if n <= 0:
                self._given.pop(g, None)
            else:
                self._given[g] = n
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
        for sid in as_tuple(self._guardians.get(rec.sourced_id)):
            st = self._students.get(sid)
            if st is not None:
                rest = tuple(g for g in as_tuple(st.guardians) if g != rec.sourced_id)
                st.guardians = rest[0] if len(rest) == 1 else rest
        self.link_guardian(rec.sourced_id, rec.student_ids)

    def link_guardian(self, guardian_id: str, student_ids: Iterable[str]) -> None:
        table = self._guardians
        for sid in student_ids:
            cur = table.get(guardian_id)
            if cur is None or cur.__class__ is not list or sid not in cur:
                _add_id(table, guardian_id, sid)
            st = self._students.get(sid)
            if st is not None:
                cur = st.guardians
                if not cur:
                    st.guardians = guardian_id
                elif guardian_id not in as_tuple(cur):
                    st.guardians = (*as_tuple(cur), guardian_id)
        if not table.get(guardian_id):
            table[guardian_id] = ()
        self.version += 1

    def upsert_staff(self, rec: StaffRecord) -> None:
        old = self._staff.get(rec.sourced_id)
        if old is not None:
            self._forget_staff_name(old)
        self._staff[rec.sourced_id] = rec
        key = staff_name_key(rec)
        if key:
            _add_id(self._staff_names, key, rec.sourced_id)
        self._staff_changed()
        self.version += 1

    def remove_staff(self, sourced_id: str) -> None:
        old = self._staff.pop(sourced_id, None)
        if old is not None:
            self._forget_staff_name(old)
        self._staff_classes.pop(sourced_id, None)
        self._staff_changed()
        self.version += 1

    def _staff_changed(self) -> None:
        self._staff_bld = {}
        self._staff_name_bld = {}

    def _forget_staff_name(self, rec: StaffRecord) -> None:
        key = staff_name_key(rec)
        if key:
            _remove_id(self._staff_names, key, rec.sourced_id)

    def staff_named(self, key: str) -> tuple[str, ...]:
        """The staff members whose folded "given family" is ``key``."""
        return as_tuple(self._staff_names.get(key))

    def upsert_class(self, rec: ClassRecord) -> None:
        self._classes[rec.sourced_id] = rec
        self._class_students.setdefault(rec.sourced_id, ())
        self._staff_changed()  # the class's building is part of its teachers' buildings
        self.version += 1

    def add_enrollment(self, rec: EnrollmentRecord) -> None:
        role = rec.role.lower()
        cid = self._i(rec.class_id)
        if role == "student":
            st = self._students.get(rec.user_id)
            if st is None:
                return
            if cid not in st.classes:
                st.classes = self._t((*st.classes, cid))
            cur = self._class_students.get(cid, ())
            if rec.user_id not in cur:
                sid = st.rec.sourced_id
                students = self._class_students[cid] = (*cur, sid)
                # the class's name table grows with it (it exists, and is exact, from the
                # class's first student on, unless a removal dropped it: see class_names())
                names = self._class_names.get(cid)
                if names is not None or not cur:
                    toks, owners = names or ((), ())
                    givens = st.givens
                    if owners is cur and len(givens) == 1:
                        owners = students  # one name each so far: share the class's tuple
                    else:
                        owners = (*owners, *(sid,) * len(givens))
                    self._class_names[cid] = ((*toks, *givens), owners)
        else:
            cur = self._staff_classes.get(rec.user_id, ())
            if cid not in cur:
                self._staff_classes[rec.user_id] = (*cur, cid)
                self._staff_changed()
        self.version += 1

    def remove_enrollment(self, rec: EnrollmentRecord) -> None:
        if rec.role.lower() == "student":
            st = self._students.get(rec.user_id)
            if st is not None:
                st.classes = self._t(tuple(c for c in st.classes if c != rec.class_id))
            self._drop_from_class(rec.class_id, rec.user_id)
        else:
            cur = self._staff_classes.get(rec.user_id, ())
            self._staff_classes[rec.user_id] = tuple(c for c in cur if c != rec.class_id)
            self._staff_changed()
        self.version += 1

    def _drop_from_class(self, cid: str, sid: str) -> None:
        cur = self._class_students.get(cid)
        if cur is not None and sid in cur:
            self._class_students[cid] = tuple(x for x in cur if x != sid)
            self._class_names.pop(cid, None)

    def prepare(self) -> RosterIndex:
        """Finish a bulk build: the name automaton is made, and any class given-name table that
        add_enrollment() could not keep (see class_names()). Queries would do both lazily; doing
        it here keeps that cost out of the first messages screened. Returns the index."""
        _ = self.automaton
        students = self._students
        names = self._class_names
        for cid, sids in self._class_students.items():
            if cid not in names:
                names[cid] = self._make_class_names(sids, students)
        return self

    @staticmethod
    def _make_class_names(
        sids: tuple[str, ...], students: dict[str, _Student]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        toks: list[str] = []
        owners: list[str] = []
        for sid in sids:
            st = students.get(sid)
            if st is not None:
                for g in st.givens:
                    toks.append(g)
                    owners.append(sid)
        return tuple(toks), tuple(owners)

    def class_names(self, class_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The class's students' folded given and preferred names, and beside each the student
        it belongs to. "Which students of this class are called Liam?" is then a scan of one
        short tuple of shared name strings (``"liam" in toks``), where a set probe per student
        would read id strings scattered over a district-sized heap."""
        found = self._class_names.get(class_id)
        if found is None:
            found = self._make_class_names(self._class_students.get(class_id, ()), self._students)
            if class_id in self._class_students:
                self._class_names[class_id] = found
        return found

    # ---- queries -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._students)

    def mention_tables(self) -> MentionTables:
        """The tables the name finders read, as a typed read-only view (see tables.py)."""
        return self._mention_tables

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

    def any_opted_out(self, sids: Iterable[str]) -> bool:
        """Whether any of ``sids`` is a student whose family opted out of directory information
        (one C-level pass: an ambiguous name can have hundreds of candidates at district scale)."""
        return bool(self._opted_out) and not self._opted_out.isdisjoint(sids)

    def is_student(self, sid: str) -> bool:
        return sid in self._students

    def is_staff(self, sid: str) -> bool:
        return sid in self._staff

    def staff(self, sid: str) -> StaffRecord | None:
        return self._staff.get(sid)

    def guardians_of(self, sid: str) -> tuple[str, ...]:
        st = self._students.get(sid)
        return as_tuple(st.guardians) if st else ()

    def children_of(self, guardian_id: str) -> tuple[str, ...]:
        return as_tuple(self._guardians.get(guardian_id))

    def is_guardian(self, gid: str) -> bool:
        return gid in self._guardians

    def classes_of(self, sid: str) -> tuple[str, ...]:
        st = self._students.get(sid)
        return st.classes if st else ()

    def classes_taught_by(self, staff_id: str) -> tuple[str, ...]:
        return self._staff_classes.get(staff_id, ())

    def class_students(self, class_id: str) -> tuple[str, ...]:
        return self._class_students.get(class_id, ())

    def class_building(self, class_id: str) -> str:
        rec = self._classes.get(class_id)
        return rec.building_id if rec else ""

    def lookup_id(self, folded: str) -> tuple[str, ...]:
        """Students whose sourcedId, identifier, username or email is ``folded`` (lower case)."""
        found = as_tuple(self._ids.get(folded))
        if not found and "@" in folded:
            local, _, domain = folded.partition("@")
            if domain in self.student_email_domains:
                found = as_tuple(self._ids.get(local))
                if len(local) >= 3 and local in self._students and local not in found:
                    found = (local, *found)
        if len(folded) >= 3 and folded in self._students and folded not in found:
            found = (folded, *found)
        return found

    def lookup_full(self, key: str) -> tuple[str, ...]:
        return as_tuple(self._full.get(key))

    def lookup_given_initial(self, key: str) -> tuple[str, ...]:
        return as_tuple(self._given_initial.get(key))

    def lookup_initial_family(self, key: str) -> tuple[str, ...]:
        return as_tuple(self._initial_family.get(key))

    def name_bucket(self, kind: str, key: str) -> Ids | None:
        """The raw look-up value for a "full", "given_initial" or "initial_family" name key: a
        sourcedId, a tuple or (for more than a few students) a list of them, or None (do not
        mutate)."""
        if kind == "full":
            return self._full.get(key)
        if kind == "given_initial":
            return self._given_initial.get(key)
        return self._initial_family.get(key)

    def has_name_key(self, sid: str, kind: str, key: str) -> bool:
        """Whether ``key`` is among the ``kind`` keys _name_keys() generates for student ``sid``."""
        st = self._students.get(sid)
        if st is None:
            return False
        givens = st.givens
        if kind == "given_initial":  # f"{g} {f[0]}"
            if key[-2:-1] != " " or key[:-2] not in givens:
                return False
            return any(f[0] == key[-1] for f in st.families)
        if kind == "initial_family":  # f"{g[0]} {f}"
            if key[1:2] != " " or not any(g[0] == key[0] for g in givens):
                return False
            return key[2:] in st.families
        # f"{g} {f}"; a multi-word given name makes the split point ambiguous, so try each given
        return any(
            key.startswith(g)
            and key[len(g) : len(g) + 1] == " "
            and key[len(g) + 1 :] in st.families
            for g in givens
        )

    def is_given_token(self, tok: str) -> bool:
        """Whether some student has ``tok`` (folded) as given or preferred name."""
        return tok in self._given

    def families_of(self, sid: str) -> tuple[str, ...]:
        """The student's folded family name and, when it has several parts, each part."""
        st = self._students.get(sid)
        if st is None:
            return ()
        return st.families

    def givens_of(self, sid: str) -> tuple[str, ...]:
        st = self._students.get(sid)
        return st.givens if st else ()

    def staff_teaches(self, staff_id: str, sid: str) -> bool:
        mine = self._staff_classes.get(staff_id)
        if not mine:
            return False
        theirs = self.classes_of(sid)
        return any(c in theirs for c in mine)

    def staff_buildings(self, staff_id: str) -> frozenset[str]:
        """The buildings of the staff member's record and of the classes they teach."""
        cache = self._staff_bld
        found = cache.get(staff_id)
        if found is None:
            rec = self._staff.get(staff_id)
            out = set(rec.building_ids) if rec else set()
            out.update(self.class_building(c) for c in self._staff_classes.get(staff_id, ()))
            out.discard("")
            found = cache[staff_id] = frozenset(out)
        return found

    def staff_name_buildings(self, key: str) -> frozenset[str]:
        """The union of staff_buildings() over the staff members named ``key`` (staff_named):
        "does a colleague of that name work in one of these buildings" is then one set test,
        however many staff share a common name."""
        cache = self._staff_name_bld
        found = cache.get(key)
        if found is None:
            found = cache[key] = frozenset().union(
                *(self.staff_buildings(s) for s in self.staff_named(key))
            )
        return found

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
