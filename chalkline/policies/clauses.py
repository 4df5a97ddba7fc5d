"""Stable clause ids for sections, paragraphs, definitions and numbered items.

An id is ``<number>/<section slug>/<local>``: ``5:125/use-of-personal-technology/6``,
``5:125/the-superintendent-or-designee-shall/3.1``, ``5:125/definitions/social-media``,
``5:125/purpose-of-this-policy/p1``; a section itself is ``5:125/definitions``. Text before the first
heading has no slug segment (``5:125/p1``).

Across versions :func:`carry_clause_ids` keeps the id of every clause that is unchanged or lightly
edited (word-level similarity ≥ :data:`SIMILARITY_THRESHOLD`), even when it was renumbered, moved or
its section renamed. New clauses get ids that never collide with current or retired ones (a ``~2``
suffix when the natural id is taken).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any

from .parsing.model import Definition, ItemList, Paragraph, ParsedPolicy
from .parsing.structure import slugify

SIMILARITY_THRESHOLD = 0.6
UNNUMBERED = "policy"


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    kind: str  # "section" | "paragraph" | "definition" | "item"
    text: str
    parent_id: str | None
    local: str  # last id segment: slug, "p2", term slug or item path ("3.1")
    position: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "parent_id": self.parent_id,
            "local": self.local,
            "position": self.position,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Clause:
        return cls(
            id=data["id"],
            kind=data["kind"],
            text=data["text"],
            parent_id=data.get("parent_id"),
            local=data["local"],
            position=int(data["position"]),
        )


def clauses_for(policy: ParsedPolicy) -> list[Clause]:
    """Every section, paragraph, definition and item of ``policy`` with its natural id."""
    number = policy.number.normalized if policy.number else UNNUMBERED
    out: list[Clause] = []

    def add(cid: str, kind: str, text: str, parent: str | None, local: str) -> None:
        out.append(Clause(cid, kind, text, parent, local, len(out)))

    def walk(lst: ItemList, section_id: str, parent_id: str | None) -> None:
        for item in lst.items:
            cid = f"{section_id}/{item.path}"
            add(cid, "item", item.text, parent_id, item.path)
            if item.sublist:
                walk(item.sublist, section_id, cid)

    for section in policy.sections:
        if section.slug:
            section_id = f"{number}/{section.slug}"
            add(section_id, "section", section.heading or "", None, section.slug)
            parent: str | None = section_id
        else:
            section_id, parent = number, None
        paragraphs = 0
        used: set[str] = set()
        for block in section.blocks:
            if isinstance(block, Paragraph):
                paragraphs += 1
                add(
                    f"{section_id}/p{paragraphs}", "paragraph", block.text, parent, f"p{paragraphs}"
                )
            elif isinstance(block, Definition):
                local = base = slugify(block.term)
                n = 2
                while local in used:
                    local, n = f"{base}-{n}", n + 1
                used.add(local)
                add(f"{section_id}/{local}", "definition", block.raw, parent, local)
            else:
                walk(block, section_id, parent)
    return out


_WORD_RE = re.compile(r"\w+|[^\w\s]")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.casefold())


def similarity(a: str, b: str) -> float:
    """Word-level difflib ratio between two clause texts (1.0 = same words)."""
    if a == b:
        return 1.0
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    sm = SequenceMatcher(None, wa, wb, autojunk=False)
    if sm.real_quick_ratio() < SIMILARITY_THRESHOLD or sm.quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    return sm.ratio()


def _descendant_text(clauses: list[Clause], root: str) -> str:
    children: dict[str | None, list[Clause]] = {}
    for c in clauses:
        children.setdefault(c.parent_id, []).append(c)

    def walk(cid: str) -> Iterator[str]:
        for child in children.get(cid, []):
            yield child.text
            yield from walk(child.id)

    return " ".join(walk(root))


def carry_clause_ids(
    old: list[Clause],
    new: list[Clause],
    *,
    reserved: Iterable[str] = (),
    threshold: float = SIMILARITY_THRESHOLD,
) -> list[Clause]:
    """Return ``new`` with ids carried over from ``old`` where a clause survives.

    ``reserved`` holds every id ever used by earlier versions (retired ids are never reissued).
    Matching is greedy on score = similarity + small bonuses for the same local path and for a
    parent that was itself matched; exact matches therefore win and ties prefer the same position.
    """
    taken = {c.id for c in old} | set(reserved)
    mapping: dict[int, Clause] = {}  # new index -> old clause
    used_old: set[str] = set()

    def greedy(pairs: list[tuple[float, int, int, Clause]]) -> None:
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        for _, _, ni, oc in pairs:
            if ni in mapping or oc.id in used_old:
                continue
            mapping[ni] = oc
            used_old.add(oc.id)

    # 1. sections, by heading or by content (a renamed heading keeps its id)
    pairs: list[tuple[float, int, int, Clause]] = []
    for ni, nc in enumerate(new):
        if nc.kind != "section":
            continue
        n_body = _descendant_text(new, nc.id)
        for oc in old:
            if oc.kind != "section":
                continue
            score = max(
                similarity(nc.text, oc.text), similarity(n_body, _descendant_text(old, oc.id))
            )
            if score >= threshold:
                pairs.append(
                    (
                        score + (0.05 if nc.local == oc.local else 0),
                        abs(nc.position - oc.position),
                        ni,
                        oc,
                    )
                )
    greedy(pairs)

    # 2. everything else, preferring the same parent and the same local path
    new_parent_match = {new[ni].id: oc.id for ni, oc in mapping.items()}
    pairs = []
    for ni, nc in enumerate(new):
        if nc.kind == "section":
            continue
        for oc in old:
            if oc.kind != nc.kind:
                continue
            score = similarity(nc.text, oc.text)
            if score < threshold:
                continue
            if nc.local == oc.local:
                score += 0.05
            if nc.parent_id is not None and new_parent_match.get(nc.parent_id) == oc.parent_id:
                score += 0.03
            pairs.append((score, abs(nc.position - oc.position), ni, oc))
    greedy(pairs)

    # 3. assign ids in document order so children can follow their parents' final ids
    final: dict[str, str] = {}
    out: list[Clause] = []
    assigned: set[str] = set()
    for ni, nc in enumerate(new):
        parent = final.get(nc.parent_id, nc.parent_id) if nc.parent_id else None
        if ni in mapping:
            cid = mapping[ni].id
        else:
            cid = _natural_id(nc, parent, new)
            base, n = cid, 2
            while cid in taken or cid in assigned:
                cid, n = f"{base}~{n}", n + 1
        final[nc.id] = cid
        assigned.add(cid)
        out.append(replace(nc, id=cid, parent_id=parent))
    return out


def _natural_id(clause: Clause, parent_final: str | None, new: list[Clause]) -> str:
    if clause.kind == "section" or parent_final is None:
        prefix = clause.id.rsplit("/", 1)[0] if "/" in clause.id else clause.id
        return f"{prefix}/{clause.local}"
    parent_kind = next((c.kind for c in new if c.id == clause.parent_id), "section")
    if clause.kind == "item" and parent_kind == "item":
        return f"{parent_final}.{clause.local.rsplit('.', 1)[-1]}"
    return f"{parent_final}/{clause.local}"
