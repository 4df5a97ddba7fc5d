"""The header block: number, title, manual section and labelled metadata fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import LogicalLine
from .model import ManualSection, PolicyNumber
from .numbering import (
    find_alpha_title,
    find_number_in_line,
    find_section_in_line,
    normalize_number,
)
from .refs import block_label

_FIELD_LABELS = (
    r"Policy\s+Title|Title|Book|Section|Series|Chapter|Policy\s+Code|Code|File|"
    r"Policy\s+Number|Policy\s+No\.?|Number|Status"
)
_FIELD_STRICT_RE = re.compile(
    rf"^(?P<label>{_FIELD_LABELS})\s*(?::|\||\t|\s{{2,}})\s*(?P<value>\S.*)$", re.I
)
_FIELD_LOOSE_RE = re.compile(rf"^(?P<label>{_FIELD_LABELS})\s+(?P<value>\S.*)$")
_NOT_TITLES = re.compile(
    r"^(?:purpose|definitions?|policy|policy\s+statement|statement|introduction|background|general|"
    r"scope|applicability|rationale|overview|board\s+policy|board\s+policies|policy\s+manual|"
    r"table\s+of\s+contents)\s*:?$",
    re.IGNORECASE,
)
HEAD_WINDOW = 15
_DISTRICT_RE = re.compile(
    r"\b(?:school\s+district|public\s+schools|unit\s+school|community\s+schools|"
    r"(?:independent|unified|consolidated|union|county|city|area)\s+(?:school\s+)?district|"
    r"district\s+(?:no\.\s*)?\d+|school\s+board\s+of\b|board\s+of\s+education\s+of\b)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Head:
    number: PolicyNumber | None = None
    number_label: str | None = None
    title: str | None = None
    section: ManualSection | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)
    preamble: set[int] = field(
        default_factory=set
    )  # unrecognised lines above the header: body text


def _norm(text: str) -> str:
    return re.sub(r"[\s\"“”'’]+", " ", text).strip(" :.-–—").casefold()


def _title_like(line: LogicalLine) -> bool:
    text = line.text
    return (
        0 < len(text.split()) <= 20
        and not text.endswith((".", ",", ";"))
        and line.marker is None
        and not _NOT_TITLES.match(text)
        and not re.match(r"^(?:adopted|revised|amended|reviewed|legal|cross)\b", text, re.I)
        and not _DISTRICT_RE.search(text)
    )


def _clean_title(text: str) -> str:
    return text.strip().strip('"“”').rstrip(":").strip()


def _bullet_heading(line: LogicalLine) -> bool:
    """A short header line a web page shows as a bullet ("• GBC: Code of Ethics")."""
    marker = line.marker
    return (
        marker is not None
        and not any(ch.isalnum() for ch in marker.raw)
        and 0 < len(line.body.split()) <= 8
        and not line.body.endswith(".")
    )


def _ends_header(text: str) -> bool:
    """The first sentence of the body, or a reference block: the header is over."""
    words = len(text.split())
    if words > 25 or (words >= 12 and text.endswith(".")):
        return True
    # "Administrative Procedure 7:340" names this document; "Cross References:" ends the head
    return block_label(text) is not None and find_number_in_line(text) is None


def extract_head(lines: list[LogicalLine]) -> Head:
    head = Head()
    window: list[int] = []
    for i, line in enumerate(lines[:HEAD_WINDOW]):
        if line.marker is not None and _bullet_heading(line):
            line = lines[i] = LogicalLine(line.body, indent=line.indent, hint=line.hint)
        if line.marker is not None or _ends_header(line.text):
            break
        window.append(i)
    loose_ok = sum(1 for i in window if _FIELD_LOOSE_RE.match(lines[i].text)) >= 2
    number_at: int | None = None
    for i in window:
        text = lines[i].text
        fm = _FIELD_STRICT_RE.match(text) or (loose_ok and _FIELD_LOOSE_RE.match(text)) or None
        if fm and _apply_field(head, fm.group("label"), fm.group("value").strip(), text):
            head.consumed.add(i)
            if head.number is not None and number_at is None:
                number_at = i
            continue
        found = find_number_in_line(text)
        if found is None and i == window[0]:
            alpha = find_alpha_title(text)
            found = (alpha[0], alpha[0].raw, alpha[1]) if alpha else None
        if found is not None:
            number, label, rest = found
            if head.number is None:
                head.number, number_at = number, i
                head.number_label = label if label != number.raw else None
                if rest and head.title is None and _title_like(LogicalLine(rest)):
                    head.title = _clean_title(rest)
                head.consumed.add(i)
                continue
            if number.normalized == head.number.normalized and (
                not rest or head.title is None or _norm(rest) == _norm(head.title)
            ):
                if head.number_label is None and label != number.raw:
                    head.number_label = label
                if rest and head.title is None:
                    head.title = _clean_title(rest)
                head.consumed.add(i)
                continue
        if head.section is None:
            section = find_section_in_line(text)
            if section is not None:
                head.section = section
                head.consumed.add(i)
                continue
    if head.title is None:
        order = (
            [number_at + 1, number_at - 1]
            if number_at is not None
            else [window[0]]
            if window
            else []
        )
        for i in order:
            if i in window and i not in head.consumed and _title_like(lines[i]):
                head.title = _clean_title(lines[i].text)
                head.consumed.add(i)
                break
    if head.title:
        key = _norm(head.title)
        for i in window:
            if i not in head.consumed and _norm(lines[i].text) == key:
                head.consumed.add(i)
    if head.consumed:
        last = max(head.consumed)
        for i in window:
            if i >= last or i in head.consumed:
                continue
            text = lines[i].text
            if (
                _DISTRICT_RE.search(text)
                and len(text.split()) <= 12
                and "district" not in head.metadata
            ):
                head.metadata["district"] = text
                head.consumed.add(i)
            else:
                head.preamble.add(i)
    return head


def _apply_field(head: Head, label: str, value: str, text: str) -> bool:
    key = re.sub(r"\s+", " ", label.lower()).rstrip(".")
    if key in {"title", "policy title"}:
        if head.title is None:
            head.title = _clean_title(value)
        return True
    if key in {"section", "series", "chapter"}:
        section = find_section_in_line(text) or find_section_in_line(value)
        if section is None:
            m = re.match(r"^(?P<code>[0-9A-L]{1,5})\s*[-–:.]?\s*(?P<name>\S.*)$", value)
            section = (
                ManualSection(m.group("name").strip(), m.group("code"), False)
                if m
                else ManualSection(value, None, False)
            )
        if head.section is None:
            head.section = section
        return True
    if key in {"code", "policy code", "file", "policy number", "policy no", "number"}:
        number = normalize_number(value.split()[0]) if value.split() else None
        if number is None:
            found = find_number_in_line(value)
            number = found[0] if found else None
        if number is None:
            return False
        if head.number is None:
            head.number = number
        return True
    head.metadata[key] = value
    return True
