"""student_record: grades, IEP/504, discipline, health and attendance details near a named student.

A record term counts when it lies within ``WINDOW`` characters of a student mention (name or id)
in the same paragraph, and the audience may not see that student.
"""

from __future__ import annotations

import re

from ..clauses import clause_for
from ..types import Finding
from .context import ScreenContext

WINDOW = 160

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
_PARA = re.compile(r"\n\s*\n")


def detect(ctx: ScreenContext) -> list[Finding]:
    if not ctx.message.sender.is_staff:
        return []
    if not ctx.triggered("student_record"):
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
    for rm in _RECORD.finditer(text):
        kind = _KINDS[int((rm.lastgroup or "g0")[1:])]
        word = rm.group()
        if word.lower() in ("add", "iss", "oss") and not word.isupper():
            continue  # only the acronyms, not the verb "add"
        near = [
            m
            for m in exposed
            if abs((m.start if m.start > rm.start() else m.end) - rm.start()) <= WINDOW
            and not _PARA.search(text, min(m.start, rm.start()), max(m.end, rm.end()))
        ]
        if not near:
            continue
        m = min(near, key=lambda x: abs(x.start - rm.start()))
        rec = ctx.index.student(m.student) if m.student else None
        out.append(
            Finding(
                detector="student_record",
                start=rm.start(),
                end=rm.end(),
                severity="block",
                clause=clause,
                message=f"This shares {kind} information about {text[m.start : m.end]} with people who "
                "have no right to it.",
                fix="Take the record detail out; discuss it only with the student's family or staff "
                "who work with the student, through the district system.",
                student=m.student,
                opt_out=bool(rec and rec.directory_opt_out),
            )
        )
    return out
