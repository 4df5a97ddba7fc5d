"""student_record: grades, IEP/504, discipline, health and attendance details near a named student.

A record term counts when it lies within ``WINDOW`` characters of a student mention (name or id)
in the same paragraph, and the audience may not see that student.
"""

from __future__ import annotations

import re

from .. import prefilter
from ..clauses import clause_for
from ..i18n import gettext_noop as _
from ..types import Finding
from . import spanish as es
from .context import ScreenContext

WINDOW = 160

_RECORD_MESSAGE = _(
    "This shares %(kind)s information about %(name)s with people who have no right to it."
)
_RECORD_FIX = _(
    "Take the record detail out; discuss it only with the student's family or staff who work "
    "with the student, through the district system."
)
# the kinds, as the message names them (translated with it)
_KIND_NAMES = (
    _("grades"),
    _("special education"),
    _("discipline"),
    _("health"),
    _("attendance"),
)
_TERMS: dict[str, str] = {
    "grades": r"(?:failing|failed|flunk\w*|F\s+in|D\s+in|grade\s+of\s+[A-F]|got\s+an?\s+[A-DF][+-]?(?=\W)|"
    r"(?:[0-9]{1,3}|[A-F][+-]?)\s+on\s+(?:the|his|her|their)\s+(?:test|quiz|exam|final|midterm)|"
    r"gpa|grade\s+point|report\s+card|test\s+scores?|map\s+scores?|reading\s+level|"
    r"(?:below|above|at\s+an?)\s+(?:\w+\s+)?grade\s+level|held\s+back|retained|academic\s+probation|ineligible)",
    "special education": r"(?:iep|i\.e\.p\.|504(?:\s+plan)?|special\s+ed(?:ucation)?|sped|"
    r"learning\s+disabilit\w+|dyslexi\w+|speech\s+therapy|resource\s+room|accommodations?|case\s+study\s+evaluation)",
    "discipline": r"(?:suspend\w*|suspension|expel\w*|expulsion|detention|iss|oss|office\s+referral|"
    r"referral|disciplin\w+|write[- ]up|behavior\s+(?:plan|contract|incident)|written\s+up|"
    r"sent\s+to\s+the\s+office|police\s+(?:were\s+)?called|arrested|vap(?:ing|e)|fight(?:ing)?\s+(?:in|at|during))",
    "health": r"(?:diagnos\w+|adhd|add|autis\w+|asperger\w*|anxiety|depress\w+|medication|meds|"
    r"allerg\w+|asthma|epipen|inhaler|seizures?|epilep\w+|diabet\w+|insulin|head\s+lice|lice|"
    r"counsel(?:ing|or\s+sessions?)|therapy|therapist|hospitali[sz]ed|pregnan\w+|concussion|"
    r"eating\s+disorder|surgery|out\s+sick|home\s+sick|self[- ]harm|suicid\w+|nurse'?s?\s+office|sent\s+home\s+sick|vomit\w*|covid|"
    r"stomach\s+bug|fever|flu|strep|immuni[sz]ation|vaccin\w+)",
    "attendance": r"(?:absent|absences|tard(?:y|ies)|truan\w+|chronic(?:ally)?\s+absent\w*|"
    r"unexcused|skipp(?:ed|ing)\s+(?:class|school)|missed\s+\d+\s+days|attendance\s+(?:issue|problem|letter))",
}
_RECORD = re.compile(
    "|".join(f"(?P<g{i}>\\b{rx}\\b)" for i, rx in enumerate(_TERMS.values())), re.IGNORECASE
)
_KINDS = list(_TERMS)
prefilter.register(_RECORD)
_ENGLISH, _SPANISH = [_RECORD], [es.RECORD]
_BOTH = prefilter.position_set([_RECORD, es.RECORD])  # see ScreenContext.possible_pair
_PARA = re.compile(r"\n\s*\n")


def _lower(rx: str) -> str:
    """The pattern for lower-cased ASCII text: literal capitals (not escapes like \\W) lowered."""
    return re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), rx)


def _inner(rx: str) -> str:
    if not (rx.startswith("(?:") and rx.endswith(")")):
        raise ValueError(f"record term patterns must be one (?:...) group: {rx[:20]}")
    return rx[3:-1]


# For ASCII text (the common case) the same search runs on text.lower() with one flat,
# case-sensitive alternation: the regex engine then rejects most alternatives on their first
# literal character. Alternatives keep their order, so the match at each position is the one
# _RECORD finds; its kind is the first kind whose pattern matches there.
_RECORD_ASCII = re.compile(
    r"\b(?:" + "|".join(_lower(_inner(rx)) for rx in _TERMS.values()) + r")\b"
)
_KIND_ASCII = [re.compile(rf"\b{_lower(rx)}\b") for rx in _TERMS.values()]


def record_terms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every record term, as ``_RECORD.finditer`` finds them."""
    if not text.isascii():
        return [
            (m.start(), m.end(), _KINDS[int((m.lastgroup or "g0")[1:])])
            for m in _RECORD.finditer(text)
        ]
    low = text.lower()
    out = []
    for m in _RECORD_ASCII.finditer(low):
        s = m.start()
        kind = next(k for k, rx in zip(_KINDS, _KIND_ASCII, strict=True) if rx.match(low, s))
        out.append((s, m.end(), kind))
    return out


def detect(ctx: ScreenContext) -> list[Finding]:
    if not ctx.staff_sender:
        return []
    if ctx.reported_none(_BOTH):  # the common case, one set test
        return []
    english, spanish = ctx.possible_pair(_ENGLISH, _SPANISH, _BOTH, "student_record")
    if not (english or spanish):
        return []
    mentions = [m for m in ctx.mentions() if m.kind != "first" or m.student]
    if not mentions:
        return []
    exposed = []
    for m in mentions:
        cands = (m.student,) if m.student else m.candidates
        if not all(ctx.audience_may_see(c) for c in cands):
            exposed.append(m)
    if not exposed:
        return []
    text = ctx.text
    clause = clause_for("student_record")
    out: list[Finding] = []
    terms = record_terms(text) if english else []
    if spanish:
        taken = terms
        terms = sorted(
            [
                *terms,
                *(
                    t
                    for t in es.record_terms(ctx.plain)
                    if not any(t[0] < e and s < t[1] for s, e, _k in taken)
                ),
            ]
        )
    for rs, re_, kind in terms:
        word = text[rs:re_]
        if word.lower() in ("add", "iss", "oss") and not word.isupper():
            continue  # only the acronyms, not the verb "add"
        near = [
            m
            for m in exposed
            if abs((m.start if m.start > rs else m.end) - rs) <= WINDOW
            and not _PARA.search(text, min(m.start, rs), max(m.end, re_))
        ]
        if not near:
            continue
        m = min(near, key=lambda x: abs(x.start - rs))
        rec = ctx.index.student(m.student) if m.student else None
        out.append(
            Finding(
                detector="student_record",
                start=rs,
                end=re_,
                severity="block",
                clause=clause,
                message=_RECORD_MESSAGE % {"kind": kind, "name": text[m.start : m.end]},
                fix=_RECORD_FIX,
                template=_RECORD_MESSAGE,
                args=(("kind", kind), ("name", text[m.start : m.end])),
                student=m.student,
                opt_out=bool(rec and rec.directory_opt_out),
            )
        )
    return out
