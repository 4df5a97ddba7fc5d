"""People owns the grants engine; each app above it owns its own access rules (STYLE.md 11)."""

from __future__ import annotations

import ast
from pathlib import Path

import chalkline.people

ABOVE_PEOPLE = ("acks", "policies", "api", "workflows")


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_people_imports_no_app_that_builds_on_it() -> None:
    root = Path(chalkline.people.__file__).parent
    wrong = {
        (str(path.relative_to(root)), module)
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        for module in _imported_modules(path)
        if module.split(".")[:2] in [["chalkline", app] for app in ABOVE_PEOPLE]
    }
    assert wrong == set()
