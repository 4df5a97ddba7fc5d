"""The screening engine stays pure: no ORM, and no Chalkline app above it.

``chalkline.screening`` takes text plus a roster index and returns findings. The "Check a draft"
page that stores kept checks is the ``drafts`` app. The migrations are the history of the table
that moved to ``drafts`` (they must import ``django.db``), and the tests may use anything.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
FORBIDDEN = (
    "django.db",
    "chalkline.people",
    "chalkline.audit",
    "chalkline.policies",
    "chalkline.acks",
    "chalkline.drafts",
    "chalkline.api",
)
_PYX_IMPORT = re.compile(r"^\s*(?:from\s+(\S+)\s+c?import|c?import\s+([\w., ]+))", re.MULTILINE)


def _modules() -> list[Path]:
    skip = {PACKAGE / "tests", PACKAGE / "migrations"}
    return sorted(
        p
        for p in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.pyx")]
        if not any(p.is_relative_to(s) for s in skip)
    )


def imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".pyx":
        names: set[str] = set()
        for frm, plain in _PYX_IMPORT.findall(source):
            if frm:
                names.add(frm)
            else:
                names.update(n.strip().split(" ")[0] for n in plain.split(","))
        return names
    package = ["chalkline", *path.relative_to(PACKAGE.parent).parts[:-1]]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_the_checker_resolves_relative_and_cython_imports() -> None:
    assert _forbidden("django.db.models") and _forbidden("chalkline.people")
    assert not _forbidden("django.core.checks") and not _forbidden("chalkline.peoples")
    assert "chalkline.screening.types" in imported_names(PACKAGE / "engine.py")
    assert "chalkline.screening.types" in imported_names(PACKAGE / "detectors" / "conduct.py")
    assert "chalkline.screening.names" in imported_names(PACKAGE / "_mentions.pyx")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_engine_imports_no_orm_and_no_app_above_it(path: Path) -> None:
    bad = sorted(n for n in imported_names(path) if _forbidden(n))
    assert bad == [], f"{path.relative_to(PACKAGE)} imports {bad}"
