"""Cross-references to other policies and legal references (statutes, rules, cases, Acts)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .model import CrossReference, LegalReference, PolicyNumber
from .numbering import ANY_NUMBER, normalize_number

# -- cross-references -------------------------------------------------------------------------

_COLON_NUM_RE = re.compile(
    r"(?<![\w:§./])(\d{1,2}:\d{1,3}(?:-(?:AP|E|R|P|EX)\d{0,2}(?:,?\s*Part\s*\d{1,2})?)?)(?![\w:])"
    r"(?!\s*(?:a\.?m\.?|p\.?m\.?|o['’]clock|hours?|minutes?)\b)",
    re.IGNORECASE,
)
_LABELED_NUM_RE = re.compile(
    rf"\b(?:Board\s+)?(?:Polic(?:y|ies)|BP|AR|Bylaws?|Regulations?|Exhibits?)\s+"
    rf"(?:No\.\s*|Number\s+|#\s*|Code\s+)?(?P<num>{ANY_NUMBER})(?![\w:])",
)
_LIST_CONT_RE = re.compile(
    rf"\s*(?:,|;|and|or|&)\s*(?:and\s+|or\s+)?(?P<num>{ANY_NUMBER})(?![\w:])"
)
_CONNECTORS = frozenset(
    ["and", "of", "or", "the", "for", "in", "on", "to", "a", "an", "with", "by", "from", "&"]
)
_TITLE_WORD_RE = re.compile(r"[A-Za-z][\w'’\-/]*|&")


def _title_after(text: str, pos: int) -> str | None:
    """Title following a cited number: ", Ethics and Conduct", " (Ethics and Conduct)", ', "X"'."""
    rest = text[pos:]
    m = re.match(r"\s*\(([^()]{2,120})\)", rest)
    if m:
        return m.group(1).strip()
    m = re.match(r"\s*[,–—-]?\s*[\"“]([^\"”]{2,120})[\"”]", rest)
    if m:
        return m.group(1).strip(" ,")
    m = re.match(r"[ \t]*(?:,|[ \t][–—-])[ \t]*", rest)
    if not m:
        return None
    words: list[str] = []
    i = m.end()
    while True:
        wm = re.match(r"[ \t]*(" + _TITLE_WORD_RE.pattern + r")", rest[i:])
        if not wm:
            break
        word = wm.group(1)
        if not words and word.isupper() and normalize_number(word) is not None:
            break
        if not (word[0].isupper() or word.lower() in _CONNECTORS):
            break
        words.append(word)
        i += wm.end()
        if len(words) > 14:
            break
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    if not words or not words[0][0].isupper():
        return None
    return " ".join(words)


def _kind(number: PolicyNumber) -> str:
    suffix = number.normalized.rsplit("-", 1)[-1] if "-" in number.normalized else ""
    if suffix.startswith(("AP", "R", "P")) and number.scheme != "alpha":
        return "procedure"
    if suffix.startswith(("E", "EX")):
        return "exhibit"
    if number.scheme == "alpha" and suffix.startswith(("R", "E")):
        return "procedure" if suffix.startswith("R") else "exhibit"
    return "policy"


def find_cross_references(
    text: str, *, own: PolicyNumber | None, in_block: bool = False
) -> list[CrossReference]:
    found: list[tuple[int, CrossReference]] = []
    spans: list[tuple[int, int]] = []

    def add(start: int, end: int, raw: str) -> None:
        if any(s < end and start < e for s, e in spans):
            return
        number = normalize_number(raw)
        if number is None:
            return
        if own is not None and number.normalized == own.normalized:
            return
        spans.append((start, end))
        title = _title_after(text, end)
        found.append((start, CrossReference(number, title, _kind(number), text[start:end])))

    for m in _LABELED_NUM_RE.finditer(text):
        add(m.start("num"), m.end("num"), m.group("num"))
        pos = m.end()
        while True:
            # skip a title between list members: "Policies 5:20, Workplace Harassment; 5:120 ..."
            title = _title_after(text, pos)
            skip = pos
            if title:
                idx = text.find(title, pos)
                skip = (
                    idx
                    + len(title)
                    + (1 if text[idx + len(title) : idx + len(title) + 1] == ")" else 0)
                )
            cont = _LIST_CONT_RE.match(text, skip)
            if not cont:
                break
            add(cont.start("num"), cont.end("num"), cont.group("num"))
            pos = cont.end()
    for m in _COLON_NUM_RE.finditer(text):
        add(m.start(1), m.end(1), m.group(1))
    if in_block:
        for m in re.finditer(rf"(?<![\w:§./])({ANY_NUMBER})(?![\w:])", text):
            add(m.start(1), m.end(1), m.group(1))
    found.sort(key=lambda pair: pair[0])
    return [ref for _, ref in found]


def merge_cross_references(refs: Iterable[CrossReference]) -> list[CrossReference]:
    """One entry per normalized number, keeping the first title found."""
    out: dict[str, CrossReference] = {}
    for ref in refs:
        key = ref.number.normalized
        if key not in out:
            out[key] = ref
        elif out[key].title is None and ref.title:
            out[key] = CrossReference(out[key].number, ref.title, out[key].kind, out[key].raw)
    return list(out.values())


# -- legal references -------------------------------------------------------------------------

_CAP = r"(?:(?!Act\.|Code\.)[A-Z][a-z]{0,4}\.(?:[A-Z][a-z]{0,4}\.)*|[A-Z][\w'’\-]*)"
_CONN = r"(?:of|and|the|for|on|in|to|with|&)"
_SUB = r"(?P<sub>(?:\s?\([\w.]{1,6}\))*)"
_ETSEQ = r"(?P<etseq>,?\s+et\s+seq\.?)?"


def _fmt_sub(m: re.Match[str]) -> str:
    sub = re.sub(r"\s+", "", m.group("sub") or "")
    etseq = " et seq." if m.groupdict().get("etseq") else ""
    return sub + etseq


def _ilcs(m: re.Match[str]) -> str:
    return f"{m.group('ch')} ILCS {m.group('act')}/{m.group('sec') or ''}{_fmt_sub(m)}"


def _admin(m: re.Match[str]) -> str:
    part = "Part " if (m.group("mark") or "").lower().startswith("part") else "§"
    return f"{m.group('t')} Ill.Admin.Code {part}{m.group('sec')}{_fmt_sub(m)}"


def _usc(m: re.Match[str]) -> str:
    return f"{m.group('t')} U.S.C. §{m.group('sec')}{_fmt_sub(m)}"


def _cfr(m: re.Match[str]) -> str:
    part = "Part " if (m.group("mark") or "").lower().startswith("part") else "§"
    return f"{m.group('t')} C.F.R. {part}{m.group('sec')}{_fmt_sub(m)}"


def _plain(m: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", m.group(0)).strip().rstrip(".,;")


_CITATIONS: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        "ilcs",
        re.compile(
            rf"(?P<ch>\d{{1,3}})\s*ILCS\s*(?P<act>\d{{1,4}})\s*/\s*(?P<sec>[\w\-]+(?:\.[\w\-]+)*)?{_SUB}{_ETSEQ}"
        ),
        _ilcs,
    ),
    (
        "admin_code",
        re.compile(
            rf"(?P<t>\d{{1,3}})\s*Ill\.\s*Adm(?:in)?\.\s*Code\s*(?P<mark>§+|Sec\.|Section|Part)?\s*"
            rf"(?P<sec>\d+(?:\.\d+)*){_SUB}"
        ),
        _admin,
    ),
    (
        "usc",
        re.compile(
            rf"(?P<t>\d{{1,2}})\s*U\.\s?S\.\s?C\.?\s*(?:A\.\s*)?(?:§§?|Sec\.|Section)?\s*(?P<sec>\d+[a-z]?(?:-\d+[a-z]?)?){_SUB}{_ETSEQ}"
        ),
        _usc,
    ),
    (
        "cfr",
        re.compile(
            rf"(?P<t>\d{{1,2}})\s*C\.\s?F\.\s?R\.?\s*(?P<mark>§§?|Part|Sec\.|Section)?\s*(?P<sec>\d+(?:\.\d+)?){_SUB}"
        ),
        _cfr,
    ),
    (
        "public_law",
        re.compile(r"(?:P\.\s?L\.|Pub\.\s?L\.(?:\s?No\.)?|Public\s+Law)\s*\d{2,3}-\d{1,4}"),
        _plain,
    ),
    (
        "state_statute",
        re.compile(
            r"\b(?:RCW\s+\d+[A-Z]?\.\d+[A-Z]?(?:\.\d+)?|WAC\s+\d+-\d+-\d+|ORS\s+\d+[A-Z]?\.\d+|"
            r"OAR\s+\d+-\d+-\d+|C\.R\.S\.\s*(?:§\s*)?\d+-\d+-\d+(?:\.\d+)?|"
            r"N\.J\.(?:S\.A\.|A\.C\.)\s*\d+[A-Z]?:\d+[A-Z]?-\d+(?:\.\d+)?|"
            r"(?:Minn\.\s*Stat\.|Wis\.\s*Stat\.|Fla\.\s*Stat\.|Ind\.\s*Code|Mo\.\s*Rev\.\s*Stat\.|"
            r"Ga\.\s*Code(?:\s*Ann\.)?|Va\.\s*Code|Ky\.\s*Rev\.\s*Stat\.|KRS|NRS|RSMo|A\.R\.S\.|"
            r"N\.C\.G\.S\.|S\.C\.\s*Code|Iowa\s+Code|Ohio\s+Rev\.\s*Code|O\.R\.C\.|Tex\.\s*Educ\.\s*Code|"
            r"Cal\.\s*Educ\.\s*Code|Ed(?:uc)?\.\s*Code|Education\s+Code|N\.Y\.\s*Educ\.\s*Law)"
            r"\s*(?:Ann\.\s*)?(?:§§?|Sec\.|Section)?\s*\d+[\w.:\-]*\d|"
            r"\d+(?:-[A-Z])?\s+M\.R\.S\.(?:A\.)?\s*§*\s*\d+[\w.\-]*|"
            r"\d+\s+P\.S\.\s*§?\s*\d+(?:-\d+)?|G\.L\.\s*c\.\s*\d+[A-Z]?,?\s*§\s*\d+[A-Z]?)"
        ),
        _plain,
    ),
    (
        "case",
        re.compile(
            rf"{_CAP}(?:\s+(?:{_CAP}|{_CONN}|\d+))*?\s+v\.\s+{_CAP}(?:\s+(?:{_CAP}|{_CONN}|\d+|No\.))*?,?"
            r"\s+\d+\s+(?:U\.S\.|S\.\s?Ct\.|F\.\s?(?:2d|3d|4th|Supp\.(?:\s?[23]d)?)|N\.E\.\s?[23]d|"
            r"Ill\.\s?(?:App\.\s?)?[23]d|L\.\s?Ed\.(?:\s?2d)?|WL)\s+\d+(?:,\s*\d+)?\s*\([^)]{0,40}?\d{4}\)"
        ),
        _plain,
    ),
]
_NAMED_RE = re.compile(
    rf"(?:{_CAP}(?:\s+(?:{_CAP}|{_CONN}))*?\s+)?(?:Act\b|Code(?:\s+of(?:\s+(?:{_CAP}|{_CONN}))+)?(?![\w.]))"
)
_ILCS_CONT_RE = re.compile(
    rf"\s*(?:,\s*(?:and\s+)?|;\s*|and\s+|&\s*)(?P<act>\d{{1,4}})\s*/\s*(?P<sec>[\w\-]+(?:\.[\w\-]+)*){_SUB}"
)
_LEADING_STOP = frozenset(
    [
        "the",
        "this",
        "these",
        "those",
        "under",
        "pursuant",
        "per",
        "see",
        "as",
        "in",
        "with",
        "by",
        "also",
        "and",
        "or",
        "of",
        "to",
        "for",
        "see",
        "consistent",
        "accordance",
        "according",
        "compliance",
        "required",
        "requirements",
    ]
)


def _named(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _NAMED_RE.finditer(text):
        words = m.group(0).split()
        start = m.start()
        while words and words[0].lower().rstrip(".,") in _LEADING_STOP:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words.pop(0)
        while words and words[-1].lower() in _CONNECTORS:
            words.pop()
        if len(words) < 2 or not words[0][0].isupper():
            continue
        name = " ".join(words)
        end = start + len(text[start:].split(words[-1], 1)[0]) + len(words[-1])
        if any(s < end and start < e for s, e in taken):
            continue
        out.append((start, end, name))
    return out


def find_legal_references(text: str, *, from_block: bool = False) -> list[LegalReference]:
    hits: list[tuple[int, int, str, str]] = []  # start, end, kind, citation
    for kind, pattern, fmt in _CITATIONS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, _, _ in hits):
                continue
            hits.append((m.start(), m.end(), kind, fmt(m)))
            if kind == "ilcs":  # "105 ILCS 5/21B-75 and 5/21B-80"
                pos = m.end()
                while cont := _ILCS_CONT_RE.match(text, pos):
                    cite = f"{m.group('ch')} ILCS {cont.group('act')}/{cont.group('sec')}{_fmt_sub(cont)}"
                    hits.append((cont.start("act"), cont.end(), kind, cite))
                    pos = cont.end()
    named = _named(text, [(s, e) for s, e, _, _ in hits])
    refs: list[tuple[int, LegalReference]] = []
    used_names: set[int] = set()
    for start, end, kind, citation in hits:
        name = None
        for i, (_ns, ne, nm) in enumerate(named):
            if i not in used_names and 0 <= start - ne <= 3 and text[ne:start].strip() in {",", ""}:
                name = nm
                used_names.add(i)
                break
        raw = text[start:end].strip()
        refs.append((start, LegalReference(kind, citation, name, raw, from_block)))
    for i, (ns, ne, nm) in enumerate(named):
        if i in used_names:
            continue
        kind = "act" if nm.endswith("Act") else "code"
        refs.append((ns, LegalReference(kind, nm, None, text[ns:ne], from_block)))
    refs.sort(key=lambda pair: pair[0])
    return [ref for _, ref in refs]


def find_block_legal_references(text: str, label: str) -> list[LegalReference]:
    """Citations in a LEGAL REF. block; a line with no recognised citation is kept as "other"."""
    refs: list[LegalReference] = []
    for n, line in enumerate(text.split("\n")):
        body = (
            line[len(label) :].lstrip(" .:\t")
            if n == 0 and line.startswith(label)
            else line.strip()
        )
        if not body:
            continue
        found = find_legal_references(body, from_block=True)
        if not found:
            cleaned = body.rstrip(" .;,")
            refs.append(LegalReference("other", cleaned, None, body, True))
        refs.extend(found)
    return refs


def merge_legal_references(refs: Iterable[LegalReference]) -> list[LegalReference]:
    out: dict[tuple[str, str], LegalReference] = {}
    for ref in refs:
        key = (ref.kind, ref.citation.casefold())
        if key not in out:
            out[key] = ref
        elif out[key].name is None and ref.name:
            old = out[key]
            out[key] = LegalReference(old.kind, old.citation, ref.name, old.raw, old.from_block)
    return list(out.values())


# -- LEGAL REF. / CROSS REF. blocks -----------------------------------------------------------

BLOCK_LABEL_RE = re.compile(
    r"^(?P<label>LEGAL\s+REF(?:ERENCE)?S?\.?|CROSS\s+REF(?:ERENCE)?S?\.?|"
    r"ADMIN(?:ISTRATIVE)?\.?\s+PROC(?:EDURES?)?\.?|"
    r"(?P<soft>Legal\s+References?|Legal\s+Authority|Statutory\s+Authority|Legal\s+Basis|"
    r"References?|Cross\s+References?|Related\s+Polic(?:y|ies)|Related\s+Procedures?|See\s+Also|"
    r"Administrative\s+Procedures?|Administrative\s+Regulations?|State\s+Law|Federal\s+Law|"
    r"State\s+References?|Federal\s+References?|Management\s+Resources))"
    r"\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)


def block_label(text: str) -> tuple[str, str, str] | None:
    """("LEGAL REF.", kind, rest) when ``text`` opens a reference block."""
    m = BLOCK_LABEL_RE.match(text)
    if not m:
        return None
    if m.group("soft") and not m.group("colon") and m.group("rest"):
        return None
    label = m.group("label")
    low = label.lower()
    kind = (
        "cross"
        if ("cross" in low or "related polic" in low or "see also" in low)
        else ("procedure" if ("proc" in low or "regulation" in low) else "legal")
    )
    return label, kind, m.group("rest")


CITATION_HINT_RE = re.compile(
    r"ILCS|U\.\s?S\.\s?C|C\.\s?F\.\s?R|Admin|Code|\bAct\b|§|\bv\.|\d+:\d+|\bP\.L\.|Stat\.|RCW|WAC|ORS",
)
