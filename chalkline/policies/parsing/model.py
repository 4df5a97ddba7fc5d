"""Data classes returned by :func:`parse_policy` and their JSON form.

Everything here is plain data: no ORM, no I/O. ``docs/policy-format.md`` documents the JSON schema.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

FORMAT_VERSION = 1

Scheme = Literal["sectioned", "numeric", "alpha"]
BlockType = Literal["paragraph", "definition", "list"]


class PolicyParseError(ValueError):
    """The input cannot be read as a policy (empty, binary, too large, unreadable PDF...)."""


@dataclass(frozen=True, slots=True)
class ParseWarning:
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class PolicyNumber:
    """A policy number as written (``raw``) and as a comparison key (``normalized``).

    Sectioned numbers (``5:20``, ``5.020``, ``4-110``) normalize to ``<section>:<3 digits>``
    (``5:020``, ``4:110``); numeric (``3100``, ``7540.03``) and alpha codes (``JICL``, ``gbeb-r``)
    keep their digits and are upper-cased.
    """

    raw: str
    normalized: str
    scheme: Scheme

    @property
    def section_code(self) -> str | None:
        if self.scheme == "sectioned":
            return self.normalized.split(":", 1)[0]
        if self.scheme == "alpha":
            return self.normalized[0]
        return None

    def to_dict(self) -> dict[str, str]:
        return {"raw": self.raw, "normalized": self.normalized, "scheme": self.scheme}


@dataclass(frozen=True, slots=True)
class ManualSection:
    name: str
    code: str | None
    inferred: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code, "inferred": self.inferred}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a list of duties binds: ``text`` as written, ``role`` a coarse key or None."""

    text: str
    role: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "role": self.role}


@dataclass(slots=True)
class Paragraph:
    text: str
    type: BlockType = "paragraph"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "paragraph", "text": self.text}


@dataclass(slots=True)
class Definition:
    term: str
    text: str
    raw: str
    type: BlockType = "definition"

    def to_dict(self) -> dict[str, Any]:
        return {"type": "definition", "term": self.term, "text": self.text, "raw": self.raw}


@dataclass(slots=True)
class Item:
    """One numbered, lettered or bulleted item. ``path`` is e.g. ``"3"``, ``"3.1"``, ``"2.a.ii"``."""

    marker: str
    label: str
    path: str
    text: str
    sublist: ItemList | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "marker": self.marker,
            "label": self.label,
            "path": self.path,
            "text": self.text,
            "sublist": self.sublist.to_dict() if self.sublist else None,
        }


@dataclass(slots=True)
class ItemList:
    style: str
    items: list[Item] = field(default_factory=list)
    lead_in: str | None = None  # the sentence the list completes (a paragraph, heading or item)
    actor: Actor | None = None
    ordinal: int = 1  # 1 for the first list of a section, 2 for the second...
    type: BlockType = "list"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "list",
            "style": self.style,
            "lead_in": self.lead_in,
            "actor": self.actor.to_dict() if self.actor else None,
            "items": [item.to_dict() for item in self.items],
        }


Block = Paragraph | Definition | ItemList


@dataclass(slots=True)
class Section:
    heading: str | None
    slug: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "heading": self.heading,
            "slug": self.slug,
            "level": self.level,
            "blocks": [block.to_dict() for block in self.blocks],
        }


@dataclass(frozen=True, slots=True)
class CrossReference:
    number: PolicyNumber
    title: str | None
    kind: str  # "policy" | "procedure" | "exhibit"
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number.to_dict(),
            "title": self.title,
            "kind": self.kind,
            "raw": self.raw,
        }


@dataclass(frozen=True, slots=True)
class LegalReference:
    kind: str  # ilcs | admin_code | usc | cfr | public_law | state_statute | case | act | other
    citation: str
    name: str | None
    raw: str
    from_block: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "citation": self.citation,
            "name": self.name,
            "raw": self.raw,
            "from_block": self.from_block,
        }


@dataclass(frozen=True, slots=True)
class ReferenceBlock:
    label: str
    kind: str  # "legal" | "cross" | "procedure"
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "kind": self.kind, "text": self.text}


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    event: str  # adopted | revised | amended | reviewed | ...
    date: date | None
    text: str
    precision: str | None  # "day" | "month" | "year" | None when unparsed

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "precision": self.precision,
        }


