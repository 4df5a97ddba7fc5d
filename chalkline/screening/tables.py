"""The roster index's tables that the name finder reads, as one typed, read-only view.

``RosterIndex.mention_tables()`` returns a ``MentionTables``. Both name finders read it: the
Python reference (``detectors/student_names.py``) and its compiled twin (``_mentions.pyx``), which
reads these dicts directly, without a method call per look-up, for speed. The view holds the
index's own dicts, not copies: it always shows the index's current state, and callers must not
change them (``Mapping`` says so to the type checker; the index is the only writer).

Shapes (each id is a OneRoster sourcedId; each name token is folded and interned, the index's one
instance of that string, so the compiled finder may compare tokens by identity):

- ``students``: student id -> its names, ``givens`` (given and preferred) and ``families`` (whole
  family name, then each part of a multi-part one), tuples of name tokens.
- ``full``: ``"given family"`` -> the students with that full name (``Ids``: one id, a tuple of
  ids, or for many students a list; see ``index.as_tuple``).
- ``given``: given or preferred name token -> how many students have it.
- ``intern``: name token -> the index's interned instance of it.
- ``class_names``: class id -> (name tokens, the student each belongs to), two tuples of the
  same length; a class missing here is made by ``RosterIndex.class_names(class_id)``.
- ``staff``: staff id -> its ``StaffRecord``.
- ``staff_names``: ``"given family"`` of staff -> the staff with that name (``Ids``).
- ``staff_classes``: staff id -> the classes they teach.
- ``guardians``: guardian id -> their students (``Ids``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .index import Ids
    from .records import StaffRecord


class StudentNames(Protocol):
    """What the name finder reads of one student in ``MentionTables.students``."""

    @property
    def givens(self) -> tuple[str, ...]: ...

    @property
    def families(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class MentionTables:
    """A read-only view of the roster index's tables for the name finders (see the module)."""

    students: Mapping[str, StudentNames]
    full: Mapping[str, Ids]
    given: Mapping[str, int]
    intern: Mapping[str, str]
    class_names: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]
    staff: Mapping[str, StaffRecord]
    staff_names: Mapping[str, Ids]
    staff_classes: Mapping[str, tuple[str, ...]]
    guardians: Mapping[str, Ids]
