"""Finding explanations are translatable, and every one has a Spanish translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from chalkline.screening import Audience, Message, RosterIndex, Sender, screen
from chalkline.screening.i18n import localize

PACKAGE = Path(__file__).resolve().parents[1]
PO = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po"


def _marked() -> set[str]:
    """Every string the engine marks with gettext_noop (imported as ``_``)."""
    out: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "gettext_noop")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                out.add(node.args[0].value)
    return out


def _catalog() -> dict[str, str]:
    text = PO.read_text(encoding="utf-8")
    out = {}
    for block in text.split("\n\n"):
        parts = re.findall(r'^(msgid|msgstr)?\s*"(.*)"$', block, re.MULTILINE)
        ids: list[str] = []
        strs: list[str] = []
        cur: list[str] | None = None
        for key, value in parts:
            cur = {"msgid": ids, "msgstr": strs}.get(key, cur)
            if cur is not None:
                cur.append(value.replace('\\"', '"').replace("\\\\", "\\"))
        if ids and "".join(ids):
            out["".join(ids)] = "".join(strs)
    return out


def test_every_explanation_and_fix_has_a_spanish_translation() -> None:
    marked = _marked()
    catalog = _catalog()
    assert len(marked) > 30
    missing = sorted(m for m in marked if not catalog.get(m))
    assert missing == []
    for msgid, msgstr in catalog.items():
        # a translation keeps the placeholders of its English template
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr))


def test_localize_translates_templates_and_their_marked_arguments(index: RosterIndex) -> None:
    catalog = _catalog()
    msg = Message(
        "Chase Miller is failing science. Text me at 847-555-2391.",
        Sender("teacher", "t-nguyen"),
        Audience("class", (), "c-sci7"),
    )
    findings = screen(msg, index=index)
    spanish = localize(findings, lambda s: catalog.get(s) or s)
    by_detector = {f.detector: f for f in spanish}
    assert by_detector["student_record"].message == (
        "Esto comparte información de calificaciones de Chase Miller con personas que no tienen "
        "derecho a ella."
    )
    assert by_detector["student_name"].message.startswith("«Chase Miller» nombra a un alumno")
    assert by_detector["personal_channel"].fix.startswith("Use la plataforma de mensajes")
    # everything else is the same finding
    assert [f.to_dict() | {"message": "", "fix": ""} for f in spanish] == [
        f.to_dict() | {"message": "", "fix": ""} for f in findings
    ]
    # English (no catalog) gives the engine's own text back
    assert [f.message for f in localize(findings, str)] == [f.message for f in findings]
