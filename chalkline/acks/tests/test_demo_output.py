"""`make demo` prints each line once, needs no mail server, and ends with the sign-ins."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _demo_setup_steps(mail_dir: Path) -> list[str]:
    """The recipe of the Makefile's demo target, as make would run it, without the server; the
    demo district is made smaller so the test stays quick."""
    # Under `make test` this runs inside make: drop the parent's flags and level, so the recipe
    # is printed alone (no "make[1]: Entering directory" lines).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    recipe = subprocess.run(  # noqa: S603 - fixed arguments
        [  # noqa: S607
            "make",
            "--no-print-directory",
            "-n",
            "-o",
            ".venv/.installed",
            "-o",
            "messages",  # its prerequisites (install, compile translations) are not the demo's
            "demo",
            f"DEMO_MAIL={mail_dir}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    python = f"{shlex.quote(sys.executable)} -m chalkline"
    steps = []
    for line in recipe:
        if "runserver" in line:
            continue
        line = line.replace(".venv/bin/chalkline", python)
        if "demo-data --if-missing" in line:
            line += " --buildings 2 --staff 12 --students 20"
        steps.append(line)
    return steps


def test_the_demo_prints_each_line_once_mails_to_files_and_ends_with_the_sign_ins(
    tmp_path: Path,
) -> None:
    mail_dir = tmp_path / "demo-mail"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["CHALKLINE_VAR_DIR"] = str(tmp_path / "var")
    output: list[str] = []
    for step in _demo_setup_steps(mail_dir):
        done = subprocess.run(  # noqa: S602 - the Makefile's own recipe lines
            step, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (step, done.stdout, done.stderr)
        output += (done.stdout + done.stderr).splitlines()
    lines = [line for line in output if line.strip()]
    assert len(lines) == len(set(lines)), [x for x in lines if lines.count(x) > 1]
    text = "\n".join(lines)
    for noise in ("SMTP", "Connection refused", "Traceback", "Task id=", "mail delivery"):
        assert noise not in text
    assert f"each message is a file in {mail_dir}/" in text
    assert any(mail_dir.iterdir())  # the distribution notices, as files
    start = next(i for i, line in enumerate(lines) if line.startswith("Demo sign-ins"))
    block = lines[start + 1 :]
    assert block[-1].startswith("Serving the demo district")
    assert len(block) > 5 and all(line.startswith("  ") for line in block[:-1])
    assert "superintendent@demo" in text
