"""Streaming, line-accurate CSV reading for roster files.

Bytes are read one physical line at a time (at most ``MAX_LINE_BYTES``), decoded as strict
UTF-8 so a bad byte is reported with its line and byte offset, and fed to ``csv.reader``.
Memory stays bounded by one record whatever the file size.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from typing import IO

from .report import Report
from .values import (
    Problem,
    Status,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_status,
    split_list,
)

# The directory's name columns (people.models.Person given_name, family_name, preferred_name):
# a longer name is kept cut to this length, with a warning naming the file, line and column.
NAME_MAX_LENGTH = 100
MAX_LINE_BYTES = 1 << 20
BLOCK_BYTES = 1 << 19  # read size; with a normal carried-over partial line a block is < 1 MB
FIELD_LIMIT = csv.field_size_limit()  # a longer line goes to csv.reader, which enforces it

# Header spellings seen in real exports, read as the standard column with a warning.
HEADER_ALIASES: dict[str, str] = {
    "datalastmodified": "dateLastModified",
    "prefferedgivenname": "preferredGivenName",
    "prefferedmiddlename": "preferredMiddleName",
    "prefferedfamilyname": "preferredFamilyName",
    "agents": "agentSourcedIds",
    "userid": "userIds",
    "grade": "grades",
    "schoolyearid": "schoolYearSourcedId",
    "sourceid": "sourcedId",
    # supplemental staff CSV
    "building_code": "building_codes",
    "buildings": "building_codes",
    "status": "employment_status",
    "first_name": "given_name",
    "last_name": "family_name",
}

# Other names of a standard column, read as it silently: OneRoster 1.2 calls the preferred
# names preferredFirstName/preferredLastName, and 1.1 files carry a preferred first name in a
# metadata.* extension column. A file naming both spellings keeps the standard one.
COLUMN_SYNONYMS: dict[str, str] = {
    "preferredfirstname": "preferredGivenName",
    "preferredlastname": "preferredFamilyName",
    "metadata.preferredfirstname": "preferredGivenName",
    "metadata.preferredgivenname": "preferredGivenName",
    "metadata.preferredlastname": "preferredFamilyName",
    "metadata.preferredfamilyname": "preferredFamilyName",
}

_CREDENTIALISH = re.compile(r"pass|pwd|secret|token|credential|\bpin\b", re.IGNORECASE)
_EXT_PREFIXES = ("metadata.", "ext_", "ext.")


@dataclass(frozen=True, slots=True)
class FileSpec:
    """What one roster file may and must carry. Column names are the spec's camelCase."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]


@dataclass(slots=True)
class Header:
    index: dict[str, int]
    ext: list[tuple[int, str]] = field(default_factory=list)
    width: int = 0
    # every spec column -> its position; absent columns point at the blank pad cell (width)
    lookup: dict[str, int] = field(default_factory=dict)


class _LineSource:
    """Decoded physical lines, remembering a decoding failure for the current record.

    Bytes are read in blocks of whole lines and each block is decoded in one call; only a
    block that fails to decode, or that could hold a line over ``MAX_LINE_BYTES``, is read
    line by line (``_slow_lines``), which reports the exact line and byte offset.
    """

    __slots__ = ("bad", "file", "line", "offset", "raw", "report", "too_long")

    def __init__(self, raw: IO[bytes], file: str, report: Report) -> None:
        self.raw = raw
        self.file = file
        self.report = report
        self.line = 0  # lines handed out before the current block
        self.offset = 0  # bytes before the current block
        self.bad = False
        self.too_long = False

    def lines(self) -> Iterator[str]:
        return chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[Iterable[str]]:
        read = self.raw.read
        carry = b""
        while not self.too_long:
            chunk = read(BLOCK_BYTES)
            if chunk:
                buf = carry + chunk if carry else chunk
                cut = buf.rfind(b"\n") + 1
                if cut == 0:  # no end of line yet
                    carry = buf
                    if len(carry) > MAX_LINE_BYTES:
                        yield self._slow_lines(carry)  # reports the over-long line
                        return
                    continue
                block, carry = (buf, b"") if cut == len(buf) else (buf[:cut], buf[cut:])
            elif carry:  # the last line has no line break
                block, carry = carry, b""
            else:
                return
            # a block no longer than MAX_LINE_BYTES cannot hold a line longer than that
            if len(block) > MAX_LINE_BYTES:
                yield self._slow_lines(block)
                continue
            try:
                text = block.decode("utf-8")
            except UnicodeDecodeError:
                yield self._slow_lines(block)
                continue
            if self.offset == 0 and text.startswith("\ufeff"):
                text = text[1:]
            self.line += block.count(b"\n") + (block[-1:] != b"\n")
            self.offset += len(block)
            yield io.StringIO(text, newline="\n")

    def _slow_lines(self, block: bytes) -> Iterator[str]:
        readline = io.BytesIO(block).readline
        while True:
            chunk = readline(MAX_LINE_BYTES + 1)
            if not chunk:
                return
            self.line += 1
            if len(chunk) > MAX_LINE_BYTES:
                self.too_long = True
                self.report.error(
                    "line_too_long",
                    self.file,
                    self.line,
                    None,
                    f"a line is longer than {MAX_LINE_BYTES} bytes; the rest of the file is refused",
                )
                return
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad = True
                hint = ""
                try:
                    chunk.decode("cp1252")
                    hint = " (it looks like Windows-1252/Latin-1: re-export the file as UTF-8)"
                except UnicodeDecodeError:
                    pass
                self.report.error(
                    "not_utf8",
                    self.file,
                    self.line,
                    None,
                    f"byte 0x{chunk[exc.start]:02x} at byte offset {self.offset + exc.start} "
                    f"is not UTF-8{hint}; the row is refused",
                )
                text = chunk.decode("utf-8", "replace")
            if self.line == 1 and text.startswith("\ufeff"):
                text = text[1:]
            self.offset += len(chunk)
            yield text


