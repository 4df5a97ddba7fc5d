"""Per-file streaming readers. Each takes a binary stream and yields typed records.

A row with an error is reported and not yielded; a row with only warnings is yielded.
Duplicate sourcedIds within a file are refused (the first one wins).

The big files (users, classes, roles, enrollments, student flags) have a fast path: each
row's cells are fetched in one call (``operator.itemgetter``, planned once per file),
values are looked up in per-file memos (statuses, dates, booleans and roles repeat), and the
record is built without the frozen dataclass ``__init__``. The fast path only *accepts* a
row that has nothing to report; any other row (a problem, a warning, anything unusual) is
handed to the reference rules in ``rows``, which report it exactly as before. So the fast
path can make a row faster, never change what is read or reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import IO

from .csvstream import NAME_MAX_LENGTH, FileSpec, Header, Row, RowStream
from .idset import IdSet
from .records import (
    AcademicSessionRecord,
    ClassRecord,
    CourseRecord,
    EnrollmentRecord,
    OrgRecord,
    RoleRecord,
    StudentFlagsRecord,
    UserRecord,
    new_class,
    new_enrollment,
    new_role,
    new_source,
    new_student_flags,
    new_user,
)
from .report import Report
from .roles import ENROLLMENT_ROLES, KIND_OF_ROLE, PersonKind, canonical_role, suggest_role
from .rows import (
    ACADEMIC_SESSIONS,
    CLASSES,
    COURSES,
    ENROLLMENTS,
    FLAG_COLUMNS,
    ORGS,
    ROLES,
    STUDENT_FLAGS,
    USERS_1_1,
    USERS_1_2,
    academic_session_row,
    class_row,
    course_row,
    enrollment_row,
    org_row,
    read_rows,
    role_row,
    roles_from_users,
    student_flags_row,
    user_row,
)
from .values import (
    Problem,
    Status,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_status,
    split_list,
)

__all__ = [
    "read_academic_sessions",
    "read_classes",
    "read_courses",
    "read_enrollments",
    "read_orgs",
    "read_roles",
    "read_student_flags",
    "read_users",
    "roles_from_users",
]

MEMO_SIZE = 4096
_DELETED = Status.TOBEDELETED


class _Slow(Exception):
    """The row has something to report: read it with the reference rules instead."""


class _Memo[V](dict[str, V]):
    """Cell text -> parsed value, for texts that parse with nothing to report (bounded)."""

    __slots__ = ("_parse",)

    def __init__(self, parse: Callable[[str], tuple[V, Problem]]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> V:
        value, problem = self._parse(text)
        if problem is not None:
            raise _Slow
        if len(self) >= MEMO_SIZE:
            self.clear()
        self[text] = value
        return value


def _statuses(delta: bool) -> _Memo[Status]:
    return _Memo(partial(parse_status, delta=delta))


def _stamps() -> _Memo[datetime | None]:
    return _Memo(parse_datetime)


def _dates() -> _Memo[date | None]:
    return _Memo(parse_date)


def _bools() -> _Memo[bool | None]:
    return _Memo(parse_bool)


def _known_role(text: str) -> tuple[tuple[str, PersonKind], Problem]:
    role = canonical_role(text)
    if role is None:
        return ("", PersonKind.STAFF), ("error", "unknown role")
    return (role, KIND_OF_ROLE[role]), None


def _enrollment_role(text: str) -> tuple[str, Problem]:
    role = canonical_role(text)
    if role is None or role not in ENROLLMENT_ROLES:
        return "", ("error", "not an enrollment role")
    return role, None


def _role_type(text: str) -> tuple[bool, Problem]:
    low = text.lower()
    if low not in ("primary", "secondary"):
        return False, ("error", "not a role type")
    return low == "primary", None


def _cells(header: Header, columns: tuple[str, ...]) -> Callable[[list[str]], tuple[str, ...]]:
    """One call fetching the columns' cells; an absent column reads the blank pad cell."""
    return itemgetter(*(header.index.get(c, header.width) for c in columns))


def _start(raw: IO[bytes], file: str, spec: FileSpec, report: Report) -> RowStream | None:
    rows = RowStream(raw, file=file, spec=spec, report=report)
    return rows if rows.read_header() is not None else None


def read_orgs(raw: IO[bytes], *, file: str, delta: bool, report: Report) -> Iterator[OrgRecord]:
    check = partial(org_row, delta=delta)
    return read_rows(raw, file=file, spec=ORGS, report=report, check=check)


def read_academic_sessions(
    raw: IO[bytes], *, file: str, delta: bool, report: Report
) -> Iterator[AcademicSessionRecord]:
    check = partial(academic_session_row, delta=delta)
    return read_rows(raw, file=file, spec=ACADEMIC_SESSIONS, report=report, check=check)


def read_courses(
    raw: IO[bytes], *, file: str, delta: bool, report: Report
) -> Iterator[CourseRecord]:
    check = partial(course_row, delta=delta)
    return read_rows(raw, file=file, spec=COURSES, report=report, check=check)


