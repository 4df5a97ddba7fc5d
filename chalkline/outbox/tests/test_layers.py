"""The outbox sits beside people and audit: it imports no domain app, so every app can use it."""

from __future__ import annotations

import ast
from pathlib import Path

import chalkline.outbox

ALLOWED = {"people", "audit", "lib", "outbox"}


def test_outbox_imports_no_app_above_it() -> None:
    root = Path(chalkline.outbox.__file__).parent
    wrong = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for module in modules:
                parts = module.split(".")
                if parts[0] == "chalkline" and len(parts) > 1 and parts[1] not in ALLOWED:
                    wrong.add((str(path.relative_to(root)), module))
    assert wrong == set()
