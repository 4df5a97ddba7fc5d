"""student_identifier: student ids, usernames, emails, and dates of birth in a student context."""

from __future__ import annotations

import re

from .. import prefilter
from ..clauses import clause_for
from ..i18n import gettext_noop as _
from ..types import Finding
from .context import ScreenContext

_PUNCT = ".,;:!?()[]{}<>\"'\u201c\u201d\u2018\u2019*"
_IDLIKE = re.compile(r"(?<![\w@.+-])[\w.+-]*[\d_@][\w.@+-]*")
# _IDLIKE matches exactly the maximal runs of [\w.@+-] that contain a digit, "_" or "@".
# idlike_spans() finds the same runs from the (rare) id characters outward, instead of running a
# regex at every position of the message: _ID_TAIL skips to an id character in C and runs to
# the end of its run; the run's start is found backwards only when letters precede it.
_ID_TAIL = re.compile(r"[\d_@][\w.@+-]*")
_RUN = re.compile(r"[\w.@+-]*")
_RUN_PUNCT = frozenset("_.@+-")
# id-like tokens: letters/digits with inner . _ - + and an optional @domain
_TOKEN = re.compile(
    r"(?<![\w@.+-])[A-Za-z0-9][\w.+-]*[A-Za-z0-9](?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_LABELLED_ID = re.compile(
    r"\b(?:student|pupil|learner|lunch|state)\s*(?:id|i\.d\.|number|no\.?|#)\s*(?:number|no\.?|#)?\s*[:#]?\s*"
    r"(?P<id>[A-Za-z]{0,3}\d[\d-]{3,14})\b",
    re.IGNORECASE,
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
_DOB = re.compile(
    r"\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthdate|born(?:\s+on)?)\s*(?:is|was|:|-)?\s*"
    r"(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)

# Matches exactly when some run of [\w.@+-] at least 4 long contains a digit, "_" or "@" (some
# 4-character window of the run then holds it): the prefilter's test for "an id could be here",
# since shorter runs are never looked up.
_W = r"[\w.@+-]"
_IDLIKE4 = re.compile(rf"[\d_@]{_W}{{3}}|{_W}[\d_@]{_W}{{2}}|{_W}{{2}}[\d_@]{_W}|{_W}{{3}}[\d_@]")
prefilter.register(_IDLIKE4, _LABELLED_ID, _DOB)
# their prefilter positions, asked on every message (see ScreenContext.may_match_at)
_IDLIKE4_AT, _LABELLED_ID_AT, _DOB_AT = map(prefilter.position, (_IDLIKE4, _LABELLED_ID, _DOB))
_ANY_AT = prefilter.position_set([_IDLIKE4, _LABELLED_ID, _DOB])


_ID_MESSAGE = _("This is %(what)s; not every recipient may see it.")
_ID_FIX = _("Remove it. Staff can look the student up in the SIS; families already know it.")


def idlike_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the matches of ``_IDLIKE`` in ``text``, in order (same result, less work)."""
    out: list[tuple[int, int]] = []
    n = len(text)
    rev = ""
    run = _RUN.match
    for m in _ID_TAIL.finditer(text):
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in _RUN_PUNCT):
            if not rev:
                rev = text[::-1]
            start = n - run(rev, n - start).end()  # type: ignore[union-attr]
        out.append((start, m.end()))
    return out


def detect(ctx: ScreenContext) -> list[Finding]:
    if not ctx.staff_sender:
        return []
    idx = ctx.index
    text = ctx.text
    if ("@" not in text or not idx.student_email_domains) and ctx.reported_none(_ANY_AT):
        return []  # none of the three patterns can match, and no student address is possible
    clause = clause_for("student_identifier")
    out: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def emit(s: int, e: int, sid: str | None, what: str, severity: str = "block") -> None:
        if any(s < te and ts < e for ts, te in taken):
            return
        rec = idx.student(sid) if sid else None
        taken.append((s, e))
        out.append(
            Finding(
                detector="student_identifier",
                start=s,
                end=e,
                severity="block" if rec and rec.directory_opt_out else severity,  # type: ignore[arg-type]
                clause=clause,
                message=_ID_MESSAGE % {"what": what},
                fix=_ID_FIX,
                template=_ID_MESSAGE,
                args=(("what", what),),
                student=sid,
                opt_out=bool(rec and rec.directory_opt_out),
            )
        )

    # Only tokens with a digit, "_" or "@" are looked up: ids, most usernames and all emails
    # (a letters-only username is indistinguishable from a word and is not matched).
    for ms, me in idlike_spans(text) if ctx.may_match_at(_IDLIKE4_AT) else ():
        tok = text[ms:me].rstrip(".-+")
        if len(tok) < 4:
            continue
        for sid in idx.lookup_id(tok.lower()):
            if not ctx.audience_may_see(sid):
                emit(ms, ms + len(tok), sid, _("a student's id, username or email"))
                break
    if idx.student_email_domains and "@" in text:
        for m in _EMAIL.finditer(text):
            dom = m.group(1).lower()
            if any(dom == d or dom.endswith("." + d) for d in idx.student_email_domains):
                sids = idx.lookup_id(m.group().lower())
                if not sids or not all(ctx.audience_may_see(s) for s in sids):
                    emit(
                        m.start(), m.end(), sids[0] if sids else None, _("a student email address")
                    )
    labelled = ctx.may_match_at(_LABELLED_ID_AT, "labelled_id")
    dob = ctx.may_match_at(_DOB_AT, "dob")
    if (labelled or dob) and not _audience_is_private(ctx):
        for m in _LABELLED_ID.finditer(text) if labelled else ():
            emit(m.start("id"), m.end("id"), None, _("a student identification number"))
        for m in _DOB.finditer(text) if dob else ():
            if _student_context(ctx, m.start()):
                emit(m.start("date"), m.end("date"), None, _("a student's date of birth"))
    return out


_STUDENT_WORDS = re.compile(
    r"\b(?:student|child|son|daughter|kid|pupil|his|her|their)\b", re.IGNORECASE
)


def _student_context(ctx: ScreenContext, pos: int) -> bool:
    if any(abs(m.start - pos) < 200 for m in ctx.mentions()):
        return True
    return bool(_STUDENT_WORDS.search(ctx.text, max(0, pos - 120), pos + 40))


def _audience_is_private(ctx: ScreenContext) -> bool:
    """A direct message only to guardians/students about their own child (no other students)."""
    aud = ctx.message.audience
    if aud.kind != "direct" or not aud.recipients:
        return False
    mentioned = [m.student for m in ctx.mentions() if m.student]
    if mentioned:
        return all(ctx.audience_may_see(s) for s in mentioned)
    idx = ctx.index
    return all(idx.is_student(r) or idx.is_guardian(r) or idx.is_staff(r) for r in aud.recipients)
