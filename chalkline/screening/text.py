"""Text preparation: safe HTML-to-text, case/diacritic folding with an offset map back to the text.

Folding is what the name and identifier matchers search: lower case, diacritics removed
(José -> jose), and every character that is not a letter or digit turned into a space, so
``O'Brien``, ``Garcia-Lopez`` and ``Maria's`` all become space-separated words. Folding keeps
one output character per input character, except combining marks (decomposed accents), which
are dropped; in that rare case an explicit offset map is kept.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from html.parser import HTMLParser

MAX_TEXT_CHARS = 1_000_000

_ASCII_FOLD = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32
    for c in range(256)
)


def _fold_char(ch: str) -> str:
    if unicodedata.combining(ch):
        return ""
    if not ch.isalnum():
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    low = base.lower()
    if len(low) == 1:
        return low
    low = ch.lower()
    return low if len(low) == 1 else ch


#: Lazily filled translation tables keep at most this many characters, so text made of every
#: code point (up to a million in one message) cannot grow them without bound.
TABLE_MAX = 70_000


class _FoldTable(dict[int, str]):
    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        if len(self) < TABLE_MAX:
            self[key] = value
        return value


_TABLE = _FoldTable()


class Folded:
    """Folded text plus the map from folded offsets back to original offsets."""

    __slots__ = ("_map", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._map: list[int] | None = None
        if original.isascii():
            self.text = original.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
            return
        folded = original.translate(_TABLE)
        if len(folded) != len(original):
            pieces: list[str] = []
            mapping: list[int] = []
            for i, ch in enumerate(original):
                f = _TABLE[ord(ch)]
                if f:
                    pieces.append(f)
                    mapping.append(i)
            mapping.append(len(original))
            folded = "".join(pieces)
            self._map = mapping
        self.text = folded

    def to_original(self, pos: int) -> int:
        return pos if self._map is None else self._map[pos]

    def to_folded(self, orig: int) -> int:
        """The folded offset of original offset ``orig`` (0 <= orig <= len(original)): the first
        folded character at or after it, or len(text) past the last one."""
        return orig if self._map is None else bisect_left(self._map, orig)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._map is None:
            return start, end
        # end is exclusive: map the last included character and step past it
        return self._map[start], self._map[end - 1] + 1


def fold(text: str) -> str:
    """Fold a short string (a name or id) the same way message text is folded."""
    if text.isascii() and text.isalpha():
        return text.lower()
    return " ".join(Folded(text).text.split())


def base_letter(ch: str) -> str | None:
    """The ASCII letter ``ch`` is written with, when ``ch`` is that letter plus diacritics
    (é -> e, Ñ -> N, ü -> u); None otherwise (ASCII, other scripts, ligatures, symbols)."""
    if ch.isascii():
        return None
    parts = unicodedata.normalize("NFD", ch)
    if (
        len(parts) > 1
        and parts[0].isascii()
        and parts[0].isalpha()
        and all(unicodedata.combining(c) for c in parts[1:])
    ):
        return parts[0]
    return None


class _DeaccentTable(dict[int, str]):
    def __missing__(self, key: int) -> str:
        ch = chr(key)
        value = base_letter(ch) or ch
        if len(self) < TABLE_MAX:
            self[key] = value
        return value


_DEACCENT = _DeaccentTable()


def deaccent(text: str) -> str:
    """``text`` with each accented Latin letter replaced by its ASCII base letter, keeping case
    and length (one character for one), so offsets into it are offsets into ``text``: the
    Spanish patterns are ASCII and match "educación" and "educacion" alike."""
    if text.isascii():
        return text
    return text.translate(_DEACCENT)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_DROP_TAGS = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "head"}
)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._drop_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_TAGS:
            self._drop_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._drop_depth:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_TAGS:
            self._drop_depth = max(0, self._drop_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._drop_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment. Scripts, styles and comments are dropped, entities
    decoded, block elements become line breaks, and ``<img alt>`` text is kept (alt text is
    published too). Findings on HTML messages carry offsets into this extracted text."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    # collapse runs of blank lines produced by nested blocks; keep single newlines
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
