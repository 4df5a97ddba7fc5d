"""Small immutable records yielded by the readers. Each carries its source file and line.

Only what Chalkline needs is kept: no passwords, no phone numbers, no userIds, no
demographics. ``extensions`` holds non-empty ``metadata.*``/``ext_*`` cells (minus any that
look like credentials).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, make_dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

from .roles import PersonKind, SuggestedRole
from .values import Status


class FileMode(StrEnum):
    BULK = "bulk"
    DELTA = "delta"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class OrgRecord:
    source: Source
    sourced_id: str
    status: Status
    date_last_modified: datetime | None
    name: str
    type: str
    identifier: str
    parent_sourced_id: str | None
    extensions: dict[str, str]


@dataclass(frozen=True, slots=True)
class AcademicSessionRecord:
    source: Source
    sourced_id: str
    status: Status
    date_last_modified: datetime | None
    title: str
    type: str
    start_date: date | None
    end_date: date | None
    parent_sourced_id: str | None
    school_year: str


@dataclass(frozen=True, slots=True)
class CourseRecord:
    source: Source
    sourced_id: str
    status: Status
    date_last_modified: datetime | None
    title: str
    course_code: str
    org_sourced_id: str
    school_year_sourced_id: str | None


@dataclass(frozen=True, slots=True)
class ClassRecord:
    source: Source
    sourced_id: str
    status: Status
    date_last_modified: datetime | None
    title: str
    class_code: str
    class_type: str
    course_sourced_id: str
    school_sourced_id: str
    term_sourced_ids: tuple[str, ...]
    grades: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A person. In 1.1 ``role``/``kind`` come from users.csv; in 1.2 they are None and the
    person's roles come from ``Package.roles()``."""

    source: Source
    sourced_id: str
    status: Status
    date_last_modified: datetime | None
    enabled: bool | None
    username: str
    identifier: str
    given_name: str
    family_name: str
    middle_name: str
    preferred_given_name: str
    preferred_family_name: str
    email: str
    grades: tuple[str, ...]
    org_sourced_ids: tuple[str, ...]
    primary_org_sourced_id: str | None
    agent_sourced_ids: tuple[str, ...]
    role: str | None
    kind: PersonKind | None
    directory_opt_out: bool | None
    media_release: bool | None
    extensions: dict[str, str]


@dataclass(frozen=True, slots=True)
class RoleRecord:
    """One (user, org, role). 1.2: a roles.csv row. 1.1: derived from users.csv, one per org
    in ``orgSourcedIds`` (the first one primary), with ``sourced_id`` = ``user:org``."""

    source: Source
    sourced_id: str
    status: Status
    user_sourced_id: str
    org_sourced_id: str
    role: str
    kind: PersonKind
    primary: bool
    begin_date: date | None
    end_date: date | None
    suggested_role: SuggestedRole | None


@dataclass(frozen=True, slots=True)
class EnrollmentRecord:
    source: Source
    sourced_id: str
    status: Status
    date_last_modified: datetime | None
    class_sourced_id: str
    school_sourced_id: str
    user_sourced_id: str
    role: str
    primary: bool | None
    begin_date: date | None
    end_date: date | None


@dataclass(frozen=True, slots=True)
class StudentFlagsRecord:
    """A row of the Chalkline extension file ``student_flags.csv``."""

    source: Source
    sourced_id: str
    directory_opt_out: bool | None
    media_release: bool | None


@dataclass(frozen=True, slots=True)
class GuardianLink:
    """A guardian-student link, whichever row carried the agentSourcedIds."""

    source: Source
    student_sourced_id: str
    guardian_sourced_id: str


def fast_constructor[T: DataclassInstance](cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a frozen slots dataclass, about 6x faster than ``cls()``.

    A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__``; for a
    22-field record that is most of the cost of reading a row. The returned function fills a
    non-frozen twin class with the same ``__slots__`` (plain slot stores) and then relabels
    the object as ``cls``, which Python allows between classes with identical slot layouts.
    The result is a genuine, frozen ``cls`` instance (same equality, hash, repr, pickling).
    For the readers only: every field must be given, positionally, in declaration order.
    """
    twin: Any = make_dataclass(
        cls.__name__,
        [(f.name, f.type) for f in fields(cls)],
        slots=True,
        eq=False,
        repr=False,
        match_args=False,
    )

    def make(*values: object) -> T:
        obj = twin(*values)
        obj.__class__ = cls
        return cast(T, obj)

    make(*([None] * len(fields(cls))))  # fail at import time if the layouts ever differ
    return make


new_source: Callable[[str, int], Source] = fast_constructor(Source)
new_user = fast_constructor(UserRecord)
new_class = fast_constructor(ClassRecord)
new_enrollment = fast_constructor(EnrollmentRecord)
new_role = fast_constructor(RoleRecord)
new_student_flags = fast_constructor(StudentFlagsRecord)
