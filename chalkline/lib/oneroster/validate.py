"""Cross-file checks: stream the files in dependency order and report dangling references.

Only ids are kept (``IdSet``/``IdMap``: ~16-24 bytes an id), so a 1M-student district
validates in well under a gigabyte. References into a *delta* file cannot be judged from the
package alone (the target may already be in the database); they are left to the importer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from .idset import IdMap, IdSet
from .package import Package
from .records import FileMode, GuardianLink, fast_constructor
from .report import Report
from .roles import PersonKind

# IdMap tag bits for a user: one bit per kind, plus "has a primary role"
KIND_BITS = {PersonKind.STAFF: 1, PersonKind.STUDENT: 2, PersonKind.GUARDIAN: 4}
PRIMARY_BIT = 8
_ANY_KIND = 7
new_link = fast_constructor(GuardianLink)


def kinds_of(tag: int | None) -> set[PersonKind]:
    """The person kinds encoded in a user tag from ``ValidationResult.user_kinds``."""
    return {k for k, bit in KIND_BITS.items() if tag and tag & bit}


@dataclass
class ValidationResult:
    report: Report
    counts: Counter[str] = field(default_factory=Counter)
    user_kinds: IdMap = field(default_factory=IdMap)

    @property
    def ok(self) -> bool:
        return self.report.ok


class _Refs:
    """Reports references to ids that are not in the package."""

    def __init__(self, pkg: Package, report: Report) -> None:
        self.pkg = pkg
        self.report = report

    def checkable(self, target: str) -> bool:
        return self.pkg.has(target) and self.pkg.mode(target) is FileMode.BULK

    def check(
        self,
        ids: IdSet,
        target: str,
        ref: str | None,
        *,
        file: str,
        line: int,
        column: str,
        sid: str,
        error: bool = True,
    ) -> None:
        if not ref or ref in ids or not self.checkable(target):
            return
        if self.report.was_refused(self.pkg.file_name(target), ref):
            return  # the target row was refused and reported already
        add = self.report.error if error else self.report.warning
        add(
            "dangling_ref",
            file,
            line,
            column,
            f"refers to {ref!r}, which is not in {target}.csv",
            sourced_id=sid,
        )


def validate_package(pkg: Package, *, report: Report | None = None) -> ValidationResult:
    """Read every file once (users twice) and check references across files."""
    report = pkg.report if report is None else report
    result = ValidationResult(report)
    refs = _Refs(pkg, report)
    counts = result.counts

    orgs, sessions, courses, classes = IdSet(), IdSet(), IdSet(), IdSet()
    org_parents: list[tuple[str, int, str, str]] = []
    for org in pkg.orgs(report):
        counts["orgs"] += 1
        orgs.add(org.sourced_id)
        if org.parent_sourced_id:
            org_parents.append(
                (org.source.file, org.source.line, org.sourced_id, org.parent_sourced_id)
            )
    for file, line, sid, parent in org_parents:
        refs.check(
            orgs,
            "orgs",
            parent,
            file=file,
            line=line,
            column="parentSourcedId",
            sid=sid,
            error=False,
        )

    session_parents: list[tuple[str, int, str, str]] = []
    for ses in pkg.academic_sessions(report):
        counts["academicSessions"] += 1
        sessions.add(ses.sourced_id)
        if ses.parent_sourced_id:
            session_parents.append(
                (ses.source.file, ses.source.line, ses.sourced_id, ses.parent_sourced_id)
            )
    for file, line, sid, parent in session_parents:
        refs.check(
            sessions,
            "academicSessions",
            parent,
            file=file,
            line=line,
            column="parentSourcedId",
            sid=sid,
            error=False,
        )

    for crs in pkg.courses(report):
        counts["courses"] += 1
        courses.add(crs.sourced_id)
        f, ln, sid = crs.source.file, crs.source.line, crs.sourced_id
        refs.check(  # Chalkline imports no courses: a warning
            orgs,
            "orgs",
            crs.org_sourced_id,
            file=f,
            line=ln,
            column="orgSourcedId",
            sid=sid,
            error=False,
        )
        refs.check(
            sessions,
            "academicSessions",
            crs.school_year_sourced_id,
            file=f,
            line=ln,
            column="schoolYearSourcedId",
            sid=sid,
            error=False,
        )

    for cls in pkg.classes(report):
        counts["classes"] += 1
        classes.add(cls.sourced_id)
        f, ln, sid = cls.source.file, cls.source.line, cls.sourced_id
        refs.check(  # the course id is kept as text; courses are not imported
            courses,
            "courses",
            cls.course_sourced_id,
            file=f,
            line=ln,
            column="courseSourcedId",
            sid=sid,
            error=False,
        )
        refs.check(
            orgs, "orgs", cls.school_sourced_id, file=f, line=ln, column="schoolSourcedId", sid=sid
        )
        for term in cls.term_sourced_ids:
            refs.check(
                sessions,
                "academicSessions",
                term,
                file=f,
                line=ln,
                column="termSourcedIds",
                sid=sid,
                error=False,
            )

    users = result.user_kinds
    set_tag, has_org = users.set, orgs.has
    org_col = "orgSourcedIds" if pkg.version == "1.1" else "primaryOrgSourcedId"
    n_users = 0
    n_kind = dict.fromkeys(PersonKind, 0)
    for user in pkg.users(report):
        n_users += 1
        kind = user.kind
        tag = 0
        if kind is not None:
            tag = KIND_BITS[kind] | PRIMARY_BIT
            n_kind[kind] += 1
        set_tag(user.sourced_id, tag)
        for org_id in user.org_sourced_ids:
            if not has_org(org_id):
                refs.check(
                    orgs,
                    "orgs",
                    org_id,
                    file=user.source.file,
                    line=user.source.line,
                    column=org_col,
                    sid=user.sourced_id,
                    # 1.1 affiliations come from orgSourcedIds; 1.2 ones from roles.csv
                    error=pkg.version == "1.1",
                )
    _count(counts, "users", n_users)
    for kind, n in n_kind.items():
        _count(counts, kind.label, n)

    if pkg.version == "1.2":
        for role in pkg.roles(report):
            counts["roles"] += 1
            f, ln, sid = role.source.file, role.source.line, role.sourced_id
            refs.check(
                users,
                "users",
                role.user_sourced_id,
                file=f,
                line=ln,
                column="userSourcedId",
                sid=sid,
            )
            refs.check(
                orgs, "orgs", role.org_sourced_id, file=f, line=ln, column="orgSourcedId", sid=sid
            )
            old = users.get(role.user_sourced_id)
            if old is not None:
                new = old | KIND_BITS[role.kind] | (PRIMARY_BIT if role.primary else 0)
                users.set(role.user_sourced_id, new)
        for kind in PersonKind:
            counts[kind.label] = 0
        _check_user_roles(pkg, users, report, counts)

    _count(counts, "guardian_links", sum(1 for _ in guardian_links(pkg, users, report=report)))

    n_enrollments = 0
    get_tag, has_class, has_org = users.get, classes.has, orgs.has
    student_bit = KIND_BITS[PersonKind.STUDENT]
    for enr in pkg.enrollments(report):
        n_enrollments += 1
        class_id, user_id, school = enr.class_sourced_id, enr.user_sourced_id, enr.school_sourced_id
        enr_tag = get_tag(user_id)
        if enr_tag is None or not has_class(class_id) or not has_org(school):
            f, ln, sid = enr.source.file, enr.source.line, enr.sourced_id
            refs.check(
                classes, "classes", class_id, file=f, line=ln, column="classSourcedId", sid=sid
            )
            refs.check(users, "users", user_id, file=f, line=ln, column="userSourcedId", sid=sid)
            refs.check(orgs, "orgs", school, file=f, line=ln, column="schoolSourcedId", sid=sid)
        if enr_tag and enr.role == "student" and not enr_tag & student_bit:
            report.warning(
                "enrollment_kind",
                enr.source.file,
                enr.source.line,
                "role",
                "a student enrollment for a user who is not a student",
                sourced_id=enr.sourced_id,
            )
    _count(counts, "enrollments", n_enrollments)

    for flags in pkg.student_flags(report):
        counts["student_flags"] += 1
        f, ln, sid = flags.source.file, flags.source.line, flags.sourced_id
        flag_tag = users.get(sid)
        if flag_tag is None:
            if refs.checkable("users"):
                report.error(
                    "dangling_ref", f, ln, "sourcedId", "not a user in users.csv", sourced_id=sid
                )
        elif flag_tag and not flag_tag & KIND_BITS[PersonKind.STUDENT]:
            report.warning(
                "flag_not_student",
                f,
                ln,
                "sourcedId",
                "flags for a user who is not a student; ignored",
                sourced_id=sid,
            )
    return result


def _count(counts: Counter[str], key: str, n: int) -> None:
    if n:  # a Counter only holds what was seen, as when counting one by one
        counts[key] += n


def _check_user_roles(pkg: Package, users: IdMap, report: Report, counts: Counter[str]) -> None:
    """1.2: every user needs a role in roles.csv, and should have a primary one."""
    checkable = pkg.has("roles") and pkg.mode("roles") is FileMode.BULK
    for user in pkg.users(Report(cap_per_code=0)):
        tag = users.get(user.sourced_id) or 0
        for kind in kinds_of(tag):
            counts[kind.label] += 1
        if not checkable:
            continue
        if not tag & _ANY_KIND:
            report.error(
                "no_role",
                user.source.file,
                user.source.line,
                None,
                "the user has no role in roles.csv",
                sourced_id=user.sourced_id,
            )
        elif not tag & PRIMARY_BIT:
            report.warning(
                "no_primary_role",
                user.source.file,
                user.source.line,
                None,
                "the user has no primary role in roles.csv",
                sourced_id=user.sourced_id,
            )


def guardian_links(
    pkg: Package, user_kinds: IdMap, *, report: Report | None = None
) -> Iterator[GuardianLink]:
    """Guardian-student links from agentSourcedIds on either row, each yielded once.

    ``user_kinds`` comes from ``validate_package``. The direction is inferred from the two
    people's kinds; other pairings (student-teacher, guardian-guardian...) are warned about
    and not yielded.
    """
    report = pkg.report if report is None else report
    student, guardian = KIND_BITS[PersonKind.STUDENT], KIND_BITS[PersonKind.GUARDIAN]
    get_tag = user_kinds.get
    add_pair = IdSet().add
    # users.csv was already read once: its own problems are not reported again
    for user in pkg.users(Report(cap_per_code=0)):
        if not user.agent_sourced_ids:
            continue
        sid = user.sourced_id
        mine = get_tag(sid) or 0
        for agent in user.agent_sourced_ids:
            theirs = get_tag(agent)
            if theirs is None:
                f, ln = user.source.file, user.source.line
                if pkg.mode("users") is FileMode.BULK and not report.was_refused(f, agent):
                    report.warning(
                        "dangling_ref",
                        f,
                        ln,
                        "agentSourcedIds",
                        f"agent {agent!r} is not in users.csv; link ignored",
                        sourced_id=sid,
                    )
                continue
            if mine & student and theirs & guardian:
                pair = (sid, agent)
            elif mine & guardian and theirs & student:
                pair = (agent, sid)
            else:
                mk = "/".join(sorted(k.label for k in kinds_of(mine))) or "unknown"
                tk = "/".join(sorted(k.label for k in kinds_of(theirs))) or "unknown"
                report.warning(
                    "odd_agent_pair",
                    user.source.file,
                    user.source.line,
                    "agentSourcedIds",
                    f"a {mk} lists a {tk} ({agent!r}) as agent; link ignored",
                    sourced_id=sid,
                )
                continue
            if add_pair(f"{pair[0]}\x1f{pair[1]}"):
                yield new_link(user.source, pair[0], pair[1])
