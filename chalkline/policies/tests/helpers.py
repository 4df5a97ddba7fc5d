"""Shared assertions for the policy importer tests."""

from __future__ import annotations

import re
from pathlib import Path

from chalkline.policies.parsing import ParsedPolicy, is_boilerplate

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parents[1] / "seeds" / "policy-5-125.txt"


def words(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text.casefold())) + " "


def missing_sentences(source_text: str, policy: ParsedPolicy) -> list[str]:
    """Sentences of the source (boilerplate and header lines aside) not found in canonical_text."""
    canon = words(policy.canonical_text)
    header = {re.sub(r"\s+", " ", h).strip() for h in policy.header_lines}
    kept: list[str] = []
    for line in source_text.splitlines():
        clean = re.sub(r"\s+", " ", line).strip()
        if not clean or clean in header or is_boilerplate(clean):
            continue
        kept.append(clean)
    text = " ".join(kept)
    for dropped in policy.dropped_boilerplate:  # e.g. an inline "Page 1 of 2"
        text = text.replace(dropped, " ")
    sentences = re.split(r"(?<=[.;:!?])\s+", text)
    return [s for s in sentences if words(s).strip() and words(s) not in canon]