def _read_header(
    cells: list[str], spec: FileSpec, file: str, report: Report, raw_header: str
) -> Header | None:
    known = {c.lower(): c for c in spec.columns}
    header = Header(index={}, width=len(cells))
    synonyms: list[tuple[int, str]] = []
    if len(cells) == 1:
        for delim, label in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if delim in raw_header:
                report.error(
                    "wrong_delimiter",
                    file,
                    1,
                    None,
                    f"the header is separated by {label}s ({delim!r}); OneRoster CSV files must "
                    "be comma separated; the file is refused",
                )
                return None
    for pos, cell in enumerate(cells):
        name = cell.strip()
        if not name:
            continue
        low = name.lower()
        col_label = f"column {pos + 1} '{name}'"
        synonym = COLUMN_SYNONYMS.get(low)
        if synonym is not None and synonym.lower() in known:
            synonyms.append((pos, known[synonym.lower()]))
            continue
        if low.startswith(_EXT_PREFIXES):
            if _CREDENTIALISH.search(name):
                report.warning(
                    "credential_column_dropped",
                    file,
                    1,
                    col_label,
                    "this extension column looks like a credential; it is never read",
                )
            else:
                header.ext.append((pos, name))
            continue
        canon = known.get(low)
        if canon is None and low in HEADER_ALIASES and HEADER_ALIASES[low].lower() in known:
            canon = known[HEADER_ALIASES[low].lower()]
            report.warning(
                "header_alias", file, 1, col_label, f"read as the standard column '{canon}'"
            )
        if canon is None:
            report.warning("unknown_column", file, 1, col_label, "not a known column; ignored")
            continue
        if canon in header.index:
            report.error(
                "duplicate_column",
                file,
                1,
                col_label,
                f"'{canon}' appears twice in the header; the file is refused",
            )
            return None
        header.index[canon] = pos
    for pos, canon in synonyms:
        header.index.setdefault(canon, pos)  # the standard spelling, when present, wins
    missing = [c for c in spec.required if c not in header.index]
    if missing:
        hint = ""
        if ";" in raw_header or "\t" in raw_header:
            hint = " (the header also contains semicolons or tabs: is the delimiter wrong?)"
        for col in missing:
            report.error(
                "missing_column",
                file,
                1,
                col,
                f"required column '{col}' is missing; the file is refused{hint}",
            )
        return None
    header.lookup = {c: header.index.get(c, header.width) for c in spec.columns}
    return header


