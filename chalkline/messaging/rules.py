"""What screening findings do to a message: the district's rule for each detector, applied to
the engine's findings. Plain data in, plain data out (no ORM).

- A finding the engine rates ``block`` takes the district's rule for its detector (block,
  confirm with a reason, or note).
- A ``warn`` finding is at most a confirmation; an ``info`` finding is a note.
- ``abuse_disclosure`` never blocks and never asks for a reason: it only prompts with the
  hotline, so nothing stands between an employee and the call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from chalkline.screening import Finding

ABUSE = "abuse_disclosure"
_RANK = {"block": 0, "confirm": 1, "note": 2}


@dataclass
class Outcome:
    blocks: list[Finding] = field(default_factory=list)
    confirms: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)
    hotlines: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.blocks)

    @property
    def needs_reason(self) -> bool:
        return bool(self.confirms)

    def action_of(self, finding: Finding) -> str:
        if finding in self.blocks:
            return "block"
        if finding in self.confirms:
            return "confirm"
        return "note"

    def detectors(self, which: str = "all") -> list[str]:
        groups = {
            "block": self.blocks,
            "confirm": self.confirms,
            "all": self.blocks + self.confirms + self.notes,
        }
        return sorted({f.detector for f in groups[which]})


def decide(findings: Iterable[Finding], rule_for: Callable[[str], str]) -> Outcome:
    outcome = Outcome()
    hotlines: set[str] = set()
    for f in findings:
        if f.detector == ABUSE:
            outcome.notes.append(f)
            if f.extra.get("hotline"):
                hotlines.add(str(f.extra["hotline"]))
            else:
                hotlines.add("")
            continue
        ceiling = {"block": "block", "warn": "confirm"}.get(f.severity, "note")
        rule = rule_for(f.detector)
        action = rule if _RANK.get(rule, 1) >= _RANK[ceiling] else ceiling
        {"block": outcome.blocks, "confirm": outcome.confirms}.get(action, outcome.notes).append(f)
    outcome.hotlines = sorted(hotlines)
    return outcome
