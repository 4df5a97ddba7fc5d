"""Policy numbers in their published forms, and manual sections."""

from __future__ import annotations

import re

from .model import ManualSection, PolicyNumber

# Illinois PRESS (IASB) sections
PRESS_SECTIONS = {
    "1": "School District Organization",
    "2": "Board of Education",
    "3": "General School Administration",
    "4": "Operational Services",
    "5": "General Personnel",
    "6": "Instruction",
    "7": "Students",
    "8": "Community Relations",
}
# NEPN/NSBA alpha classification (used by many states' policy services)
ALPHA_SECTIONS = {
    "A": "Foundations and Basic Commitments",
    "B": "Board Governance and Operations",
    "C": "General School Administration",
    "D": "Fiscal Management",
    "E": "Support Services",
    "F": "Facilities Development",
    "G": "Personnel",
    "H": "Negotiations",
    "I": "Instruction",
    "J": "Students",
    "K": "School-Community-Home Relations",
    "L": "Education Agency Relations",
}
_EXTRA_SECTION_NAMES = (
    "Personnel",
    "Certified Personnel",
    "Classified Personnel",
    "Support Staff",
    "Students",
    "Student Services",
    "Instruction",
    "Community Relations",
    "Business",
    "Business Services",
    "Business and Noncertificated Operations",
    "Administration",
    "Operations",
    "Board",
    "Board Operations",
    "Bylaws of the Board",
    "Board Bylaws",
    "Philosophy, Goals, Objectives",
    "Facilities",
    "Fiscal Management",
    "Support Services",
    "Programs",
    "Philosophy-Goals",
    "Human Resources",
    "Employees",
    "Technology",
    "Finance",
    "School Board",
    "Governance",
)
KNOWN_SECTION_NAMES = {
    n.casefold(): n
    for n in (*PRESS_SECTIONS.values(), *ALPHA_SECTIONS.values(), *_EXTRA_SECTION_NAMES)
}

_SUFFIX = r"(?:-(?:AP|E|R|P|EX|F|G|AR)\d{0,2}(?:,?\s*(?:Part|E)\s*\d{1,2})?)?"
SECTIONED = rf"\d{{1,2}}:\d{{1,3}}{_SUFFIX}"
LOOSE_SECTIONED = rf"\d{{1,2}}(?:-\d{{1,3}}\.\d{{1,2}}|[.\-]\d{{2,3}}){_SUFFIX}"
NUMERIC = rf"\d{{3,4}}(?:\.\d{{1,3}})?{_SUFFIX}"
ALPHA = r"[A-L][A-Z]{1,5}(?:-[A-Z]{1,2}\d?)?(?:\s?\((?:LOCAL|LEGAL|EXHIBIT|REGULATION)\))?"
ANY_NUMBER = rf"(?:{SECTIONED}|{LOOSE_SECTIONED}|{NUMERIC}|{ALPHA})"

_NOT_CODES = frozenset(
    [
        "ALL",
        "AND",
        "ANY",
        "ARE",
        "BOARD",
        "BOOK",
        "CODE",
        "DATE",
        "FILE",
        "FOR",
        "HAS",
        "ILCS",
        "LEGAL",
        "CROSS",
        "ACT",
        "AN",
        "AS",
        "AT",
        "BE",
        "BY",
        "DO",
        "GO",
        "IF",
        "IN",
        "IS",
        "IT",
        "NO",
        "OF",
        "ON",
        "OR",
        "TO",
        "BUT",
        "CAN",
        "DID",
        "GET",
        "HOW",
        "LET",
        "ONE",
        "DEFINITIONS",
        "ADOPTED",
        # document types and acronyms that head pages but are not policy codes
        "BP",
        "AR",
        "ADA",
        "CIPA",
        "COPPA",
        "FERPA",
        "FMLA",
        "HIPAA",
        "IDEA",
        "IEP",
    ]
)
_NUMBER_LABEL = (
    r"(?:(?:Board\s+|School\s+Board\s+)?(?:Policy|Policies|Bylaw|Regulation)"
    r"(?:\s+(?:Code|No\.?|Number|#|BP|AR))?|BP|AR|Policy\s+Code|Code|File(?:\s+Code)?|"
    r"Number|No\.|Administrative\s+Regulation|"
    r"Administrative\s+Procedure|Exhibit)"
)
LABELED_RE = re.compile(
    rf"^(?P<label>{_NUMBER_LABEL})\s*(?:[:#.]|\s[-–—])?\s*(?P<num>{ANY_NUMBER})(?!\w|:\d)\s*"
    r"(?:[-–—:|,]\s*)?(?P<rest>.*)$",
    re.IGNORECASE,
)
LEADING_RE = re.compile(
    rf"^(?P<num>{ANY_NUMBER})(?!\w|:\d)\s*(?:(?P<sep>[-–—:|,])\s*|\s+(?=[A-Z\"“]))?(?P<rest>.*)$"
)
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_ADDRESS_RE = re.compile(
    r"\b(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Boulevard|Blvd|Lane|Ln|Highway|Hwy|Suite)\.?$"
)
_HISTORY_WORD_RE = re.compile(r"^(?:adopted|revised|amended|reviewed|approved|effective)\b", re.I)
# "GBEB Code of Conduct": an alpha code then a title with no separator
ALPHA_TITLE_RE = re.compile(rf"^(?P<num>{ALPHA})\s+(?P<rest>[A-Z][^.;:]*)$")