_CLASS_COLUMNS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "classCode",
    "classType",
    "courseSourcedId",
    "schoolSourcedId",
    "termSourcedIds",
    "grades",
)


def read_classes(
    raw: IO[bytes], *, file: str, delta: bool, report: Report
) -> Iterator[ClassRecord]:
    rows = _start(raw, file, CLASSES, report)
    if rows is None or rows.header is None:
        return
    header, seen = rows.header, IdSet()
    add, get, strip = seen.add, _cells(header, _CLASS_COLUMNS), str.strip
    statuses, stamps = _statuses(delta), _stamps()
    for cells in rows:
        try:
            sid, st, dlm_t, title, code, ctype, course, school, terms, grades = (
                get(cells) if rows.plain else map(strip, get(cells))
            )
            status = statuses[st]
            dlm = stamps[dlm_t]
            if not sid or (status is not _DELETED and not (title and school and course)):
                raise _Slow
            if not add(sid):
                raise _Slow
            rec = new_class(
                new_source(file, rows.line),
                sid,
                status,
                dlm,
                title,
                code,
                ctype.lower(),
                course,
                school,
                (() if not terms else (terms,) if "," not in terms else split_list(terms)),
                (() if not grades else (grades,) if "," not in grades else split_list(grades)),
            )
        except _Slow:
            slow = class_row(Row(file, rows.line, cells, header, report), seen, delta=delta)
            if slow is None:
                continue
            rec = slow
        yield rec


_USER_COLUMNS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "identifier",
    "givenName",
    "familyName",
    "middleName",
    "preferredGivenName",
    "preferredFamilyName",
    "email",
    "grades",
    "agentSourcedIds",
    "role",  # 1.1
    "orgSourcedIds",  # 1.1
    "primaryOrgSourcedId",  # 1.2
)


def _user_extensions(
    header: Header,
) -> tuple[list[tuple[int, str]], list[tuple[int, bool]]] | None:
    """(other extension columns, student flag columns as (position, is_opt_out)), or None
    when an extension column is named twice (then every row takes the reference rules)."""
    names = [name for _, name in header.ext]
    if len(set(names)) != len(names):
        return None
    others = [(pos, name) for pos, name in header.ext if name.lower() not in FLAG_COLUMNS]
    flags = [
        (pos, FLAG_COLUMNS[name.lower()] == "directory_opt_out")
        for pos, name in header.ext
        if name.lower() in FLAG_COLUMNS
    ]
    return others, flags


def read_users(
    raw: IO[bytes], *, file: str, version: str, delta: bool, report: Report
) -> Iterator[UserRecord]:
    v11 = version == "1.1"
    rows = _start(raw, file, USERS_1_1 if v11 else USERS_1_2, report)
    if rows is None or rows.header is None:
        return
    header, seen = rows.header, IdSet()
    add, get, strip = seen.add, _cells(header, _USER_COLUMNS), str.strip
    statuses, stamps, bools = _statuses(delta), _stamps(), _bools()
    roles: _Memo[tuple[str, PersonKind]] = _Memo(_known_role)
    student = PersonKind.STUDENT
    plan = _user_extensions(header)
    others, flag_cols = plan if plan is not None else ([], [])
    for cells in rows:
        try:
            if plan is None:
                raise _Slow
            (
                sid,
                st,
                dlm_t,
                enabled_t,
                username,
                identifier,
                given,
                family,
                middle,
                pgn,
                pfn,
                email,
                grades_t,
                agents_t,
                role_t,
                orgs_t,
                primary_t,
            ) = get(cells) if rows.plain else map(strip, get(cells))
            status = statuses[st]
            dlm = stamps[dlm_t]
            enabled = bools[enabled_t]
            if not sid or (status is not _DELETED and not (given and family)):
                raise _Slow
            if max(len(given), len(family), len(pgn), len(pfn)) > NAME_MAX_LENGTH:
                raise _Slow  # the reference rules warn
            role: str | None = None
            kind: PersonKind | None = None
            if v11:
                if role_t:
                    role, kind = roles[role_t]
                elif status is not _DELETED:
                    raise _Slow
                orgs = () if not orgs_t else (orgs_t,) if "," not in orgs_t else split_list(orgs_t)
                if not orgs and status is not _DELETED:
                    raise _Slow
                primary_org = orgs[0] if orgs else None
            else:
                primary_org = primary_t or None
                orgs = (primary_t,) if primary_t else ()
            agents = (
                () if not agents_t else (agents_t,) if "," not in agents_t else split_list(agents_t)
            )
            if sid in agents:
                raise _Slow
            ext = {name: cells[pos].strip() for pos, name in others if cells[pos]}
            opt_out = release = None
            for pos, is_opt_out in flag_cols:
                if cells[pos]:
                    value = bools[cells[pos].strip()]
                    if kind is not None and kind is not student:
                        raise _Slow
                    if is_opt_out:
                        opt_out = value
                    else:
                        release = value
            if not add(sid):
                raise _Slow
            rec = new_user(
                new_source(file, rows.line),
                sid,
                status,
                dlm,
                enabled,
                username,
                identifier,
                given,
                family,
                middle,
                pgn,
                pfn,
                email,
                (
                    ()
                    if not grades_t
                    else (grades_t,)
                    if "," not in grades_t
                    else split_list(grades_t)
                ),
                orgs,
                primary_org,
                agents,
                role,
                kind,
                opt_out,
                release,
                ext,
            )
        except _Slow:
            row = Row(file, rows.line, cells, header, report)
            slow = user_row(row, seen, v11=v11, delta=delta)
            if slow is None:
                continue
            rec = slow
        yield rec


