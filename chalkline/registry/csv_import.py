"""Reading a registry CSV: every error with its line and column; nothing is applied unless the
whole file is right (the service applies the rows in one transaction).

The format (docs/registry.md): a header row, then one app a row. Columns, in any order:
``name``, ``operator``, ``purpose`` (``staff_student``, ``staff_family``, ``staff_only``) are
required; ``operator_address``, ``data_elements``, ``domains``, ``subcontractors`` (lists separated
by ``;``), ``subcontractors_url``, ``signed_on``, ``expires_on`` (YYYY-MM-DD) and ``status``
(``approved``, the default, ``requested`` or ``retired``) are optional.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from chalkline.registry.models import App

REQUIRED = ("name", "operator", "purpose")
OPTIONAL = (
    "operator_address",
    "data_elements",
    "domains",
    "subcontractors",
    "subcontractors_url",
    "signed_on",
    "expires_on",
    "status",
)
IMPORT_STATUSES = {
    "approved": App.Status.APPROVED,
    "requested": App.Status.REQUESTED,
    "retired": App.Status.RETIRED,
}
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
_LENGTHS = {"name": 200, "operator": 200, "operator_address": 400, "domains": 500}


@dataclass(frozen=True)
class CsvError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ParsedCsv:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _list(value: str) -> str:
    return "\n".join(x.strip() for x in value.split(";") if x.strip())


def parse_registry_csv(data: bytes, *, existing_names: set[str]) -> ParsedCsv:
    """Rows ready for ``App(**row)``, or the errors. ``existing_names`` are the district's app
    names, lower-cased (a name may be registered once)."""
    out = ParsedCsv()
    if len(data) > MAX_BYTES:
        out.errors.append(CsvError(1, "", "The file is over 5 MB."))
        return out
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.errors.append(CsvError(1, "", "The file is not UTF-8 text."))
        return out
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if not header:
        out.errors.append(CsvError(1, "", "The file is empty."))
        return out
    for col in REQUIRED:
        if col not in header:
            out.errors.append(CsvError(1, col, "This required column is missing."))
    for col in header:
        if col not in REQUIRED and col not in OPTIONAL:
            out.errors.append(CsvError(1, col, "Unknown column."))
    if out.errors:
        return out
    seen = set(existing_names)
    url = URLValidator(schemes=["http", "https"])
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(out.rows) + 1 > MAX_ROWS:
            out.errors.append(CsvError(line, "", f"More than {MAX_ROWS:,} rows."))
            break
        if len(values) != len(header):
            out.errors.append(
                CsvError(line, "", f"{len(values)} fields; the header has {len(header)}.")
            )
            continue
        cells = {h: v.strip() for h, v in zip(header, values, strict=True)}
        errors: list[CsvError] = []
        for col in REQUIRED:
            if not cells.get(col):
                errors.append(CsvError(line, col, "This value is required."))
        for col, limit in _LENGTHS.items():
            if len(cells.get(col, "")) > limit:
                errors.append(CsvError(line, col, f"Longer than {limit} characters."))
        purpose = cells.get("purpose", "")
        if purpose and purpose not in App.Purpose.values:
            errors.append(
                CsvError(
                    line, "purpose", f"“{purpose}” is not one of {', '.join(App.Purpose.values)}."
                )
            )
        status = cells.get("status", "") or "approved"
        if status not in IMPORT_STATUSES:
            errors.append(
                CsvError(line, "status", f"“{status}” is not one of {', '.join(IMPORT_STATUSES)}.")
            )
        dates: dict[str, datetime.date | None] = {}
        for col in ("signed_on", "expires_on"):
            raw = cells.get(col, "")
            dates[col] = None
            if raw:
                try:
                    dates[col] = _date(raw)
                except ValueError:
                    errors.append(CsvError(line, col, f"“{raw}” is not a date (YYYY-MM-DD)."))
        signed, expires = dates["signed_on"], dates["expires_on"]
        if signed and expires and expires < signed:
            errors.append(
                CsvError(line, "expires_on", "The agreement expires before it is signed.")
            )
        link = cells.get("subcontractors_url", "")
        if link:
            try:
                url(link)
            except ValidationError:
                errors.append(CsvError(line, "subcontractors_url", "This is not a web address."))
        key = cells.get("name", "").lower()
        if key and key in seen:
            errors.append(CsvError(line, "name", f"“{cells['name']}” is already registered."))
        seen.add(key)
        if errors:
            out.errors.extend(errors)
            continue
        out.rows.append(
            {
                "name": cells["name"],
                "operator": cells["operator"],
                "operator_address": cells.get("operator_address", ""),
                "purpose": purpose,
                "data_elements": _list(cells.get("data_elements", "")),
                "domains": ", ".join(
                    d.strip().lower() for d in cells.get("domains", "").split(";") if d.strip()
                ),
                "subcontractors": _list(cells.get("subcontractors", "")),
                "subcontractors_url": link,
                "signed_on": signed,
                "expires_on": expires,
                "status": IMPORT_STATUSES[status],
            }
        )
    return out
