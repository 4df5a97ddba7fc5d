"""Offline commands run without server configuration: no SECRET_KEY, no ALLOWED_HOSTS, no
DATABASE_URL, and they print nothing on stderr (no deploy warnings such as chalkline.W001).

Each runs as a real process, as an administrator would run it on a laptop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "chalkline" / "policies" / "seeds" / "policy-5-125.txt"
SERVER_SETTINGS = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "SITE_URL", "DJANGO_")


def _run_offline(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SERVER_SETTINGS)}
    env.update(CHALKLINE_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "chalkline", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_screen_runs_without_server_settings_and_prints_nothing_on_stderr(tmp_path: Path) -> None:
    roster = tmp_path / "users.csv"
    roster.write_text(
        "sourcedId,givenName,familyName,role\ns1,Ana,Ruiz,student\n", encoding="utf-8"
    )
    messages = tmp_path / "in.jsonl"
    messages.write_text(
        '{"text": "Go Ana Ruiz!", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _run_offline(
        ["screen", "--roster", str(roster), "--in", str(messages), "--out", str(out)], tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "screened 1 messages" in result.stdout
    assert "student_name" in out.read_text(encoding="utf-8")


def test_import_policy_json_runs_without_server_settings_and_prints_nothing_on_stderr(
    tmp_path: Path,
) -> None:
    result = _run_offline(["import-policy", str(SEED), "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["number"]["normalized"] == "5:125"
    assert not (tmp_path / "var" / "chalkline.sqlite3").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["makemigrations", "--check", "--dry-run"],
        ["help"],
        ["help", "screen"],
        ["version"],
    ],
    ids=" ".join,
)
def test_commands_that_touch_no_database_print_nothing_on_stderr(
    tmp_path: Path, args: list[str]
) -> None:
    result = _run_offline(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_check_deploy_still_reports_the_missing_server_settings(tmp_path: Path) -> None:
    result = _run_offline(["check", "--deploy"], tmp_path)
    assert result.returncode != 0
    assert "chalkline.E001" in result.stderr
    assert "chalkline.W001" in result.stderr