def _titled(rest: str) -> bool:
    return bool(rest) and rest[:1].isupper() and not _HISTORY_WORD_RE.match(rest)


def find_alpha_title(text: str) -> tuple[PolicyNumber, str] | None:
    """ "GBEB Code of Conduct" (only trusted on a header's first line: see head.py)."""
    m = ALPHA_TITLE_RE.match(text.strip())
    if not m or len(m.group("rest").split()) > 12:
        return None
    num = normalize_number(m.group("num"))
    if num is None or num.scheme != "alpha" or len(num.normalized) < 3:
        return None
    return num, m.group("rest").strip()


def normalize_number(raw: str) -> PolicyNumber | None:
    """Classify and normalize one number token; None when it is not a policy number."""
    token = re.sub(r"\s+", " ", raw.strip().rstrip(".,;"))
    m = re.fullmatch(rf"(\d{{1,2}})-(\d{{1,3}})\.(\d{{1,2}})({_SUFFIX})", token, re.IGNORECASE)
    if m:  # Virginia Beach's "5-21.3"
        suffix = re.sub(r"\s+", " ", m.group(4).upper())
        normalized = f"{int(m.group(1))}:{int(m.group(2)):03d}.{int(m.group(3))}{suffix}"
        return PolicyNumber(token, normalized, "sectioned")
    m = re.fullmatch(rf"(\d{{1,2}})[:.\-](\d{{1,3}})({_SUFFIX})", token, re.IGNORECASE)
    if m and (":" in token or len(m.group(2)) >= 2):
        suffix = re.sub(r"\s+", " ", m.group(3).upper())
        return PolicyNumber(token, f"{int(m.group(1))}:{int(m.group(2)):03d}{suffix}", "sectioned")
    m = re.fullmatch(rf"(\d{{3,4}}(?:\.\d{{1,3}})?)({_SUFFIX})", token, re.IGNORECASE)
    if m:
        return PolicyNumber(token, m.group(1) + m.group(2).upper(), "numeric")
    m = re.fullmatch(ALPHA, token)
    if m and token.split("-")[0].split("(")[0].strip() not in _NOT_CODES:
        return PolicyNumber(token, token.replace(" (", "("), "alpha")
    return None


def find_number_in_line(text: str) -> tuple[PolicyNumber, str, str] | None:
    """Find a header number: returns (number, label-as-written, rest-of-line) or None.

    Accepts "Board Policy 5:125", "Policy No. 4.110", "File: JICL", "5:125 - Title",
    "JICL – Title", "3100 Title", and a bare number on its own line.
    """
    text = text.strip()
    m = LABELED_RE.match(text)
    if m:
        num = normalize_number(m.group("num"))
        if num:
            return num, text[: m.end("num")].strip(), m.group("rest").strip()
    m = LEADING_RE.match(text)
    if not m:
        return None
    num = normalize_number(m.group("num"))
    rest = m.group("rest").strip()
    if num is None:
        return None
    if num.scheme != "sectioned":
        if _YEAR_RE.match(num.raw) and not (m.group("sep") and _titled(rest)):
            return None  # a year, unless written as a number: "2026 - Social Media"
        if rest and not m.group("sep") and num.scheme == "alpha":
            return None
        if _ADDRESS_RE.search(rest):
            return None  # "100 South Main Street"
    if rest and not (rest[:1].isupper() or rest[:1] in '"“('):
        return None
    return num, num.raw, rest


def number_from_filename(filename: str | None) -> PolicyNumber | None:
    if not filename:
        return None
    stem = re.split(r"[\\/]", filename)[-1].rsplit(".", 1)[0]
    m = re.search(r"(?<!\d)(\d{1,2})[_:.\-](\d{2,3})(?!\d)", stem)
    if m:
        return normalize_number(f"{m.group(1)}:{m.group(2)}")
    m = re.search(r"(?<![A-Za-z])([A-L][A-Z]{1,5})(?![A-Za-z])", stem)
    if m:
        return normalize_number(m.group(1))
    return None


SECTION_LINE_RE = re.compile(
    r"^(?:(?:Section|Series|Chapter|Article|Book)\s*(?:[:\-–]\s*)?(?P<code>[0-9A-L]{1,5}|\d{1,4})?"
    r"\s*(?:[:\-–.]\s*)?)?(?P<name>[A-Z][A-Za-z ,&'’\-]{2,80})$",
)


def find_section_in_line(text: str) -> ManualSection | None:
    """ "General Personnel", "Section 5 - General Personnel", "Section: Students"."""
    cleaned = text.strip().rstrip(":")
    m = SECTION_LINE_RE.match(cleaned)
    if not m:
        return None
    name = m.group("name").strip()
    known = KNOWN_SECTION_NAMES.get(name.casefold())
    prefixed = cleaned.lower().startswith(("section", "series", "chapter"))
    if known:
        return ManualSection(known, m.group("code"), inferred=False)
    if prefixed and m.group("code"):
        return ManualSection(name, m.group("code"), inferred=False)
    return None


def infer_section(number: PolicyNumber | None) -> ManualSection | None:
    if number is None:
        return None
    code = number.section_code
    if number.scheme == "sectioned" and code in PRESS_SECTIONS:
        return ManualSection(PRESS_SECTIONS[code], code, inferred=True)
    if number.scheme == "alpha" and code in ALPHA_SECTIONS:
        return ManualSection(ALPHA_SECTIONS[code], code, inferred=True)
    return None