_ROLE_COLUMNS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "orgSourcedId",
    "roleType",
    "role",
    "beginDate",
    "endDate",
)


def read_roles(
    raw: IO[bytes], *, file: str, delta: bool, report: Report, org_types: Mapping[str, str]
) -> Iterator[RoleRecord]:
    """OneRoster 1.2 roles.csv."""
    rows = _start(raw, file, ROLES, report)
    if rows is None or rows.header is None:
        return
    header, seen = rows.header, IdSet()
    add, get, strip = seen.add, _cells(header, _ROLE_COLUMNS), str.strip
    statuses, stamps, dates = _statuses(delta), _stamps(), _dates()
    roles: _Memo[tuple[str, PersonKind]] = _Memo(_known_role)
    role_types: _Memo[bool] = _Memo(_role_type)
    for cells in rows:
        try:
            sid, st, dlm_t, user, org, type_t, role_t, begin_t, end_t = (
                get(cells) if rows.plain else map(strip, get(cells))
            )
            status = statuses[st]
            stamps[dlm_t]  # reported by the reference rules when it is not a date
            if not (sid and user and org and type_t and role_t):
                raise _Slow
            primary = role_types[type_t]
            role, kind = roles[role_t]
            begin, end = dates[begin_t], dates[end_t]
            if begin and end and end < begin:
                raise _Slow
            if not add(sid):
                raise _Slow
            rec = new_role(
                new_source(file, rows.line),
                sid,
                status,
                user,
                org,
                role,
                kind,
                primary,
                begin,
                end,
                suggest_role(role, org_types.get(org)),
            )
        except _Slow:
            row = Row(file, rows.line, cells, header, report)
            slow = role_row(row, seen, delta=delta, org_types=org_types)
            if slow is None:
                continue
            rec = slow
        yield rec


_ENROLLMENT_COLUMNS = (
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
)


def read_enrollments(
    raw: IO[bytes], *, file: str, delta: bool, report: Report
) -> Iterator[EnrollmentRecord]:
    rows = _start(raw, file, ENROLLMENTS, report)
    if rows is None or rows.header is None:
        return
    header, seen = rows.header, IdSet()
    add, get, strip = seen.add, _cells(header, _ENROLLMENT_COLUMNS), str.strip
    statuses, stamps, dates, bools = _statuses(delta), _stamps(), _dates(), _bools()
    roles: _Memo[str] = _Memo(_enrollment_role)
    for cells in rows:
        try:
            sid, st, dlm_t, cls, school, user, role_t, primary_t, begin_t, end_t = (
                get(cells) if rows.plain else map(strip, get(cells))
            )
            status = statuses[st]
            dlm = stamps[dlm_t]
            if not sid or (status is not _DELETED and not (cls and school and user and role_t)):
                raise _Slow
            role = roles[role_t] if role_t else ""
            primary = bools[primary_t]
            begin, end = dates[begin_t], dates[end_t]
            if begin and end and end < begin:
                raise _Slow
            if not add(sid):
                raise _Slow
            rec = new_enrollment(
                new_source(file, rows.line),
                sid,
                status,
                dlm,
                cls,
                school,
                user,
                role,
                primary,
                begin,
                end,
            )
        except _Slow:
            slow = enrollment_row(Row(file, rows.line, cells, header, report), seen, delta=delta)
            if slow is None:
                continue
            rec = slow
        yield rec


def read_student_flags(
    raw: IO[bytes], *, file: str, report: Report
) -> Iterator[StudentFlagsRecord]:
    rows = _start(raw, file, STUDENT_FLAGS, report)
    if rows is None or rows.header is None:
        return
    header, seen = rows.header, IdSet()
    add, strip, bools = seen.add, str.strip, _bools()
    get = _cells(header, ("sourcedId", "directory_opt_out", "media_release"))
    for cells in rows:
        try:
            sid, opt_t, release_t = get(cells) if rows.plain else map(strip, get(cells))
            if not sid:
                raise _Slow
            opt_out, release = bools[opt_t], bools[release_t]
            if not add(sid):
                raise _Slow
            rec = new_student_flags(new_source(file, rows.line), sid, opt_out, release)
        except _Slow:
            slow = student_flags_row(Row(file, rows.line, cells, header, report), seen)
            if slow is None:
                continue
            rec = slow
        yield rec
