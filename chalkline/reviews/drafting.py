"""Pure helpers for editing a draft by sections (no ORM)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Part:
    heading: str  # "" for the header part (number, title, section) before the first heading
    text: str


def split_sections(canonical_text: str, headings: list[str]) -> list[Part]:
    """Cut a canonical text (blocks separated by blank lines) into the header and one part per
    section, each starting at its heading; reference and history lines stay with the last
    part. Joining the parts with blank lines gives the text back."""
    wanted = [h for h in headings if h]
    parts: list[Part] = [Part("", "")]
    chunks: list[list[str]] = [[]]
    for block in canonical_text.strip("\n").split("\n\n"):
        if wanted and block.strip() == wanted[0]:
            parts.append(Part(wanted.pop(0), ""))
            chunks.append([])
        chunks[-1].append(block)
    return [Part(p.heading, "\n\n".join(c)) for p, c in zip(parts, chunks, strict=True) if c]


def join_sections(texts: list[str]) -> str:
    """The draft text from its edited parts (empty parts dropped)."""
    kept = [t.replace("\r\n", "\n").strip("\n") for t in texts]
    return "\n\n".join(t for t in kept if t.strip()) + "\n"
