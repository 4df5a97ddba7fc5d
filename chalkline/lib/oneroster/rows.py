"""The complete rules for one row of each file: the reference the fast readers agree with.

``readers`` handles a well-formed row itself and hands any other row (anything to report)
to the function here, which reports every problem and returns the record, or None when the
row is refused. ``read_rows`` reads a whole file this way (the tests compare both paths).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import IO

from .csvstream import FileSpec, Row, iter_rows
from .idset import IdSet
from .records import (
    AcademicSessionRecord,
    ClassRecord,
    CourseRecord,
    EnrollmentRecord,
    OrgRecord,
    RoleRecord,
    Source,
    StudentFlagsRecord,
    UserRecord,
)
from .report import Report
from .roles import ENROLLMENT_ROLES, KIND_OF_ROLE, PersonKind, canonical_role, suggest_role
from .values import Status, parse_bool

_BASE = ("sourcedId", "status", "dateLastModified")

ORGS = FileSpec(
    "orgs",
    (*_BASE, "name", "type", "identifier", "parentSourcedId"),
    ("sourcedId", "name", "type"),
)
ACADEMIC_SESSIONS = FileSpec(
    "academicSessions",
    (*_BASE, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
    ("sourcedId", "title", "type", "startDate", "endDate"),
)
COURSES = FileSpec(
    "courses",
    (
        *_BASE,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    ("sourcedId", "title", "orgSourcedId"),
)
CLASSES = FileSpec(
    "classes",
    (
        *_BASE,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ),
    ("sourcedId", "title", "schoolSourcedId"),
)
_USER_COMMON = (
    *_BASE,
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)
USERS_1_1 = FileSpec(
    "users",
    # preferredGivenName/FamilyName are 1.2 columns; a 1.1 file may carry them as metadata.*
    # extensions (csvstream.COLUMN_SYNONYMS), or a 1.2-style header.
    (*_USER_COMMON, "orgSourcedIds", "role", "preferredGivenName", "preferredFamilyName"),
    ("sourcedId", "orgSourcedIds", "role", "givenName", "familyName"),
)
USERS_1_2 = FileSpec(
    "users",
    (
        *_USER_COMMON,
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ),
    ("sourcedId", "givenName", "familyName"),
)
ROLES = FileSpec(
    "roles",
    (
        *_BASE,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ),
    ("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"),
)
ENROLLMENTS = FileSpec(
    "enrollments",
    (
        *_BASE,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ),
    ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
)
STUDENT_FLAGS = FileSpec(
    "student_flags", ("sourcedId", "directory_opt_out", "media_release"), ("sourcedId",)
)

ORG_TYPES = frozenset({"department", "school", "district", "local", "state", "national"})
# extension columns carrying the Chalkline student flags (lower case) -> flag
FLAG_COLUMNS: dict[str, str] = {
    "metadata.chalkline.directoryoptout": "directory_opt_out",
    "ext_directory_opt_out": "directory_opt_out",
    "metadata.chalkline.mediarelease": "media_release",
    "ext_media_release": "media_release",
}


def _base(row: Row, seen: IdSet, *, delta: bool) -> tuple[str, Status, datetime | None]:
    sid = row.required("sourcedId")
    row.sourced_id = sid or None
    if sid and not seen.add(sid):
        row.error("duplicate_id", "sourcedId", "this sourcedId already appeared in the file")
    status = row.status(delta=delta)
    # dateLastModified is informative only: nothing Chalkline does depends on it
    return sid, status, row.as_datetime("dateLastModified", relied=False)


def _refuse(row: Row) -> None:
    if row.sourced_id:
        row.report.refuse(row.file, row.sourced_id)


def _value(row: Row, col: str, status: Status) -> str:
    """Required unless the record is being deleted (a delete needs only its id)."""
    return row.text(col) if status is Status.TOBEDELETED else row.required(col)


def _wanted(row: Row, col: str, status: Status) -> str:
    """Expected by the spec, but Chalkline does not use it: a blank is only a warning."""
    value = row.text(col)
    if not value and status is not Status.TOBEDELETED:
        row.unused("missing_value", col, f"'{col}' is blank")
    return value


def _done[R](row: Row, rec: R) -> R | None:
    if row.bad:
        _refuse(row)
        return None
    return rec


def org_row(row: Row, seen: IdSet, *, delta: bool) -> OrgRecord | None:
    sid, status, dlm = _base(row, seen, delta=delta)
    org_type = _value(row, "type", status)
    if org_type and org_type.lower() not in ORG_TYPES:
        row.warning("org_type", "type", f"unknown org type {org_type!r}")
    rec = OrgRecord(
        Source(row.file, row.line),
        sid,
        status,
        dlm,
        _value(row, "name", status),
        org_type.lower(),
        row.text("identifier"),
        row.text("parentSourcedId") or None,
        row.extensions(),
    )
    return _done(row, rec)


def academic_session_row(row: Row, seen: IdSet, *, delta: bool) -> AcademicSessionRecord | None:
    sid, status, dlm = _base(row, seen, delta=delta)
    # Chalkline imports no academic sessions: a session's values are checked, never relied on
    title = _wanted(row, "title", status)
    stype = _wanted(row, "type", status)
    _wanted(row, "startDate", status)
    _wanted(row, "endDate", status)
    start = row.as_date("startDate", relied=False)
    end = row.as_date("endDate", relied=False)
    if start and end and end < start:
        row.unused("date_order", "endDate", "endDate is before startDate")
    rec = AcademicSessionRecord(
        Source(row.file, row.line),
        sid,
        status,
        dlm,
        title,
        stype,
        start,
        end,
        row.text("parentSourcedId") or None,
        row.text("schoolYear"),
    )
    return _done(row, rec)


def course_row(row: Row, seen: IdSet, *, delta: bool) -> CourseRecord | None:
    sid, status, dlm = _base(row, seen, delta=delta)
    rec = CourseRecord(
        Source(row.file, row.line),
        sid,
        status,
        dlm,
        _wanted(row, "title", status),  # Chalkline imports no courses
        row.text("courseCode"),
        _wanted(row, "orgSourcedId", status),
        row.text("schoolYearSourcedId") or None,
    )
    return _done(row, rec)


def class_row(row: Row, seen: IdSet, *, delta: bool) -> ClassRecord | None:
    sid, status, dlm = _base(row, seen, delta=delta)
    title = _value(row, "title", status)
    school = _value(row, "schoolSourcedId", status)
    course = row.text("courseSourcedId")
    if not course and status is not Status.TOBEDELETED:
        row.warning("missing_value", "courseSourcedId", "the class has no courseSourcedId")
    rec = ClassRecord(
        Source(row.file, row.line),
        sid,
        status,
        dlm,
        title,
        row.text("classCode"),
        row.text("classType").lower(),
        course,
        school,
        row.as_list("termSourcedIds"),
        row.as_list("grades"),
    )
    return _done(row, rec)


def _flags(row: Row, ext: dict[str, str], kind: PersonKind | None) -> dict[str, bool | None]:
    flags: dict[str, bool | None] = {"directory_opt_out": None, "media_release": None}
    for name in [k for k in ext if k.lower() in FLAG_COLUMNS]:
        text = ext.pop(name)
        value, problem = parse_bool(text)
        if problem and problem[0] == "error":
            row.error("boolean", name, problem[1])
            continue
        if problem:
            row.warning("boolean", name, problem[1])
        if kind is not None and kind is not PersonKind.STUDENT:
            row.warning("flag_not_student", name, "student flag on a non-student; ignored")
            continue
        flags[FLAG_COLUMNS[name.lower()]] = value
    return flags


def user_row(row: Row, seen: IdSet, *, v11: bool, delta: bool) -> UserRecord | None:
    sid, status, dlm = _base(row, seen, delta=delta)
    role: str | None = None
    kind: PersonKind | None = None
    if v11:
        role_text = _value(row, "role", status)
        if role_text:
            role = canonical_role(role_text)
            if role is None:
                row.error("unknown_role", "role", f"unknown role {role_text!r}")
            else:
                kind = KIND_OF_ROLE[role]
        orgs = row.as_list("orgSourcedIds")
        if not orgs and status is not Status.TOBEDELETED:
            row.error("missing_value", "orgSourcedIds", "'orgSourcedIds' is required")
        primary_org = orgs[0] if orgs else None
    else:
        primary_org = row.text("primaryOrgSourcedId") or None
        orgs = (primary_org,) if primary_org else ()
    agents = row.as_list("agentSourcedIds")
    if sid in agents:
        row.warning("self_agent", "agentSourcedIds", "a user lists itself as an agent")
        agents = tuple(a for a in agents if a != sid)
    ext = row.extensions()
    flags = _flags(row, ext, kind)
    rec = UserRecord(
        source=Source(row.file, row.line),
        sourced_id=sid,
        status=status,
        date_last_modified=dlm,
        enabled=row.as_bool("enabledUser", relied=False),  # Chalkline does not use it
        username=row.text("username"),
        identifier=row.text("identifier"),
        given_name=row.name("givenName", required=status is not Status.TOBEDELETED),
        family_name=row.name("familyName", required=status is not Status.TOBEDELETED),
        middle_name=row.text("middleName"),
        preferred_given_name=row.name("preferredGivenName", required=False),
        preferred_family_name=row.name("preferredFamilyName", required=False),
        email=row.text("email"),
        grades=row.as_list("grades"),
        org_sourced_ids=orgs,
        primary_org_sourced_id=primary_org,
        agent_sourced_ids=agents,
        role=role,
        kind=kind,
        directory_opt_out=flags["directory_opt_out"],
        media_release=flags["media_release"],
        extensions=ext,
    )
    return _done(row, rec)


def roles_from_users(
    users: Iterable[UserRecord], org_types: Mapping[str, str]
) -> Iterator[RoleRecord]:
    """OneRoster 1.1: one role per (user, org), the first org being the primary one."""
    for user in users:
        if user.role is None or user.kind is None:
            continue
        for i, org in enumerate(user.org_sourced_ids):
            yield RoleRecord(
                user.source,
                f"{user.sourced_id}:{org}",
                user.status,
                user.sourced_id,
                org,
                user.role,
                user.kind,
                i == 0,
                None,
                None,
                suggest_role(user.role, org_types.get(org)),
            )


def role_row(
    row: Row, seen: IdSet, *, delta: bool, org_types: Mapping[str, str]
) -> RoleRecord | None:
    """OneRoster 1.2 roles.csv."""
    sid, status, _ = _base(row, seen, delta=delta)
    user = row.required("userSourcedId")
    org = row.required("orgSourcedId")
    role_type = row.required("roleType").lower()
    if role_type and role_type not in ("primary", "secondary"):
        row.error("role_type", "roleType", f"{role_type!r} is not primary or secondary")
    role_text = row.required("role")
    role = canonical_role(role_text) if role_text else None
    if role_text and role is None:
        row.error("unknown_role", "role", f"unknown role {role_text!r}")
    # endDate decides whether the role is current; beginDate is not used
    begin, end = row.as_date("beginDate", relied=False), row.as_date("endDate")
    if begin and end and end < begin:
        row.error("date_order", "endDate", "endDate is before beginDate")
    if row.bad or role is None:
        _refuse(row)
        return None
    return RoleRecord(
        Source(row.file, row.line),
        sid,
        status,
        user,
        org,
        role,
        KIND_OF_ROLE[role],
        role_type == "primary",
        begin,
        end,
        suggest_role(role, org_types.get(org)),
    )


def enrollment_row(row: Row, seen: IdSet, *, delta: bool) -> EnrollmentRecord | None:
    sid, status, dlm = _base(row, seen, delta=delta)
    role_text = _value(row, "role", status)
    role = canonical_role(role_text) if role_text else ""
    if role is None:
        row.error("unknown_role", "role", f"unknown enrollment role {role_text!r}")
    elif role and role not in ENROLLMENT_ROLES:
        row.warning("enrollment_role", "role", f"{role!r} is not an enrollment role")
    begin, end = row.as_date("beginDate"), row.as_date("endDate")
    if begin and end and end < begin:
        row.error("date_order", "endDate", "endDate is before beginDate")
    rec = EnrollmentRecord(
        Source(row.file, row.line),
        sid,
        status,
        dlm,
        _value(row, "classSourcedId", status),
        _value(row, "schoolSourcedId", status),
        _value(row, "userSourcedId", status),
        role or "",
        row.as_bool("primary"),
        begin,
        end,
    )
    return _done(row, rec)


def student_flags_row(row: Row, seen: IdSet) -> StudentFlagsRecord | None:
    sid = row.required("sourcedId")
    row.sourced_id = sid or None
    if sid and not seen.add(sid):
        row.error("duplicate_id", "sourcedId", "this sourcedId already appeared in the file")
    rec = StudentFlagsRecord(
        Source(row.file, row.line),
        sid,
        row.as_bool("directory_opt_out"),
        row.as_bool("media_release"),
    )
    return _done(row, rec)


def read_rows[R](
    raw: IO[bytes],
    *,
    file: str,
    spec: FileSpec,
    report: Report,
    check: Callable[[Row, IdSet], R | None],
) -> Iterator[R]:
    """Read a whole file with the reference rules only (``check`` is e.g. a partial of
    ``user_row``). The small files are read this way; the tests read every file both ways."""
    seen = IdSet()
    for row in iter_rows(raw, file=file, spec=spec, report=report):
        rec = check(row, seen)
        if rec is not None:
            yield rec
