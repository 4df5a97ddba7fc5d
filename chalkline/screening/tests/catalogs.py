"""The Spanish catalog for tests that render findings in Spanish.

``make messages`` compiles it (the .mo is not committed); a test run without that step compiles
it here, with the same msgfmt, when it is missing or older than its .po."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"


def ensure_spanish_catalog() -> None:
    mo = PO.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime:
        return
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("the Spanish catalog is not compiled and msgfmt is missing: make messages")
    tmp = mo.with_suffix(".mo.tmp")
    subprocess.run([msgfmt, "--check", "-o", str(tmp), str(PO)], check=True)  # noqa: S603
    tmp.replace(mo)
