"""Stream a huge users.csv (default 2 GB) and print rows/s and peak RSS.

    .venv/bin/python bench/roster_stream_bench.py --gigabytes 2
    .venv/bin/python bench/roster_stream_bench.py --rows 1000000
    .venv/bin/python bench/roster_stream_bench.py --package var/bench/roster-full.zip

Without --package it writes a synthetic 1.1 package with a users.csv of the given size in
a temporary folder, streams it with ``Package.users()`` and deletes it afterwards. With
--package it runs ``validate_package`` (every file, cross-file checks) on that package.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from chalkline.lib.oneroster import Report, open_package, validate_package

MANIFEST = "propertyName,value\noneroster.version,1.1\nfile.orgs,bulk\nfile.users,bulk\n"
ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    """On a shared machine wall time depends on the load: CPU time (this process) is the
    figure that compares between runs; rows per CPU second is what one idle core does."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def write_users(path: Path, target_bytes: int, max_rows: int | None = None) -> int:
    rows = 0
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        while written < target_bytes and (max_rows is None or rows < max_rows):
            batch = []
            stop = rows + 50_000 if max_rows is None else min(rows + 50_000, max_rows)
            for i in range(rows, stop):
                b = i % 1800
                batch.append(
                    f"stu-{i:08d},active,2025-08-01T00:00:00Z,true,bld-{b},student,su{i},"
                    f'"{{SIS:{i}}},{{LDAP:u{i}}}",Given{i % 977},Family{i % 991},Q,S{i:08d},'
                    f"su{i}@students.susd.example,,,gdn-{2 * i},{i % 12 + 1:02d},\r\n"
                )
            chunk = "".join(batch)
            out.write(chunk)
            written += len(chunk)
            rows += len(batch)
    return rows


def bench_users(gigabytes: float, keep: Path | None, max_rows: int | None = None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="roster-bench-", dir=keep))
    try:
        (folder / "manifest.csv").write_text(MANIFEST)
        orgs = ORGS + "".join(f"bld-{b},active,,B{b},school,,\n" for b in range(1800))
        (folder / "orgs.csv").write_text(orgs)
        start = time.perf_counter()
        target = int(gigabytes * 1e9) if max_rows is None else 1 << 62
        rows = write_users(folder / "users.csv", target, max_rows)
        size = (folder / "users.csv").stat().st_size
        print(
            f"wrote users.csv: {rows:,} rows, {size / 1e9:.2f} GB in "
            f"{time.perf_counter() - start:.0f}s",
            flush=True,
        )
        rss_before = peak_rss_mb()
        report = Report()
        print(f"before: {load()}", flush=True)
        with open_package(folder) as pkg:
            start, cpu = time.perf_counter(), time.process_time()
            count = sum(1 for _ in pkg.users(report))
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"streamed {count:,} users in {elapsed:.1f}s wall, {cpu:.1f}s CPU: "
            f"{count / elapsed:,.0f} rows/s wall, {count / cpu:,.0f} rows/CPU-s, "
            f"{size / elapsed / 1e6:.1f} MB/s; peak RSS {peak_rss_mb():.0f} MB "
            f"(before reading {rss_before:.0f} MB); {report.summary()}; after: {load()}"
        )
    finally:
        shutil.rmtree(folder)


def bench_package(path: Path) -> None:
    print(f"before: {load()}", flush=True)
    start, cpu = time.perf_counter(), time.process_time()
    with open_package(path) as pkg:
        result = validate_package(pkg)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rows = sum(
        v
        for k, v in result.counts.items()
        if k not in ("staff", "student", "guardian", "guardian_links")
    )
    print(f"validated {path.name}: {dict(result.counts)}")
    print(
        f"{rows:,} rows (users read twice for agent links) in {elapsed:.0f}s wall, "
        f"{cpu:.0f}s CPU: {rows / elapsed:,.0f} rows/s wall, {rows / cpu:,.0f} rows/CPU-s; "
        f"peak RSS {peak_rss_mb():.0f} MB; {result.report.summary()}; after: {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--rows", type=int, default=None, help="write this many rows instead")
    parser.add_argument("--package", type=Path, default=None)
    parser.add_argument("--tmpdir", type=Path, default=None, help="where to write the file")
    args = parser.parse_args()
    if args.package:
        bench_package(args.package)
    else:
        bench_users(args.gigabytes, args.tmpdir, args.rows)


if __name__ == "__main__":
    main()
