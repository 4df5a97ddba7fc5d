"""A bad value in a column Chalkline does not use is a warning; in one it uses, an error.

Each test mutates one cell of a copy of a real published package (see
/work/shared/oneroster-samples/README.md) and imports it. docs/oneroster.md lists the columns
Chalkline relies on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalkline.people import services
from chalkline.people.models import District, ImportBatch, Person
from chalkline.people.tests.roster_fixtures import SAMPLES, directory_snapshot
from conftest import make_district

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples missing"),
]

FULL_1P1 = SAMPLES / "catalyst-moodle/Test_full_data_set.zip"
MESSY_1P2 = SAMPLES / "catalyst-moodle/v1p2_full_dataset.zip"


@pytest.fixture
def district() -> District:
    return make_district("springfield", "Springfield SD")


def mutated(src: Path, dest: Path, file: str, row: int, column: str, value: str) -> Path:
    """A copy of ``src`` with one cell of ``file`` (data row ``row``, from 1) replaced."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == file:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
                col = [c.lower() for c in rows[0]].index(column.lower())
                rows[row][col] = value
                out = io.StringIO()
                csv.writer(out, lineterminator="\n").writerows(rows)
                data = out.getvalue().encode()
            zout.writestr(info.filename, data)
    return dest


def run(district: District, path: Path, **kwargs: Any) -> ImportBatch:
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


@pytest.mark.parametrize(
    ("file", "row", "column", "value"),
    [
        ("users.csv", 1, "dateLastModified", "15/06/2023"),  # day-first
        ("users.csv", 2, "enabledUser", "maybe"),
        ("enrollments.csv", 3, "dateLastModified", "31/12/2023"),
        ("orgs.csv", 1, "dateLastModified", "yesterday"),
        ("classes.csv", 1, "dateLastModified", "2023-13-45"),
        ("academicSessions.csv", 2, "startDate", "15/09/2022"),
        ("academicSessions.csv", 2, "endDate", "2022-02-30"),
    ],
)
def test_a_bad_value_in_a_column_chalkline_does_not_use_is_a_warning_and_the_rest_imports(
    district: District, tmp_path: Path, file: str, row: int, column: str, value: str
):
    package = mutated(FULL_1P1, tmp_path / "pkg.zip", file, row, column, value)
    batch = run(district, package)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.issues
    assert batch.error_count == 0
    (warning,) = [i for i in batch.issues if value in i["message"]]
    assert warning["severity"] == "warning"
    # the file, the physical line (header = line 1) and the column
    assert (warning["file"], warning["line"], warning["column"]) == (file, row + 1, column)
    assert "value ignored" in warning["message"]
    assert Person.objects.filter(district=district).count() == 6  # everyone, that row too


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "code"),
    [
        ("users.csv", 1, "role", "wizard", "unknown_role"),
        ("users.csv", 1, "orgSourcedIds", "", "missing_value"),
        ("users.csv", 2, "givenName", "", "missing_value"),
        ("enrollments.csv", 1, "endDate", "15/06/2022", "date"),
        ("enrollments.csv", 1, "beginDate", "2022-02-30", "date"),
        ("enrollments.csv", 1, "primary", "maybe", "boolean"),
        ("enrollments.csv", 1, "classSourcedId", "cls-nowhere", "dangling_ref"),
        ("enrollments.csv", 1, "userSourcedId", "", "missing_value"),
        ("classes.csv", 1, "schoolSourcedId", "org-nowhere", "dangling_ref"),
        ("orgs.csv", 1, "type", "", "missing_value"),
    ],
)
def test_a_bad_value_in_a_column_chalkline_relies_on_still_refuses_the_package(
    district: District, tmp_path: Path, file: str, row: int, column: str, value: str, code: str
):
    before = directory_snapshot()
    package = mutated(FULL_1P1, tmp_path / "pkg.zip", file, row, column, value)
    batch = run(district, package)
    assert batch.status == ImportBatch.Status.FAILED
    errors = [i for i in batch.issues if i["severity"] == "error"]
    assert (errors[0]["code"], errors[0]["file"], errors[0]["column"]) == (code, file, column)
    assert directory_snapshot() == before


def test_a_roles_begin_date_is_not_relied_on_but_its_end_date_is(
    district: District, tmp_path: Path
):
    # the real 1.2 sample's only refusal was its day-first dateLastModified (users.csv line 7)
    begin = mutated(MESSY_1P2, tmp_path / "begin.zip", "roles.csv", 1, "beginDate", "06/31/2024")
    batch = run(district, begin)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.issues
    (warning,) = [i for i in batch.issues if "06/31/2024" in i["message"]]
    assert (warning["severity"], warning["file"], warning["line"]) == ("warning", "roles.csv", 2)

    end = mutated(MESSY_1P2, tmp_path / "end.zip", "roles.csv", 1, "endDate", "23/09/2025")
    batch = run(district, end)
    assert batch.status == ImportBatch.Status.FAILED
    (error,) = [i for i in batch.issues if i["severity"] == "error"]
    assert (error["file"], error["line"], error["column"]) == ("roles.csv", 2, "endDate")
