"""Every published sample in /work/shared/oneroster-samples reads the way we expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalkline.lib.oneroster import (
    FileMode,
    PersonKind,
    Report,
    Severity,
    Status,
    SuggestedRole,
    guardian_links,
    open_package,
    validate_package,
)

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "oneroster-samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/oneroster-samples")

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the shared OneRoster samples are not at {SAMPLES}"
)


def test_every_sample_is_covered_by_a_test() -> None:
    found = {p.name for p in SAMPLES.glob("*/*.zip")} | {
        p.name for p in SAMPLES.iterdir() if p.is_dir() and (p / "manifest.csv").exists()
    }
    assert found == {
        "Test_full_data_set.zip",
        "Test_minimal_data_set.zip",
        "oneroster_test_data.zip",
        "v1p2_full_dataset.zip",
        "oat-sa-1p1",
    }


def test_full_1p1_set_reads_statuses_and_the_one_real_guardian_link() -> None:
    with open_package(SAMPLES / "catalyst-moodle/Test_full_data_set.zip") as pkg:
        assert pkg.version == "1.1"
        assert pkg.mode("users") is FileMode.BULK
        assert pkg.mode("courses") is FileMode.ABSENT
        result = validate_package(pkg)
        assert result.ok, result.report.errors()
        assert result.counts["users"] == 6
        assert (result.counts["staff"], result.counts["student"], result.counts["guardian"]) == (
            2,
            3,
            1,
        )
        assert result.counts["enrollments"] == 6
        statuses = {s.sourced_id: s.status for s in pkg.academic_sessions(Report())}
        assert statuses["as-grp-222-23456"] is Status.TOBEDELETED
        assert statuses["as-grp-222-2345"] is Status.INACTIVE
        report = result.report
        assert report.count("status") == 1  # 'inactive' is not a 1.1 status
        # students listing teachers as agents, a teacher listing a teacher
        assert report.count("odd_agent_pair") == 4
        links = list(guardian_links(pkg, result.user_kinds, report=Report()))
        assert [(ln.student_sourced_id, ln.guardian_sourced_id) for ln in links] == [
            ("usr-222-66778899", "usr-222-1234561")
        ]
        users = {u.sourced_id: u for u in pkg.users(Report())}
        assert users["usr-222-66778899"].status is Status.ACTIVE  # blank status in bulk
        assert users["usr-222-123456"].enabled is True  # TRUE
        assert not hasattr(users["usr-222-123456"], "password")


def test_minimal_1p1_set_is_clean() -> None:
    with open_package(SAMPLES / "catalyst-moodle/Test_minimal_data_set.zip") as pkg:
        result = validate_package(pkg)
        assert result.ok
        assert result.report.warning_count == 2  # student enrollments of a teacher
        assert result.counts["guardian_links"] == 0
        roles = list(pkg.roles(Report()))
        assert len(roles) == 6
        assert all(r.primary and r.org_sourced_id == "org-sch-222-456" for r in roles)


def test_clean_1p2_delta_skips_demographics_and_user_profiles() -> None:
    with open_package(SAMPLES / "catalyst-moodle/oneroster_test_data.zip") as pkg:
        assert pkg.version == "1.2"
        assert pkg.mode("users") is FileMode.DELTA
        assert sorted(pkg.skipped) == ["demographics.csv", "userProfiles.csv"]
        result = validate_package(pkg)
        assert result.ok
        assert result.report.warning_count == 0
        assert result.report.count("file_skipped") == 2
        (role,) = list(pkg.roles(Report()))
        assert (role.user_sourced_id, role.kind, role.primary) == (
            "USER_0",
            PersonKind.STUDENT,
            True,
        )
        (user,) = list(pkg.users(Report()))
        assert user.role is None and user.kind is None  # 1.2: roles come from roles.csv
        assert user.primary_org_sourced_id is None


def test_messy_1p2_set_maps_typos_and_only_warns_about_a_day_first_modified_date() -> None:
    with open_package(SAMPLES / "catalyst-moodle/v1p2_full_dataset.zip") as pkg:
        assert pkg.skipped == ["userprofiles.csv"]  # mislabelled, manifest blank: never read
        result = validate_package(pkg)
        report = result.report
        assert report.count("header_alias") == 4  # dataLastModified + 3 x preffered*
        assert report.count("date") == 5
        # dateLastModified is not used by Chalkline: '15/06/2023' is a warning, not an error
        assert result.ok, report.errors()
        (day_first,) = [i for i in report.issues if "day-first" in i.message]
        assert day_first.severity is Severity.WARNING
        assert (day_first.file, day_first.line, day_first.column) == (
            "users.csv",
            7,
            "dateLastModified",
        )
        assert day_first.sourced_id == "usr-222-567891"
        assert "value ignored" in day_first.message
        assert report.count("no_primary_role") == 1
        users = {u.sourced_id: u for u in pkg.users(Report())}
        assert users["usr-222-567891"].date_last_modified is None
        assert users["usr-222-123456"].preferred_family_name == ""
        assert users["usr-222-66778899"].preferred_given_name == "MJ"
        assert users["usr-222-123456"].date_last_modified is not None
        assert users["usr-222-123456"].date_last_modified.month == 1
        roles = list(pkg.roles(Report()))
        site_admin = next(r for r in roles if r.role == "siteAdministrator")
        assert site_admin.suggested_role is SuggestedRole.PRINCIPAL
        assert site_admin.kind is PersonKind.STAFF and not site_admin.primary
        # the teacher with a secondary guardian role is linked from the students' rows
        links = list(guardian_links(pkg, result.user_kinds, report=Report()))
        assert {ln.guardian_sourced_id for ln in links} == {"usr-222-123456"}
        assert len(links) == 2


def test_oat_1p1_folder_with_ext_columns_and_odd_column_order() -> None:
    with open_package(SAMPLES / "oat-sa-1p1") as pkg:
        result = validate_package(pkg)
        report = result.report
        assert result.ok, report.errors()
        assert pkg.skipped == ["demographics.csv"]
        assert report.count("credential_column_dropped") == 1
        assert report.count("header_alias") == 5
        assert report.count("missing_value") == 3  # classes without courseSourcedId
        users = list(pkg.users(Report()))
        assert [u.sourced_id for u in users] == ["user1", "user2"]
        assert users[0].extensions == {
            "ext_tao_userMotherName": "metadata.value1",
            "ext_tao_userFatherName": "metadata.value2",
        }
        assert all("Password" not in k for u in users for k in u.extensions)
        (org, _) = list(pkg.orgs(Report()))
        assert org.extensions["metadata.classification"] == "Classification 1"
        assert org.date_last_modified is not None and org.date_last_modified.hour == 8
        assert [c.course_sourced_id for c in pkg.classes(Report())] == ["", "", ""]
