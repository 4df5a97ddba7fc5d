"""``chalkline screen``: a roster it cannot use stops the run (exit status 2, the file named); a
bad message line is reported on its own line and the run goes on; the output file is written
whole or not at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chalkline.screening import RosterError, load_oneroster
from chalkline.screening.cli import _atomic_output, run

from .conftest import ROSTER

GOOD = {
    "id": "ok",
    "text": "Thanks Noah Patel!",
    "sender": {"role": "teacher", "id": "t-ortiz"},
    "audience": {"kind": "class", "recipients": [], "class_id": "c-3a"},
}
USERS_HEADER = "sourcedId,status,role,givenName,familyName,orgSourcedIds\n"


def _messages(tmp_path: Path, *lines: bytes) -> Path:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(line + b"\n" for line in lines))
    return src


def _zip_of(roster: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(roster.iterdir()):
            zf.write(f, f.name)
    return dest


def _random_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "roster.bin"
    path.write_bytes(os.urandom(64 * 1024))
    return path


def _truncated_zip(tmp_path: Path) -> Path:
    whole = _zip_of(ROSTER, tmp_path / "whole.zip").read_bytes()
    path = tmp_path / "roster.zip"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _truncated_zip_named_dat(tmp_path: Path) -> Path:
    path = _truncated_zip(tmp_path)
    return path.rename(tmp_path / "roster.dat")


def _empty_users_csv(tmp_path: Path) -> Path:
    path = tmp_path / "users.csv"
    path.write_bytes(b"")
    return path


def _users_csv_without_students(tmp_path: Path) -> Path:
    path = tmp_path / "users.csv"
    path.write_text(USERS_HEADER + "t-1,active,teacher,Ana,Ortiz,bld-n\n")
    return path


def _zip_with_an_empty_users_csv(tmp_path: Path) -> Path:
    path = tmp_path / "roster.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("users.csv", "")
    return path


def _folder_without_users_csv(tmp_path: Path) -> Path:
    folder = tmp_path / "roster"
    folder.mkdir()
    (folder / "classes.csv").write_text("sourcedId,title\n")
    return folder


BAD_ROSTERS = [
    (_random_bytes, "roster.bin"),
    (_truncated_zip, "roster.zip"),
    (_truncated_zip_named_dat, "roster.dat"),
    (_empty_users_csv, "users.csv"),
    (_users_csv_without_students, "users.csv"),
    (_zip_with_an_empty_users_csv, "roster.zip"),
    (_folder_without_users_csv, "roster"),
]


@pytest.mark.parametrize(("make", "name"), BAD_ROSTERS, ids=[m.__name__ for m, _ in BAD_ROSTERS])
def test_it_refuses_a_roster_it_cannot_use_with_status_2_naming_the_file(
    tmp_path: Path, make: object, name: str
) -> None:
    roster = make(tmp_path)  # type: ignore[operator]
    out = tmp_path / "out.jsonl"
    with pytest.raises(CommandError) as caught:
        call_command(
            "screen",
            roster=str(roster),
            in_path=str(_messages(tmp_path, json.dumps(GOOD).encode())),
            out_path=str(out),
        )
    assert caught.value.returncode == 2
    assert name in str(caught.value)
    assert not out.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("users.csv", USERS_HEADER + "0" * (32 * 1024 * 1024))
    assert bomb.stat().st_size < 100 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(RosterError, match=r"bomb\.zip.*zip bomb"):
            load_oneroster(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # the 32 MB member was never unpacked


def test_a_zip_roster_within_the_limits_still_works(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    roster = _zip_of(ROSTER, tmp_path / "roster.zip")
    summary = run(roster, _messages(tmp_path, json.dumps(GOOD).encode()), out)
    assert summary["findings"] == 1
    assert json.loads(out.read_text())["findings"][0]["detector"] == "student_name"


def test_the_console_command_exits_with_status_2_for_a_bad_roster(tmp_path: Path) -> None:
    roster = _random_bytes(tmp_path)
    src = _messages(tmp_path, json.dumps(GOOD).encode())
    done = subprocess.run(  # noqa: S603 - our own console command, fixed arguments
        [sys.executable, "-m", "chalkline", "screen", "--roster", str(roster), "--in", str(src)]
        + ["--out", str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert "roster.bin" in done.stderr
    assert "is not a CSV file" in done.stderr


def test_a_deeply_nested_line_or_a_lone_surrogate_fails_alone(tmp_path: Path) -> None:
    src = _messages(
        tmp_path,
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps(GOOD).encode(),
        b'{"id": "s1", "text": "\\ud800", "sender": {"role": "teacher"}, '
        b'"audience": {"kind": "public"}}',
        b'{"id": "s2\\udfff", "text": "hi", "sender": {"role": "teacher"}, '
        b'"audience": {"kind": "public"}}',
        b'{"id": "pair", "text": "Noah Patel \\ud83d\\ude00", "sender": {"role": "teacher"}, '
        b'"audience": {"kind": "public"}}',
        b'{"id": "deep", "text": "hi", "sender": {"role": "teacher"}, '
        b'"audience": {"kind": "public"}, "x": ' + b"[" * 900 + b"]" * 900 + b"}",
    )
    out = tmp_path / "out.jsonl"
    summary = run(ROSTER, src, out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert summary["messages"] == 6 and summary["errors"] == 3
    assert rows[0] == {"id": None, "line": 1, "error": "line 1: invalid JSON: nested too deeply"}
    assert rows[1]["id"] == "ok" and rows[1]["findings"][0]["detector"] == "student_name"
    assert rows[2]["line"] == 3 and rows[2]["id"] == "s1"
    assert rows[2]["error"] == 'line 3: lone surrogate \\ud800 in "text" (not valid Unicode text)'
    assert rows[3]["line"] == 4 and "lone surrogate \\udfff" in rows[3]["error"]
    # a proper surrogate pair is an ordinary emoji
    assert rows[4]["id"] == "pair" and rows[4]["findings"][0]["student"]
    assert rows[5]["id"] == "deep" and rows[5]["findings"] == []


def test_the_output_file_is_replaced_whole_or_left_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("the previous run\n")
    with pytest.raises(RuntimeError), _atomic_output(out) as f:
        f.write('{"id": "half"')
        raise RuntimeError("stopped mid-run")
    assert out.read_text() == "the previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]

    run(ROSTER, _messages(tmp_path, json.dumps(GOOD).encode()), out)
    assert json.loads(out.read_text())["id"] == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_a_bad_roster_leaves_an_earlier_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("the previous run\n")
    with pytest.raises(RosterError):
        run(_empty_users_csv(tmp_path), _messages(tmp_path, b"{}"), out)
    assert out.read_text() == "the previous run\n"


def test_output_to_a_character_device_is_written_directly() -> None:
    # /dev/null stands for /dev/stdout: it cannot be renamed over, so it is written in place.
    with _atomic_output(Path(os.devnull)) as f:
        f.write("x\n")
    assert Path(os.devnull).exists()