class Row:
    """One CSV record with helpers that report problems against its file, line and column."""

    __slots__ = ("bad", "cells", "file", "header", "line", "report", "sourced_id")

    def __init__(self, file: str, line: int, cells: list[str], header: Header, report: Report):
        self.file = file
        self.line = line
        self.cells = cells
        self.header = header
        self.report = report
        self.bad = False
        self.sourced_id: str | None = None

    def text(self, col: str) -> str:
        header = self.header
        return self.cells[header.lookup.get(col, header.width)].strip()

    def has(self, col: str) -> bool:
        return col in self.header.index

    def error(self, code: str, col: str | None, message: str) -> None:
        self.bad = True
        self.report.error(code, self.file, self.line, col, message, sourced_id=self.sourced_id)

    def warning(self, code: str, col: str | None, message: str) -> None:
        self.report.warning(code, self.file, self.line, col, message, sourced_id=self.sourced_id)

    def _problem(self, code: str, col: str, problem: Problem, *, relied: bool = True) -> None:
        """Report a cell's problem. In a column Chalkline does not rely on (``relied=False``)
        an unreadable value is only a warning: the value is dropped and the row imported."""
        if problem is None:
            return
        kind, message = problem
        if kind == "error" and relied:
            self.error(code, col, message)
        elif kind == "error":
            self.unused(code, col, message)
        else:
            self.warning(code, col, message)

    def unused(self, code: str, col: str, message: str) -> None:
        """A bad value in a column Chalkline does not rely on: a warning, the row imported."""
        self.warning(code, col, f"{message}; Chalkline does not use {col}: value ignored")

    def name(self, col: str, *, required: bool = True) -> str:
        """A person's name: warns when it is longer than the directory keeps."""
        value = self.required(col) if required else self.text(col)
        if len(value) > NAME_MAX_LENGTH:
            self.warning(
                "too_long",
                col,
                f"{len(value)} characters; the directory keeps the first {NAME_MAX_LENGTH}",
            )
        return value

    def required(self, col: str) -> str:
        value = self.text(col)
        if not value:
            self.error("missing_value", col, f"'{col}' is required")
        return value

    def as_date(self, col: str, *, relied: bool = True) -> date | None:
        value, problem = parse_date(self.text(col))
        self._problem("date", col, problem, relied=relied)
        return value

    def as_datetime(self, col: str, *, relied: bool = True) -> datetime | None:
        value, problem = parse_datetime(self.text(col))
        self._problem("date", col, problem, relied=relied)
        return value

    def as_bool(self, col: str, *, relied: bool = True) -> bool | None:
        value, problem = parse_bool(self.text(col))
        self._problem("boolean", col, problem, relied=relied)
        return value

    def status(self, *, delta: bool) -> Status:
        value, problem = parse_status(self.text("status"), delta=delta)
        self._problem("status", "status", problem)
        return value

    def as_list(self, col: str) -> tuple[str, ...]:
        return split_list(self.text(col))

    def extensions(self) -> dict[str, str]:
        cells = self.cells
        return {name: cells[pos].strip() for pos, name in self.header.ext if cells[pos]}


