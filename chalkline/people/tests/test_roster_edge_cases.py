"""Roster edge cases, with real CSV rows in a generated package, on SQLite and PostgreSQL: a NUL
character is an error on its field (never an internal error, never stored); a name longer than
the directory keeps is cut with a warning naming the file, line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalkline.lib.oneroster.csvstream import NAME_MAX_LENGTH
from chalkline.people import services
from chalkline.people.models import District, ImportBatch, Person
from chalkline.people.tests.roster_fixtures import USERS_HEADER, PackageMaker, users
from conftest import make_district


@pytest.fixture
def district(db: Any) -> District:
    return make_district("springfield", "Springfield SD")


def run(district: District, path: Path) -> ImportBatch:
    batch = services.start_directory_import(
        district=district, package_path=str(path), source_name=path.name, by=None, enqueue=False
    )
    return services.run_directory_import(batch_id=batch.pk)


def row(sid: str, given: str, family: str = "Stu") -> str:
    return f"{sid},active,2024-01-02,true,org-n,student,{sid},,{given},{family},,,,,,,,,,\n"


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_a_nul_in_a_name_is_an_error_on_the_field_and_nothing_is_applied(
    district: District, tmp_path: Path, quoted: bool
):
    given = '"Sa\x00m"' if quoted else "Sa\x00m"
    package = PackageMaker(tmp_path)({"users.csv": users("t1", "p1", extra=row("s9", given))})
    batch = run(district, package)
    assert batch.status == ImportBatch.Status.FAILED
    assert "internal error" not in batch.message
    errors = [i for i in batch.issues if i["code"] == "nul_character"]
    assert errors == [
        {
            "severity": "error",
            "code": "nul_character",
            "file": "users.csv",
            "line": 4,
            "column": "givenName",
            "message": "the value contains a NUL character (byte 0x00); the row is refused",
            "sourced_id": "s9",
        }
    ]
    assert not Person.objects.filter(district=district).exists()


def test_a_nul_in_the_staff_csv_is_an_error_on_the_field(district: District, tmp_path: Path):
    staff = tmp_path / "staff.csv"
    staff.write_bytes(
        b"employee_id,given_name,family_name,email,building_codes,job_title,employment_status\n"
        b"E1,Ann,Bu\x00s,,NHS,Driver,active\n"
    )
    batch = services.start_directory_import(
        district=district,
        staff_csv_path=str(staff),
        source_name="staff.csv",
        by=None,
        enqueue=False,
    )
    batch = services.run_directory_import(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.FAILED
    found = {(i["code"], i["line"], i["column"]) for i in batch.issues}
    assert ("nul_character", 2, "family_name") in found


def test_a_name_longer_than_the_column_is_kept_cut_with_a_warning(
    district: District, tmp_path: Path
):
    long_name = "A" * (NAME_MAX_LENGTH + 20)
    package = PackageMaker(tmp_path)(
        {"users.csv": USERS_HEADER + row("s9", "Sam", long_name), "enrollments.csv": None}
    )
    batch = run(district, package)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    warning = next(i for i in batch.issues if i["code"] == "too_long")
    assert (warning["file"], warning["line"], warning["column"]) == ("users.csv", 2, "familyName")
    assert warning["sourced_id"] == "s9"
    assert "120 characters" in warning["message"]
    person = Person.objects.get(district=district, sourced_id="s9")
    assert person.family_name == "A" * NAME_MAX_LENGTH


def test_the_readers_limit_is_the_directorys_column_length():
    for field in ("given_name", "family_name", "preferred_name"):
        assert getattr(Person._meta.get_field(field), "max_length", None) == NAME_MAX_LENGTH
