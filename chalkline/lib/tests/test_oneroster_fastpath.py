"""The fast paths read exactly what the reference rules read, and report exactly the same.

Two oracles: the line-by-line ``csv.reader`` loop the reader was first written with (kept
here, verbatim in behaviour), and the per-row reference rules in ``rows`` (``read_rows``).
Messy files are generated at random (seeded) and read both ways.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import FrozenInstanceError, replace
from functools import partial

import pytest

from chalkline.lib.oneroster import UserRecord, csvstream, open_package, readers, rows
from chalkline.lib.oneroster.csvstream import FileSpec, RowStream, _read_header
from chalkline.lib.oneroster.report import Report

from .conftest import MakePackage

SPEC = FileSpec("t", ("sourcedId", "a", "b", "c"), ("sourcedId",))


def _legacy_rows(data: bytes, report: Report) -> list[tuple[int, list[str]]]:
    """The original reader: one physical line at a time, decoded strictly, fed to csv."""
    file, limit = "t.csv", csvstream.MAX_LINE_BYTES
    state = {"line": 0, "offset": 0, "bad": False, "too_long": False}

    def lines() -> Iterator[str]:
        raw = io.BytesIO(data)
        while chunk := raw.readline(limit + 1):
            state["line"] += 1
            if len(chunk) > limit:
                state["too_long"] = True
                report.error("line_too_long", file, state["line"], None, "too long")
                return
            try:
                text = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                state["bad"] = True
                at = state["offset"] + exc.start
                report.error("not_utf8", file, state["line"], None, f"at byte offset {at} ")
                text = chunk.decode("utf-8", "replace")
            if state["line"] == 1 and text.startswith("\ufeff"):
                text = text[1:]
            state["offset"] += len(chunk)
            yield text

    reader = csv.reader(lines(), strict=False)
    out: list[tuple[int, list[str]]] = []
    width: int | None = None
    prev = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.error("csv_syntax", file, prev + 1, None, f"unreadable CSV: {exc}")
            prev = state["line"]
            state["bad"] = False
            continue
        line, prev = prev + 1, state["line"]
        if width is None:
            if state["bad"]:
                return out
            header = _read_header(cells, SPEC, file, report, ",".join(cells))
            if header is None:
                return out
            width = header.width
            continue
        if state["bad"]:
            state["bad"] = False
            continue
        if not cells or not any(cells):
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            report.error("too_many_fields", file, line, None, "too many")
            continue
        if len(cells) == 1 and width > 1 and (";" in cells[0] or "\t" in cells[0]):
            report.error("wrong_delimiter", file, line, None, "delimiter")
            continue
        if any("\x00" in c for c in cells):  # refused, one error per cell holding a NUL
            for c in cells:
                if "\x00" in c:
                    report.error("nul_character", file, line, None, "NUL")
            continue
        out.append((line, cells + [""] * (width + 1 - len(cells))))
    if width is None and not state["too_long"]:
        report.error("empty_file", file, None, None, "empty")
    return out


def _fast_rows(data: bytes, report: Report) -> list[tuple[int, list[str]]]:
    stream = RowStream(io.BytesIO(data), file="t.csv", spec=SPEC, report=report)
    if stream.read_header() is None:
        return []
    out = []
    for cells in stream:
        # the fast path pads one cell more when a row has extra blank cells: same lookups
        width = stream.header.width if stream.header else 0
        out.append((stream.line, cells[: max(width + 1, len(cells) - 1)]))
    return out


def _issues(report: Report) -> list[tuple[str, int | None]]:
    return [(i.code, i.line) for i in report.issues]


PIECES = ["a", "b", "é", " ", ",", ",", '"', '""', "\r\n", "\n", "\r", ";", "\t", "\x00", "x,y"]


def _messy(rng: random.Random) -> bytes:
    header = rng.choice(
        ["sourcedId,a,b,c", "sourcedId,a,b,c\r", '"sourcedId","a",b,c', "\ufeffsourcedId,a,b,c"]
    )
    body = []
    for _ in range(rng.randint(0, 12)):
        if rng.random() < 0.5:
            body.append(
                ",".join(
                    rng.choice(["id1", "", " v ", '"q,uo""te"', "é"])
                    for _ in range(rng.randint(1, 6))
                )
            )
        else:
            body.append("".join(rng.choice(PIECES) for _ in range(rng.randint(0, 10))))
    text = header + "\n" + "\n".join(body) + rng.choice(["", "\n", "\r\n"])
    data = text.encode()
    if rng.random() < 0.2:  # a byte that is not UTF-8
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice([b"\xe9", b"\xff", b"\xc3"]) + data[at:]
    return data


@pytest.mark.parametrize("seed", range(40))
def test_the_line_reader_matches_the_original_on_messy_files(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        data = _messy(rng)
        legacy, fast = Report(), Report()
        assert _fast_rows(data, fast) == _legacy_rows(data, legacy), data
        assert _issues(fast) == _issues(legacy), data


def test_blocks_boundaries_long_lines_and_bad_bytes_far_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvstream, "BLOCK_BYTES", 64)
    monkeypatch.setattr(csvstream, "MAX_LINE_BYTES", 120)
    lines = [f'id{i},"multi\nline {i}",b,c' if i % 7 == 0 else f"id{i},a,b,c" for i in range(60)]
    lines[20] = "id20," + "x" * 90 + ",b,c"  # long, but under the limit
    lines[33] = "id33,caf\xe9,b,c"
    data = ("sourcedId,a,b,c\n" + "\n".join(lines) + "\n").encode().replace(b"\xc3\xa9", b"\xe9", 1)
    for tail in (b"", b"id99," + b"z" * 200 + b"\nid100,a,b,c\n"):
        legacy, fast = Report(), Report()
        assert _fast_rows(data + tail, fast) == _legacy_rows(data + tail, legacy)
        assert _issues(fast) == _issues(legacy)
        offsets = [i.message for i in legacy.issues if i.code == "not_utf8"]
        assert len(offsets) == 1
        assert [o in i.message for o, i in zip(offsets, fast.issues, strict=False)] == [True]


USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
    "password,metadata.chalkline.directoryOptOut,ext_media_release,ext_note"
)
STATUSES = ["active", "active", "Active", "tobedeleted", "", "inactive", "gone"]
STAMPS = ["2024-01-02", "2024-01-02T03:04:05Z", "", "1/05/2024", "2024-02-30", "soon"]
BOOLS = ["true", "false", "", "TRUE", "yes", "0", "maybe", " true "]
ROLES = ["student", "teacher", "parent", "Student", "administrator", "wizard", ""]
DATES = ["", "2024-08-20", "2025-06-01", "8/20/2024", "20/08/2024", "x"]


def _pick(rng: random.Random, values: list[str], usual: float = 0.7) -> str:
    return values[0] if rng.random() < usual else rng.choice(values)


def _user_row(rng: random.Random, i: int) -> str:
    sid = rng.choice([f"u{i}", f"u{i}", f"u{i // 2}", ""])
    agents = rng.choice(["", f"u{i + 1}", f'"u{i + 1},u{i + 2}"', sid, f'" u{i + 3} , "'])
    cells = [
        sid,
        _pick(rng, STATUSES),
        _pick(rng, STAMPS),
        _pick(rng, BOOLS),
        rng.choice(["org-n", "org-n", '"org-n,org-d"', ""]),
        _pick(rng, ROLES, 0.5),
        f"user{i}",
        "",
        rng.choice(["Ann", "Ann", " Bo ", "\u00a0Cy", ""]),
        rng.choice(["Lee", "Lee", ""]),
        rng.choice(["", "", '"Q\n"', '"R\n S"']),  # a quoted cell spanning lines
        f"E{i}",
        "",
        "",
        "",
        agents,
        rng.choice(["", "10", '"09,10"']),
        "secret",
        _pick(rng, ["", "true", "no", " "], 0.6),
        _pick(rng, ["", "false", "maybe"], 0.6),
        rng.choice(["", "note", " "]),
    ]
    return ",".join(cells[: rng.choice([len(cells)] * 5 + [15])])


def _enrollment_row(rng: random.Random, i: int) -> str:
    return ",".join(
        [
            rng.choice([f"e{i}", f"e{i}", f"e{i // 3}", ""]),
            _pick(rng, STATUSES),
            _pick(rng, STAMPS),
            rng.choice(["c1", "c1", ""]),
            rng.choice(["org-n", "org-n", ""]),
            rng.choice(["s1", "s1", ""]),
            _pick(rng, ROLES, 0.5),
            _pick(rng, BOOLS),
            _pick(rng, DATES, 0.5),
            rng.choice(["", "2025-06-01", "2024-01-01"]),
        ]
    )


def _class_row(rng: random.Random, i: int) -> str:
    return ",".join(
        [
            rng.choice([f"c{i}", f"c{i}", f"c{i // 3}", ""]),
            _pick(rng, STATUSES),
            _pick(rng, STAMPS),
            rng.choice(["Algebra", "Algebra", ""]),
            "",
            rng.choice(["crs1", "crs1", ""]),
            "ALG",
            rng.choice(["scheduled", "Homeroom", ""]),
            "",
            rng.choice(["org-n", "org-n", ""]),
            rng.choice(["", "t1", '"t1, t2"']),
            "",
            "",
            "",
        ]
    )


def _role_row(rng: random.Random, i: int) -> str:
    return ",".join(
        [
            rng.choice([f"r{i}", f"r{i}", f"r{i // 3}", ""]),
            _pick(rng, STATUSES),
            _pick(rng, STAMPS),
            rng.choice(["u1", "u1", ""]),
            rng.choice(["primary", "primary", "Secondary", "other", ""]),
            _pick(rng, ROLES, 0.5),
            _pick(rng, DATES, 0.5),
            rng.choice(["", "2025-06-01", "2024-01-01"]),
            rng.choice(["org-n", "org-d", ""]),
            "",
        ]
    )


def _flags_row(rng: random.Random, i: int) -> str:
    return ",".join([rng.choice([f"u{i}", f"u{i // 2}", ""]), _pick(rng, BOOLS), _pick(rng, BOOLS)])


Reader = Callable[..., Iterator[object]]
CASES: dict[str, tuple[str, Callable[[random.Random, int], str], Reader, Reader]] = {
    "users": (
        USERS_HEADER,
        _user_row,
        partial(readers.read_users, version="1.1", delta=False),
        partial(
            rows.read_rows, spec=rows.USERS_1_1, check=partial(rows.user_row, v11=True, delta=False)
        ),
    ),
    "users-1.2-delta": (
        USERS_HEADER.replace("orgSourcedIds,role", "primaryOrgSourcedId,pronouns"),
        _user_row,
        partial(readers.read_users, version="1.2", delta=True),
        partial(
            rows.read_rows, spec=rows.USERS_1_2, check=partial(rows.user_row, v11=False, delta=True)
        ),
    ),
    "enrollments": (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate",
        _enrollment_row,
        partial(readers.read_enrollments, delta=False),
        partial(
            rows.read_rows, spec=rows.ENROLLMENTS, check=partial(rows.enrollment_row, delta=False)
        ),
    ),
    "classes": (
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
        "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
        _class_row,
        partial(readers.read_classes, delta=False),
        partial(rows.read_rows, spec=rows.CLASSES, check=partial(rows.class_row, delta=False)),
    ),
    "roles": (
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
        "orgSourcedId,userProfileSourcedId",
        _role_row,
        partial(readers.read_roles, delta=False, org_types={"org-d": "district"}),
        partial(
            rows.read_rows,
            spec=rows.ROLES,
            check=partial(rows.role_row, delta=False, org_types={"org-d": "district"}),
        ),
    ),
    "student_flags": (
        "sourcedId,directory_opt_out,media_release",
        _flags_row,
        readers.read_student_flags,
        partial(rows.read_rows, spec=rows.STUDENT_FLAGS, check=rows.student_flags_row),
    ),
}


SLOW_RULES = {
    "users": "user_row",
    "users-1.2-delta": "user_row",
    "enrollments": "enrollment_row",
    "classes": "class_row",
    "roles": "role_row",
    "student_flags": "student_flags_row",
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed", range(3))
def test_fast_readers_match_the_reference_rules(
    case: str, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    header, make_row, fast_read, reference_read = CASES[case]
    rng = random.Random(seed)
    data = (header + "\r\n" + "\r\n".join(make_row(rng, i) for i in range(600)) + "\r\n").encode()
    handed_over = 0
    rule = getattr(readers, SLOW_RULES[case])

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal handed_over
        handed_over += 1
        return rule(*args, **kwargs)

    monkeypatch.setattr(readers, SLOW_RULES[case], counting)
    fast_report, ref_report = Report(cap_per_code=10_000), Report(cap_per_code=10_000)
    fast = list(fast_read(io.BytesIO(data), file="f.csv", report=fast_report))
    reference = list(reference_read(io.BytesIO(data), file="f.csv", report=ref_report))
    assert fast == reference
    assert fast_report.issues == ref_report.issues
    assert fast_report.counts == ref_report.counts
    assert fast_report.refused._keys == ref_report.refused._keys
    # both paths were exercised: rows with problems, and rows the fast path took alone
    assert len(ref_report.issues) > 50
    assert 0 < handed_over < 600


def test_records_built_by_the_fast_path_are_the_frozen_record_types(
    make_package: MakePackage,
) -> None:
    with open_package(make_package()) as pkg:
        user = next(iter(pkg.users(Report())))
    assert type(user) is UserRecord
    with pytest.raises(FrozenInstanceError):
        user.given_name = "x"  # type: ignore[misc]
    assert replace(user, given_name="Zed").given_name == "Zed"
    assert user == replace(user) and hash(user.source) == hash(replace(user.source))
