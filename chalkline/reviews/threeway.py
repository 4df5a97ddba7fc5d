"""Model-policy updates compared three ways (pure; no ORM).

The texts are compared block by block (blocks are separated by blank lines, as in the canonical
text): what the model changed (old model -> new model), where the district had departed from the
old model (old model -> district), and the model changes that land on text the district had
changed (conflicts). ``apply_change`` takes one model change into a draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher


def blocks(text: str) -> list[str]:
    return [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]


@dataclass(frozen=True, slots=True)
class Hunk:
    tag: str  # replace | delete | insert
    a1: int
    a2: int
    b1: int
    b2: int


@dataclass(frozen=True, slots=True)
class ModelChange:
    index: int
    tag: str
    old: str  # the old model's blocks it changes
    new: str  # the new model's blocks
    conflict: bool  # the district had changed this text too
    district: str  # the district's text there, when it differs from the old model


@dataclass(frozen=True)
class ThreeWay:
    model_changes: list[ModelChange]
    district_departures: list[tuple[str, str]]  # (old model text, district text)

    @property
    def conflicts(self) -> list[ModelChange]:
        return [c for c in self.model_changes if c.conflict]


def _hunks(a: list[str], b: list[str]) -> list[Hunk]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [Hunk(t, a1, a2, b1, b2) for t, a1, a2, b1, b2 in matcher.get_opcodes() if t != "equal"]


def _overlaps(h: Hunk, d: Hunk) -> bool:
    if h.a1 == h.a2 or d.a1 == d.a2:  # an insertion touches its neighbours
        return d.a1 <= h.a2 and h.a1 <= d.a2
    return h.a1 < d.a2 and d.a1 < h.a2


def compare(old_model: str, new_model: str, district: str) -> ThreeWay:
    old, new, ours = blocks(old_model), blocks(new_model), blocks(district)
    model = _hunks(old, new)
    departures = _hunks(old, ours)
    changes = []
    for index, h in enumerate(model):
        touched = [d for d in departures if _overlaps(h, d)]
        changes.append(
            ModelChange(
                index=index,
                tag=h.tag,
                old="\n\n".join(old[h.a1 : h.a2]),
                new="\n\n".join(new[h.b1 : h.b2]),
                conflict=bool(touched),
                district="\n\n".join(
                    "\n\n".join(ours[d.b1 : d.b2]) for d in touched if d.b2 > d.b1
                ),
            )
        )
    return ThreeWay(
        model_changes=changes,
        district_departures=[
            ("\n\n".join(old[d.a1 : d.a2]), "\n\n".join(ours[d.b1 : d.b2])) for d in departures
        ],
    )


def _map(opcodes: Sequence[tuple[str, int, int, int, int]], i: int, *, end: bool) -> int:
    """Where position ``i`` of the old model falls in the draft: inside unchanged text when it
    can (a start maps to the block it begins, an end to the block it closes), so text the
    district added next to it stays."""
    for tag, a1, a2, b1, _b2 in opcodes:
        if tag == "equal" and ((a1 < i <= a2) if end else (a1 <= i < a2)):
            return b1 + (i - a1)
    for tag, a1, a2, b1, b2 in opcodes:
        if tag != "equal" and a1 <= i <= a2:  # the district changed the text here
            return b2 if end else b1
    for _tag, a1, a2, b1, b2 in opcodes:
        if i == a2:
            return b2
        if i == a1:
            return b1
    return opcodes[-1][4] if opcodes else 0


def apply_change(old_model: str, new_model: str, draft: str, index: int) -> str:
    """The draft with model change ``index`` taken in: the draft's blocks that stand where the
    old model's changed blocks stood are replaced by the new model's."""
    old, new, ours = blocks(old_model), blocks(new_model), blocks(draft)
    model = _hunks(old, new)
    if not 0 <= index < len(model):
        raise IndexError(index)
    h = model[index]
    opcodes = SequenceMatcher(None, old, ours, autojunk=False).get_opcodes()
    d1 = _map(opcodes, h.a1, end=False)
    d2 = _map(opcodes, h.a2, end=True) if h.a2 > h.a1 else d1
    result = ours[:d1] + new[h.b1 : h.b2] + ours[d2:]
    return "\n\n".join(result) + "\n"
