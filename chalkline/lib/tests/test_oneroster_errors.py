"""Ugly inputs: each problem is reported with its file, line and column."""

from __future__ import annotations

import pytest

from chalkline.lib.oneroster import (
    PackageError,
    PersonKind,
    Report,
    Severity,
    SuggestedRole,
    open_package,
    validate_package,
)

from .conftest import CLASSES, ENROLLMENTS, ORGS, USERS_11, MakePackage

USERS_HEADER = USERS_11.splitlines()[0]


def _validate(path: object) -> Report:
    with open_package(path) as pkg:  # type: ignore[arg-type]
        return validate_package(pkg).report


def _only(report: Report, code: str) -> tuple[str, int | None, str | None]:
    (issue,) = [i for i in report.issues if i.code == code]
    return issue.file, issue.line, issue.column


def test_a_clean_package_has_no_issues(make_package: MakePackage) -> None:
    for as_zip in (False, True):
        report = _validate(make_package(as_zip=as_zip))
        assert report.issues == [], report.issues


def test_semicolon_delimiter_is_named(make_package: MakePackage) -> None:
    report = _validate(make_package({"orgs.csv": ORGS.replace(",", ";")}))
    assert _only(report, "wrong_delimiter") == ("orgs.csv", 1, None)
    assert "semicolon" in report.errors()[0].message


def test_tab_delimiter_is_named(make_package: MakePackage) -> None:
    report = _validate(make_package({"classes.csv": CLASSES.replace(",", "\t")}))
    assert _only(report, "wrong_delimiter") == ("classes.csv", 1, None)
    assert "tab" in [i for i in report.issues if i.code == "wrong_delimiter"][0].message


def test_missing_required_column(make_package: MakePackage) -> None:
    users = USERS_11.replace(",role,", ",rolle,", 1)
    report = _validate(make_package({"users.csv": users}))
    assert _only(report, "missing_column") == ("users.csv", 1, "role")


def test_duplicate_sourced_id_keeps_the_first(make_package: MakePackage) -> None:
    users = USERS_11 + "t1,active,2024-01-02,true,org-n,aide,x,,A,B,,,,,,,,\n"
    path = make_package({"users.csv": users})
    report = _validate(path)
    assert _only(report, "duplicate_id") == ("users.csv", 5, "sourcedId")
    with open_package(path) as pkg:
        assert [u.role for u in pkg.users(Report()) if u.sourced_id == "t1"] == ["teacher"]


def test_dangling_org_class_and_user_references(make_package: MakePackage) -> None:
    users = USERS_11 + "s2,active,,true,org-x,student,s2,,A,B,,,,,,,,\n"
    enr = ENROLLMENTS + "e3,active,,c9,org-n,s1,student,,,\ne4,active,,c1,org-n,nobody,student,,,\n"
    report = _validate(make_package({"users.csv": users, "enrollments.csv": enr}))
    dangling = [(i.file, i.line, i.column) for i in report.errors() if i.code == "dangling_ref"]
    assert dangling == [
        ("users.csv", 5, "orgSourcedIds"),
        ("enrollments.csv", 4, "classSourcedId"),
        ("enrollments.csv", 5, "userSourcedId"),
    ]


def test_dangling_agent_is_a_warning_and_the_link_is_dropped(make_package: MakePackage) -> None:
    users = USERS_11.replace(",g1,10,", ",g1,g9,10,").replace(
        "Sam,Stu,,S100,,,,g1", "Sam,Stu,,S100,,,,g9"
    )
    path = make_package({"users.csv": users})
    with open_package(path) as pkg:
        result = validate_package(pkg)
    assert result.ok
    assert _only(result.report, "dangling_ref") == ("users.csv", 3, "agentSourcedIds")
    assert result.counts["guardian_links"] == 0


def test_agent_on_either_row_gives_one_link(make_package: MakePackage) -> None:
    users = USERS_11.replace("g1@x.org,,,,,", "g1@x.org,,,s1,,")
    with open_package(make_package({"users.csv": users})) as pkg:
        result = validate_package(pkg)
    assert result.ok and result.report.issues == []
    assert result.counts["guardian_links"] == 1


def test_unknown_role_is_an_error_with_its_column(make_package: MakePackage) -> None:
    users = USERS_11 + "x1,active,,true,org-n,janitor,x,,A,B,,,,,,,,\n"
    report = _validate(make_package({"users.csv": users}))
    assert _only(report, "unknown_role") == ("users.csv", 5, "role")


