"""Website and page furniture that is not policy wording.

Rules are deliberately narrow: a line is dropped only when the WHOLE line is furniture (a footer,
a breadcrumb trail, a "Print" link, a page number). Anything doubtful stays as body text.
"""

from __future__ import annotations

import re
from collections import Counter

from .lines import SrcLine

_NAV_WORDS = (
    r"print(?:\s+this\s+(?:page|policy))?|printer[- ]friendly(?:\s+version)?|back(?:\s+to\s+top)?|"
    r"return\s+to\s+top|top\s+of\s+page|skip\s+to\s+(?:main\s+)?content|skip\s+navigation|"
    r"skip\s+to\s+main|main\s+menu|menu|search|share|share\s+this(?:\s+page)?|email\s+this\s+page|"
    r"download(?:\s+pdf)?|translate|select\s+language|close|open|toggle\s+navigation|"
    r"contact\s+us|privacy\s+policy|terms\s+of\s+use|accessibility|site\s*map|login|log\s+in|"
    r"sign\s+in|home|facebook|twitter|x|instagram|youtube|linkedin|rss|previous|next|"
    r"previous\s+policy|next\s+policy|back\s+to\s+(?:policies|policy\s+index|index|list|board)|"
    r"return\s+to\s+(?:policies|policy\s+index|index|list|board\s+policies)|"
    r"view\s+(?:pdf|full\s+policy)|expand\s+all|collapse\s+all|«\s*back|‹\s*back"
)
_NAV_ONLY_RE = re.compile(
    rf"^(?:[\[(|•·»«‹›<>\-]\s*)*(?:{_NAV_WORDS})(?:\s*[\])|•·»«‹›<>/\-]\s*(?:{_NAV_WORDS})?)*"
    r"\s*[\])|•·»«‹›<>]?\s*$",
    re.IGNORECASE,
)
_RULES = [
    # "Website by SchoolMessenger Presence. © 2023 ..." / "Powered by Finalsite"
    re.compile(
        r"^(?:(?:school\s+)?web\s*site|site|web\s+design|site\s+design|web\s*site\s+design)"
        r"(?:\s+(?:powered|hosted|designed|created))?\s+by\s+\S.{0,150}$"
        r"|^(?:powered|hosted)\s+by\s+\S.{0,100}$",
        re.IGNORECASE,
    ),
    # "© 2023 Intrado", "Copyright © 2019 Acme", "(c) 2021 District"
    re.compile(r"^(?:copyright\s*)?©.{0,200}$", re.IGNORECASE),
    re.compile(r"^(?:copyright\s*)?\(c\)\s*(?:copyright\s*)?\d{4}\b.{0,200}$", re.IGNORECASE),
    re.compile(r"^copyright\s+(?:©\s*)?\d{4}\b.{0,200}$", re.IGNORECASE),
    re.compile(r"^.{0,200}\ball\s+rights\s+reserved\.?.{0,120}$", re.IGNORECASE),
    # Breadcrumbs: "Home > Board > Policies", "You are here: Home / Board"
    re.compile(r"^you\s+are\s+here\b.{0,200}$", re.IGNORECASE),
    re.compile(r"^home\s*(?:>|»|›|/|\||::|→)\s*\S.{0,200}$", re.IGNORECASE),
    # Page furniture
    re.compile(r"^(?:page\s+)?\d{1,3}\s+(?:of|/)\s+\d{1,3}$", re.IGNORECASE),
    re.compile(r"^page\s+\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE),
    re.compile(r"^-?\s*\d{1,3}\s*-?$"),
    re.compile(
        r"^\S{1,20}\s+page\s+\d{1,3}\s+of\s+\d{1,3}$|^page\s+\d{1,3}\s+of\s+\d{1,3}\s+\S{1,20}$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:page\s+)?(?:last\s+)?(?:modified|updated)\s*(?:on)?\s*:.{0,60}$", re.IGNORECASE
    ),
    re.compile(r"^page\s+last\s+(?:modified|updated|reviewed)\b.{0,60}$", re.IGNORECASE),
    # Policy-service disclaimers printed on every page of vendor PDFs
    re.compile(
        r"^please\s+review\s+this\s+material\s+with\s+your\s+(?:school\s+)?(?:board\s+)?attorney"
        r".{0,120}$",
        re.IGNORECASE,
    ),
    re.compile(r"^(?:this\s+(?:web)?site|we)\s+uses?\s+cookies\b.{0,300}$", re.IGNORECASE),
    re.compile(r"^(?:opens?\s+in\s+(?:a\s+)?new\s+(?:window|tab))$", re.IGNORECASE),
    re.compile(r"^(?:loading|javascript\s+(?:is\s+)?(?:required|disabled)).{0,80}$", re.IGNORECASE),
]


_INLINE_PAGE_RE = re.compile(
    r"\s(?:\|\s*)?page\s+\d{1,3}\s+of\s+\d{1,3}$|^page\s+\d{1,3}\s+of\s+\d{1,3}\s", re.I
)


def is_boilerplate(text: str) -> bool:
    """True when the whole line is site or page furniture."""
    stripped = text.strip()
    if not stripped:
        return False
    if len(stripped) <= 120 and _NAV_ONLY_RE.match(stripped):
        return True
    return any(rule.match(stripped) for rule in _RULES)


def drop_boilerplate(lines: list[SrcLine]) -> tuple[list[SrcLine], list[str]]:
    """Remove furniture lines and page headers/footers repeated on several PDF pages."""
    dropped: list[str] = []
    kept: list[SrcLine] = []
    repeated = _running_lines(lines)
    seen_running: set[str] = set()
    for line in lines:
        if line.blank:
            kept.append(line)
            continue
        if is_boilerplate(line.text):
            dropped.append(line.text)
            continue
        m = _INLINE_PAGE_RE.search(line.text)
        if m:
            dropped.append(m.group().strip())
            line = SrcLine(
                line.text[: m.start()] + line.text[m.end() :],
                line.indent,
                line.hint,
                line.level,
                line.page,
            )
            line.text = line.text.strip()
        key = line.text.casefold()
        if key in repeated:
            if key in seen_running:
                dropped.append(line.text)
                continue
            seen_running.add(key)
        kept.append(line)
    return _join_pages(kept), dropped


def _join_pages(lines: list[SrcLine]) -> list[SrcLine]:
    """Blank lines left where page furniture was removed are not paragraph breaks."""
    out: list[SrcLine] = []
    for i, line in enumerate(lines):
        if line.blank and out:
            prev = next((x for x in reversed(out) if not x.blank), None)
            nxt = next((x for x in lines[i + 1 :] if not x.blank), None)
            if prev is not None and nxt is not None and prev.page != nxt.page:
                continue
        out.append(line)
    return out


def _running_lines(lines: list[SrcLine]) -> set[str]:
    """Short lines found among the first/last three lines of at least two pages."""
    pages: dict[int, list[str]] = {}
    for line in lines:
        if not line.blank:
            pages.setdefault(line.page, []).append(line.text)
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for texts in pages.values():
        edge = {t.casefold() for t in texts[:3] + texts[-3:] if len(t) <= 90}
        counts.update(edge)
    return {text for text, n in counts.items() if n >= 2}
