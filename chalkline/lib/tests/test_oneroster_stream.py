"""Reading stays bounded in memory however large the file is."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from chalkline.lib.oneroster import Report, open_package

from .conftest import USERS_11, MakePackage

ROWS = 6_000
NOTE = "n" * 8600  # wide rows make the file ~52 MB with few rows, so the test stays fast


def _big_users(path: Path) -> int:
    header = USERS_11.splitlines()[0] + ",ext_note\n"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        batch: list[str] = []
        for i in range(ROWS):
            batch.append(
                f"u{i},active,2024-01-02T00:00:00Z,true,org-n,student,u{i},,Given{i},"
                f"Family{i},,S{i},,,,,10,,{NOTE}\r\n"
            )
            if len(batch) == 1_000:
                out.write("".join(batch))
                batch.clear()
    return path.stat().st_size


def test_a_52mb_users_file_streams_in_a_few_megabytes(make_package: MakePackage) -> None:
    folder = make_package({"enrollments.csv": None})
    size = _big_users(folder / "users.csv")
    assert size > 50_000_000
    with open_package(folder) as pkg:
        tracemalloc.start()
        try:
            count = sum(1 for _ in pkg.users(Report()))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == ROWS
    # an IdSet of 6k ids + one record + 1 MB read buffers; the file is ~52 MB
    assert peak < 8_000_000, peak
