"""The directory import's processes after a crash (issue 16, points 2 and 9): a killed import
leaves no roster credential on disk once swept, and its validator child does not outlive it.

These start real processes and kill them with SIGKILL; they wait for outcomes (a row, a file,
a process gone) with generous deadlines, never for a fixed time."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MARKER = b"Zq9-secret-"  # every password in the test roster carries it


def wait_for(condition: Callable[[], object], what: str, deadline: float = 60.0) -> object:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def process_gone(pid: int) -> bool:
    """True once the process has exited (a zombie nobody reaped counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return "\nState:\tZ" in state or "\nState:\tX" in state


def credential_hits(folder: Path) -> list[str]:
    """Files under ``folder`` holding a password, in their bytes or in a zip entry."""
    hits = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if MARKER in data:
            hits.append(str(path))
            continue
        try:
            with zipfile.ZipFile(path) as zf:
                if any(MARKER in zf.read(name) for name in zf.namelist()):
                    hits.append(f"{path} (zip entry)")
        except zipfile.BadZipFile:
            pass
    return hits


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        CHALKLINE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'db.sqlite3'}",
        TASK_BACKEND="immediate",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    env.pop("MEDIA_ROOT", None)
    env.pop("FILE_UPLOAD_TEMP_DIR", None)
    return env


def test_a_killed_web_import_leaves_no_roster_password_once_swept(tmp_path: Path):
    env = child_env(tmp_path)
    (tmp_path / "var").mkdir()
    subprocess.run(
        [sys.executable, "-m", "chalkline", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    harness = subprocess.Popen(
        [sys.executable, "-m", "chalkline.people.tests.import_harness", "upload", "80000"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        db = sqlite3.connect(tmp_path / "var" / "db.sqlite3", timeout=30)

        def running() -> bool:
            try:
                row = db.execute("SELECT status FROM people_importbatch").fetchone()
            except sqlite3.OperationalError:
                return False
            return bool(row and row[0] == "running")

        wait_for(running, "the web import to start running")
    finally:
        harness.send_signal(signal.SIGKILL)
        harness.wait()
    row = db.execute("SELECT status, package_path FROM people_importbatch").fetchone()
    assert row[0] == "running"  # killed in the middle: nothing finished it
    var = tmp_path / "var"
    media, temp = var / "media", var / "upload-tmp"
    stored = Path(row[1])
    assert stored.is_file() and stored.is_relative_to(media)  # the upload waited there...
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700
    assert temp.stat().st_mode & 0o777 == 0o700
    assert credential_hits(media) == []  # ...without a single password
    assert credential_hits(temp) == []  # and Django's temporary copy was already deleted
    # the sweep (cron) takes the dead claim over and deletes what is left
    sweep = subprocess.run(
        [sys.executable, "-m", "chalkline", "sweep-uploads"],
        env={**env, "IMPORT_HEARTBEAT_TIMEOUT_SECONDS": "0", "UPLOAD_TEMP_MAX_AGE_SECONDS": "0"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "1 dead import(s) were abandoned" in sweep.stdout
    status, path, message = db.execute(
        "SELECT status, package_path, message FROM people_importbatch"
    ).fetchone()
    assert (status, path) == ("failed", "")
    assert message.startswith("Abandoned")
    assert [p for p in media.rglob("*") if p.is_file()] == []
    assert [p for p in temp.rglob("*") if p.is_file()] == []


def test_a_killed_upload_leaves_its_temporary_copy_only_until_the_sweep(tmp_path: Path):
    """Killed while Django still holds the raw upload (before our copy): the sweep removes it."""
    env = child_env(tmp_path)
    (tmp_path / "var").mkdir()
    subprocess.run(
        [sys.executable, "-m", "chalkline", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    temp = tmp_path / "var" / "upload-tmp"
    leftover = temp / "tmpabc.upload.zip"
    leftover.write_bytes(b"users.csv ... " + MARKER + b"1")
    subprocess.run(
        [sys.executable, "-m", "chalkline", "sweep-uploads", "--dry-run"],
        env={**env, "UPLOAD_TEMP_MAX_AGE_SECONDS": "0"},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert leftover.exists()  # a dry run deletes nothing
    subprocess.run(
        [sys.executable, "-m", "chalkline", "sweep-uploads"],
        env={**env, "UPLOAD_TEMP_MAX_AGE_SECONDS": "0"},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert credential_hits(temp) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_validator_child_dies_with_the_import_process(tmp_path: Path):
    env = child_env(tmp_path)
    harness = subprocess.Popen(
        [sys.executable, "-m", "chalkline.people.tests.import_harness", "validator"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert harness.stdout is not None
        line = harness.stdout.readline()
        child = int(line.split()[-1])
        assert not process_gone(child)  # validating (busy) in its own process
    finally:
        harness.send_signal(signal.SIGKILL)
        harness.wait()
    wait_for(lambda: process_gone(child), "the validator child to exit", deadline=30)
