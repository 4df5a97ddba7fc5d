"""Source lines, list markers, and joining hard-wrapped lines into logical lines."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
ROMAN_RE = re.compile(r"^(?=[ivxlcdm])m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")

_MARKER_RE = re.compile(
    r"""^(?P<marker>
        \((?P<paren>\d{1,3}|[A-Za-z]{1,6})\)
      | (?P<dotted>\d{1,2}(?:\.\d{1,2})+)\.?
      | (?P<plain>\d{1,3}|[A-Za-z]{1,6})(?P<punct>[.)])
      | (?P<bullet>[•◦▪▫●○■□‣⁃∙·*➢➤►▸\uf0b7\uf0a7\uf0d8o-])
    )(?:\s+|(?<=[.)])(?=["“(A-Z]))(?P<body>\S.*)$""",
    re.VERBOSE,
)
_TERMINAL = (".", ":", ";", "!", "?", "”", '"')

# Labels that begin a new logical line even inside a wrapped block.
LABEL_START_RE = re.compile(
    r"^(?:adopted|revised|amended|reviewed|approved|reaffirmed|effective|last\s+revised|"
    r"legal\s+ref|cross\s+ref|admin\.?\s*proc|policy\s+\w+:|page\s+\d+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Marker:
    """A list marker; ``candidates`` lists (style, ordinal) readings, e.g. "i." is roman 1 or alpha 9."""

    raw: str
    label: str
    candidates: tuple[tuple[str, int], ...]


def _roman(label: str) -> int | None:
    low = label.lower()
    if not ROMAN_RE.match(low):
        return None
    total = 0
    prev = 0
    for ch in reversed(low):
        value = ROMAN_VALUES[ch]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


def parse_marker(text: str) -> tuple[Marker, str] | None:
    """Split ``"3. Direct ..."`` into a Marker and the body, or None when the line is not an item."""
    m = _MARKER_RE.match(text)
    if not m:
        return None
    raw, body = m.group("marker"), m.group("body")
    if m.group("bullet"):
        if raw == "o" and not body[:1].isupper():
            return None
        return Marker(raw, "", (("bullet", 0),)), body
    if m.group("dotted"):
        label = m.group("dotted")
        return Marker(raw, label, (("dotted", int(label.rsplit(".", 1)[1])),)), body
    label = m.group("paren") or m.group("plain") or ""
    fmt = "()" if m.group("paren") else m.group("punct")
    cands: list[tuple[str, int]] = []
    if label.isdigit():
        cands.append((f"decimal{fmt}", int(label)))
    else:
        case = "lower" if label.islower() else "upper" if label.isupper() else ""
        if not case:
            return None
        value = _roman(label)
        if value is not None:
            cands.append((f"{case}-roman{fmt}", value))
        if len(label) == 1:
            cands.append((f"{case}-alpha{fmt}", ord(label.lower()) - 96))
        if not cands:
            return None
        if len(label) == 1 and fmt == "." and case == "upper" and not body[:1].isupper():
            return None  # "A. lowercase" is more likely an initial than an outline item
    return Marker(raw, label, tuple(cands)), body


@dataclass(slots=True)
class SrcLine:
    """One physical line from the decoder. Blank lines separate blocks."""

    text: str
    indent: int = 0
    hint: str | None = None  # "heading" (HTML h1-h6 / all-bold) or "li" (HTML list item)
    level: int = 0
    page: int = 0

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(slots=True)
class LogicalLine:
    text: str
    indent: int = 0
    hint: str | None = None
    level: int = 0
    blank_before: bool = True
    blank_after: bool = True
    marker: Marker | None = None
    body: str = ""
    parts: list[str] = field(default_factory=list)


_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """NFC, drop invisible/control characters, collapse whitespace inside a line, strip."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    return _WS_RE.sub(" ", text).strip()


def text_to_lines(text: str) -> list[SrcLine]:
    out: list[SrcLine] = []
    page = 0
    for physical in re.split(r"\r\n|\r|\n", text):
        if "\x0c" in physical:
            page += physical.count("\x0c")
            physical = physical.replace("\x0c", "")
        expanded = physical.replace("\t", "    ")
        indent = len(expanded) - len(expanded.lstrip(" \u00a0"))
        out.append(SrcLine(clean_text(expanded), indent, page=page))
    return out


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_TERMINAL)


def to_logical(lines: list[SrcLine]) -> list[LogicalLine]:
    """Join hard-wrapped lines (PDF, 72-column text) into paragraphs; keep one-line paragraphs."""
    blocks: list[list[SrcLine]] = [[]]
    for line in lines:
        if line.blank:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    out: list[LogicalLine] = []
    for block in blocks:
        if not block:
            continue
        maxlen = max(len(x.text) for x in block)
        wrapped = maxlen <= 130 and not any(x.hint for x in block)
        current: LogicalLine | None = None
        first = len(out)
        for line in block:
            parsed = None if line.hint == "heading" else parse_marker(line.text)
            if current is not None and wrapped and _continues(current, line, parsed, maxlen):
                sep = "" if current.text.endswith("-") and line.text[:1].islower() else " "
                current.text += sep + line.text
                current.body = (current.body + sep + line.text) if current.marker else current.text
                current.parts.append(line.text)
                continue
            current = LogicalLine(
                text=line.text,
                indent=line.indent,
                hint=line.hint,
                level=line.level,
                blank_before=False,
                blank_after=False,
                marker=parsed[0] if parsed else None,
                body=parsed[1] if parsed else line.text,
                parts=[line.text],
            )
            out.append(current)
        out[first].blank_before = True
        out[-1].blank_after = True
    return out


def _continues(
    current: LogicalLine, line: SrcLine, parsed: tuple[Marker, str] | None, maxlen: int
) -> bool:
    if LABEL_START_RE.match(line.text):
        return False
    last = current.parts[-1]
    if parsed is not None:
        # "...under Section\n     22. of the Act": deeper than the item and mid-sentence
        return (
            current.marker is not None and line.indent > current.indent and not _ends_sentence(last)
        )
    if LABEL_START_RE.match(current.text) and not line.text[:1].islower():
        return False
    if not _ends_sentence(last) and line.text[:1].islower():
        return True
    if len(current.parts) == 1 and current.marker is None and is_titleish(last):
        return False  # a heading directly above its paragraph
    if _ends_sentence(last) and is_titleish(line.text) and len(line.text) < 0.6 * maxlen:
        return False  # a heading directly below a paragraph
    return len(last) >= 0.6 * maxlen


SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "via",
        "with",
        "without",
        "nor",
        "but",
        "vs",
    ]
)


def is_titleish(text: str) -> bool:
    """True for "Use of Personal Technology" / "DEFINITIONS"; False for sentence-like text."""
    words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", text)
    if not words:
        return False
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    if not content:
        return False
    caps = sum(1 for w in content if w[0].isupper())
    return caps / len(content) >= 0.75
