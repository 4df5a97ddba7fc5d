"""The supplemental staff CSV (docs/staff-csv.md)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from chalkline.lib.oneroster import Report
from chalkline.lib.oneroster.staffcsv import (
    EmploymentStatus,
    StaffRecord,
    read_staff_csv,
    split_buildings,
)

HEADER = "employee_id,given_name,family_name,email,building_codes,job_title,employment_status,hire_date\n"


def _read(text: str | bytes) -> tuple[list[StaffRecord], Report]:
    report = Report()
    raw = text.encode() if isinstance(text, str) else text
    rows = list(read_staff_csv(io.BytesIO(raw), report=report, file_name="staff.csv"))
    return rows, report


def test_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(
        "\ufeff"
        + HEADER.upper()
        + "E1,Cass,Todian,ct@sd.org,NHS; MID|NHS,Custodian,Active,2019-08-01\r\n"
        + "E2,Dee,Driver,,BUS,Bus driver,on leave,8/15/2020\r\n"
        + "E3,Rae,Tired,,,Cook,retired,\r\n",
        encoding="utf-8",
    )
    report = Report()
    rows = list(read_staff_csv(path, report=report))
    assert [r.employee_id for r in rows] == ["E1", "E2", "E3"]
    assert rows[0].building_codes == ("NHS", "MID")
    assert (
        rows[1].employment_status is EmploymentStatus.LEAVE and rows[1].employment_status.employed
    )
    assert rows[1].hire_date == date(2020, 8, 15)
    assert not rows[2].employment_status.employed
    assert report.ok and report.count("date") == 1


def test_errors_name_line_and_column() -> None:
    rows, report = _read(
        HEADER
        + "E1,A,B,a@sd.org,NHS,,active,\n"
        + "E1,C,D,c@sd.org,NHS,,active,\n"  # duplicate id
        + "E3,E,F,A@SD.ORG,NHS,,active,\n"  # duplicate email
        + "E4,G,H,not-an-email,NHS,,active,\n"
        + "E5,I,J,,NHS,,fired?,\n"
        + "E6,K,L,,,,active,\n"  # no building
        + "E7,M,N,,NHS,,active,2020-02-31\n"
    )
    assert [r.employee_id for r in rows] == ["E1"]
    got = [(i.code, i.line, i.column) for i in report.errors()]
    assert got == [
        ("duplicate_id", 3, "employee_id"),
        ("duplicate_email", 4, "email"),
        ("email", 5, "email"),
        ("employment_status", 6, "employment_status"),
        ("missing_value", 7, "building_codes"),
        ("date", 8, "hire_date"),
    ]
    assert "A@SD.ORG" not in str(report.issues)


def test_wrong_delimiter_and_missing_column() -> None:
    _, report = _read(HEADER.replace(",", ";") + "E1;A;B;;NHS;;active;\n")
    assert report.codes() == {"wrong_delimiter"}
    _, report = _read("employee_id,given_name,family_name\nE1,A,B\n")
    assert {(i.code, i.column) for i in report.errors()} == {
        ("missing_column", "building_codes"),
        ("missing_column", "employment_status"),
    }


def test_non_utf8_is_refused_with_its_line() -> None:
    rows, report = _read(HEADER.encode() + b"E1,Jos\xe9,B,,NHS,,active,\n")
    assert rows == []
    (issue,) = report.errors()
    assert (issue.code, issue.line) == ("not_utf8", 2)


def test_split_buildings() -> None:
    assert split_buildings(" A ;B|| c ;A") == ("A", "B", "c")
    assert split_buildings("") == ()