def test_roles_are_case_insensitive_and_admins_only_get_a_suggestion(
    make_package: MakePackage,
) -> None:
    users = (
        USERS_11
        + "a1,active,,TRUE,org-n,Administrator,x,,A,B,,,,,,,,\n"
        + "a2,active,,FALSE,org-d,administrator,x,,A,B,,,,,,,,\n"
    )
    with open_package(make_package({"users.csv": users})) as pkg:
        roles = {r.user_sourced_id: r for r in pkg.roles()}
        assert pkg.report.ok
    assert roles["a1"].kind is PersonKind.STAFF
    assert roles["a1"].suggested_role is SuggestedRole.PRINCIPAL
    assert roles["a2"].suggested_role is SuggestedRole.SUPERINTENDENT_DESIGNEE
    assert roles["t1"].suggested_role is None


@pytest.mark.parametrize(
    ("value", "severity"),
    [
        ("2024-02-30", Severity.ERROR),
        ("13/13/2024", Severity.ERROR),
        ("1/5/24", Severity.ERROR),
        ("yesterday", Severity.ERROR),
        ("1/05/2024", Severity.WARNING),
    ],
)
def test_dates(make_package: MakePackage, value: str, severity: Severity) -> None:
    enr = ENROLLMENTS.replace("2024-08-20", value)
    report = _validate(make_package({"enrollments.csv": enr}))
    (issue,) = [i for i in report.issues if i.code == "date"]
    assert (issue.severity, issue.file, issue.line, issue.column) == (
        severity,
        "enrollments.csv",
        2,
        "beginDate",
    )


def test_non_utf8_bytes_name_the_line_and_offset(make_package: MakePackage) -> None:
    raw = USERS_11.encode().replace(b"Gil", b"Gi\xe9l")
    path = make_package({"users.csv": raw})
    report = _validate(path)
    issue = next(i for i in report.errors() if i.code == "not_utf8")
    assert (issue.file, issue.line) == ("users.csv", 4)
    assert f"offset {raw.index(b'\xe9')}" in issue.message
    assert "Windows-1252" in issue.message
    with open_package(path) as pkg:
        assert [u.sourced_id for u in pkg.users(Report())] == ["t1", "s1"]


def test_bom_crlf_case_and_trailing_columns_are_tolerated(make_package: MakePackage) -> None:
    orgs = "\ufeffSOURCEDID,Status,DateLastModified,NAME,type,identifier,parentSourcedId,,\r\n"
    orgs += "org-d,ACTIVE,2024-01-02T10:00:00Z,D,district,,\r\norg-n,,,N,school,,org-d,,\r\n"
    report = _validate(make_package({"orgs.csv": orgs}))
    assert report.issues == []


def test_unknown_status_reads_as_inactive_with_a_warning(make_package: MakePackage) -> None:
    users = USERS_11.replace("t1,active", "t1,suspended")
    path = make_package({"users.csv": users})
    with open_package(path) as pkg:
        (teacher,) = [u for u in pkg.users() if u.sourced_id == "t1"]
        assert teacher.status == "inactive"
        assert _only(pkg.report, "status") == ("users.csv", 2, "status")


def test_blank_status_in_a_delta_file_is_an_error(make_package: MakePackage) -> None:
    users = USERS_11.replace("t1,active", "t1,")
    report = _validate(make_package({"users.csv": users}, modes={"users": "delta"}))
    assert _only(report, "status") == ("users.csv", 2, "status")


def test_unquoted_comma_shifts_are_refused(make_package: MakePackage) -> None:
    users = USERS_11.replace("Tess,Teach", "Tess,Jr,Teach")
    report = _validate(make_package({"users.csv": users}))
    assert _only(report, "too_many_fields") == ("users.csv", 2, None)


def test_student_flags_from_extension_columns_and_flags_file(make_package: MakePackage) -> None:
    users = USERS_11.replace(
        ",password\n", ",password,metadata.chalkline.directoryOptOut,ext_media_release\n"
    )
    users = users.replace("S100,,,,g1,10,\n", "S100,,,,g1,10,,TRUE,false\n")
    users = users.replace("E100,t1@x.org,,,,,secret\n", "E100,t1@x.org,,,,,secret,,true\n")
    flags = "sourcedId,directory_opt_out,media_release\ns1,false,\nnobody,true,true\n"
    path = make_package({"users.csv": users, "student_flags.csv": flags})
    with open_package(path) as pkg:
        result = validate_package(pkg)
        student = next(u for u in pkg.users(Report()) if u.sourced_id == "s1")
        flag_rows = list(pkg.student_flags(Report()))
    assert (student.directory_opt_out, student.media_release) == (True, False)
    assert student.extensions == {}
    assert _only(result.report, "flag_not_student") == ("users.csv", 2, "ext_media_release")
    assert _only(result.report, "dangling_ref") == ("student_flags.csv", 3, "sourcedId")
    assert [(f.sourced_id, f.directory_opt_out, f.media_release) for f in flag_rows] == [
        ("s1", False, None),
        ("nobody", True, True),
    ]