@dataclass(frozen=True, slots=True)
class Duty:
    actor: Actor | None
    section: str
    path: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor.to_dict() if self.actor else None,
            "section": self.section,
            "path": self.path,
            "text": self.text,
        }


@dataclass(slots=True)
class ParsedPolicy:
    source_format: str  # "text" | "html" | "pdf"
    encoding: str | None
    filename: str | None
    number: PolicyNumber | None
    number_label: str | None  # the form found in the header, e.g. "Board Policy 5:125"
    title: str | None
    section: ManualSection | None
    sections: list[Section]
    cross_references: list[CrossReference]
    legal_references: list[LegalReference]
    reference_blocks: list[ReferenceBlock]
    history: list[HistoryEvent]
    history_lines: list[str]
    metadata: dict[str, str]
    header_lines: list[str]
    dropped_boilerplate: list[str]
    warnings: list[ParseWarning]
    canonical_text: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_text.encode("utf-8")).hexdigest()

    @property
    def definitions(self) -> list[Definition]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Definition)]

    def lists(self) -> list[tuple[Section, ItemList]]:
        return [(s, b) for s in self.sections for b in s.blocks if isinstance(b, ItemList)]

    def duties(self) -> list[Duty]:
        """Every list item with the actor of its list, nested items included."""
        out: list[Duty] = []

        def walk(section: Section, lst: ItemList) -> None:
            for item in lst.items:
                out.append(Duty(lst.actor, section.slug, item.path, item.text))
                if item.sublist:
                    walk(section, item.sublist)

        for section, lst in self.lists():
            walk(section, lst)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "source": {
                "format": self.source_format,
                "encoding": self.encoding,
                "filename": self.filename,
            },
            "number": self.number.to_dict() if self.number else None,
            "number_label": self.number_label,
            "title": self.title,
            "section": self.section.to_dict() if self.section else None,
            "metadata": dict(self.metadata),
            "sections": [s.to_dict() for s in self.sections],
            "definitions": [d.to_dict() for d in self.definitions],
            "duties": [d.to_dict() for d in self.duties()],
            "cross_references": [c.to_dict() for c in self.cross_references],
            "legal_references": [r.to_dict() for r in self.legal_references],
            "reference_blocks": [b.to_dict() for b in self.reference_blocks],
            "history": [h.to_dict() for h in self.history],
            "header_lines": list(self.header_lines),
            "dropped_boilerplate": list(self.dropped_boilerplate),
            "warnings": [w.to_dict() for w in self.warnings],
            "canonical_text": self.canonical_text,
            "sha256": self.sha256,
        }


def render_canonical(policy: ParsedPolicy) -> str:
    """The deterministic text that is hashed and signed.

    Header (number label, title, explicit manual section), then each section's heading and blocks,
    then reference blocks and history lines, separated by blank lines; items are indented two
    spaces per nesting level and keep their markers as written. Lines are NFC, single-spaced,
    stripped; the text ends with one newline.
    """
    chunks: list[str] = []
    head: list[str] = []
    if policy.number_label:
        head.append(policy.number_label)
    elif policy.number:
        head.append(f"Policy {policy.number.raw}")
    if policy.title:
        head.append(policy.title)
    if policy.section and not policy.section.inferred:
        head.append(f"Section: {policy.section.name}")
    if head:
        chunks.append("\n".join(head))
    for section in policy.sections:
        if section.heading:
            chunks.append(section.heading)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                chunks.append(block.text)
            elif isinstance(block, Definition):
                chunks.append(block.raw)
            else:
                lines: list[str] = []
                _render_list(block, 0, lines)
                chunks.append("\n".join(lines))
    chunks.extend(b.text for b in policy.reference_blocks)
    if policy.history_lines:
        chunks.append("\n".join(policy.history_lines))
    return "\n\n".join(c for c in chunks if c) + "\n"


def _render_list(lst: ItemList, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    for item in lst.items:
        text = item.text.replace("\n", "\n" + pad + "  ")
        out.append(f"{pad}{item.marker} {text}".rstrip())
        if item.sublist:
            _render_list(item.sublist, depth + 1, out)
