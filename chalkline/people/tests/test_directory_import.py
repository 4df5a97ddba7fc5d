"""The directory import, through the command, the service and HTTP (issue 3)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.people import services
from chalkline.people.models import (
    Affiliation,
    Building,
    District,
    Enrollment,
    GuardianLink,
    ImportBatch,
    ImportLock,
    Membership,
    Person,
    RoleSuggestion,
    RosterOrg,
    SchoolClass,
    User,
)
from chalkline.people.services import directory_import
from chalkline.people.tests.roster_fixtures import (
    CLASSES,
    ENR_HEADER,
    ENROLLMENTS,
    ORGS,
    SAMPLES,
    USERS_HEADER,
    PackageMaker,
    directory_snapshot,
    users,
)
from conftest import World, make_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_package(tmp_path: Path) -> PackageMaker:
    return PackageMaker(tmp_path)


@pytest.fixture
def district() -> District:
    return make_district("springfield", "Springfield SD")


def run(district: District, path: Path, **kwargs: Any) -> ImportBatch:
    # these small packages deactivate 1 of 5 people (20%): past the share guard, which has its
    # own tests (test_leavers.py)
    kwargs.setdefault("confirm_deactivations", True)
    batch = services.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        by=None,
        enqueue=False,
        **kwargs,
    )
    return services.run_directory_import(batch_id=batch.pk)


def people(district: District) -> dict[str, Person]:
    return {p.sourced_id: p for p in Person.objects.filter(district=district)}


# --- the happy path ---------------------------------------------------------------------------


def test_a_bulk_package_builds_the_directory(district: District, make_package: PackageMaker):
    out = io.StringIO()
    call_command(
        "import_roster", str(make_package(as_zip=True)), district="springfield", stdout=out
    )
    batch = ImportBatch.objects.get(district=district)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert batch.version == "1.1"
    # buildings: the district office and both schools, with levels from their names
    levels = dict(Building.objects.filter(district=district).values_list("sourced_id", "level"))
    assert levels == {"org-d": "office", "org-n": "high", "org-e": "elementary"}
    assert Building.objects.get(sourced_id="org-n").code == "NHS"
    assert RosterOrg.objects.filter(district=district).count() == 3
    found = people(district)
    assert {k: p.kind for k, p in found.items()} == {
        "t1": "staff",
        "p1": "staff",
        "s1": "student",
        "s2": "student",
        "g1": "guardian",
    }
    s1, s2 = found["s1"], found["s2"]
    assert (s1.directory_opt_out, s1.media_release) == (True, False)
    assert (s2.directory_opt_out, s2.media_release) == (False, True)
    assert s1.grade == "10"
    assert GuardianLink.objects.filter(guardian=found["g1"], student=s1, active=True).exists()
    assert Affiliation.objects.get(person=found["t1"]).job_title == "Teacher"
    school_class = SchoolClass.objects.get(district=district, sourced_id="c1")
    assert school_class.building and school_class.building.sourced_id == "org-n"
    roster = dict(school_class.enrollments.values_list("person__sourced_id", "role"))
    assert roster == {"s1": "student", "t1": "teacher"}
    # every row carries the batch id; one audit event for the whole batch, with the counts
    assert {p.import_batch_id for p in found.values()} == {batch.pk}
    assert set(Enrollment.objects.values_list("import_batch_id", flat=True)) == {batch.pk}
    events = AuditEvent.objects.filter(district=district, action="directory.imported")
    assert events.count() == 1
    assert json.loads(events.get().after)["counts"]["students"]["created"] == 2
    assert batch.counts["enrollments"]["created"] == 2
    # the summary on the terminal
    text = out.getvalue()
    assert "created" in text and "students" in text and "0 error(s)" in text
    # the batch references have no database constraint (see ImportBatch); the ORM still refuses
    # to delete a batch that rows point at
    with pytest.raises(ProtectedError):
        batch.delete()
    assert ImportBatch.objects.filter(pk=batch.pk).exists()


def test_passwords_never_reach_the_database(district: District, make_package: PackageMaker):
    batch = run(district, make_package())
    for row in Person.objects.values_list():
        assert "hunter2secret" not in repr(row)
    assert any(i["code"] == "credentials_never_read" for i in batch.issues)


@pytest.mark.parametrize("reread", [False, True], ids=["identical-files", "every-row-compared"])
def test_reimporting_the_same_package_changes_nothing(
    district: District, make_package: PackageMaker, reread: bool
):
    path = make_package()
    first = run(district, path)
    before = directory_snapshot()
    again = run(district, path, reread=reread)
    assert again.status == ImportBatch.Status.SUCCEEDED
    assert "Nothing changed" in again.message
    assert directory_snapshot() == before
    for entity, per in again.counts.items():
        assert per["created"] == per["updated"] == per["deactivated"] == 0, entity
    assert again.counts["students"]["unchanged"] == 2
    assert again.counts["enrollments"]["unchanged"] == 2
    assert again.fingerprint == first.fingerprint != ""
    # without --reread the rows are not read again, and the batch says which import it matches
    assert again.identical_to_id == (None if reread else first.pk)
    assert again.issue_counts == first.issue_counts


def test_the_identical_path_and_the_full_comparison_report_the_same_counts(
    district: District, make_package: PackageMaker
):
    path = make_package()
    first = run(district, path)
    skipped = run(district, path)  # derived from the first import's counts
    compared = run(district, path, reread=True)  # every row read and compared
    assert skipped.identical_to_id == first.pk
    assert skipped.counts == compared.counts
    assert skipped.counts["affiliations"]["unchanged"] == first.counts["affiliations"]["created"]
    event = (
        AuditEvent.objects.filter(action="directory.imported", target_id=str(skipped.pk))
        .order_by("-seq")
        .first()
    )
    assert event is not None and event.after_data["identical_to"] == first.pk


def test_a_rezipped_package_with_the_same_content_is_identical(
    district: District, make_package: PackageMaker, tmp_path: Path
):
    path = make_package(as_zip=True)
    first = run(district, path)
    # the same CSVs in another order, stored uncompressed, with other timestamps
    rezipped = tmp_path / "nightly.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rezipped, "w", zipfile.ZIP_STORED) as dst:
        for info in reversed(src.infolist()):
            dst.writestr(zipfile.ZipInfo(info.filename, (2031, 1, 2, 3, 4, 6)), src.read(info))
    again = run(district, rezipped)
    assert again.identical_to_id == first.pk
    assert "identical to import" in again.message


def test_one_changed_byte_is_read_and_applied(district: District, make_package: PackageMaker):
    run(district, make_package())
    changed = make_package({"users.csv": users("t1", "p1", "s1", "s2", "g1").replace("Ada", "Ida")})
    batch = run(district, changed)
    assert batch.identical_to_id is None
    assert batch.counts["students"]["updated"] == 1
    assert Person.objects.filter(district=district, given_name="Ida").exists()


def test_identical_to_an_older_import_is_still_read_when_another_came_between(
    district: District, make_package: PackageMaker
):
    a = make_package()
    run(district, a)
    b = make_package({"users.csv": users("t1", "p1", "s1", "g1")})  # s2 leaves
    run(district, b)
    back = run(district, a)  # the files of the first import, but the directory has moved on
    assert back.identical_to_id is None
    assert back.counts["students"]["reactivated"] == 1
    assert Person.objects.get(district=district, sourced_id="s2").active


def test_a_dry_run_of_identical_files_says_so_and_records_nothing(
    district: District, make_package: PackageMaker
):
    path = make_package()
    first = run(district, path)
    events = AuditEvent.objects.count()
    dry = run(district, path, dry_run=True)
    assert dry.identical_to_id == first.pk
    assert dry.message.startswith("Dry run: nothing was written. Nothing changed")
    assert AuditEvent.objects.count() == events
    # a dry run is not an applied import: the next identical import still matches the first
    assert run(district, path).identical_to_id == first.pk


def test_a_1p2_fingerprint_depends_on_the_date(district: District, make_package: PackageMaker):
    """A 1.2 role's end date is compared with today, so the same files may mean another
    directory tomorrow: their fingerprint carries the date."""
    from chalkline.lib.oneroster import open_package

    path = make_package(version="1.2")
    batch = ImportBatch(district=district, package_path=str(path))
    with open_package(path) as pkg:
        today = directory_import._fingerprint(batch, pkg)
        with pytest.MonkeyPatch.context() as mp:
            tomorrow = timezone.localdate() + timedelta(days=1)
            mp.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
            assert directory_import._fingerprint(batch, pkg) != today


def test_a_person_missing_from_a_bulk_file_is_deactivated_then_reactivated(
    district: District, make_package: PackageMaker
):
    first = run(district, make_package())
    second = run(
        district,
        make_package({"users.csv": users("t1", "p1", "s1", "g1"), "enrollments.csv": ENROLLMENTS}),
    )
    s2 = Person.objects.get(district=district, sourced_id="s2")
    assert not s2.active
    assert s2.deactivation_reason == f"Not in the bulk users file of import #{second.pk}"
    assert s2.import_batch_id == second.pk
    assert second.counts["students"]["deactivated"] == 1
    third = run(district, make_package())
    s2.refresh_from_db()
    assert s2.active and s2.deactivation_reason == ""
    assert third.counts["students"]["reactivated"] == 1
    assert Person.objects.filter(district=district).count() == 5  # never deleted
    assert first.pk < second.pk < third.pk


def test_a_delta_tobedeleted_deactivates_and_other_rows_stay(
    district: District, make_package: PackageMaker
):
    run(district, make_package())
    delta_users = USERS_HEADER + (
        "s2,tobedeleted,2024-02-01,true,org-e,student,s2,,Ada,Stu,,S200,,,,,03,,,\n"
        "t2,active,2024-02-01,true,org-e,teacher,t2,,Tim,New,,E300,t2@x.org,,,,,,,\n"
    )
    delta_enr = ENR_HEADER + "e1,tobedeleted,2024-02-01,c1,org-n,s1,student,false,,\n"
    batch = run(
        district,
        make_package(
            {
                "orgs.csv": None,
                "classes.csv": None,
                "users.csv": delta_users,
                "enrollments.csv": delta_enr,
            },
            modes={"users": "delta", "enrollments": "delta"},
        ),
    )
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.issues
    found = people(district)
    assert not found["s2"].active
    assert found["s2"].deactivation_reason == f"Marked tobedeleted by import #{batch.pk}"
    assert found["t2"].active and found["s1"].active and found["t1"].active
    e1 = Enrollment.objects.get(sourced_id="e1")
    assert not e1.active
    assert Enrollment.objects.get(sourced_id="e2").active
    assert batch.counts["staff"]["created"] == 1
    assert batch.counts["enrollments"]["deactivated"] == 1


def test_a_delta_reference_to_nothing_is_refused(district: District, make_package: PackageMaker):
    run(district, make_package())
    before = directory_snapshot()
    delta_enr = ENR_HEADER + "e9,active,2024-02-01,c1,org-n,nobody,student,false,,\n"
    batch = run(
        district,
        make_package(
            {
                "orgs.csv": None,
                "classes.csv": None,
                "users.csv": None,
                "enrollments.csv": delta_enr,
            },
            modes={"enrollments": "delta"},
        ),
    )
    assert batch.status == ImportBatch.Status.FAILED
    errors = [i for i in batch.issues if i["severity"] == "error"]
    assert errors[0]["code"] == "dangling_ref"
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == (
        "enrollments.csv",
        2,
        "userSourcedId",
    )
    assert directory_snapshot() == before


def test_dry_run_reports_and_writes_nothing(district: District, make_package: PackageMaker):
    out = io.StringIO()
    call_command(
        "import_roster", str(make_package()), district="springfield", dry_run=True, stdout=out
    )
    assert Person.objects.filter(district=district).count() == 0
    batch = ImportBatch.objects.get(district=district)
    assert batch.dry_run and batch.status == ImportBatch.Status.SUCCEEDED
    assert batch.counts["students"]["created"] == 2
    assert "Dry run" in batch.message
    assert not AuditEvent.objects.filter(action="directory.imported").exists()


def test_a_failure_while_applying_rolls_everything_back(
    district: District, make_package: PackageMaker, monkeypatch: pytest.MonkeyPatch
):
    run(district, make_package())
    before = directory_snapshot()
    from chalkline.people import roster_import

    def boom(self: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(roster_import.Applier, "apply_enrollments", boom)
    batch = run(district, make_package({"users.csv": users("t1", "s1", "g1")}))
    assert batch.status == ImportBatch.Status.FAILED
    assert "internal error (RuntimeError)" in batch.message
    assert directory_snapshot() == before  # people were deactivated, then rolled back
    assert AuditEvent.objects.filter(action="directory.import_failed", target_id=str(batch.pk))
    assert ImportLock.objects.get(district=district).batch_id is None


# --- every published sample -------------------------------------------------------------------

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples missing")


@needs_samples
@pytest.mark.parametrize(
    ("sample", "students", "staff"),
    [
        ("catalyst-moodle/Test_full_data_set.zip", 3, 2),
        ("catalyst-moodle/Test_minimal_data_set.zip", 3, 2),
        ("catalyst-moodle/oneroster_test_data.zip", 1, 0),
        ("oat-sa-1p1", 2, 0),
    ],
)
def test_every_sample_imports_with_a_sensible_report(
    district: District, sample: str, students: int, staff: int
):
    batch = run(district, SAMPLES / sample)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.issues
    assert batch.error_count == 0
    assert batch.counts["students"]["created"] == students
    assert batch.counts["staff"]["created"] == staff
    for issue in batch.issues:
        assert issue["file"]
    again = run(district, SAMPLES / sample)
    assert "Nothing changed" in again.message


@needs_samples
def test_the_full_sample_links_its_one_real_guardian(district: District):
    batch = run(district, SAMPLES / "catalyst-moodle/Test_full_data_set.zip")
    assert GuardianLink.objects.filter(active=True).count() == 1
    codes = {i["code"] for i in batch.issues}
    assert "odd_agent_pair" in codes  # a student listing a teacher: warned, no link


@needs_samples
def test_the_messy_1p2_sample_imports_with_a_warning_for_its_day_first_modified_date(
    district: District,
):
    run(district, SAMPLES / "catalyst-moodle/Test_full_data_set.zip")
    batch = run(district, SAMPLES / "catalyst-moodle/v1p2_full_dataset.zip")
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.issues
    assert batch.version == "1.2"
    assert batch.error_count == 0
    (day_first,) = [i for i in batch.issues if "15/06/2023" in i["message"]]
    assert day_first["severity"] == "warning"
    assert (day_first["file"], day_first["line"], day_first["column"]) == (
        "users.csv",
        7,
        "dateLastModified",
    )
    assert people(district)["usr-222-567891"].active  # the row with that date imported


# --- bad input: a clear error, and the directory untouched ------------------------------------


def _zip_bomb(root: Path) -> Path:
    path = root / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.csv", "propertyName,value\noneroster.version,1.1\nfile.users,bulk\n")
        zf.writestr("users.csv", USERS_HEADER + " " * (300 * 1024 * 1024))
    return path


def _climbing_zip(root: Path) -> Path:
    path = root / "climb.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.csv", "propertyName,value\noneroster.version,1.1\n")
        zf.writestr("../evil.csv", "x")
    return path


BAD = {
    "wrong_delimiter": ({"orgs.csv": ORGS.replace(",", ";")}, "delimiter"),
    "missing_required_column": (
        {"classes.csv": CLASSES.replace("schoolSourcedId", "school")},
        "missing_column",
    ),
    "duplicate_sourced_id": (
        {"users.csv": users("t1", "p1", "s1", "s2", "g1", "s1")},
        "duplicate_id",
    ),
    "dangling_org": (
        {"users.csv": users("t1", "p1", "s1", "s2", "g1").replace("org-e", "org-x")},
        "dangling_ref",
    ),
    "unknown_role": (
        {"users.csv": users("t1", "p1", "s1", "s2", "g1").replace("parent", "wizard")},
        "unknown_role",
    ),
    "invalid_date": (
        {"enrollments.csv": ENROLLMENTS.replace("2024-08-20", "2024-13-45")},
        "bad_date",
    ),
    "non_utf8": (
        {"users.csv": users("t1", "p1", "s1", "s2", "g1").encode().replace(b"Ada", b"Ad\xe9")},
        "encoding",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_fails_the_batch_and_changes_nothing(
    district: District, make_package: PackageMaker, case: str
):
    run(district, make_package())
    before = directory_snapshot()
    files, _expected = BAD[case]
    batch = run(district, make_package(files))  # type: ignore[arg-type]
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error_count >= 1
    error = next(i for i in batch.issues if i["severity"] == "error")
    assert error["file"].endswith(".csv")
    assert error["message"]
    assert directory_snapshot() == before
    assert ImportLock.objects.get(district=district).batch_id is None


def test_a_dangling_agent_is_a_warning_and_makes_no_link(
    district: District, make_package: PackageMaker
):
    text = users("t1", "p1", "s1", "s2", "g1").replace(",g1,10,", ",g9,10,")
    batch = run(district, make_package({"users.csv": text}))
    assert batch.status == ImportBatch.Status.SUCCEEDED
    warning = next(i for i in batch.issues if i["code"] == "dangling_ref")
    assert (warning["file"], warning["column"]) == ("users.csv", "agentSourcedIds")
    assert not GuardianLink.objects.exists()


@pytest.mark.parametrize("maker", [_zip_bomb, _climbing_zip])
def test_hostile_zips_fail_the_batch_with_the_message(
    district: District, make_package: PackageMaker, tmp_path: Path, maker: Any
):
    run(district, make_package())
    before = directory_snapshot()
    batch = run(district, maker(tmp_path))
    assert batch.status == ImportBatch.Status.FAILED
    assert "zip" in batch.message.lower() or ".." in batch.message
    assert directory_snapshot() == before


def test_a_bad_package_through_the_command_exits_with_an_error(
    district: District, make_package: PackageMaker
):
    with pytest.raises(CommandError, match="failed"):
        call_command(
            "import_roster",
            str(make_package({"orgs.csv": ORGS.replace(",", "\t")})),
            district="springfield",
            stdout=io.StringIO(),
        )
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


# --- one import at a time ---------------------------------------------------------------------


def test_two_imports_for_one_district_never_run_at_once(
    district: District, make_package: PackageMaker
):
    path = make_package()
    first = services.start_directory_import(
        district=district, package_path=str(path), source_name="a", by=None, enqueue=False
    )
    with pytest.raises(services.ImportBusyError, match="already running"):
        services.start_directory_import(
            district=district, package_path=str(path), source_name="b", by=None, enqueue=False
        )
    with pytest.raises(CommandError, match="already running"):
        call_command("import_roster", str(path), district="springfield", stdout=io.StringIO())
    # another district is not blocked
    other = make_district()
    run(other, path)
    services.run_directory_import(batch_id=first.pk)
    assert run(district, path).status == ImportBatch.Status.SUCCEEDED


def test_a_stale_claim_is_taken_over_and_its_batch_marked_failed(
    district: District, make_package: PackageMaker
):
    path = make_package()
    stuck = services.start_directory_import(
        district=district, package_path=str(path), source_name="a", by=None, enqueue=False
    )
    ImportLock.objects.filter(district=district).update(
        claimed_at=timezone.now() - timedelta(hours=3)
    )
    assert run(district, path).status == ImportBatch.Status.SUCCEEDED
    stuck.refresh_from_db()
    assert stuck.status == ImportBatch.Status.FAILED
    assert "Abandoned" in stuck.message


# --- supplemental staff CSV -------------------------------------------------------------------

STAFF_HEADER = "employee_id,given_name,family_name,email,building_codes,job_title,employment_status,hire_date\n"


def test_staff_csv_merges_with_roster_staff_without_duplicates(
    district: District, make_package: PackageMaker, tmp_path: Path
):
    run(district, make_package())
    staff = tmp_path / "staff.csv"
    staff.write_text(
        STAFF_HEADER + "E100,Tess,Teach,,NHS,Math teacher,active,2019-08-01\n"
        "E900,Casey,Ortiz,cortiz@x.org,NHS;ELM,Custodian,active,2020-01-02\n"
        "E901,Lee,Park,p1@x.org,ELM,Principal,active,\n"
        "E902,Dana,Reyes,,NHS,Driver,retired,2004-08-20\n"
    )
    call_command("import_staff", str(staff), district="springfield", stdout=io.StringIO())
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.issues
    staff_people = Person.objects.filter(district=district, kind="staff")
    assert staff_people.count() == 4  # t1, p1 merged (by id, by email); Casey and Dana added
    t1 = staff_people.get(sourced_id="t1")
    assert str(t1.hire_date) == "2019-08-01"
    assert staff_people.get(email="p1@x.org").sourced_id == "p1"  # merged by email
    casey = staff_people.get(identifier="E900")
    assert set(casey.affiliations.values_list("building__code", flat=True)) == {"NHS", "ELM"}
    dana = staff_people.get(identifier="E902")
    assert not dana.active and "retired" in dana.deactivation_reason
    # a later OneRoster import adopts Casey by employee id instead of duplicating her
    extra = "t9,active,2024-01-02,true,org-n,aide,t9,,Casey,Ortiz,,E900,,,,,,,,\n"
    run(district, make_package({"users.csv": users("t1", "p1", "s1", "s2", "g1", extra=extra)}))
    assert Person.objects.filter(district=district, identifier="E900").count() == 1
    assert Person.objects.get(identifier="E900").sourced_id == "t9"


def test_staff_csv_with_an_unknown_building_is_refused(
    district: District, make_package: PackageMaker, tmp_path: Path
):
    run(district, make_package())
    before = directory_snapshot()
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_HEADER + "E900,Casey,Ortiz,,NHS;ZZZ,Custodian,active,\n")
    with pytest.raises(CommandError):
        call_command("import_staff", str(staff), district="springfield", stdout=io.StringIO())
    batch = ImportBatch.objects.latest("pk")
    error = batch.issues[-1]
    assert (error["code"], error["line"], error["column"]) == (
        "unknown_building",
        2,
        "building_codes",
    )
    assert directory_snapshot() == before


def test_import_roster_with_a_staff_csv_in_one_batch(
    district: District, make_package: PackageMaker, tmp_path: Path
):
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_HEADER + "E900,Casey,Ortiz,,NHS,Custodian,active,\n")
    call_command(
        "import_roster",
        str(make_package()),
        district="springfield",
        staff_csv=str(staff),
        stdout=io.StringIO(),
    )
    batch = ImportBatch.objects.get()
    assert batch.counts["staff"]["created"] == 3
    assert AuditEvent.objects.filter(action="directory.imported").count() == 1


# --- SIS roles are only suggestions -----------------------------------------------------------


def test_an_administrator_gets_a_suggestion_and_no_power(
    district: District, make_package: PackageMaker
):
    run(district, make_package())
    suggestion = RoleSuggestion.objects.get(district=district)
    assert (suggestion.person.sourced_id, suggestion.role) == ("p1", "principal")
    assert suggestion.building and suggestion.building.sourced_id == "org-n"
    assert not Membership.objects.filter(district=district).exists()
    assert not User.objects.filter(person=suggestion.person).exists()
    run(district, make_package())
    assert RoleSuggestion.objects.filter(district=district).count() == 1


def test_hr_confirms_a_suggestion_over_http(world: World, make_package: PackageMaker):
    run(world.district, make_package())
    suggestion = RoleSuggestion.objects.get(district=world.district)
    client = Client()
    client.force_login(world.users["hr"])
    page = client.get(reverse("people:role_suggestions"))
    assert page.status_code == 200 and "Pria Prince" in page.content.decode()
    response = client.post(
        reverse("people:role_suggestion_decide", args=[suggestion.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    user = User.objects.get(person=suggestion.person)
    assert user.username == "p1@x.org" and not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.building_id) == ("principal", suggestion.building_id)
    event = AuditEvent.objects.get(action="directory.role_confirmed")
    assert json.loads(event.after)["account_created"] is True
    again = client.post(
        reverse("people:role_suggestion_decide", args=[suggestion.pk]), {"decision": "confirm"}
    )
    assert again.status_code == 302
    assert Membership.objects.filter(user=user).count() == 1


def test_dismissing_a_suggestion_grants_nothing(world: World, make_package: PackageMaker):
    run(world.district, make_package())
    suggestion = RoleSuggestion.objects.get(district=world.district)
    client = Client()
    client.force_login(world.users["superintendent"])
    client.post(
        reverse("people:role_suggestion_decide", args=[suggestion.pk]), {"decision": "dismiss"}
    )
    suggestion.refresh_from_db()
    assert suggestion.status == RoleSuggestion.Status.DISMISSED
    assert not User.objects.filter(person=suggestion.person).exists()


# --- the web upload ---------------------------------------------------------------------------


def test_hr_uploads_a_package_and_sees_the_report(
    world: World,
    make_package: PackageMaker,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = Client()
    client.force_login(world.users["hr"])
    assert client.get(reverse("people:imports")).status_code == 200
    data = make_package(as_zip=True).read_bytes()
    upload = io.BytesIO(data)
    upload.name = "export.zip"
    # the world's people are not in this package: the bulk file deactivates all of them
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:import_upload"), {"package": upload, "confirm_deactivations": "on"}
        )
    assert response.status_code == 302
    batch = ImportBatch.objects.get(district=world.district)
    assert response["Location"] == reverse("people:import_detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert batch.created_by == world.users["hr"]
    assert batch.package_path == ""  # the upload is deleted once imported
    assert not any((tmp_path / "media").rglob("*.zip"))
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page and "Students" in page and "never read" in page
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="import-status"')
    csv_report = client.get(reverse("people:import_report", args=[batch.pk]) + "?format=csv")
    assert csv_report["Content-Type"].startswith("text/csv")
    assert "students.created,,,,2" in csv_report.content.decode().replace("\r", "")
    txt = client.get(reverse("people:import_report", args=[batch.pk]) + "?format=txt")
    assert "Chalkline directory import" in txt.content.decode()
    history = client.get(reverse("people:imports")).content.decode()
    assert "export.zip" in history


def test_a_running_import_shows_a_progress_bar_with_a_real_link(world: World):
    batch = ImportBatch.objects.create(
        district=world.district,
        source_name="x.zip",
        status=ImportBatch.Status.RUNNING,
        phase="Reading users",
        progress_done=1,
        progress_total=4,
    )
    client = Client()
    client.force_login(world.users["designee"])
    page = client.get(reverse("people:import_detail", args=[batch.pk])).content.decode()
    assert '<progress id="import-progress" max="100" value="25">' in page
    assert '<label for="import-progress">Reading users</label>' in page
    assert 'hx-trigger="every 2s"' in page
    assert f'href="{reverse("people:import_detail", args=[batch.pk])}"' in page


def test_uploading_while_an_import_runs_says_so(
    world: World, make_package: PackageMaker, settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    services.start_directory_import(
        district=world.district, package_path="/nope.zip", source_name="a", by=None, enqueue=False
    )
    client = Client()
    client.force_login(world.users["hr"])
    upload = io.BytesIO(make_package(as_zip=True).read_bytes())
    upload.name = "export.zip"
    response = client.post(reverse("people:import_upload"), {"package": upload})
    assert response.status_code == 409
    assert "already running" in response.content.decode()
    assert not any((tmp_path / "media").rglob("*.zip"))


def test_the_upload_form_refuses_other_files(world: World):
    client = Client()
    client.force_login(world.users["hr"])
    upload = io.BytesIO(b"hello")
    upload.name = "notes.txt"
    response = client.post(reverse("people:import_upload"), {"package": upload})
    assert response.status_code == 400
    assert "Choose a .zip file" in response.content.decode()
    assert not ImportBatch.objects.exists()


# --- directory pages --------------------------------------------------------------------------


def test_building_tabs_classes_and_person_links(world: World, make_package: PackageMaker):
    run(world.district, make_package())
    north = Building.objects.get(district=world.district, sourced_id="org-n")
    client = Client()
    client.force_login(world.users["hr"])
    url = reverse("people:building", args=[north.pk])
    assert "Sam" in client.get(url + "?tab=students").content.decode()
    classes = client.get(url + "?tab=classes").content.decode()
    school_class = SchoolClass.objects.get(sourced_id="c1")
    assert reverse("people:class", args=[school_class.pk]) in classes
    detail = client.get(reverse("people:class", args=[school_class.pk])).content.decode()
    assert "Tess" in detail and "Sam" in detail
    s1 = Person.objects.get(district=world.district, sourced_id="s1")
    person = client.get(reverse("people:person", args=[s1.pk])).content.decode()
    assert "Algebra" in person and "Gil Guard" in person
    assert reverse("people:building", args=[north.pk]) in person


def test_students_stay_hidden_from_roles_without_view_students(
    world: World, make_package: PackageMaker
):
    run(world.district, make_package())
    north = Building.objects.get(district=world.district, sourced_id="org-n")
    school_class = SchoolClass.objects.get(sourced_id="c1")
    client = Client()
    client.force_login(world.users["union_rep"])
    url = reverse("people:building", args=[north.pk])
    assert client.get(url + "?tab=students").status_code == 403
    assert "?tab=students" not in client.get(url).content.decode()
    detail = client.get(reverse("people:class", args=[school_class.pk])).content.decode()
    assert "Tess" in detail and "Sam" not in detail


def test_files_the_importer_never_reads_do_not_count_but_an_importer_upgrade_does(
    district: District, make_package: PackageMaker, monkeypatch: pytest.MonkeyPatch
):
    profiles = "sourcedId,userSourcedId,credentialType,password\nup1,s1,x,{}\n"
    first = run(district, make_package({"userProfiles.csv": profiles.format("hunter2")}))
    # userProfiles can carry credentials: never opened, so a new password there cannot make the
    # files "different" (the manifest, which lists it, is the same)
    same = run(district, make_package({"userProfiles.csv": profiles.format("hunter3")}))
    assert same.identical_to_id == first.pk
    monkeypatch.setattr(directory_import, "IMPORTER_VERSION", directory_import.IMPORTER_VERSION + 1)
    upgraded = run(district, make_package({"userProfiles.csv": profiles.format("hunter3")}))
    assert upgraded.identical_to_id is None  # read again once with the new importer


def test_an_import_whose_report_was_never_written_still_counts_as_applied(
    district: District, make_package: PackageMaker, monkeypatch: pytest.MonkeyPatch
):
    """The batch is marked applied in the apply transaction: a worker that dies after the commit
    leaves a batch the next import compares with, not one that looks as if it changed nothing."""
    a, b = make_package(), make_package({"users.csv": users("t1", "p1", "s1", "g1")})
    run(district, a)

    def crash(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("the worker died")

    with monkeypatch.context() as m:
        m.setattr(directory_import, "_summary_message", crash)
        with pytest.raises(RuntimeError):
            run(district, b)
    crashed = ImportBatch.objects.order_by("-pk").first()
    assert crashed is not None and crashed.status == ImportBatch.Status.SUCCEEDED
    assert not Person.objects.get(district=district, sourced_id="s2").active
    again = run(district, a)  # not identical to the last applied import (b): read and applied
    assert again.identical_to_id is None
    assert Person.objects.get(district=district, sourced_id="s2").active


def test_the_command_reads_identical_files_again_only_with_reread(
    district: District, make_package: PackageMaker
):
    path = make_package()
    for options in ([], [], ["--reread"]):
        call_command(
            "import_roster",
            str(path),
            "--district",
            district.slug,
            *options,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    first, identical, reread = ImportBatch.objects.filter(district=district).order_by("pk")
    assert identical.identical_to_id == first.pk and not identical.reread
    assert reread.reread and reread.identical_to_id is None
    assert "identical to import" in identical.message


@pytest.mark.django_db
def test_roster_tables_keep_the_constraints_that_protect_meaning() -> None:
    """After the migrations (on PostgreSQL migration 0004's short cut, elsewhere Django's
    AlterField), every field that 0004 lists has lost its own index but kept its constraint, and
    every import-batch reference it lists has lost its constraint."""
    import importlib

    from django.db import connection

    migration = importlib.import_module(
        "chalkline.people.migrations.0004_roster_rows_cheaper_to_import"
    )
    with connection.cursor() as cursor:

        def constraints(model: str) -> list[Any]:
            found = connection.introspection.get_constraints(cursor, f"people_{model}")
            return list(found.values())

        for model, field, *_ in migration.UNINDEXED:
            on_column = [c for c in constraints(model) if c["columns"] == [f"{field}_id"]]
            assert any(c["foreign_key"] for c in on_column), (model, field)
            assert not any(
                c["index"] and not (c["unique"] or c["primary_key"] or c["foreign_key"])
                for c in on_column
            ), (model, field)
        for model in migration.BATCH_REFERENCING:
            on_batch = [c for c in constraints(model) if c["columns"] == ["import_batch_id"]]
            assert not any(c["foreign_key"] for c in on_batch), model


def test_an_import_leaves_statistics_on_every_table_it_filled(
    district: District, make_package: PackageMaker
):
    """ANALYZE runs after the last rows of people, buildings, classes, affiliations, guardian
    links and enrollments are added, so the queries that follow an import (the screening
    roster index reads every link) are planned from the rows, not from an empty table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        batch = run(district, make_package(as_zip=True))
    assert batch.status == ImportBatch.Status.SUCCEEDED
    sql = [q["sql"] for q in ctx.captured_queries]
    tables = {
        "person": Person._meta.db_table,
        "building": Building._meta.db_table,
        "class": SchoolClass._meta.db_table,
        "affiliation": Affiliation._meta.db_table,
        "link": GuardianLink._meta.db_table,
        "enrollment": Enrollment._meta.db_table,
    }
    for name, table in tables.items():
        analyzed = [i for i, s in enumerate(sql) if s.strip() == f"ANALYZE {table}"]
        # rows added (later UPDATEs of the same rows do not change what the planner counts)
        inserts = [
            i
            for i, s in enumerate(sql)
            if s.lstrip().upper().startswith("INSERT")
            and (f'"{table}"' in s.split("(")[0] or f" {table} " in s.split("(")[0] + " ")
        ]
        assert analyzed, f"{name} ({table}) is never analyzed"
        assert inserts, f"{name} ({table}) gets no rows: the check proves nothing"
        assert max(analyzed) > max(inserts), f"{name} gets rows after its last ANALYZE"