def test_1p2_roles_give_kinds_and_flag_missing_roles(make_package: MakePackage) -> None:
    users = (
        "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,"
        "primaryOrgSourcedId,agentSourcedIds\n"
        "t1,active,,true,t1,T,One,org-n,\ns1,active,,true,s1,S,One,org-n,g1\n"
        "g1,active,,true,g1,G,One,,\nx1,active,,true,x1,X,One,,\n"
    )
    roles = (
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
        "orgSourcedId,userProfileSourcedId\n"
        "r1,active,,t1,primary,districtAdministrator,,,org-d,\n"
        "r2,active,,s1,primary,student,2024-08-01,2024-07-01,org-n,\n"
        "r3,active,,s1,PRIMARY,Student,,,org-n,\n"
        "r4,active,,g1,primary,relative,,,org-n,\n"
        "r5,active,,g1,tertiary,parent,,,org-n,\n"
    )
    path = make_package(
        {"users.csv": users, "roles.csv": roles, "enrollments.csv": None, "classes.csv": None},
        version="1.2",
    )
    with open_package(path) as pkg:
        result = validate_package(pkg)
        got = {r.sourced_id: r for r in pkg.roles(Report())}
    report = result.report
    assert _only(report, "date_order") == ("roles.csv", 3, "endDate")
    assert _only(report, "role_type") == ("roles.csv", 6, "roleType")
    assert _only(report, "no_role") == ("users.csv", 5, None)
    assert got["r1"].suggested_role is SuggestedRole.SUPERINTENDENT_DESIGNEE
    assert got["r3"].kind is PersonKind.STUDENT
    assert result.counts["guardian_links"] == 1
    assert (result.counts["staff"], result.counts["student"], result.counts["guardian"]) == (
        1,
        1,
        1,
    )


def test_manifest_problems(make_package: MakePackage) -> None:
    with pytest.raises(PackageError, match="oneroster.version"):
        open_package(make_package(version="1.0"))
    with pytest.raises(PackageError, match="no manifest"):
        open_package(make_package({"manifest.csv": None, "x.csv": "a\n"}))
    report = _validate(make_package(modes={"courses": "bulk", "demographics": "maybe"}))
    assert _only(report, "missing_file") == ("courses.csv", None, None)
    assert _only(report, "manifest_value") == ("manifest.csv", None, "file.demographics")


def test_issue_storage_is_capped_per_code(make_package: MakePackage) -> None:
    bad = "".join(f"x{i},active,,true,org-n,wizard,x,,A,B,,,,,,,,\n" for i in range(250))
    path = make_package({"users.csv": USERS_11 + bad})
    with open_package(path, report=Report(cap_per_code=10)) as pkg:
        list(pkg.users())
        report = pkg.report
    assert report.count("unknown_role") == 250
    assert len([i for i in report.issues if i.code == "unknown_role"]) == 10
    assert report.truncated() == {"unknown_role": 240}
    assert "Tess" not in str(report.issues) and "t1@x.org" not in str(report.issues)


def test_courses_and_a_1p2_primary_org_are_not_relied_on_so_their_problems_are_warnings(
    make_package: MakePackage,
) -> None:
    # Chalkline imports no courses, and 1.2 affiliations come from roles.csv
    courses = (
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
        "orgSourcedId,subjects,subjectCodes\n"
        "crs1,active,2024-01-02,,,ALG,,org-gone,,\n"
    )
    users = (
        "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,"
        "primaryOrgSourcedId\nt1,active,,true,t1,T,One,org-gone\n"
    )
    roles = (
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
        "orgSourcedId\nr1,active,,t1,primary,teacher,,,org-n\n"
    )
    path = make_package(
        {
            "courses.csv": courses,
            "users.csv": users,
            "roles.csv": roles,
            "enrollments.csv": None,
            "classes.csv": None,
        },
        version="1.2",
    )
    with open_package(path) as pkg:
        result = validate_package(pkg)
    report = result.report
    assert result.ok, report.errors()
    found = {(i.file, i.line, i.column): i for i in report.issues if i.code != "unknown_column"}
    assert found[("courses.csv", 2, "title")].code == "missing_value"
    assert found[("courses.csv", 2, "orgSourcedId")].code == "dangling_ref"
    assert found[("users.csv", 2, "primaryOrgSourcedId")].code == "dangling_ref"
    assert all(i.severity is Severity.WARNING for i in found.values())


def test_a_class_whose_course_is_missing_is_a_warning(make_package: MakePackage) -> None:
    courses = "sourcedId,status,dateLastModified,title,orgSourcedId\ncrs9,active,,Geo,org-n\n"
    with open_package(make_package({"courses.csv": courses})) as pkg:
        result = validate_package(pkg)
    assert result.ok, result.report.errors()
    (issue,) = [i for i in result.report.issues if i.code == "dangling_ref"]
    assert (issue.severity, issue.file, issue.line, issue.column) == (
        Severity.WARNING,
        "classes.csv",
        2,
        "courseSourcedId",
    )
