"""SQLite under lock contention, with a real second connection holding the lock: commands report the
lock honestly, and `audit verify` says the database was busy instead of anything about the chain."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chalkline.lib.sqlite import EXIT_DATABASE_BUSY

ROOT = Path(__file__).resolve().parents[3]


def _run(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        CHALKLINE_VAR_DIR=str(var), PYTHONPATH=str(ROOT), SQLITE_BUSY_TIMEOUT="1", DEBUG="true"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "chalkline", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var = tmp_path_factory.mktemp("busy")
    # people too: create_district needs every column of the district table
    assert _run(var, "migrate", "people", "-v0").returncode == 0
    assert _run(var, "migrate", "audit", "-v0").returncode == 0
    made = _run(
        var,
        "shell",
        "-v0",
        "-c",
        "from chalkline.people.services import create_district; "
        "create_district(name='Lock', slug='lock', email_domains='lock.example.org', by=None)",
    )
    assert made.returncode == 0, made.stderr
    return var


@contextmanager
def _write_lock(var: Path, *, exclusive: bool = False) -> Iterator[None]:
    other = sqlite3.connect(var / "chalkline.sqlite3", isolation_level=None)
    try:
        if exclusive:  # readers are shut out too
            other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("CREATE TABLE IF NOT EXISTS held_lock (x)")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_audit_verify_reads_while_another_process_writes(var: Path) -> None:
    with _write_lock(var):
        result = _run(var, "audit", "verify")
    assert "JSONField" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stderr
    assert "OK lock: 1 events, chain intact" in result.stdout


def test_audit_verify_says_busy_with_its_own_exit_code_never_broken(var: Path) -> None:
    with _write_lock(var, exclusive=True):
        result = _run(var, "audit", "verify")
    assert result.returncode == EXIT_DATABASE_BUSY
    assert "BUSY" in result.stdout and "busy" in result.stderr
    assert "BROKEN" not in result.stdout and "broken" not in result.stderr
    assert "JSONField" not in result.stdout + result.stderr


def test_a_command_that_writes_reports_the_lock(var: Path) -> None:
    with _write_lock(var):
        result = _run(
            var,
            "shell",
            "-v0",
            "-c",
            "from chalkline.people.services import create_district; "
            "create_district(name='Two', slug='two', email_domains='two.example.org', by=None)",
        )
    assert result.returncode == EXIT_DATABASE_BUSY
    assert "database is locked" in result.stderr
    assert "JSONField" not in result.stderr
    assert "Traceback" not in result.stderr