class RowStream:
    """The data rows of one CSV file, as lists of cells padded with one blank cell.

    ``read_header()`` first (None: the file is refused, the reason is reported), then
    iterate; ``line`` is the first physical line of the row just yielded, ``plain`` is True
    when its line holds no whitespace at all (no cell needs stripping). A line with no
    quote and no carriage return before its line break is split with ``str.split`` (exactly
    what ``csv.reader`` makes of such a line, at a fraction of the cost); any other line goes
    to ``csv.reader``, which reads on through the following lines when a quoted cell spans
    them (``_parse_lines``). ``test_oneroster_fastpath`` checks both give the same cells.
    """

    __slots__ = (
        "_lines",
        "_lineno",
        "_pending",
        "_reader",
        "_source",
        "file",
        "header",
        "line",
        "plain",
        "report",
        "spec",
    )

    def __init__(self, raw: IO[bytes], *, file: str, spec: FileSpec, report: Report) -> None:
        self.file = file
        self.spec = spec
        self.report = report
        self.header: Header | None = None
        self.line = 0
        self.plain = False  # the row has no whitespace: its cells need no strip()
        self._source = _LineSource(raw, file, report)
        self._lines = self._source.lines()
        self._lineno = 0  # physical lines consumed
        # csv.reader reads the one line put in _pending; asking for more raises IndexError
        self._pending: list[str] = []
        self._reader = csv.reader(iter(self._pending.pop, None), strict=False)

    def _parse(self, line: str) -> list[str] | None:
        """The record starting with ``line``; None after reporting unreadable CSV."""
        self._pending.append(line)
        try:
            return next(self._reader, [])
        except IndexError:  # csv.reader asked for a second line: a quoted cell spans lines
            return self._parse_lines(line)
        except csv.Error as exc:
            self._syntax_error(exc)
            return None

    def _syntax_error(self, exc: csv.Error) -> None:
        self.report.error("csv_syntax", self.file, self.line, None, f"unreadable CSV: {exc}")

    def _parse_lines(self, line: str) -> list[str] | None:
        self.plain = False  # the following lines were not looked at

        def following() -> Iterator[str]:
            for more in self._lines:
                self._lineno += 1
                yield more

        try:
            return next(csv.reader(chain((line,), following()), strict=False), [])
        except csv.Error as exc:
            self._syntax_error(exc)
            return None

    def _nul(self, header: Header, cells: list[str]) -> None:
        """Report each cell holding a NUL character (PostgreSQL cannot store one in text; SQLite
        would keep it) as an error on its column; the row is refused."""
        names = {pos: name for name, pos in header.index.items()}
        names.update(dict(header.ext))
        key = header.index.get("sourcedId", header.index.get("employee_id"))
        sid = cells[key].strip() if key is not None and key < len(cells) else ""
        for pos, cell in enumerate(cells):
            if "\x00" in cell:
                self.report.error(
                    "nul_character",
                    self.file,
                    self.line,
                    names.get(pos, f"column {pos + 1}"),
                    "the value contains a NUL character (byte 0x00); the row is refused",
                    sourced_id=sid.replace("\x00", "") or None,
                )
        if sid:
            self.report.refuse(self.file, sid)

    def read_header(self) -> Header | None:
        source = self._source
        for line in self._lines:
            self._lineno += 1
            self.line = self._lineno
            cells = self._parse(line)
            if cells is None:
                source.bad = False
                continue
            if source.bad:
                return None
            self.header = _read_header(cells, self.spec, self.file, self.report, ",".join(cells))
            return self.header
        if not source.too_long:
            self.report.error("empty_file", self.file, None, None, "the file has no header row")
        return None

    def __iter__(self) -> Iterator[list[str]]:
        header = self.header
        if header is None:
            return
        width = header.width
        file, report, source = self.file, self.report, self._source
        pending, reader, limit = self._pending, self._reader, FIELD_LIMIT
        lineno = self._lineno
        cells: list[str] | None
        for line in self._lines:
            lineno += 1
            body = line.rstrip("\r\n")
            # no whitespace anywhere (str.split() knows the same whitespace as str.strip())
            self.plain = len(body.split(None, 1)) == 1
            if '"' in body or "\r" in body or len(body) > limit:
                self.line = self._lineno = lineno
                pending.append(line)
                try:
                    cells = next(reader, [])
                except IndexError:  # csv.reader asked for a second line
                    cells = self._parse_lines(line)
                except csv.Error as exc:
                    self._syntax_error(exc)
                    cells = None
                lineno = self._lineno  # a quoted cell may have spanned lines
                if cells is None:
                    source.bad = False
                    continue
                nul = any("\x00" in cell for cell in cells)
            else:
                self.line = lineno
                cells = body.split(",")
                nul = "\x00" in body
            if source.bad:
                source.bad = False
                continue
            n = len(cells)
            if n != width or not cells[0]:
                if not cells or not any(cells):
                    continue
                if n > width and any(c.strip() for c in cells[width:]):
                    report.error(
                        "too_many_fields",
                        file,
                        self.line,
                        None,
                        f"the row has {n} fields but the header has {width} "
                        "(an unquoted comma?); the row is refused",
                    )
                    continue
                if n == 1 and width > 1 and (";" in cells[0] or "\t" in cells[0]):
                    report.error(
                        "wrong_delimiter",
                        file,
                        self.line,
                        None,
                        "the row is separated by semicolons or tabs, not commas; the row is refused",
                    )
                    continue
                if n < width:
                    cells.extend([""] * (width - n))
            if nul:
                self._nul(header, cells)
                continue
            cells.append("")
            yield cells


def iter_rows(
    raw: IO[bytes],
    *,
    file: str,
    spec: FileSpec,
    report: Report,
    on_header: Callable[[Header], None] | None = None,
) -> Iterator[Row]:
    """Yield the file's data rows. A refused header yields nothing (the error is reported)."""
    stream = RowStream(raw, file=file, spec=spec, report=report)
    header = stream.read_header()
    if header is None:
        return
    if on_header is not None:
        on_header(header)
    for cells in stream:
        yield Row(file, stream.line, cells, header, report)
