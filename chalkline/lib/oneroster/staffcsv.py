"""The Chalkline supplemental staff CSV: employees the rosters leave out (docs/staff-csv.md).

Same reading rules as the OneRoster files: UTF-8, comma separated, case-insensitive headers,
errors name the file, line and column (and the employee_id at most).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO

from .csvstream import FileSpec, iter_rows
from .idset import IdSet
from .records import Source
from .report import Report

STAFF_SPEC = FileSpec(
    "staff",
    (
        "employee_id",
        "given_name",
        "family_name",
        "email",
        "building_codes",
        "job_title",
        "employment_status",
        "hire_date",
    ),
    ("employee_id", "given_name", "family_name", "building_codes", "employment_status"),
)
BUILDING_SEPARATORS = re.compile(r"[;|]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    LEAVE = "leave"
    TERMINATED = "terminated"
    RESIGNED = "resigned"
    RETIRED = "retired"

    @property
    def employed(self) -> bool:
        """Active and on-leave employees stay in campaigns; the others are deactivated."""
        return self in (EmploymentStatus.ACTIVE, EmploymentStatus.LEAVE)


_STATUS_WORDS: dict[str, EmploymentStatus] = {
    "active": EmploymentStatus.ACTIVE,
    "leave": EmploymentStatus.LEAVE,
    "on leave": EmploymentStatus.LEAVE,
    "on_leave": EmploymentStatus.LEAVE,
    "loa": EmploymentStatus.LEAVE,
    "terminated": EmploymentStatus.TERMINATED,
    "separated": EmploymentStatus.TERMINATED,
    "resigned": EmploymentStatus.RESIGNED,
    "retired": EmploymentStatus.RETIRED,
}


@dataclass(frozen=True, slots=True)
class StaffRecord:
    source: Source
    employee_id: str
    given_name: str
    family_name: str
    email: str
    building_codes: tuple[str, ...]
    job_title: str
    employment_status: EmploymentStatus
    hire_date: date | None


def split_buildings(text: str) -> tuple[str, ...]:
    """``"NHS; MID|ELM"`` -> ``("NHS", "MID", "ELM")``; blanks and repeats dropped."""
    out: list[str] = []
    for part in BUILDING_SEPARATORS.split(text):
        code = part.strip()
        if code and code not in out:
            out.append(code)
    return tuple(out)


def read_staff_csv(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    report: Report,
    file_name: str | None = None,
) -> Iterator[StaffRecord]:
    """Yield one record per valid row; refused rows are reported and skipped."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        with path.open("rb", buffering=1 << 20) as raw:
            yield from _read(raw, file_name or path.name, report)
    else:
        yield from _read(source, file_name or "staff.csv", report)


def _read(raw: IO[bytes], file: str, report: Report) -> Iterator[StaffRecord]:
    ids, emails = IdSet(), IdSet()
    for row in iter_rows(raw, file=file, spec=STAFF_SPEC, report=report):
        emp = row.required("employee_id")
        row.sourced_id = emp or None
        if emp and not ids.add(emp):
            row.error("duplicate_id", "employee_id", "this employee_id already appeared")
        status_text = row.required("employment_status")
        status = _STATUS_WORDS.get(status_text.lower().replace("-", " ").strip())
        if status_text and status is None:
            row.error(
                "employment_status",
                "employment_status",
                f"unknown employment status {status_text!r} (active, leave, terminated, "
                "resigned, retired)",
            )
        email = row.text("email")
        if email:
            if not _EMAIL.match(email):
                row.error("email", "email", "not an email address")
            elif not emails.add(email.lower()):
                row.error("duplicate_email", "email", "this email already appeared")
        buildings = split_buildings(row.text("building_codes"))
        if not buildings and status is not None and status.employed:
            row.error("missing_value", "building_codes", "an employee needs a building code")
        rec = StaffRecord(
            Source(file, row.line),
            emp,
            row.name("given_name"),
            row.name("family_name"),
            email,
            buildings,
            row.text("job_title"),
            status or EmploymentStatus.ACTIVE,
            row.as_date("hire_date"),
        )
        if not row.bad:
            yield rec
