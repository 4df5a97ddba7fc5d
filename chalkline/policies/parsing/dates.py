"""Adoption/revision history lines and the dates in them."""

from __future__ import annotations

import re
from datetime import date

from .model import HistoryEvent, ParseWarning

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_PATTERNS = [
    ("ymd", re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")),
    (
        "mdy",
        re.compile(r"(?<![\d/.-])(?P<m>\d{1,2})[/.\-](?P<d>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?!\d)"),
    ),
    (
        "text_mdy",
        re.compile(rf"{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I),
    ),
    (
        "text_dmy",
        re.compile(
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})", re.I
        ),
    ),
    ("text_my", re.compile(rf"{_MONTH},?\s+(?P<y>\d{{4}})", re.I)),
    ("year", re.compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d{2})(?![\d/.-])")),
]

_EVENT_WORDS = {
    "adopted": "adopted",
    "adoption date": "adopted",
    "date adopted": "adopted",
    "originally adopted": "adopted",
    "first adopted": "adopted",
    "approved": "adopted",
    "board approved": "adopted",
    "revised": "revised",
    "last revised": "revised",
    "revision date": "revised",
    "revisions": "revised",
    "date revised": "revised",
    "updated": "revised",
    "amended": "amended",
    "reviewed": "reviewed",
    "last reviewed": "reviewed",
    "review date": "reviewed",
    "reaffirmed": "reaffirmed",
    "effective": "effective",
    "effective date": "effective",
    "first reading": "first_reading",
    "second reading": "second_reading",
}
_EVENT_ALT = "|".join(
    sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _EVENT_WORDS), key=len, reverse=True)
)
_LABEL_RE = re.compile(
    rf"(?:^|(?<=[\s;,.|]))(?P<label>{_EVENT_ALT})\b(?:\s+(?:on|by\s+the\s+board(?:\s+of\s+education)?(?:\s+on)?))?"
    r"\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_LINE_START_RE = re.compile(rf"^(?:{_EVENT_ALT})\b", re.IGNORECASE)
_SEPARATORS_RE = re.compile(r"^[\s,;|/&.]*(?:and)?[\s,;|/&.]*$", re.IGNORECASE)


def _parse_one(m: re.Match[str], kind: str) -> tuple[date, str] | None:
    g = m.groupdict()
    year = int(g["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    mon = (g.get("mon") or "").lower()
    key = "sept" if mon.startswith("sept") else mon[:3]
    month = _MONTHS[key] if mon else int(g.get("m") or 1)
    day = int(g.get("d") or 1)
    if kind == "mdy" and month > 12 >= day:
        month, day = day, month  # 29/09/2014 can only be day-first
    precision = "day" if g.get("d") else "month" if (g.get("mon") or g.get("m")) else "year"
    if kind == "year":
        month, day = 1, 1
    try:
        return date(year, month, day), precision
    except ValueError:
        return None


def find_dates(text: str) -> tuple[list[tuple[date, str, str]], str]:
    """All dates in ``text`` as (date, precision, text-as-written) plus the unparsed leftover."""
    taken: list[tuple[int, int, date, str]] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, _, _ in taken):
                continue
            parsed = _parse_one(m, kind)
            if parsed:
                taken.append((m.start(), m.end(), parsed[0], parsed[1]))
    taken.sort()
    leftover = text
    for s, e, _, _ in reversed(taken):
        leftover = leftover[:s] + " " + leftover[e:]
    return [(d, p, text[s:e]) for s, e, d, p in taken], leftover


def is_history_line(text: str) -> bool:
    if not _LINE_START_RE.match(text) or len(text) > 200:
        return False
    labels = list(_LABEL_RE.finditer(text))
    if not labels:
        return False
    rest = text[labels[0].end() :]
    dates, leftover = find_dates(rest)
    if dates:
        return len(re.sub(r"[^A-Za-z]", "", leftover)) <= 40 + 10 * len(labels)
    return len(rest) <= 40 and not rest.rstrip().endswith(".") or not rest.strip()


def parse_history_line(text: str) -> tuple[list[HistoryEvent], list[ParseWarning]]:
    """ "Adopted: September 29, 2014" / "Revised: May 23, 2016; December 16, 2019" / both on one line."""
    events: list[HistoryEvent] = []
    warnings: list[ParseWarning] = []
    labels = list(_LABEL_RE.finditer(text))
    for i, lab in enumerate(labels):
        event = _EVENT_WORDS[re.sub(r"\s+", " ", lab.group("label").lower())]
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        segment = text[lab.end() : end].strip(" \t;,|")
        if not segment:
            continue
        dates, leftover = find_dates(segment)
        if len(dates) == 1 and len(leftover.split()) <= 2 and not re.search(r"\d", leftover):
            value, precision, _ = dates[0]  # "Spring 2023", "June 2019 (Board meeting)"
            events.append(HistoryEvent(event, value, segment, precision))
            continue
        for value, precision, written in dates:
            events.append(HistoryEvent(event, value, written, precision))
        if not _SEPARATORS_RE.match(leftover):
            unknown = leftover.strip(" ;,|")
            if not dates:
                unknown = segment
            events.append(HistoryEvent(event, None, unknown, None))
            warnings.append(
                ParseWarning(
                    "unknown_date", f"Could not read the {event} date {unknown!r}; kept as text."
                )
            )
    return events, warnings
